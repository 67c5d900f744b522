// Access control over a real metadata store: the seeded admin, the admin commands, the
// checks, and a second node that learns everything through merged items.

#include <atomic>
#include <filesystem>

#include <catch2/catch.hpp>

#include "common/atomic_file.h"
#include "conf/xdr_local_login.h"
#include "proto/admin.h"
#include "security/access_control.h"
#include "security/password.h"
#include "security/session.h"
#include "smd/metadata_store.h"

using namespace asd::security;
using common::ResultCode;
using proto::AdminCommand;
using proto::AdminField;

namespace {

std::atomic<uint64_t> g_now{1'000'000};
uint64_t fake_now() { return g_now.load(); }

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("unit_security_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

conf::Security config() {
  conf::Security c;
  c.enabled = true;
  c.session_ttl = 60;
  return c;
}

// One node: a store and access control over it.
struct NodeUnderTest {
  TempDir dir;
  asd::smd::MetadataStore store;
  AccessControl access;
  // `local_login`: the file name (in the node's directory) its xdr reads; empty: no xdr.
  explicit NodeUnderTest(uint64_t id, const std::string& local_login = {})
      : store(dir.path.string(), id),
        access(config(), store, id, fake_now, local_login.empty() ? std::string() : (dir.path / local_login).string()) {
    REQUIRE(store.load().ok());
    REQUIRE(access.start().ok());
  }
};

std::string request(AdminCommand command, proto::AdminFields fields) {
  return proto::make_admin_request(command, fields);
}

// The result of an answer's first message.
ResultCode result_of(const std::vector<std::string>& answer) {
  REQUIRE_FALSE(answer.empty());
  auto messages = proto::parse_admin_messages(answer[0]);
  REQUIRE(messages.ok());
  REQUIRE_FALSE(messages->empty());
  return messages->front().result;
}

std::string credential(std::string_view password) { return *client_credential(password); }

// Logs in and returns the token.
std::string login(AccessControl& access, Session& session, const std::string& user, std::string_view password) {
  auto answer = access.handle(request(AdminCommand::Login, {{AdminField::User, user},
                                                            {AdminField::Credential, credential(password)}}),
                              session);
  REQUIRE(answer.size() == 1);
  auto parsed = proto::parse_login_answer(answer[0]);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->result == ResultCode::Ok);
  REQUIRE_FALSE(parsed->token.empty());
  return std::string(parsed->token);
}

}  // namespace

TEST_CASE("first start: admin/admin with user-admin, and nothing works before login", "[security]") {
  NodeUnderTest node(1);
  Session session(node.access, "127.0.0.1:1000");
  CHECK(result_of(node.access.handle(request(AdminCommand::QueryUsers, {}), session)) == ResultCode::NotAuthenticated);
  CHECK(result_of(node.access.handle(request(AdminCommand::Login, {{AdminField::User, "admin"},
                                                                   {AdminField::Credential, credential("wrong")}}),
                                     session)) == ResultCode::InvalidCredential);
  CHECK(result_of(node.access.handle(request(AdminCommand::Login, {{AdminField::User, "nobody"},
                                                                   {AdminField::Credential, credential("admin")}}),
                                     session)) == ResultCode::InvalidUser);
  CHECK_FALSE(session.authenticated());
  login(node.access, session, "admin", "admin");
  CHECK(session.authenticated());
  CHECK(session.check(kPermUserAdmin, {}, {}, "test") == ResultCode::Ok);
  CHECK(session.check(kPermRead, "test", "", "test") == ResultCode::RoleViolation);
  CHECK(session.check(kPermSetConfig, {}, {}, "test") == ResultCode::RoleViolation);
}

