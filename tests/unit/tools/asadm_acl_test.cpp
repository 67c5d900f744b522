// `asadm manage acl` word parsing (manage_acl.h): the real asadm's forms, and the usage
// errors found before any node is asked.

#include <catch2/catch.hpp>

#include "manage_acl.h"

using asadm::AclAction;
using asadm::parse_acl_command;

namespace {

std::string error_of(const std::vector<std::string>& words) {
  std::string error;
  auto command = parse_acl_command(words, error);
  CHECK_FALSE(command);
  return error;
}

}  // namespace

TEST_CASE("manage acl parses the real asadm's user commands", "[tools][asadm_acl]") {
  std::string error;
  auto create = parse_acl_command({"create", "user", "app", "password", "pw", "roles", "read", "write"}, error);
  REQUIRE(create);
  CHECK(create->action == AclAction::CreateUser);
  CHECK(create->name == "app");
  CHECK(create->password == "pw");
  CHECK(create->roles == std::vector<std::string>{"read", "write"});
  CHECK(asadm::success_text(*create) == "Successfully created user app.");

  auto asked = parse_acl_command({"create", "user", "app", "role", "read"}, error);  // `role` as asadm takes it
  REQUIRE(asked);
  CHECK_FALSE(asked->password);
  CHECK(asked->roles == std::vector<std::string>{"read"});

  auto change = parse_acl_command({"change-password", "old", "a", "new", "b"}, error);
  REQUIRE(change);
  CHECK(change->name.empty());  // the -U user
  CHECK(change->old_password == "a");
  CHECK(change->password == "b");

  auto set = parse_acl_command({"set-password", "user", "app"}, error);
  REQUIRE(set);
  CHECK(set->action == AclAction::SetPassword);
  CHECK_FALSE(set->password);
}

TEST_CASE("manage acl parses role commands, privileges scoped or not", "[tools][asadm_acl]") {
  std::string error;
  auto create = parse_acl_command({"create", "role", "r", "priv", "read", "ns", "test", "set", "s", "allow", "1.2.3.4",
                                   "10.0.0.0/8", "write", "5"},
                                  error);
  REQUIRE(create);
  CHECK(create->action == AclAction::CreateRole);
  REQUIRE(create->privilege);
  CHECK(*create->privilege == client::Privilege{client::PrivilegeCode::Read, "test", "s"});
  CHECK(create->allow == std::vector<std::string>{"1.2.3.4", "10.0.0.0/8"});
  CHECK_FALSE(create->read_quota);
  CHECK(create->write_quota == 5u);

  auto grant = parse_acl_command({"grant", "role", "r", "priv", "sys_admin"}, error);
  REQUIRE(grant);
  CHECK(grant->privilege->code == client::PrivilegeCode::SysAdmin);

  auto clear = parse_acl_command({"allowlist", "role", "r", "clear"}, error);
  REQUIRE(clear);
  CHECK(clear->allow.empty());
  CHECK(asadm::success_text(*clear) == "Successfully cleared allowlist from role r.");
}

TEST_CASE("manage acl refuses bad usage with the reason", "[tools][asadm_acl]") {
  CHECK(error_of({"create", "role", "r", "priv", "superuser"}).starts_with("unknown privilege 'superuser'"));
  CHECK(error_of({"grant", "role", "r", "priv", "user-admin", "ns", "test"}) ==
        "'user-admin' is a global privilege: it takes no namespace or set");
  CHECK(error_of({"grant", "role", "r", "priv", "read", "set", "s"}).starts_with("a set must be accompanied"));
  CHECK(error_of({"grant", "role", "r"}) == "'grant role' needs 'priv <privilege> [ns <namespace> [set <set>]]'");
  CHECK(error_of({"revoke", "user", "u"}) == "'revoke user' needs 'roles <role>...'");
  CHECK(error_of({"create", "user", "u", "password"}) == "'password' needs a value");
  CHECK(error_of({"create", "user", "u", "oops"}) == "unexpected 'oops'");
  CHECK(error_of({"create", "role", "r", "read", "many"}).starts_with("read quota must be a whole number"));
  CHECK(error_of({"allowlist", "role", "r"}) == "'allowlist role' needs either 'allow <address>...' or 'clear'");
  CHECK(error_of({"quotas", "role", "r"}) == "'quotas role' needs 'read <quota>' or 'write <quota>'");
  CHECK(error_of({"create", "group", "g"}) == "expected 'create user <name>' or 'create role <name>'");
  CHECK(error_of({"drop", "user", "u"}).starts_with("unknown command 'drop'"));
  CHECK(error_of({}).starts_with("missing the command"));
}
