// asadm's users and roles (`manage acl`, `show users|roles`; tools/asadm/manage_acl.h)
// against one real asd with security { }, the built asadm run as a child process
// (ASADM_BIN overrides the path):
//   [asadm_acl]  a role scoped to a set with an allowlist, a user holding it who logs in
//                and writes there (and nowhere else); a password asked on standard input;
//                the allowlist changed and cleared (82 in between); privileges granted and
//                revoked; passwords set and changed; show users|roles as text and JSON;
//                refusals in words with their code and exit 1 (a read-only user's
//                role violation, quotas not enabled, an unknown user); bad usage (an
//                unknown privilege, a scoped global one) refused before any node is asked.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "client/client.h"
#include "support/asd_node.h"
#include "support/process.h"

namespace {

std::string asadm_bin() {
  const char* path = std::getenv("ASADM_BIN");
  return path ? path : ASADM_BIN_DEFAULT;
}

support::AsdOptions secured() {
  support::AsdOptions options;
  options.extra_config = "security {\n}\n";
  return options;
}

bool has(const support::ToolRun& run, const std::string& text) { return run.out.find(text) != std::string::npos; }

common::Result<std::unique_ptr<client::Client>> login(uint16_t port, const std::string& user,
                                                      const std::string& password) {
  client::ClientConfig config;
  config.seeds = {{"127.0.0.1", port}};
  config.tend = false;
  config.user = user;
  config.password = [password] { return common::Result<std::string>(password); };
  return client::Client::connect(config);
}

}  // namespace

