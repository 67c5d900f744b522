// Access control over a real metadata store: the seeded admin, the admin commands, the
// checks, and a second node that learns everything through merged items.

#include <atomic>
#include <filesystem>

#include <catch2/catch.hpp>

#include "common/atomic_file.h"
#include "common/bytes.h"
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
  explicit NodeUnderTest(uint64_t id, const std::string& local_login = {}, const conf::Security& security = config())
      : store(dir.path.string(), id),
        access(security, store, id, fake_now, local_login.empty() ? std::string() : (dir.path / local_login).string()) {
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

TEST_CASE("a user holds at most 255 roles and a role at most 255 privileges", "[security]") {
  NodeUnderTest node(1);
  AccessControl& access = node.access;
  Session admin(access, "127.0.0.1:1");
  login(access, admin, "admin", "admin");
  std::vector<std::string> roles;
  std::vector<Privilege> privileges;
  for (int i = 0; i < 256; ++i) {
    roles.push_back("r" + std::to_string(i));
    REQUIRE(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, roles.back()}}), admin)) ==
            ResultCode::Ok);
    privileges.push_back({PrivilegeCode::Read, "test", "s" + std::to_string(i)});
  }
  REQUIRE(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "many"},
                                                                     {AdminField::Password, credential("pw")}}),
                                  admin)) == ResultCode::Ok);
  std::vector<std::string> first(roles.begin(), roles.begin() + 255);
  CHECK(result_of(access.handle(request(AdminCommand::GrantRoles, {{AdminField::User, "many"},
                                                                   {AdminField::Roles, proto::encode_admin_roles(first)}}),
                                admin)) == ResultCode::Ok);
  // The 256th would wrap the answer's count byte: refused, and the user keeps its 255.
  CHECK(result_of(access.handle(request(AdminCommand::GrantRoles,
                                        {{AdminField::User, "many"}, {AdminField::Roles, proto::encode_admin_roles({"r255"})}}),
                                admin)) == ResultCode::InvalidRole);
  CHECK(result_of(access.handle(request(AdminCommand::GrantRoles,
                                        {{AdminField::User, "many"}, {AdminField::Roles, proto::encode_admin_roles({"r0"})}}),
                                admin)) == ResultCode::Ok);
  auto users = access.handle(request(AdminCommand::QueryUsers, {{AdminField::User, "many"}}), admin);
  REQUIRE(users.size() == 2);
  auto record = proto::parse_admin_message(users[0]);
  REQUIRE(record.ok());
  CHECK(*proto::parse_admin_roles(*record->field(AdminField::Roles)) == first);

  std::vector<Privilege> first_privileges(privileges.begin(), privileges.begin() + 255);
  CHECK(result_of(access.handle(request(AdminCommand::GrantPrivileges,
                                        {{AdminField::Role, "r0"}, {AdminField::Privileges, encode_privileges(first_privileges)}}),
                                admin)) == ResultCode::Ok);
  CHECK(result_of(access.handle(request(AdminCommand::GrantPrivileges,
                                        {{AdminField::Role, "r0"}, {AdminField::Privileges, encode_privileges({privileges[255]})}}),
                                admin)) == ResultCode::InvalidPrivilege);
  auto answer = access.handle(request(AdminCommand::QueryRoles, {{AdminField::Role, "r0"}}), admin);
  REQUIRE(answer.size() == 2);
  auto role = proto::parse_admin_message(answer[0]);
  REQUIRE(role.ok());
  auto listed = parse_privileges(*role->field(AdminField::Privileges));
  REQUIRE(listed.ok());
  CHECK(listed->size() == 255);
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

// ---- rate quotas --------------------------------------------------------------------------