TEST_CASE("users, roles and scoped privileges", "[security]") {
  NodeUnderTest node(1);
  AccessControl& access = node.access;
  Session admin(access, "127.0.0.1:1");
  login(access, admin, "admin", "admin");
  std::string privileges = encode_privileges({{PrivilegeCode::Read, "test", "a"}, {PrivilegeCode::Write, "test", ""}});
  CHECK(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "r1"}, {AdminField::Privileges, privileges}}),
                                admin)) == ResultCode::Ok);
  CHECK(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "r1"}}), admin)) ==
        ResultCode::RoleAlreadyExists);
  CHECK(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "read"}}), admin)) ==
        ResultCode::RoleAlreadyExists);
  CHECK(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "bob"},
                                                                   {AdminField::Password, credential("pw")},
                                                                   {AdminField::Roles, proto::encode_admin_roles({"nope"})}}),
                                admin)) == ResultCode::InvalidRole);
  CHECK(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "bob"},
                                                                   {AdminField::Password, credential("pw")},
                                                                   {AdminField::Roles, proto::encode_admin_roles({"r1"})}}),
                                admin)) == ResultCode::Ok);
  CHECK(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "bob"},
                                                                   {AdminField::Password, credential("pw")}}),
                                admin)) == ResultCode::UserAlreadyExists);
  Session bob(access, "127.0.0.1:2");
  login(access, bob, "bob", "pw");
  CHECK(bob.check(kPermRead, "test", "a", "read") == ResultCode::Ok);
  CHECK(bob.check(kPermRead, "test", "b", "read") == ResultCode::RoleViolation);
  CHECK(bob.check(kPermWrite, "test", "b", "write") == ResultCode::Ok);
  CHECK(bob.check(kPermWrite | kPermRead, "test", "a", "operate") == ResultCode::Ok);
  CHECK(bob.check(kPermWrite | kPermRead, "test", "b", "operate") == ResultCode::RoleViolation);
  CHECK(bob.check(kPermWrite, "other", "", "write") == ResultCode::RoleViolation);
  // Bob is no user-admin: he may query himself, not others, and not create users.
  CHECK(result_of(access.handle(request(AdminCommand::QueryUsers, {{AdminField::User, "bob"}}), bob)) == ResultCode::Ok);
  CHECK(result_of(access.handle(request(AdminCommand::QueryUsers, {}), bob)) == ResultCode::RoleViolation);
  CHECK(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "eve"},
                                                                   {AdminField::Password, credential("x")}}),
                                bob)) == ResultCode::RoleViolation);
  // Setting a password without the old one is user-admin's, even one's own.
  CHECK(result_of(access.handle(request(AdminCommand::SetPassword, {{AdminField::User, "bob"},
                                                                    {AdminField::Password, credential("x")}}),
                                bob)) == ResultCode::RoleViolation);
  // Revoking the privilege takes effect at once, on the live session.
  CHECK(result_of(access.handle(request(AdminCommand::RevokePrivileges,
                                        {{AdminField::Role, "r1"},
                                         {AdminField::Privileges, encode_privileges({{PrivilegeCode::Write, "test", ""}})}}),
                                admin)) == ResultCode::Ok);
  CHECK(bob.check(kPermWrite, "test", "b", "write") == ResultCode::RoleViolation);
  // Dropping the role takes it from bob too.
  CHECK(result_of(access.handle(request(AdminCommand::DropRole, {{AdminField::Role, "r1"}}), admin)) == ResultCode::Ok);
  CHECK(bob.check(kPermRead, "test", "a", "read") == ResultCode::RoleViolation);
  auto users = access.handle(request(AdminCommand::QueryUsers, {{AdminField::User, "bob"}}), admin);
  REQUIRE(users.size() == 2);
  CHECK(proto::parse_admin_message(users[1])->result == ResultCode::QueryEnd);
  auto bob_record = proto::parse_admin_message(users[0]);
  REQUIRE(bob_record.ok());
  CHECK(*proto::parse_admin_roles(*bob_record->field(AdminField::Roles)) == std::vector<std::string>{});
  CHECK(result_of(access.handle(request(AdminCommand::DropRole, {{AdminField::Role, "read"}}), admin)) ==
        ResultCode::InvalidRole);
  CHECK(result_of(access.handle(request(AdminCommand::SetQuotas, {{AdminField::Role, "read"}}), admin)) ==
        ResultCode::QuotasNotEnabled);
  CHECK(result_of(access.handle(request(AdminCommand::QueryUsers, {{AdminField::User, "ghost"}}), admin)) ==
        ResultCode::InvalidUser);
  CHECK(result_of(access.handle(request(AdminCommand::QueryRoles, {{AdminField::Role, "ghost"}}), admin)) ==
        ResultCode::InvalidRole);
  CHECK(result_of(access.handle(request(AdminCommand::DropUser, {{AdminField::User, "bob"}}), admin)) == ResultCode::Ok);
  CHECK(bob.check(kPermRead, "test", "a", "read") == ResultCode::NotAuthenticated);
}

