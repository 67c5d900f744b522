#pragma once
// Session tokens: what LOGIN hands out and AUTHENTICATE takes back. Any node accepts a
// token any other node issued, because every node signs with the same secret, kept in
// the cluster's system metadata. A token is bound to the user and to the user's current
// stored password, so a password change (or a dropped and re-created user) ends every
// session of the old one.
//
//   offset  size  field
//   0       1     version (1)
//   1       8     expiry: ms since the Unix epoch, big-endian
//   9       32    HMAC-SHA256(secret, version | expiry | user | 0 | stored password)

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result_code.h"

namespace asd::security {

inline constexpr size_t kSessionSecretSize = 32;
inline constexpr size_t kSessionTokenSize = 41;

// HMAC-SHA256 of `message` under `key`: what tokens are signed with (and what the local
// xdr login's password is derived with, local_login.h).
std::string hmac_sha256(std::string_view key, std::string_view message);

// 32 random bytes from OpenSSL; empty when it has no randomness.
std::string make_session_secret();

std::string issue_token(std::string_view secret, std::string_view user, std::string_view stored_password,
                        uint64_t expiry_ms);

// Ok; InvalidCredential when the token is malformed or its signature does not match
// (another secret, another user, a changed password); ExpiredSession when now_ms is
// past its expiry.
common::ResultCode check_token(std::string_view secret, std::string_view token, std::string_view user,
                               std::string_view stored_password, uint64_t now_ms);

}  // namespace asd::security
