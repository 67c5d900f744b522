#include "security/local_login.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/atomic_file.h"
#include "security/password.h"

namespace asd::security {

namespace {

constexpr std::string_view kLabel = "xdr-local-login";

}  // namespace

std::string xdr_local_password(std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret.data(), int(secret.size()), reinterpret_cast<const unsigned char*>(kLabel.data()),
       kLabel.size(), mac, &mac_size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < mac_size; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  return out;
}

common::Status LocalLogin::publish(std::string_view secret) {
  if (path_.empty() || secret.empty()) return {};
  std::string password = xdr_local_password(secret);
  std::lock_guard lock(mu_);
  if (password == published_) return {};
  if (common::Status st = common::replace_file(path_, password + "\n"); !st.ok()) return st;
  published_ = std::move(password);
  return {};
}

bool LocalLogin::verify(std::string_view secret, std::string_view credential) {
  if (secret.empty()) return false;
  std::string expected;
  {
    std::lock_guard lock(mu_);
    if (verified_secret_ == secret) expected = expected_;
  }
  if (expected.empty()) {
    common::Result<std::string> made = client_credential(xdr_local_password(secret));
    if (!made) return false;
    expected = *made;
    std::lock_guard lock(mu_);
    verified_secret_ = std::string(secret);
    expected_ = expected;
  }
  return credential.size() == expected.size() &&
         CRYPTO_memcmp(credential.data(), expected.data(), expected.size()) == 0;
}

}  // namespace asd::security
