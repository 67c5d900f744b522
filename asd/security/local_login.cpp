#include "security/local_login.h"

#include <openssl/crypto.h>

#include "common/atomic_file.h"
#include "common/bytes.h"
#include "security/password.h"
#include "security/session_token.h"

namespace asd::security {

namespace {

constexpr std::string_view kLabel = "xdr-local-login";

}  // namespace

std::string xdr_local_password(std::string_view secret) { return common::to_hex(hmac_sha256(secret, kLabel)); }

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
