#include "cluster/tls_spec.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "common/key_file.h"

namespace asd::cluster {

namespace {

// The reason OpenSSL queued for the call that just failed.
std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : text;
}

// `TLSv1.2`, `TLSv1.3`, `all`, separated by commas or spaces: the versions to accept.
void set_protocols(SSL_CTX* ctx, const conf::TlsSpec& spec) {
  bool v12 = false, v13 = false;
  std::string word;
  auto take = [&] {
    if (word.empty()) return;
    if (word == "TLSv1.2") v12 = true;
    else if (word == "TLSv1.3") v13 = true;
    else if (word == "all") v12 = v13 = true;
    else throw std::runtime_error("tls " + spec.name + ": protocols: unknown protocol '" + word +
                                  "' (TLSv1.2, TLSv1.3 or all)");
    word.clear();
  };
  for (char c : spec.protocols) {
    if (c == ',' || c == ' ' || c == '\t') take();
    else word.push_back(c);
  }
  take();
  if (!v12 && !v13) throw std::runtime_error("tls " + spec.name + ": protocols names no TLS version");
  uint64_t options = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_ALL;
  if (!v12) options |= SSL_OP_NO_TLSv1_2;
  if (!v13) options |= SSL_OP_NO_TLSv1_3;
  SSL_CTX_set_options(ctx, options);
}

}  // namespace

void load_tls_spec(SSL_CTX* ctx, const conf::TlsSpec& spec) {
  ERR_clear_error();
  set_protocols(ctx, spec);
  if (!spec.cipher_suite.empty() && SSL_CTX_set_cipher_list(ctx, spec.cipher_suite.c_str()) != 1) {
    throw std::runtime_error("tls " + spec.name + ": cipher-suite '" + spec.cipher_suite + "' selects no cipher");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, spec.cert_file.c_str()) != 1) {
    throw std::runtime_error("tls " + spec.name + ": cert-file " + spec.cert_file + ": " + openssl_reason());
  }
  std::string password;
  if (!spec.key_file_password.empty()) {
    common::Result<std::string> fetched = common::fetch_key_password(spec.key_file_password);
    if (!fetched) throw std::runtime_error("tls " + spec.name + ": " + fetched.error().message);
    password = std::move(*fetched);
  }
  common::Result<common::PrivateKey> key = common::read_private_key(spec.key_file, password);
  if (!key) throw std::runtime_error("tls " + spec.name + ": key-file " + key.error().message);
  if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1) {
    throw std::runtime_error("tls " + spec.name + ": key-file " + spec.key_file + ": " + openssl_reason());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    throw std::runtime_error("tls " + spec.name + ": key-file " + spec.key_file + " does not match cert-file " +
                             spec.cert_file);
  }
  if (!spec.ca_file.empty() && SSL_CTX_load_verify_locations(ctx, spec.ca_file.c_str(), nullptr) != 1) {
    throw std::runtime_error("tls " + spec.name + ": ca-file " + spec.ca_file + ": " + openssl_reason());
  }
  if (!spec.ca_path.empty() && SSL_CTX_load_verify_locations(ctx, nullptr, spec.ca_path.c_str()) != 1) {
    throw std::runtime_error("tls " + spec.name + ": ca-path " + spec.ca_path + ": " + openssl_reason());
  }
}

bool certificate_carries_name(X509* cert, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (X509_check_host(cert, name.data(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1) {
      return true;
    }
  }
  return false;
}

std::string certificate_subject(X509* cert) {
  if (!cert) return "?";
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

}  // namespace asd::cluster
