#include "common/key_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/base64.h"

namespace common {

namespace {

constexpr size_t kMaxPasswordFile = 10 << 20;  // the server's CONFIGURED_FILE_MAX_SIZE

std::string strip_line_ends(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<std::string> checked(std::string password, std::string_view where) {
  if (password.empty()) return {ResultCode::Parameter, "key-file-password " + std::string(where) + " is empty"};
  if (password.find('\0') != std::string::npos) {
    return {ResultCode::Parameter, "key-file-password " + std::string(where) + " holds a NUL byte"};
  }
  return password;
}

// What OpenSSL's password callback needs, and whether OpenSSL asked at all (the key is
// encrypted).
struct PasswordAsk {
  const std::string* password;
  bool asked = false;
};

int give_password(char* buf, int size, int /*rwflag*/, void* userdata) {
  auto* ask = static_cast<PasswordAsk*>(userdata);
  ask->asked = true;
  if (ask->password->empty() || ask->password->size() > size_t(size)) return 0;
  std::memcpy(buf, ask->password->data(), ask->password->size());
  return int(ask->password->size());
}

std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  char text[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

}  // namespace

Result<std::string> fetch_key_password(std::string_view where) {
  if (where.rfind("env:", 0) == 0) {
    std::string name(where.substr(4));
    const char* value = std::getenv(name.c_str());
    return checked(value ? value : "", where);
  }
  if (where.rfind("env-b64:", 0) == 0) {
    std::string name(where.substr(8));
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return checked("", where);
    std::optional<std::string> decoded = base64_decode(value);
    if (!decoded) return {ResultCode::Parameter, "key-file-password " + std::string(where) + " is not base64"};
    return checked(std::move(*decoded), where);
  }
  if (where.rfind("secrets:", 0) == 0 || where.rfind("vault:", 0) == 0) {
    return {ResultCode::Parameter, "key-file-password " + std::string(where) +
                                       ": secrets: and vault: sources are not supported; use env:, env-b64: or a file"};
  }
  std::ifstream in{std::string(where), std::ios::binary | std::ios::ate};
  if (!in) {
    return {ResultCode::Parameter,
            "key-file-password file " + std::string(where) + " cannot be read: " + std::strerror(errno)};
  }
  const std::streamoff size = in.tellg();
  if (size < 0 || size_t(size) > kMaxPasswordFile) {
    return {ResultCode::Parameter, "key-file-password file " + std::string(where) + " is over 10 MiB"};
  }
  std::string text(size_t(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  text.resize(size_t(in.gcount()));
  return checked(strip_line_ends(std::move(text)), where);
}

std::string key_password_file(std::string_view where) {
  if (where.rfind("env:", 0) == 0 || where.rfind("env-b64:", 0) == 0) return {};
  return std::string(where);
}

void PrivateKeyFree::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

Result<PrivateKey> read_private_key(const std::string& path, const std::string& password) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return {ResultCode::Parameter, path + ": " + std::strerror(errno)};
  ERR_clear_error();
  PasswordAsk ask{&password};
  PrivateKey key(PEM_read_PrivateKey(file, nullptr, give_password, &ask));
  std::fclose(file);
  if (key) return key;
  std::string reason = openssl_reason();
  if (ask.asked && password.empty()) {
    return {ResultCode::Parameter, path + " is encrypted: give its password (key-file-password)"};
  }
  if (ask.asked) return {ResultCode::Parameter, path + ": the password does not decrypt it (" + reason + ")"};
  return {ResultCode::Parameter, path + ": " + reason};
}

}  // namespace common
