// The admin protocol codec against bytes laid out as the C client writes them
// (as_admin.c), and malformed input.

#include <catch2/catch.hpp>

#include "security/admin_message.h"

using namespace asd::security;
using common::ResultCode;
using namespace std::string_literals;

namespace {

std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string header(uint8_t command, uint8_t fields) {
  std::string h(16, '\0');
  h[2] = char(command);
  h[3] = char(fields);
  return h;
}

std::string field(uint8_t id, std::string_view data) { return be32(uint32_t(data.size() + 1)) + char(id) + std::string(data); }

}  // namespace

TEST_CASE("a login as the client writes it", "[security]") {
  std::string body = header(20, 2) + field(0, "admin") + field(3, "$2a$10$hash");
  auto request = parse_admin_request(body);
  REQUIRE(request.ok());
  CHECK(request->command == 20);
  CHECK(request->field(AdminField::User) == "admin");
  CHECK(request->field(AdminField::Credential) == "$2a$10$hash");
  CHECK_FALSE(request->field(AdminField::Password));
}

TEST_CASE("roles and privileges fields", "[security]") {
  // as_admin_write_roles: count, then (length, name) per role.
  std::string roles = std::string("\x02") + "\x04read" + "\x0aread-write";
  auto parsed = parse_roles(roles);
  REQUIRE(parsed.ok());
  CHECK(*parsed == std::vector<std::string>{"read", "read-write"});
  CHECK(encode_roles(*parsed) == roles);
  // as_admin_write_privileges: count, code, and for data privileges ns and set.
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

TEST_CASE("malformed admin messages get their codes", "[security]") {
  CHECK(parse_admin_request("").code() == ResultCode::InvalidCommand);
  CHECK(parse_admin_request(std::string(15, '\0')).code() == ResultCode::InvalidCommand);
  std::string scheme = header(20, 0);
  scheme[0] = 1;
  CHECK(parse_admin_request(scheme).code() == ResultCode::SecuritySchemeNotSupported);
  // One field announced, none there; a short field header; a zero length; a length past the end.
  CHECK(parse_admin_request(header(20, 1)).code() == ResultCode::InvalidField);
  CHECK(parse_admin_request(header(20, 1) + "\0\0").code() == ResultCode::InvalidField);
  CHECK(parse_admin_request(header(20, 1) + be32(0) + '\0').code() == ResultCode::InvalidField);
  CHECK(parse_admin_request(header(20, 1) + be32(100) + '\0' + "abc").code() == ResultCode::InvalidField);
  CHECK(parse_admin_request(header(20, 1) + be32(0xffffffff) + '\0').code() == ResultCode::InvalidField);
  // Bytes after the last field.
  CHECK(parse_admin_request(header(20, 1) + field(0, "a") + "x").code() == ResultCode::InvalidField);
  // Roles and privileges that run short, or carry an unknown code or a set without namespace.
  CHECK(parse_roles("").code() == ResultCode::InvalidField);
  CHECK(parse_roles("\x02\x04read").code() == ResultCode::InvalidField);
  CHECK(parse_roles("\x01\x09read").code() == ResultCode::InvalidField);
  CHECK(parse_privileges(std::string("\x01\x07", 2)).code() == ResultCode::InvalidPrivilege);
  CHECK(parse_privileges("\x01\x0a\x04te").code() == ResultCode::InvalidField);
  CHECK(parse_privileges(std::string("\x01\x0a\x00\x01" "a", 5)).code() == ResultCode::InvalidPrivilege);
}

TEST_CASE("whitelists split on commas", "[security]") {
  CHECK(parse_whitelist("") == std::vector<std::string>{});
  CHECK(parse_whitelist("10.0.0.1,10.1.0.0/16") == std::vector<std::string>{"10.0.0.1", "10.1.0.0/16"});
}

TEST_CASE("answers: header and fields", "[security]") {
  std::string out;
  append_admin_header(out, ResultCode::Ok, 1);
  append_admin_u32_field(out, AdminField::SessionTtl, 120);
  CHECK(out.size() == 16 + 5 + 4);
  CHECK(out[1] == 0);
  CHECK(out[3] == 1);
  CHECK(out.substr(16) == be32(5) + char(6) + be32(120));
}