TEST_CASE("passwords, tokens, expiry and a second node", "[security]") {
  NodeUnderTest one(1);
  NodeUnderTest two(2);
  Session admin(one.access, "127.0.0.1:1");
  login(one.access, admin, "admin", "admin");
  CHECK(result_of(one.access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "carol"},
                                                                       {AdminField::Password, credential("old")},
                                                                       {AdminField::Roles, proto::encode_admin_roles({"read"})}}),
                                    admin)) == ResultCode::Ok);
  // The cluster moves items between nodes; here they are merged by hand, both ways.
  for (const auto& item : one.store.snapshot()) REQUIRE(two.store.merge(item).ok());
  for (const auto& item : two.store.snapshot()) REQUIRE(one.store.merge(item).ok());
  Session carol_one(one.access, "127.0.0.1:3");
  std::string token = login(one.access, carol_one, "carol", "old");
  auto authenticate = [&](AccessControl& access, const std::string& with) {
    Session session(access, "127.0.0.1:4");
    return result_of(access.handle(request(AdminCommand::Authenticate, {{AdminField::User, "carol"},
                                                                        {AdminField::SessionToken, with}}),
                                   session));
  };
  CHECK(authenticate(two.access, token) == ResultCode::Ok);  // issued by node 1, accepted by node 2
  CHECK(authenticate(two.access, token.substr(0, 20)) == ResultCode::InvalidCredential);
  g_now += 61'000;
  CHECK(authenticate(one.access, token) == ResultCode::ExpiredSession);
  token = login(one.access, carol_one, "carol", "old");
  Session carol_other(one.access, "127.0.0.1:6");
  login(one.access, carol_other, "carol", "old");
  CHECK(carol_other.check(kPermRead, "test", "", "read") == ResultCode::Ok);
  // Changing the password needs the old one, and ends the old sessions.
  CHECK(result_of(one.access.handle(request(AdminCommand::ChangePassword, {{AdminField::User, "carol"},
                                                                           {AdminField::OldPassword, credential("bad")},
                                                                           {AdminField::Password, credential("new")}}),
                                    carol_one)) == ResultCode::InvalidCredential);
  CHECK(result_of(one.access.handle(request(AdminCommand::ChangePassword, {{AdminField::User, "carol"},
                                                                           {AdminField::OldPassword, credential("old")},
                                                                           {AdminField::Password, credential("new")}}),
                                    carol_one)) == ResultCode::Ok);
  CHECK(authenticate(one.access, token) == ResultCode::InvalidCredential);
  // A connection that logged in with the old password is logged out; the one that made
  // the change stays in.
  CHECK(carol_other.check(kPermRead, "test", "", "read") == ResultCode::NotAuthenticated);
  CHECK(carol_one.check(kPermRead, "test", "", "read") == ResultCode::Ok);
  Session again(one.access, "127.0.0.1:5");
  CHECK(result_of(one.access.handle(request(AdminCommand::Login, {{AdminField::User, "carol"},
                                                                  {AdminField::Credential, credential("old")}}),
                                    again)) == ResultCode::InvalidCredential);
  login(one.access, again, "carol", "new");
}

TEST_CASE("whitelists limit where a user logs in from", "[security]") {
  NodeUnderTest node(1);
  Session admin(node.access, "127.0.0.1:1");
  login(node.access, admin, "admin", "admin");
  CHECK(result_of(node.access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "local"},
                                                                        {AdminField::Whitelist, "10.0.0.0/8,::1"}}),
                                     admin)) == ResultCode::Ok);
  CHECK(result_of(node.access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "bad"},
                                                                        {AdminField::Whitelist, "not-an-address"}}),
                                     admin)) == ResultCode::InvalidWhitelist);
  CHECK(result_of(node.access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "dan"},
                                                                        {AdminField::Password, credential("pw")},
                                                                        {AdminField::Roles, proto::encode_admin_roles({"local"})}}),
                                     admin)) == ResultCode::Ok);
  Session inside(node.access, "10.1.2.3:4000");
  login(node.access, inside, "dan", "pw");
  Session outside(node.access, "192.168.0.1:4000");
  CHECK(result_of(node.access.handle(request(AdminCommand::Login, {{AdminField::User, "dan"},
                                                                   {AdminField::Credential, credential("pw")}}),
                                     outside)) == ResultCode::NotWhitelisted);
}