namespace {

conf::Security quota_config() {
  conf::Security c = config();
  c.enable_quotas = true;
  c.tps_weight = 2;
  return c;
}

std::string u32(uint32_t value) {
  std::string out;
  common::append_be32(out, value);
  return out;
}

// A QUERY_USERS answer's READ_INFO or WRITE_INFO for one user.
QuotaInfo user_info(AccessControl& access, Session& admin, const std::string& user, AdminField which) {
  auto answer = access.handle(request(AdminCommand::QueryUsers, {{AdminField::User, user}}), admin);
  REQUIRE(answer.size() == 2);
  auto parsed = proto::parse_admin_message(answer[0]);
  REQUIRE(parsed.ok());
  std::optional<std::string_view> data = parsed->field(which);
  REQUIRE(data);
  REQUIRE(data->size() == 17);
  REQUIRE(uint8_t((*data)[0]) == 4);
  QuotaInfo info{};
  for (size_t i = 0; i < info.size(); ++i) info[i] = common::load_be32(common::as_bytes(data->substr(1 + 4 * i)));
  return info;
}

// A QUERY_ROLES answer's quotas for one role (0 when the field is absent).
std::pair<uint32_t, uint32_t> role_quotas(AccessControl& access, Session& admin, const std::string& role) {
  auto answer = access.handle(request(AdminCommand::QueryRoles, {{AdminField::Role, role}}), admin);
  REQUIRE(answer.size() == 2);
  auto parsed = proto::parse_admin_message(answer[0]);
  REQUIRE(parsed.ok());
  return {*parse_quota(parsed->field(AdminField::ReadQuota)), *parse_quota(parsed->field(AdminField::WriteQuota))};
}

}  // namespace

TEST_CASE("without enable-quotas, quotas are refused with 74 and nothing is measured", "[security][quota]") {
  NodeUnderTest node(1);
  AccessControl& access = node.access;
  Session admin(access, "127.0.0.1:1");
  login(access, admin, "admin", "admin");
  CHECK(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "q"}, {AdminField::ReadQuota, u32(5)}}),
                                admin)) == ResultCode::QuotasNotEnabled);
  // Zero quotas are no quotas: the real clients send none, but a zero is accepted.
  CHECK(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "q"}, {AdminField::ReadQuota, u32(0)}}),
                                admin)) == ResultCode::Ok);
  CHECK(result_of(access.handle(request(AdminCommand::SetQuotas, {{AdminField::Role, "q"},
                                                                  {AdminField::ReadQuota, u32(5)},
                                                                  {AdminField::WriteQuota, u32(5)}}),
                                admin)) == ResultCode::QuotasNotEnabled);
  CHECK(access.user_rates("admin") == nullptr);
  CHECK(admin.admit(QuotaKind::Read, "test", "", "read") == ResultCode::Ok);
  CHECK(user_info(access, admin, "admin", AdminField::ReadInfo) == QuotaInfo{0, 0, 0, 0});
}