TEST_CASE("asadm manages users and roles on a secured cluster", "[asadm_acl]") {
  support::AsdNode node(secured());
  support::TempDir out;
  const std::string host = "127.0.0.1:" + std::to_string(node.port());
  auto asadm = [&](const std::string& user, const std::string& password, std::vector<std::string> words,
                   const std::string& input = {}) {
    std::vector<std::string> argv{asadm_bin(), "-h", host, "-U", user, "-P", password};
    argv.insert(argv.end(), words.begin(), words.end());
    support::ToolRun r = support::run_captured(out, argv, input, 20000);
    UNSCOPED_INFO("asadm " << words[0] << " ... exited " << r.code << ":\n" << r.out);
    return r;
  };
  auto admin = [&](std::vector<std::string> words, const std::string& input = {}) {
    return asadm("admin", "admin", std::move(words), input);
  };

  // A role scoped to test.orders, allowed from this host only, and a user holding it.
  support::ToolRun r = admin({"manage", "acl", "create", "role", "orders-rw", "priv", "read-write", "ns", "test",
                              "set", "orders", "allow", "127.0.0.1"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully created role orders-rw."));
  r = admin({"manage", "acl", "create", "user", "app", "password", "app-pass", "roles", "orders-rw"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully created user app."));
  {
    auto app = login(node.port(), "app", "app-pass");
    REQUIRE(app.ok());
    client::Key key("test", "orders", "o1");
    REQUIRE((*app)->put(key, {client::Bin{"qty", client::Value(int64_t(3))}}).ok());
    auto read = (*app)->get(key);
    REQUIRE(read.ok());
    CHECK(read->bins.size() == 1);
    common::Status elsewhere = (*app)->put(client::Key("test", "other", "o1"), {client::Bin{"qty", client::Value(int64_t(1))}});
    CHECK(elsewhere.code() == common::ResultCode::RoleViolation);
  }

  // The real asadm's one-shot form, the password asked (standard input: no terminal).
  std::vector<std::string> argv{asadm_bin(), "--enable", "-h", host, "-U", "admin", "-P", "admin", "-e",
                                "manage acl create user reader roles read"};
  r = support::run_captured(out, argv, "reader-pass\n", 20000);
  INFO(r.out);
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully created user reader."));
  REQUIRE(login(node.port(), "reader", "reader-pass").ok());

  // show users / show roles, text and JSON.
  r = admin({"show", "users"});
  CHECK(r.code == 0);
  CHECK(has(r, "~ Users ~"));
  CHECK(has(r, "User "));
  CHECK(has(r, "app     orders-rw"));
  CHECK(has(r, "reader  read"));
  r = admin({"show", "roles", "orders-rw"});
  CHECK(r.code == 0);
  CHECK(has(r, "~ Roles ~"));
  CHECK(has(r, "orders-rw  read-write.test.orders  127.0.0.1"));
  CHECK(has(r, "Number of rows: 1"));
  r = admin({"show", "users", "app", "--json"});
  CHECK(r.code == 0);
  CHECK(has(r, "\"title\":\"Users\""));
  CHECK(has(r, "\"user\":\"app\",\"roles\":\"orders-rw\""));
  r = admin({"show", "roles", "--json"});
  CHECK(has(r, "\"role\":\"read-write\",\"privileges\":\"read-write\""));  // the predefined roles too

  // The allowlist: another address locks app out (82), clearing it lets app in again.
  r = admin({"manage", "acl", "allowlist", "role", "orders-rw", "allow", "10.9.9.9"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully updated allowlist for role orders-rw."));
  CHECK(login(node.port(), "app", "app-pass").code() == common::ResultCode::NotWhitelisted);
  r = admin({"manage", "acl", "allowlist", "role", "orders-rw", "clear"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully cleared allowlist from role orders-rw."));
  CHECK(login(node.port(), "app", "app-pass").ok());

  // Privileges granted and revoked, roles granted and revoked.
  r = admin({"manage", "acl", "grant", "role", "orders-rw", "priv", "read", "ns", "test"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully granted privilege to role orders-rw."));
  r = admin({"show", "roles", "orders-rw"});
  CHECK(has(r, "read-write.test.orders,read.test"));
  r = admin({"manage", "acl", "revoke", "role", "orders-rw", "priv", "read", "ns", "test"});
  CHECK(r.code == 0);
  r = admin({"manage", "acl", "grant", "user", "app", "roles", "read", "truncate"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully granted roles to user app."));
  r = admin({"manage", "acl", "revoke", "user", "app", "roles", "truncate"});
  CHECK(r.code == 0);
  r = admin({"show", "users", "app"});
  CHECK(has(r, "app   orders-rw,read"));

  // Passwords: set by user-admin, then changed by the user itself with the old one.
  r = admin({"manage", "acl", "set-password", "user", "app", "password", "second"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully set password for user app."));
  r = asadm("app", "second", {"manage", "acl", "change-password", "old", "second", "new", "third"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully changed password for user app."));
  r = asadm("app", "third", {"manage", "acl", "change-password", "old", "wrong", "new", "fourth"});
  CHECK(r.code == 1);
  CHECK(has(r, "invalid credential (65)"));
  CHECK(login(node.port(), "app", "third").ok());

  // Refusals: the server's code in words, exit 1.
  r = asadm("reader", "reader-pass", {"manage", "acl", "create", "user", "x", "password", "y", "roles", "read"});
  CHECK(r.code == 1);
  CHECK(has(r, "asadm: failed to create user x: role violation (81) from " + host));
  r = admin({"manage", "acl", "create", "role", "limited", "priv", "read", "read", "100"});
  CHECK(r.code == 1);
  CHECK(has(r, "quotas not enabled (74)"));
  r = admin({"manage", "acl", "quotas", "role", "orders-rw", "write", "10"});
  CHECK(r.code == 1);
  CHECK(has(r, "quotas not enabled (74)"));
  r = admin({"manage", "acl", "delete", "user", "nobody"});
  CHECK(r.code == 1);
  CHECK(has(r, "invalid user (60)"));
  r = admin({"manage", "acl", "create", "user", "app", "password", "p", "--json"});
  CHECK(r.code == 1);
  CHECK(has(r, "{\"command\":\"create user app\",\"status\":\"refused\",\"code\":61,"));

  // Bad usage, refused before any node is asked (this seed has nothing listening).
  auto offline = [&](std::vector<std::string> words) {
    std::vector<std::string> args{asadm_bin(), "-h", "127.0.0.1:1", "-U", "admin", "-P", "admin"};
    args.insert(args.end(), words.begin(), words.end());
    support::ToolRun run = support::run_captured(out, args, {}, 20000);
    UNSCOPED_INFO(run.out);
    return run;
  };
  r = offline({"manage", "acl", "create", "role", "bad", "priv", "superuser"});
  CHECK(r.code == 1);
  CHECK(has(r, "asadm: manage acl: unknown privilege 'superuser' (expected one of user-admin,"));
  r = offline({"manage", "acl", "grant", "role", "bad", "priv", "sys-admin", "ns", "test"});
  CHECK(r.code == 1);
  CHECK(has(r, "'sys-admin' is a global privilege"));
  r = offline({"manage", "acl", "grant", "user", "app"});
  CHECK(r.code == 1);
  CHECK(has(r, "'grant user' needs 'roles <role>...'"));
  CHECK_FALSE(has(r, "cannot reach"));

  // Deleting: the user can no longer log in, the role is gone.
  r = admin({"manage", "acl", "delete", "user", "app"});
  CHECK(r.code == 0);
  CHECK(has(r, "Successfully deleted user app."));
  CHECK(login(node.port(), "app", "third").code() == common::ResultCode::InvalidUser);
  r = admin({"manage", "acl", "delete", "role", "orders-rw"});
  CHECK(r.code == 0);
  r = admin({"show", "roles", "orders-rw"});
  CHECK(r.code == 1);
  CHECK(has(r, "invalid role (70)"));
}