TEST_CASE("the built-in xdr-local login: a password from the secret, in a file only asd's user reads",
          "[security][xdr_local]") {
  NodeUnderTest one(1, "xdr-local.login");
  NodeUnderTest two(2);  // runs no xdr: writes no file, still takes the login of one's xdr
  for (const auto& item : one.store.snapshot()) REQUIRE(two.store.merge(item).ok());
  for (const auto& item : two.store.snapshot()) REQUIRE(one.store.merge(item).ok());
  const std::string file = (one.dir.path / "xdr-local.login").string();
  auto read_password = [&] {
    auto text = common::read_whole_file(file);
    REQUIRE(text.ok());
    REQUIRE(text->has_value());
    std::string first = (*text)->substr(0, (*text)->find('\n'));
    REQUIRE(first.size() == 64);
    return first;
  };
  CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK_FALSE(std::filesystem::exists(two.dir.path / "xdr-local.login"));
  const std::string user(conf::kXdrLocalUser);
  std::string password = read_password();

  Session xdr(one.access, "127.0.0.1:7");
  CHECK(result_of(one.access.handle(request(AdminCommand::Login, {{AdminField::User, user},
                                                                  {AdminField::Credential, credential("guess")}}),
                                    xdr)) == ResultCode::InvalidCredential);
  std::string token = login(one.access, xdr, user, password);
  // Exactly what xdr does on its asd: read, scan, acknowledge gaps.
  CHECK(xdr.check(kPermRead, "test", "", "read") == ResultCode::Ok);
  CHECK(xdr.check(kPermQuery, "test", "any", "scan") == ResultCode::Ok);
  CHECK(xdr.check(kPermServiceCtrl, {}, {}, "xdr-gap-ack") == ResultCode::Ok);
  CHECK(xdr.check(kPermWrite, "test", "", "write") == ResultCode::RoleViolation);
  CHECK(xdr.check(kPermSetConfig, {}, {}, "set-config") == ResultCode::RoleViolation);
  CHECK(result_of(one.access.handle(request(AdminCommand::QueryUsers, {}), xdr)) != ResultCode::Ok);
  CHECK(result_of(one.access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "mallory"},
                                                                       {AdminField::Password, credential("pw")}}),
                                    xdr)) == ResultCode::RoleViolation);

  // Every node of the cluster takes the login and its token: they share the secret.
  Session elsewhere(two.access, "127.0.0.1:8");
  login(two.access, elsewhere, user, password);
  auto authenticate = [&](AccessControl& access, const std::string& with) {
    Session session(access, "127.0.0.1:9");
    return result_of(
        access.handle(request(AdminCommand::Authenticate, {{AdminField::User, user}, {AdminField::SessionToken, with}}),
                      session));
  };
  CHECK(authenticate(two.access, token) == ResultCode::Ok);

  // Nobody can make, change or drop the built-in user.
  Session admin(one.access, "127.0.0.1:1");
  login(one.access, admin, "admin", "admin");
  CHECK(result_of(one.access.handle(request(AdminCommand::CreateUser, {{AdminField::User, user},
                                                                       {AdminField::Password, credential("mine")},
                                                                       {AdminField::Roles, proto::encode_admin_roles({"read"})}}),
                                    admin)) == ResultCode::UserAlreadyExists);
  CHECK(result_of(one.access.handle(request(AdminCommand::DropUser, {{AdminField::User, user}}), admin)) ==
        ResultCode::InvalidUser);
  CHECK(result_of(one.access.handle(request(AdminCommand::SetPassword, {{AdminField::User, user},
                                                                        {AdminField::Password, credential("mine")}}),
                                    admin)) == ResultCode::InvalidUser);

  // A new secret (a cluster that merged with another) rewrites the file: the old password
  // and tokens stop working, the new ones work.
  asd::smd::Item secret{std::string(kSecurityModule), "session-secret", std::string(32, 'n'), uint64_t(1) << 60, 9,
                        false};
  REQUIRE(one.store.merge(secret).ok());
  std::string renewed = read_password();
  CHECK(renewed != password);
  CHECK(authenticate(one.access, token) == ResultCode::InvalidCredential);
  Session again(one.access, "127.0.0.1:10");
  CHECK(result_of(one.access.handle(request(AdminCommand::Login, {{AdminField::User, user},
                                                                  {AdminField::Credential, credential(password)}}),
                                    again)) == ResultCode::InvalidCredential);
  login(one.access, again, user, renewed);
}
