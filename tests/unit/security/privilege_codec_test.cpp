// The PRIVILEGES and WHITELIST field data asd reads and writes, against bytes laid out
// as the C client writes them (as_admin_write_privileges, as_admin_write_whitelist).

#include <catch2/catch.hpp>

#include "security/privilege.h"
#include "security/user_role.h"

using namespace asd::security;
using common::ResultCode;
using namespace std::string_literals;

TEST_CASE("privileges fields", "[security]") {
  // Count, code, and for data privileges ns and set.
  const std::string privileges = "\x03\x00\x0a\x04test\x00\x0d\x04test\x01"
                                 "a"s;
  auto privs = parse_privileges(privileges);
  REQUIRE(privs.ok());
  REQUIRE(privs->size() == 3);
  CHECK((*privs)[0] == Privilege{PrivilegeCode::UserAdmin, "", ""});
  CHECK((*privs)[1] == Privilege{PrivilegeCode::Read, "test", ""});
  CHECK((*privs)[2] == Privilege{PrivilegeCode::Write, "test", "a"});
  CHECK(encode_privileges(*privs) == privileges);
}

TEST_CASE("malformed privileges fields get their codes", "[security]") {
  CHECK(parse_privileges("").code() == ResultCode::InvalidField);
  CHECK(parse_privileges("\x02\x00"s).code() == ResultCode::InvalidField);
  CHECK(parse_privileges("\x01\x07"s).code() == ResultCode::InvalidPrivilege);
  CHECK(parse_privileges("\x01\x0a\x04te").code() == ResultCode::InvalidField);
  CHECK(parse_privileges("\x01\x0a\x00\x01"s + "a").code() == ResultCode::InvalidPrivilege);
  CHECK(parse_privileges("\x01\x00\x00"s).code() == ResultCode::InvalidField);
}

TEST_CASE("whitelists split on commas", "[security]") {
  CHECK(parse_whitelist("") == std::vector<std::string>{});
  CHECK(parse_whitelist("10.0.0.1,10.1.0.0/16") == std::vector<std::string>{"10.0.0.1", "10.1.0.0/16"});
  CHECK(parse_whitelist(",,10.0.0.1,") == std::vector<std::string>{"10.0.0.1"});
}