TEST_CASE("create-role and set-quotas store quotas; query-roles answers them", "[security][quota]") {
  NodeUnderTest node(1, {}, quota_config());
  NodeUnderTest other(2, {}, quota_config());
  AccessControl& access = node.access;
  Session admin(access, "127.0.0.1:1");
  login(access, admin, "admin", "admin");
  std::string privileges = encode_privileges({{PrivilegeCode::ReadWrite, "test", ""}});
  CHECK(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, "limited"},
                                                                   {AdminField::Privileges, privileges},
                                                                   {AdminField::ReadQuota, u32(1000)},
                                                                   {AdminField::WriteQuota, u32(10)}}),
                                admin)) == ResultCode::Ok);
  CHECK(role_quotas(access, admin, "limited") == std::pair<uint32_t, uint32_t>{1000, 10});
  CHECK(role_quotas(access, admin, "read") == std::pair<uint32_t, uint32_t>{0, 0});
  // set-quotas: one field changes one quota; 0 takes the limit away.
  CHECK(result_of(access.handle(request(AdminCommand::SetQuotas, {{AdminField::Role, "limited"},
                                                                  {AdminField::WriteQuota, u32(20)}}),
                                admin)) == ResultCode::Ok);
  CHECK(role_quotas(access, admin, "limited") == std::pair<uint32_t, uint32_t>{1000, 20});
  CHECK(result_of(access.handle(request(AdminCommand::SetQuotas, {{AdminField::Role, "limited"},
                                                                  {AdminField::ReadQuota, u32(0)},
                                                                  {AdminField::WriteQuota, u32(30)}}),
                                admin)) == ResultCode::Ok);
  CHECK(role_quotas(access, admin, "limited") == std::pair<uint32_t, uint32_t>{0, 30});
  // Refusals: predefined and unknown roles, malformed and missing quotas, non-admins.
  // One quota field (the other stays), or none.
  auto set_quota = [&](Session& as, const std::string& role, AdminField which, const std::string& data) {
    return result_of(access.handle(request(AdminCommand::SetQuotas, {{AdminField::Role, role}, {which, data}}), as));
  };
  CHECK(set_quota(admin, "read", AdminField::ReadQuota, u32(5)) == ResultCode::InvalidRole);
  CHECK(set_quota(admin, "ghost", AdminField::ReadQuota, u32(5)) == ResultCode::InvalidRole);
  CHECK(set_quota(admin, "limited", AdminField::ReadQuota, "\x05") == ResultCode::InvalidQuota);
  CHECK(set_quota(admin, "limited", AdminField::ReadQuota, u32(0xffffffff)) == ResultCode::InvalidQuota);
  CHECK(result_of(access.handle(request(AdminCommand::SetQuotas, {{AdminField::Role, "limited"}}), admin)) ==
        ResultCode::InvalidQuota);
  CHECK(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "app"},
                                                                   {AdminField::Password, credential("pw")},
                                                                   {AdminField::Roles, proto::encode_admin_roles({"limited"})}}),
                                admin)) == ResultCode::Ok);
  Session app(access, "127.0.0.1:2");
  login(access, app, "app", "pw");
  CHECK(set_quota(app, "limited", AdminField::WriteQuota, u32(1000)) == ResultCode::RoleViolation);
  CHECK(role_quotas(access, admin, "limited") == std::pair<uint32_t, uint32_t>{0, 30});
  // The user sees its own role's quotas.
  CHECK(role_quotas(access, app, "limited") == std::pair<uint32_t, uint32_t>{0, 30});
  // Another node learns the quotas with the role.
  for (const auto& item : node.store.snapshot()) REQUIRE(other.store.merge(item).ok());
  REQUIRE(other.access.user_rates("app") != nullptr);
  CHECK(other.access.user_rates("app")->quota_of(QuotaKind::Write) == 30);
}

