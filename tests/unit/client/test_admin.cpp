// Users and roles on the wire (client/admin.h): the role commands' bytes as the C client's
// as_admin.c writes them, and the user and role query answers parsed, refused and cut short.

#include <catch2/catch.hpp>

#include "client/admin.h"
#include "client/errors.h"
#include "hex.h"

using client::Privilege;
using client::PrivilegeCode;
using client_test::hex;

TEST_CASE("privilege names are the server's and asadm's", "[client][admin]") {
  CHECK(client::privilege_from_name("read-write") == PrivilegeCode::ReadWrite);
  CHECK(client::privilege_from_name("READ_WRITE_UDF") == PrivilegeCode::ReadWriteUdf);
  CHECK(client::privilege_from_name("sys-admin") == PrivilegeCode::SysAdmin);
  CHECK_FALSE(client::privilege_from_name("superuser"));
  CHECK(client::privilege_is_global(PrivilegeCode::SindexAdmin));
  CHECK_FALSE(client::privilege_is_global(PrivilegeCode::Truncate));
  CHECK(client::privilege_text({PrivilegeCode::Read, "", ""}) == "read");
  CHECK(client::privilege_text({PrivilegeCode::Write, "test", "orders"}) == "write.test.orders");
}

TEST_CASE("create role writes only the fields that carry something", "[client][admin]") {
  auto request = client::admin_request::create_role(
      "r", {{PrivilegeCode::ReadWrite, "test", "s"}, {PrivilegeCode::SysAdmin, "", ""}}, {"10.0.0.1"}, 5, 0);
  REQUIRE(request.ok());
  CHECK(*request == hex("02 02 00 00 00 00 00 3b"                          // proto v2, admin, 59 bytes
                        "00 00 0a 04 00 00 00 00 00 00 00 00 00 00 00 00"  // CREATE_ROLE, 4 fields
                        "00 00 00 02 0b 72"                                // ROLE "r"
                        "00 00 00 0b 0c 02 0b 04 74 65 73 74 01 73 01"     // PRIVILEGES: rw test.s, sys-admin
                        "00 00 00 09 0d 31 30 2e 30 2e 30 2e 31"           // WHITELIST "10.0.0.1"
                        "00 00 00 05 0e 00 00 00 05"));                    // READ_QUOTA 5

  auto bare = client::admin_request::create_role("r", {{PrivilegeCode::Read, "", ""}}, {}, 0, 0);
  REQUIRE(bare.ok());
  CHECK(bare->substr(8) == hex("00 00 0a 02 00 00 00 00 00 00 00 00 00 00 00 00"
                               "00 00 00 02 0b 72"
                               "00 00 00 05 0c 01 0a 00 00"));  // read, empty ns and set
}

TEST_CASE("the other role commands", "[client][admin]") {
  CHECK(client::admin_request::drop_role("r").substr(8) ==
        hex("00 00 0b 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 0b 72"));
  auto grant = client::admin_request::grant_privileges("r", {{PrivilegeCode::Truncate, "ns", ""}});
  REQUIRE(grant.ok());
  CHECK(grant->substr(8) == hex("00 00 0c 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 0b 72"
                                "00 00 00 07 0c 01 0e 02 6e 73 00"));
  auto revoke = client::admin_request::revoke_privileges("r", {{PrivilegeCode::UdfAdmin, "", ""}});
  REQUIRE(revoke.ok());
  CHECK(revoke->substr(8, 4) == hex("00 00 0d 02"));
  CHECK(revoke->substr(30) == hex("00 00 00 03 0c 01 03"));
  CHECK(client::admin_request::set_whitelist("r", {"a", "b"}).substr(8) ==
        hex("00 00 0e 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 0b 72 00 00 00 04 0d 61 2c 62"));
  CHECK(client::admin_request::set_whitelist("r", {}).substr(8, 4) == hex("00 00 0e 01"));  // clears
  CHECK(client::admin_request::set_quotas("r", 1, 2).substr(8) ==
        hex("00 00 0f 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 0b 72"
            "00 00 00 05 0e 00 00 00 01 00 00 00 05 0f 00 00 00 02"));
  CHECK(client::admin_request::change_password("u", "old", "new").substr(8) ==
        hex("00 00 04 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 75"
            "00 00 00 04 02 6f 6c 64 00 00 00 04 01 6e 65 77"));
  CHECK(client::admin_request::query_users("").substr(8) == hex("00 00 09 00 00 00 00 00 00 00 00 00 00 00 00 00"));
  CHECK(client::admin_request::query_roles("r").substr(8) ==
        hex("00 00 10 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 0b 72"));
}

TEST_CASE("a global privilege with a scope is refused before sending", "[client][admin]") {
  auto scoped = client::admin_request::privileges_field({{PrivilegeCode::SysAdmin, "test", ""}});
  REQUIRE_FALSE(scoped.ok());
  CHECK(scoped.code() == common::ResultCode::Parameter);
  CHECK(client::is_client_error(scoped.error()));
  CHECK_FALSE(client::admin_request::privileges_field({{PrivilegeCode::Read, "", "set"}}).ok());
}

