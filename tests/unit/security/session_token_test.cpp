// Session tokens: signed by the cluster's secret, bound to user and stored password,
// valid until their expiry.

#include <catch2/catch.hpp>

#include "security/session_token.h"

using namespace asd::security;
using common::ResultCode;

TEST_CASE("a token checks against the same secret, user and password", "[security]") {
  std::string secret = make_session_secret();
  REQUIRE(secret.size() == kSessionSecretSize);
  CHECK(make_session_secret() != secret);
  std::string token = issue_token(secret, "bob", "hash1", 10'000);
  CHECK(token.size() == kSessionTokenSize);
  CHECK(check_token(secret, token, "bob", "hash1", 9'999) == ResultCode::Ok);
}

TEST_CASE("expiry, other secrets, users, passwords and damage are refused", "[security]") {
  std::string secret = make_session_secret();
  std::string token = issue_token(secret, "bob", "hash1", 10'000);
  CHECK(check_token(secret, token, "bob", "hash1", 10'000) == ResultCode::ExpiredSession);
  CHECK(check_token(secret, token, "bob", "hash1", 99'999) == ResultCode::ExpiredSession);
  CHECK(check_token(make_session_secret(), token, "bob", "hash1", 0) == ResultCode::InvalidCredential);
  CHECK(check_token(secret, token, "alice", "hash1", 0) == ResultCode::InvalidCredential);
  CHECK(check_token(secret, token, "bob", "hash2", 0) == ResultCode::InvalidCredential);
  CHECK(check_token("", token, "bob", "hash1", 0) == ResultCode::InvalidCredential);
  CHECK(check_token(secret, token.substr(1), "bob", "hash1", 0) == ResultCode::InvalidCredential);
  CHECK(check_token(secret, token + "x", "bob", "hash1", 0) == ResultCode::InvalidCredential);
  CHECK(check_token(secret, "", "bob", "hash1", 0) == ResultCode::InvalidCredential);
  for (size_t i = 0; i < token.size(); ++i) {
    std::string damaged = token;
    damaged[i] = char(damaged[i] ^ 0x01);
    INFO("byte " << i);
    CHECK(check_token(secret, damaged, "bob", "hash1", 0) == ResultCode::InvalidCredential);
  }
}
