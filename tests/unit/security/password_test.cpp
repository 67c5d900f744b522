// Passwords: the clients' fixed-salt credential, and the server's own salted hash of it.

#include <catch2/catch.hpp>

#include "security/password.h"

using namespace asd::security;

TEST_CASE("the client credential is bcrypt under the clients' fixed salt", "[security]") {
  // as_password_get_constant_hash("admin"), the value every Aerospike client sends.
  auto credential = client_credential("admin");
  REQUIRE(credential.ok());
  CHECK(*credential == "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa");
}

TEST_CASE("stored hashes verify, salted differently each time", "[security]") {
  auto credential = client_credential("secret");
  REQUIRE(credential.ok());
  auto first = store_credential(*credential);
  auto second = store_credential(*credential);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->starts_with("$2b$10$"));
  CHECK(*first != *second);
  CHECK(verify_credential(*credential, *first));
  CHECK(verify_credential(*credential, *second));
  auto other = client_credential("Secret");
  REQUIRE(other.ok());
  CHECK_FALSE(verify_credential(*other, *first));
  CHECK_FALSE(verify_credential("", *first));
  CHECK_FALSE(verify_credential(*credential, ""));
  CHECK_FALSE(verify_credential(*credential, "not a hash"));
}

TEST_CASE("a given salt hashes alike everywhere", "[security]") {
  auto credential = client_credential("admin");
  REQUIRE(credential.ok());
  constexpr std::string_view kSetting = "$2b$10$abcdefghijklmnopqrstuv";
  auto a = store_credential(*credential, kSetting);
  auto b = store_credential(*credential, kSetting);
  REQUIRE(a.ok());
  CHECK(*a == *b);
  CHECK(verify_credential(*credential, *a));
}