TEST_CASE("more roles or privileges than the count byte holds are refused before sending", "[client][admin]") {
  std::vector<std::string> roles;
  std::vector<Privilege> privileges;
  for (int i = 0; i < 255; ++i) {
    roles.push_back("r" + std::to_string(i));
    privileges.push_back({PrivilegeCode::Read, "test", "s" + std::to_string(i)});
  }
  auto listed = client::admin_request::roles_field(roles);
  REQUIRE(listed.ok());
  CHECK(uint8_t((*listed)[0]) == 255);
  REQUIRE(client::admin_request::privileges_field(privileges).ok());
  roles.push_back("one-too-many");
  privileges.push_back({PrivilegeCode::Write, "test", ""});
  auto too_many_roles = client::admin_request::roles_field(roles);
  REQUIRE_FALSE(too_many_roles.ok());
  CHECK(too_many_roles.code() == common::ResultCode::Parameter);
  CHECK(too_many_roles.error().message.find("at most 255 roles") != std::string::npos);
  auto too_many_privileges = client::admin_request::privileges_field(privileges);
  REQUIRE_FALSE(too_many_privileges.ok());
  CHECK(too_many_privileges.code() == common::ResultCode::Parameter);
}

namespace {

const std::string kHeaderOk = hex("00 00 00 05 00 00 00 00 00 00 00 00 00 00 00 00");  // 5 fields
const std::string kQueryEnd = hex("00 32 00 00 00 00 00 00 00 00 00 00 00 00 00 00");

std::string user_block(const std::string& name_field) {
  return kHeaderOk + name_field +
         hex("00 00 00 0d 0a 02 04 72 65 61 64 05 61 64 6d 69 6e"  // ROLES read, admin
             "00 00 00 06 10 01 00 00 00 07"                       // READ_INFO [7]
             "00 00 00 02 11 00"                                   // WRITE_INFO []
             "00 00 00 05 12 00 00 00 03");                        // CONNECTIONS 3
}

}  // namespace

TEST_CASE("user query answers are read block by block until QUERY_END", "[client][admin]") {
  std::vector<client::UserInfo> users;
  auto more = client::parse_users_answer(user_block(hex("00 00 00 02 00 61")) + user_block(hex("00 00 00 02 00 62")),
                                         users);
  REQUIRE(more.ok());
  CHECK_FALSE(*more);  // no QUERY_END yet: another proto follows
  REQUIRE(users.size() == 2);
  CHECK(users[0].name == "a");
  CHECK(users[1].name == "b");
  CHECK(users[0].roles == std::vector<std::string>{"read", "admin"});
  CHECK(users[0].read_info == std::vector<uint32_t>{7});
  CHECK(users[0].write_info.empty());
  CHECK(users[0].connections == 3);

  auto end = client::parse_users_answer(kQueryEnd, users);
  REQUIRE(end.ok());
  CHECK(*end);
  CHECK(users.size() == 2);

  auto empty = client::parse_users_answer("", users);  // an empty proto: nothing, go on
  REQUIRE(empty.ok());
  CHECK_FALSE(*empty);
}

TEST_CASE("a refusal or a cut answer ends a query with its code", "[client][admin]") {
  std::vector<client::UserInfo> users;
  auto refused = client::parse_users_answer(hex("00 3c 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), users);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == common::ResultCode::InvalidUser);
  CHECK_FALSE(client::is_client_error(refused.error()));

  std::string block = user_block(hex("00 00 00 02 00 61"));
  for (size_t cut : {size_t(3), size_t(16), size_t(20), block.size() - 1}) {
    auto cut_short = client::parse_users_answer(block.substr(0, cut), users);
    REQUIRE_FALSE(cut_short.ok());
    CHECK(client::is_client_error(cut_short.error()));
  }
  // A roles list that claims more than its field holds.
  auto lying = client::parse_users_answer(
      hex("00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 03 0a 02 01"), users);
  CHECK_FALSE(lying.ok());
}

TEST_CASE("role query answers carry privileges, allowlists and quotas", "[client][admin]") {
  std::vector<client::RoleInfo> roles;
  std::string block = hex("00 00 00 05 00 00 00 00 00 00 00 00 00 00 00 00"
                          "00 00 00 03 0b 72 77"                           // ROLE "rw"
                          "00 00 00 0b 0c 02 0b 04 74 65 73 74 01 73 00"    // read-write.test.s, user-admin
                          "00 00 00 0c 0d 31 2e 32 2e 33 2e 34 2c 31 2e 32"  // WHITELIST "1.2.3.4,1.2"
                          "00 00 00 05 0e 00 00 00 09"                      // READ_QUOTA 9
                          "00 00 00 05 0f 00 00 00 00");                    // WRITE_QUOTA 0
  auto done = client::parse_roles_answer(block + kQueryEnd, roles);
  REQUIRE(done.ok());
  CHECK(*done);
  REQUIRE(roles.size() == 1);
  CHECK(roles[0].name == "rw");
  REQUIRE(roles[0].privileges.size() == 2);
  CHECK(roles[0].privileges[0] == Privilege{PrivilegeCode::ReadWrite, "test", "s"});
  CHECK(roles[0].privileges[1] == Privilege{PrivilegeCode::UserAdmin, "", ""});
  CHECK(roles[0].whitelist == std::vector<std::string>{"1.2.3.4", "1.2"});
  CHECK(roles[0].read_quota == 9);
  CHECK(roles[0].write_quota == 0);

  auto violation = client::parse_roles_answer(hex("00 51 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), roles);
  CHECK(violation.code() == common::ResultCode::RoleViolation);
}