TEST_CASE("a user over its per-second quota gets 83 until the next second", "[security][quota]") {
  NodeUnderTest node(1, {}, quota_config());
  AccessControl& access = node.access;
  Session admin(access, "127.0.0.1:1");
  login(access, admin, "admin", "admin");
  // Quota fields of 0 are no quota (the real clients leave them out).
  auto create_role = [&](const std::string& name, uint32_t read, uint32_t write) {
    std::string privileges = encode_privileges({{PrivilegeCode::ReadWrite, "test", ""}});
    REQUIRE(result_of(access.handle(request(AdminCommand::CreateRole, {{AdminField::Role, name},
                                                                       {AdminField::Privileges, privileges},
                                                                       {AdminField::ReadQuota, u32(read)},
                                                                       {AdminField::WriteQuota, u32(write)}}),
                                    admin)) == ResultCode::Ok);
  };
  create_role("w3", 0, 3);
  create_role("w5", 0, 5);
  create_role("plain", 0, 0);
  CHECK(result_of(access.handle(request(AdminCommand::CreateUser, {{AdminField::User, "app"},
                                                                   {AdminField::Password, credential("pw")},
                                                                   {AdminField::Roles, proto::encode_admin_roles({"w3", "plain"})}}),
                                admin)) == ResultCode::Ok);
  Session app(access, "127.0.0.1:2");
  login(access, app, "app", "pw");
  // Whole seconds on the injected clock.
  g_now = (g_now / 1000 + 1) * 1000;
  auto writes = [&](int attempts) {
    int ok = 0;
    for (int i = 0; i < attempts; ++i) {
      ResultCode result = app.admit(QuotaKind::Write, "test", "", "write");
      CHECK((result == ResultCode::Ok || result == ResultCode::QuotaExceeded));
      ok += result == ResultCode::Ok ? 1 : 0;
    }
    return ok;
  };
  CHECK(writes(10) == 3);
  // Reads have no quota: unaffected.
  for (int i = 0; i < 100; ++i) CHECK(app.admit(QuotaKind::Read, "test", "", "read") == ResultCode::Ok);
  g_now += 1000;
  CHECK(writes(10) == 3);
  // The largest quota among the user's roles applies, and a role change applies at once.
  CHECK(result_of(access.handle(request(AdminCommand::GrantRoles, {{AdminField::User, "app"},
                                                                   {AdminField::Roles, proto::encode_admin_roles({"w5"})}}),
                                admin)) == ResultCode::Ok);
  CHECK(writes(10) == 2);
  g_now += 1000;
  CHECK(writes(10) == 5);
  // query-users: quota, the average rate, reserved records per second, limitless jobs.
  // Writes were 3, 5, 5 in three seconds; with weight 2 the average of the two finished
  // ones is (3 / 2 + 5) / 2 = 3.25, and 4.125 once the third is over.
  CHECK(user_info(access, admin, "app", AdminField::WriteInfo) == QuotaInfo{5, 3, 0, 0});
  g_now += 1000;
  CHECK(user_info(access, admin, "app", AdminField::WriteInfo) == QuotaInfo{5, 4, 0, 0});
  // 100 reads in the first second, then two idle ones: 50 / 2 / 2 = 12.5.
  CHECK(user_info(access, admin, "app", AdminField::ReadInfo) == QuotaInfo{0, 13, 0, 0});
  // Scans and queries: a limit within the quota is reserved for the job's life; a
  // limitless one is refused while there is a quota.
  QuotaReservation job;
  CHECK(app.reserve(QuotaKind::Write, 0, "test", "", "query", &job) == ResultCode::QuotaExceeded);
  CHECK(app.reserve(QuotaKind::Write, 6, "test", "", "query", &job) == ResultCode::QuotaExceeded);
  CHECK(app.reserve(QuotaKind::Write, 4, "test", "", "query", &job) == ResultCode::Ok);
  CHECK(user_info(access, admin, "app", AdminField::WriteInfo)[2] == 4);
  CHECK(writes(10) == 1);
  QuotaReservation reads;
  CHECK(app.reserve(QuotaKind::Read, 0, "test", "", "query", &reads) == ResultCode::Ok);
  CHECK(user_info(access, admin, "app", AdminField::ReadInfo)[3] == 1);
  job.release();
  reads.release();
  CHECK(user_info(access, admin, "app", AdminField::WriteInfo)[2] == 0);
  CHECK(user_info(access, admin, "app", AdminField::ReadInfo)[3] == 0);
  // tps-weight changes at runtime (set-config).
  access.set_tps_weight(4);
  CHECK(access.tps_weight() == 4);
  // Taking the role's quota away lifts the limit; revoking the role does too.
  CHECK(result_of(access.handle(request(AdminCommand::RevokeRoles, {{AdminField::User, "app"},
                                                                    {AdminField::Roles, proto::encode_admin_roles({"w3", "w5"})}}),
                                admin)) == ResultCode::Ok);
  CHECK(writes(50) == 50);
  // The built-in xdr-local user and a dropped user have no meters.
  CHECK(access.user_rates(std::string(conf::kXdrLocalUser)) == nullptr);
  CHECK(result_of(access.handle(request(AdminCommand::DropUser, {{AdminField::User, "app"}}), admin)) == ResultCode::Ok);
  CHECK(access.user_rates("app") == nullptr);
}
