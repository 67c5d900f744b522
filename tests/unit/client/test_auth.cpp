// The client's password hash: what every Aerospike client sends for a password, so a
// user created by one client logs in from any other.

#include <catch2/catch.hpp>

#include "client/auth.h"

TEST_CASE("passwords hash as every Aerospike client hashes them", "[client][auth]") {
  // The hash of "admin" that the official clients send for the default admin user.
  auto admin = client::hash_password("admin");
  REQUIRE(admin.ok());
  CHECK(*admin == "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa");

  auto other = client::hash_password("s3cret pass");
  REQUIRE(other.ok());
  CHECK(other->size() == 60);
  CHECK(other->rfind("$2a$10$7EqJtq98hPqEX7fNZaFWoO", 0) == 0);
  CHECK(*other != *admin);
}
