#include "security/password.h"

#include <crypt.h>

#include <memory>

#include <openssl/crypto.h>

namespace asd::security {

namespace {

// The server's own hashes, at the cost the clients use.
constexpr unsigned long kCost = 10;

common::Result<std::string> bcrypt(std::string_view phrase, const char* setting) {
  // crypt_r's state is large (~32 KiB): on the heap, one per call, so it is thread-safe.
  auto data = std::make_unique<crypt_data>();
  std::string text(phrase);
  const char* hashed = crypt_r(text.c_str(), setting, data.get());
  // libxcrypt returns a string starting with '*' on failure rather than nullptr.
  if (hashed == nullptr || hashed[0] == '*') return common::Result<std::string>(common::ResultCode::ServerError, "bcrypt failed");
  return std::string(hashed);
}

}  // namespace

common::Result<std::string> client_credential(std::string_view password) {
  return bcrypt(password, std::string(kClientSalt).c_str());
}

common::Result<std::string> store_credential(std::string_view credential) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // A null random source makes libxcrypt read the system's.
  if (crypt_gensalt_rn("$2b$", kCost, nullptr, 0, setting, sizeof setting) == nullptr) {
    return common::Result<std::string>(common::ResultCode::ServerError, "no bcrypt salt");
  }
  return bcrypt(credential, setting);
}

common::Result<std::string> store_credential(std::string_view credential, std::string_view setting) {
  return bcrypt(credential, std::string(setting).c_str());
}

bool verify_credential(std::string_view credential, const std::string& stored) {
  if (stored.empty()) return false;
  common::Result<std::string> again = bcrypt(credential, stored.c_str());
  if (!again || again->size() != stored.size()) return false;
  return CRYPTO_memcmp(again->data(), stored.data(), stored.size()) == 0;
}

}  // namespace asd::security
