#include "security/session_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "common/bytes.h"

namespace asd::security {

namespace {

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kSignedHeader = 9;  // version + expiry

std::string signature(std::string_view secret, std::string_view header, std::string_view user,
                      std::string_view stored_password) {
  std::string message(header);
  message += user;
  message += '\0';
  message += stored_password;
  return hmac_sha256(secret, message);
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &mac_size);
  return std::string(reinterpret_cast<const char*>(mac), mac_size);
}

std::string make_session_secret() {
  std::string secret(kSessionSecretSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), int(secret.size())) != 1) return {};
  return secret;
}

std::string issue_token(std::string_view secret, std::string_view user, std::string_view stored_password,
                        uint64_t expiry_ms) {
  std::string token(kSignedHeader, '\0');
  token[0] = char(kTokenVersion);
  common::store_be64(reinterpret_cast<uint8_t*>(token.data()) + 1, expiry_ms);
  token += signature(secret, token, user, stored_password);
  return token;
}

common::ResultCode check_token(std::string_view secret, std::string_view token, std::string_view user,
                               std::string_view stored_password, uint64_t now_ms) {
  if (token.size() != kSessionTokenSize || uint8_t(token[0]) != kTokenVersion || secret.empty()) {
    return common::ResultCode::InvalidCredential;
  }
  std::string expected = signature(secret, token.substr(0, kSignedHeader), user, stored_password);
  if (CRYPTO_memcmp(expected.data(), token.data() + kSignedHeader, expected.size()) != 0) {
    return common::ResultCode::InvalidCredential;
  }
  uint64_t expiry_ms = common::load_be64(reinterpret_cast<const uint8_t*>(token.data()) + 1);
  return now_ms >= expiry_ms ? common::ResultCode::ExpiredSession : common::ResultCode::Ok;
}

}  // namespace asd::security
