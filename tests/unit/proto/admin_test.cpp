// The admin protocol codec against bytes laid out as the C client writes them
// (as_admin.c), what the server answers, and malformed input.

#include <catch2/catch.hpp>

#include "proto/admin.h"

using namespace proto;
using common::ResultCode;
using namespace std::string_literals;

namespace {

// Written out by hand, independently of admin.cpp.
std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

std::string header(uint8_t command, uint8_t fields) {
  std::string h(16, '\0');
  h[2] = char(command);
  h[3] = char(fields);
  return h;
}

std::string field(uint8_t id, std::string_view data) {
  return be32(uint32_t(data.size() + 1)) + char(id) + std::string(data);
}

}  // namespace

TEST_CASE("a login as the client writes it", "[proto][admin]") {
  std::string body = header(20, 2) + field(0, "admin") + field(3, "$2a$10$hash");
  auto request = parse_admin_message(body);
  REQUIRE(request.ok());
  CHECK(request->command == 20);
  CHECK(request->field(AdminField::User) == "admin");
  CHECK(request->field(AdminField::Credential) == "$2a$10$hash");
  CHECK_FALSE(request->field(AdminField::Password));
  CHECK(make_admin_request(AdminCommand::Login,
                           {{AdminField::User, "admin"}, {AdminField::Credential, "$2a$10$hash"}}) == body);
}

TEST_CASE("roles fields", "[proto][admin]") {
  // as_admin_write_roles: count, then (length, name) per role.
  std::string roles = std::string("\x02") + "\x04read" + "\x0aread-write";
  auto parsed = parse_admin_roles(roles);
  REQUIRE(parsed.ok());
  CHECK(*parsed == std::vector<std::string>{"read", "read-write"});
  CHECK(encode_admin_roles(*parsed) == roles);
  CHECK(encode_admin_roles({}) == std::string(1, '\0'));
  // A name past 255 bytes is cut, its length byte with it.
  std::string cut = encode_admin_roles({std::string(300, 'r')});
  CHECK(cut == "\x01\xff"s + std::string(255, 'r'));
  CHECK(parse_admin_roles(cut).ok());
}

TEST_CASE("malformed admin messages get their codes", "[proto][admin]") {
  CHECK(parse_admin_message("").code() == ResultCode::InvalidCommand);
  CHECK(parse_admin_message(std::string(15, '\0')).code() == ResultCode::InvalidCommand);
  std::string scheme = header(20, 0);
  scheme[0] = 1;
  CHECK(parse_admin_message(scheme).code() == ResultCode::SecuritySchemeNotSupported);
  // One field announced, none there; a short field header; a zero length; a length past the end.
  CHECK(parse_admin_message(header(20, 1)).code() == ResultCode::InvalidField);
  CHECK(parse_admin_message(header(20, 1) + "\0\0"s).code() == ResultCode::InvalidField);
  CHECK(parse_admin_message(header(20, 1) + be32(0) + '\0').code() == ResultCode::InvalidField);
  CHECK(parse_admin_message(header(20, 1) + be32(100) + '\0' + "abc").code() == ResultCode::InvalidField);
  CHECK(parse_admin_message(header(20, 1) + be32(0xffffffff) + '\0').code() == ResultCode::InvalidField);
  // Bytes after the last field.
  CHECK(parse_admin_message(header(20, 1) + field(0, "a") + "x").code() == ResultCode::InvalidField);
  // Roles that run short or carry bytes after the last one.
  CHECK(parse_admin_roles("").code() == ResultCode::InvalidField);
  CHECK(parse_admin_roles("\x02\x04read").code() == ResultCode::InvalidField);
  CHECK(parse_admin_roles("\x01\x09read").code() == ResultCode::InvalidField);
  CHECK(parse_admin_roles("\x01\x01rx").code() == ResultCode::InvalidField);
}

TEST_CASE("answers: header and fields", "[proto][admin]") {
  std::string out;
  append_admin_header(out, ResultCode::Ok, 1);
  append_admin_u32_field(out, AdminField::SessionTtl, 120);
  CHECK(out.size() == 16 + 5 + 4);
  CHECK(out[1] == 0);
  CHECK(out[3] == 1);
  CHECK(out.substr(16) == be32(5) + char(6) + be32(120));
}

TEST_CASE("a login answer: result, token and TTL", "[proto][admin]") {
  std::string token(41, '\x7f');
  std::string out;
  append_admin_header(out, ResultCode::Ok, 2);
  append_admin_field(out, AdminField::SessionToken, token);
  append_admin_u32_field(out, AdminField::SessionTtl, 86400);
  auto answer = parse_login_answer(out);
  REQUIRE(answer.ok());
  CHECK(answer->result == ResultCode::Ok);
  CHECK(answer->token == token);
  CHECK(answer->ttl_s == 86400);
  // A TTL of another size is no TTL; a refusal carries nothing; the codec's codes stand.
  CHECK(parse_login_answer(header(0, 1) + field(6, "abc"))->ttl_s == 0);
  std::string refused;
  append_admin_header(refused, ResultCode::InvalidCredential, 0);
  CHECK(parse_login_answer(refused)->result == ResultCode::InvalidCredential);
  CHECK(parse_login_answer(out.substr(0, out.size() - 1)).code() == ResultCode::InvalidField);
}

TEST_CASE("a query answer is messages back to back", "[proto][admin]") {
  std::string out;
  for (std::string_view user : {"admin", "bob"}) {
    append_admin_header(out, ResultCode::Ok, 2);
    append_admin_field(out, AdminField::User, user);
    append_admin_field(out, AdminField::Roles, encode_admin_roles({"read"}));
  }
  auto users = parse_admin_messages(out);
  REQUIRE(users.ok());
  REQUIRE(users->size() == 2);
  CHECK((*users)[1].field(AdminField::User) == "bob");
  CHECK(parse_admin_message(out).code() == ResultCode::InvalidField);
  CHECK(parse_admin_messages("")->empty());
  CHECK(parse_admin_messages(out + "x").code() == ResultCode::InvalidCommand);
}
