#include "security/access_control.h"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <mutex>

#include "common/log.h"
#include "conf/xdr_local_login.h"
#include "proto/admin.h"
#include "security/local_login.h"
#include "security/password.h"
#include "security/session.h"
#include "security/session_token.h"
#include "smd/metadata_store.h"

namespace asd::security {

using common::ResultCode;
using proto::AdminCommand;
using proto::AdminField;
using proto::append_admin_field;
using proto::append_admin_header;
using proto::append_admin_u32_field;

namespace {

constexpr std::string_view kSecretKey = "session-secret";
// A fixed salt for the default user's stored hash: every node seeds the same item, so
// two nodes that both start fresh agree on it (and on the tokens bound to it).
constexpr std::string_view kDefaultUserSalt = "$2b$10$asdDefaultAdminSaltAAA";

uint64_t system_now_ms() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

std::vector<std::string> single(ResultCode result) {
  std::string out;
  append_admin_header(out, result, 0);
  return {out};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// The client's address without the port ("10.0.0.1:4000" -> "10.0.0.1").
std::string_view peer_address(std::string_view peer) {
  size_t colon = peer.rfind(':');
  return colon == std::string_view::npos ? peer : peer.substr(0, colon);
}

// An exact address, or an IPv4 block ("10.1.0.0/16").
bool address_matches(std::string_view entry, std::string_view address) {
  size_t slash = entry.find('/');
  if (slash == std::string_view::npos) return entry == address;
  in_addr net{}, ip{};
  std::string net_text(entry.substr(0, slash));
  std::string ip_text(address);
  int bits = std::atoi(std::string(entry.substr(slash + 1)).c_str());
  if (inet_pton(AF_INET, net_text.c_str(), &net) != 1 || inet_pton(AF_INET, ip_text.c_str(), &ip) != 1) return false;
  if (bits <= 0) return bits == 0;
  if (bits > 32) return false;
  uint32_t mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
  return (ntohl(net.s_addr) & mask) == (ntohl(ip.s_addr) & mask);
}

bool valid_whitelist(const std::vector<std::string>& entries) {
  for (const std::string& entry : entries) {
    std::string address = entry.substr(0, entry.find('/'));
    unsigned char buffer[16];
    if (inet_pton(AF_INET, address.c_str(), buffer) != 1 && inet_pton(AF_INET6, address.c_str(), buffer) != 1) {
      return false;
    }
  }
  return true;
}

std::string_view command_name(uint8_t command) {
  switch (AdminCommand(command)) {
    case AdminCommand::Authenticate: return "authenticate";
    case AdminCommand::CreateUser: return "create user";
    case AdminCommand::DropUser: return "drop user";
    case AdminCommand::SetPassword: return "set password";
    case AdminCommand::ChangePassword: return "change password";
    case AdminCommand::GrantRoles: return "grant roles";
    case AdminCommand::RevokeRoles: return "revoke roles";
    case AdminCommand::QueryUsers: return "query users";
    case AdminCommand::CreateRole: return "create role";
    case AdminCommand::DropRole: return "drop role";
    case AdminCommand::GrantPrivileges: return "grant privileges";
    case AdminCommand::RevokePrivileges: return "revoke privileges";
    case AdminCommand::SetWhitelist: return "set whitelist";
    case AdminCommand::SetQuotas: return "set quotas";
    case AdminCommand::QueryRoles: return "query roles";
    case AdminCommand::Login: return "login";
  }
  return "unknown admin command";
}

}  // namespace

AccessControl::AccessControl(conf::Security config, smd::MetadataStore& store, uint64_t self, uint64_t (*now_ms)(),
                             std::string local_login_path)
    : config_(std::move(config)), store_(store), self_(self), now_ms_(now_ms ? now_ms : system_now_ms),
      audit_(config_.log), local_login_(std::make_unique<LocalLogin>(std::move(local_login_path))),
      tps_weight_(config_.tps_weight) {}

AccessControl::~AccessControl() = default;

common::Status AccessControl::start() {
  store_.listen(std::string(kUsersModule), [this](const smd::Item& item) { apply_user(item); });
  store_.listen(std::string(kRolesModule), [this](const smd::Item& item) { apply_role(item); });
  store_.listen(std::string(kSecurityModule), [this](const smd::Item& item) { apply_secret(item); });
  common::Result<std::string> credential = client_credential(kDefaultUser);
  if (!credential) return {credential.code(), credential.error().message};
  common::Result<std::string> stored = store_credential(*credential, kDefaultUserSalt);
  if (!stored) return {stored.code(), stored.error().message};
  smd::Item admin{std::string(kUsersModule), std::string(kDefaultUser),
                  encode_user(User{std::string(kDefaultUser), *stored, {"user-admin"}}), 1, 0, false};
  if (common::Result<bool> merged = store_.merge(admin); !merged) return {merged.code(), merged.error().message};
  std::string secret = make_session_secret();
  if (secret.empty()) return {ResultCode::ServerError, "no randomness for the session secret"};
  smd::Item seed{std::string(kSecurityModule), std::string(kSecretKey), std::move(secret), 1, self_, false};
  if (common::Result<bool> merged = store_.merge(seed); !merged) return {merged.code(), merged.error().message};
  return {};
}

// ---- the decoded copy ---------------------------------------------------------------------

void AccessControl::apply_user(const smd::Item& item) {
  std::unique_lock lock(mu_);
  if (item.removed) {
    users_.erase(item.key);
    rates_.erase(item.key);
    return;
  }
  common::Result<User> user = decode_user(item.key, item.value);
  if (!user) return;
  refresh_user_quotas_locked(*user);
  users_[item.key] = std::move(*user);
}

void AccessControl::apply_role(const smd::Item& item) {
  std::unique_lock lock(mu_);
  if (item.removed) {
    roles_.erase(item.key);
  } else if (common::Result<Role> role = decode_role(item.key, item.value)) {
    roles_[item.key] = std::move(*role);
  }
  refresh_quotas_locked();
}

void AccessControl::apply_secret(const smd::Item& item) {
  if (item.key != kSecretKey || item.removed) return;
  {
    std::unique_lock lock(mu_);
    secret_ = item.value;
  }
  // xdr's next login takes the password of the secret the cluster now shares.
  if (common::Status st = local_login_->publish(item.value); !st.ok()) {
    common::logger("security")->warn("xdr's local login cannot be written: {}", st.message());
  }
}

std::string AccessControl::secret() const {
  std::shared_lock lock(mu_);
  return secret_;
}

bool AccessControl::find_user(std::string_view name, User* out) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  *out = it->second;
  return true;
}

bool AccessControl::find_role(std::string_view name, Role* out) const {
  if (std::optional<Role> predefined = predefined_role(name)) {
    *out = std::move(*predefined);
    return true;
  }
  std::shared_lock lock(mu_);
  auto it = roles_.find(name);
  if (it == roles_.end()) return false;
  *out = it->second;
  return true;
}

common::Status AccessControl::store_user(const User& user) {
  common::Result<smd::Item> stored = store_.set(kUsersModule, user.name, encode_user(user));
  if (!stored) return {stored.code(), stored.error().message};
  return {};
}

common::Status AccessControl::store_role(const Role& role) {
  common::Result<smd::Item> stored = store_.set(kRolesModule, role.name, encode_role(role));
  if (!stored) return {stored.code(), stored.error().message};
  return {};
}

// ---- checks -------------------------------------------------------------------------------

common::ResultCode AccessControl::check(std::string_view user, uint32_t needed, std::string_view ns,
                                        std::string_view set, std::string_view stamp) const {
  if (user == conf::kXdrLocalUser) {
    return (needed & ~kXdrLocalPermissions) == 0 ? ResultCode::Ok : ResultCode::RoleViolation;
  }
  std::shared_lock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) return ResultCode::NotAuthenticated;
  if (!stamp.empty() && it->second.password != stamp) return ResultCode::NotAuthenticated;
  // Each needed bit may come from a different privilege of a different role.
  uint32_t missing = needed;
  auto take = [&](const Privilege& privilege) {
    for (uint32_t bit = 1; bit != 0 && missing != 0; bit <<= 1) {
      if ((missing & bit) && grants(privilege, bit, ns, set)) missing &= ~bit;
    }
  };
  for (const std::string& role_name : it->second.roles) {
    if (missing == 0) break;
    if (std::optional<PrivilegeCode> code = privilege_from_name(role_name)) {
      take(Privilege{*code, {}, {}});  // a predefined role: its one global privilege
      continue;
    }
    auto role = roles_.find(role_name);
    if (role == roles_.end()) continue;
    for (const Privilege& privilege : role->second.privileges) take(privilege);
  }
  return missing == 0 ? ResultCode::Ok : ResultCode::RoleViolation;
}

bool AccessControl::whitelisted(const User& user, std::string_view peer) const {
  std::string_view address = peer_address(peer);
  bool restricted = false;
  for (const std::string& role_name : user.roles) {
    Role role;
    if (!find_role(role_name, &role) || role.whitelist.empty()) continue;
    restricted = true;
    for (const std::string& entry : role.whitelist) {
      if (address_matches(entry, address)) return true;
    }
  }
  return !restricted;
}

common::ResultCode Session::check(uint32_t needed, std::string_view ns, std::string_view set,
                                  std::string_view action) const {
  ResultCode result = authenticated_ ? access_.check(user_, needed, ns, set, stamp_) : ResultCode::NotAuthenticated;
  std::string detail = ns.empty() ? std::string() : "ns=" + std::string(ns) + (set.empty() ? "" : ";set=" + std::string(set));
  if (result != ResultCode::Ok) {
    access_.audit().violation(result, peer_, user_, action, detail);
  } else if (!ns.empty() && access_.audit().reports_data_op(ns, set)) {
    access_.audit().data_op(peer_, user_, action, detail);
  }
  return result;
}

// ---- the admin protocol -------------------------------------------------------------------

std::vector<std::string> AccessControl::handle(std::string_view body, Session& session) {
  common::Result<AdminRequest> request = proto::parse_admin_message(body);
  if (!request) {
    audit_.violation(request.code(), session.peer(), session.user(), "admin", request.error().message);
    return single(request.code());
  }
  switch (AdminCommand(request->command)) {
    case AdminCommand::Login: return login(*request, session);
    case AdminCommand::Authenticate: return authenticate(*request, session);
    default: break;
  }
  if (!session.authenticated()) {
    audit_.violation(ResultCode::NotAuthenticated, session.peer(), "", command_name(request->command), "");
    return single(ResultCode::NotAuthenticated);
  }
  return administer(*request, session);
}

AccessControl::Answer AccessControl::login(const AdminRequest& request, Session& session) {
  std::optional<std::string_view> name = request.field(AdminField::User);
  std::optional<std::string_view> credential = request.field(AdminField::Credential);
  std::string detail = "user=" + std::string(name.value_or(""));
  ResultCode result = ResultCode::Ok;
  if (name && *name == conf::kXdrLocalUser) return login_local(request, session);
  User user;
  if (!name || !find_user(*name, &user)) {
    result = ResultCode::InvalidUser;
  } else if (!credential || !verify_credential(*credential, user.password)) {
    result = ResultCode::InvalidCredential;
  } else if (!whitelisted(user, session.peer())) {
    result = ResultCode::NotWhitelisted;
  }
  audit_.authentication(result, session.peer(), result == ResultCode::Ok ? user.name : "", "login", detail);
  if (result != ResultCode::Ok) {
    session.clear();
    return single(result);
  }
  return open_session(session, user.name, user.password, secret());
}

// A LOGIN's answer: a token bound to the user and `stamp`, and its TTL; the connection
// is now logged in as the user.
AccessControl::Answer AccessControl::open_session(Session& session, const std::string& user, const std::string& stamp,
                                                  const std::string& secret) {
  std::string token = issue_token(secret, user, stamp, now_ms_() + uint64_t(config_.session_ttl) * 1000);
  session.set_user(user, stamp);
  std::string out;
  append_admin_header(out, ResultCode::Ok, 2);
  append_admin_field(out, AdminField::SessionToken, token);
  append_admin_u32_field(out, AdminField::SessionTtl, config_.session_ttl);
  return {out};
}

AccessControl::Answer AccessControl::authenticate(const AdminRequest& request, Session& session) {
  std::optional<std::string_view> name = request.field(AdminField::User);
  std::optional<std::string_view> token = request.field(AdminField::SessionToken);
  std::string detail = "user=" + std::string(name.value_or(""));
  ResultCode result = ResultCode::Ok;
  if (name && *name == conf::kXdrLocalUser) return authenticate_local(request, session);
  User user;
  if (!name || !find_user(*name, &user)) {
    result = ResultCode::InvalidUser;
  } else if (!token) {
    result = ResultCode::InvalidCredential;
  } else {
    result = check_token(secret(), *token, user.name, user.password, now_ms_());
    if (result == ResultCode::Ok && !whitelisted(user, session.peer())) result = ResultCode::NotWhitelisted;
  }
  audit_.authentication(result, session.peer(), result == ResultCode::Ok ? user.name : "", "authenticate", detail);
  if (result != ResultCode::Ok) {
    session.clear();
    return single(result);
  }
  session.set_user(user.name, user.password);
  return single(ResultCode::Ok);
}

// The built-in user: no stored password, no roles and no whitelist; its password comes
// from the secret and its rights are fixed (local_login.h).
AccessControl::Answer AccessControl::login_local(const AdminRequest& request, Session& session) {
  std::optional<std::string_view> credential = request.field(AdminField::Credential);
  const std::string key = secret();
  ResultCode result = credential && local_login_->verify(key, *credential) ? ResultCode::Ok : ResultCode::InvalidCredential;
  const std::string name(conf::kXdrLocalUser);
  audit_.authentication(result, session.peer(), result == ResultCode::Ok ? name : "", "login", "user=" + name);
  if (result != ResultCode::Ok) {
    session.clear();
    return single(result);
  }
  return open_session(session, name, std::string(kXdrLocalStamp), key);
}

AccessControl::Answer AccessControl::authenticate_local(const AdminRequest& request, Session& session) {
  std::optional<std::string_view> token = request.field(AdminField::SessionToken);
  const std::string name(conf::kXdrLocalUser);
  ResultCode result =
      token ? check_token(secret(), *token, name, kXdrLocalStamp, now_ms_()) : ResultCode::InvalidCredential;
  audit_.authentication(result, session.peer(), result == ResultCode::Ok ? name : "", "authenticate", "user=" + name);
  if (result != ResultCode::Ok) {
    session.clear();
    return single(result);
  }
  session.set_user(name, std::string(kXdrLocalStamp));
  return single(ResultCode::Ok);
}

AccessControl::Answer AccessControl::administer(const AdminRequest& request, Session& session) {
  auto command = AdminCommand(request.command);
  std::optional<std::string_view> target = request.field(AdminField::User);
  const bool self = target && *target == session.user();
  // A user may read itself and change its own password (with the old one: CHANGE_PASSWORD);
  // everything else is user-admin.
  bool needs_admin = true;
  if (command == AdminCommand::ChangePassword || command == AdminCommand::QueryUsers) needs_admin = !self;
  if (command == AdminCommand::QueryRoles) needs_admin = false;  // filtered per role below
  if (needs_admin) {
    ResultCode allowed = session.check(kPermUserAdmin, {}, {}, command_name(request.command));
    if (allowed != ResultCode::Ok) return single(allowed);
  }
  common::Status status;
  switch (command) {
    case AdminCommand::CreateUser: status = create_user(request); break;
    case AdminCommand::DropUser: status = drop_user(request); break;
    case AdminCommand::SetPassword: status = set_password(request, false, session); break;
    case AdminCommand::ChangePassword: status = set_password(request, self, session); break;
    case AdminCommand::GrantRoles: status = change_roles(request, true); break;
    case AdminCommand::RevokeRoles: status = change_roles(request, false); break;
    case AdminCommand::CreateRole: status = create_role(request); break;
    case AdminCommand::DropRole: status = drop_role(request); break;
    case AdminCommand::GrantPrivileges: status = change_privileges(request, true); break;
    case AdminCommand::RevokePrivileges: status = change_privileges(request, false); break;
    case AdminCommand::SetWhitelist: status = set_whitelist(request); break;
    case AdminCommand::SetQuotas: status = set_quotas(request); break;
    case AdminCommand::QueryUsers: return query_users(request);
    case AdminCommand::QueryRoles: return query_roles(request, session);
    default: status = {ResultCode::InvalidCommand, "unknown admin command"}; break;
  }
  std::string detail;
  if (target) detail = "user=" + std::string(*target);
  if (std::optional<std::string_view> role = request.field(AdminField::Role)) {
    detail += (detail.empty() ? "role=" : ";role=") + std::string(*role);
  }
  if (!status.ok() && !status.message().empty()) detail += (detail.empty() ? "reason=" : ";reason=") + status.message();
  audit_.user_admin(status.code(), session.peer(), session.user(), command_name(request.command), detail);
  return single(status.code());
}

common::Status AccessControl::create_user(const AdminRequest& request) {
  std::optional<std::string_view> name = request.field(AdminField::User);
  std::optional<std::string_view> password = request.field(AdminField::Password);
  if (!name || !valid_name(*name)) return {ResultCode::InvalidUser, "bad user name"};
  if (*name == conf::kXdrLocalUser) return {ResultCode::UserAlreadyExists, "xdr-local is built in"};
  if (!password || password->empty()) return {ResultCode::InvalidPassword, "no password"};
  User user{std::string(*name), {}, {}};
  if (std::optional<std::string_view> roles_field = request.field(AdminField::Roles)) {
    common::Result<std::vector<std::string>> roles = proto::parse_admin_roles(*roles_field);
    if (!roles) return {roles.code(), roles.error().message};
    for (const std::string& role : *roles) {
      Role found;
      if (!find_role(role, &found)) return {ResultCode::InvalidRole, "no role " + role};
      if (std::find(user.roles.begin(), user.roles.end(), role) == user.roles.end()) user.roles.push_back(role);
    }
  }
  User existing;
  if (find_user(user.name, &existing)) return {ResultCode::UserAlreadyExists, "user exists"};
  common::Result<std::string> stored = store_credential(*password);
  if (!stored) return {stored.code(), stored.error().message};
  user.password = std::move(*stored);
  return store_user(user);
}

common::Status AccessControl::drop_user(const AdminRequest& request) {
  std::optional<std::string_view> name = request.field(AdminField::User);
  User user;
  if (!name || !find_user(*name, &user)) return {ResultCode::InvalidUser, "no such user"};
  common::Result<smd::Item> removed = store_.remove(kUsersModule, user.name);
  if (!removed) return {removed.code(), removed.error().message};
  return {};
}

common::Status AccessControl::set_password(const AdminRequest& request, bool check_old, Session& session) {
  std::optional<std::string_view> name = request.field(AdminField::User);
  std::optional<std::string_view> password = request.field(AdminField::Password);
  User user;
  if (!name || !find_user(*name, &user)) return {ResultCode::InvalidUser, "no such user"};
  if (!password || password->empty()) return {ResultCode::InvalidPassword, "no password"};
  if (check_old) {
    std::optional<std::string_view> old = request.field(AdminField::OldPassword);
    if (!old || !verify_credential(*old, user.password)) return {ResultCode::InvalidCredential, "old password"};
  }
  common::Result<std::string> stored = store_credential(*password);
  if (!stored) return {stored.code(), stored.error().message};
  user.password = std::move(*stored);
  common::Status status = store_user(user);
  // The connection that changed its own user's password stays logged in (it knew the
  // old one, or is user-admin); the user's other connections and tokens end.
  if (status.ok() && session.authenticated() && session.user() == user.name) session.set_user(user.name, user.password);
  return status;
}

common::Status AccessControl::change_roles(const AdminRequest& request, bool grant) {
  std::optional<std::string_view> name = request.field(AdminField::User);
  std::optional<std::string_view> roles_field = request.field(AdminField::Roles);
  User user;
  if (!name || !find_user(*name, &user)) return {ResultCode::InvalidUser, "no such user"};
  if (!roles_field) return {ResultCode::InvalidRole, "no roles"};
  common::Result<std::vector<std::string>> roles = proto::parse_admin_roles(*roles_field);
  if (!roles) return {roles.code(), roles.error().message};
  for (const std::string& role : *roles) {
    Role found;
    if (!find_role(role, &found)) return {ResultCode::InvalidRole, "no role " + role};
    auto it = std::find(user.roles.begin(), user.roles.end(), role);
    if (grant && it == user.roles.end()) user.roles.push_back(role);
    if (!grant && it != user.roles.end()) user.roles.erase(it);
  }
  if (user.roles.size() > proto::kAdminMaxListed) {
    return {ResultCode::InvalidRole, "a user holds at most " + std::to_string(proto::kAdminMaxListed) + " roles"};
  }
  return store_user(user);
}

common::Status AccessControl::create_role(const AdminRequest& request) {
  std::optional<std::string_view> name = request.field(AdminField::Role);
  if (!name || !valid_name(*name)) return {ResultCode::InvalidRole, "bad role name"};
  Role role{std::string(*name), {}, {}};
  if (common::Status quotas = read_quotas(request, role); !quotas.ok()) return quotas;
  if (std::optional<std::string_view> field = request.field(AdminField::Privileges)) {
    common::Result<std::vector<Privilege>> privileges = parse_privileges(*field);
    if (!privileges) return {privileges.code(), privileges.error().message};
    for (Privilege& privilege : *privileges) {
      if (std::find(role.privileges.begin(), role.privileges.end(), privilege) == role.privileges.end()) {
        role.privileges.push_back(std::move(privilege));
      }
    }
  }
  if (std::optional<std::string_view> field = request.field(AdminField::Whitelist)) {
    role.whitelist = parse_whitelist(*field);
    if (!valid_whitelist(role.whitelist)) return {ResultCode::InvalidWhitelist, "bad address"};
  }
  Role existing;
  if (find_role(role.name, &existing)) return {ResultCode::RoleAlreadyExists, "role exists"};
  return store_role(role);
}

common::Status AccessControl::drop_role(const AdminRequest& request) {
  std::optional<std::string_view> name = request.field(AdminField::Role);
  if (!name || predefined_role(*name)) return {ResultCode::InvalidRole, "not a user-defined role"};
  Role role;
  if (!find_role(*name, &role)) return {ResultCode::InvalidRole, "no such role"};
  common::Result<smd::Item> removed = store_.remove(kRolesModule, role.name);
  if (!removed) return {removed.code(), removed.error().message};
  // The role leaves every user that had it, as the real server does.
  std::vector<User> holders;
  {
    std::shared_lock lock(mu_);
    for (const auto& [user_name, user] : users_) {
      if (std::find(user.roles.begin(), user.roles.end(), role.name) != user.roles.end()) holders.push_back(user);
    }
  }
  for (User& user : holders) {
    user.roles.erase(std::find(user.roles.begin(), user.roles.end(), role.name));
    if (common::Status st = store_user(user); !st.ok()) return st;
  }
  return {};
}

common::Status AccessControl::change_privileges(const AdminRequest& request, bool grant) {
  std::optional<std::string_view> name = request.field(AdminField::Role);
  std::optional<std::string_view> field = request.field(AdminField::Privileges);
  Role role;
  if (!name || predefined_role(*name) || !find_role(*name, &role)) return {ResultCode::InvalidRole, "no such role"};
  if (!field) return {ResultCode::InvalidPrivilege, "no privileges"};
  common::Result<std::vector<Privilege>> privileges = parse_privileges(*field);
  if (!privileges) return {privileges.code(), privileges.error().message};
  for (Privilege& privilege : *privileges) {
    auto it = std::find(role.privileges.begin(), role.privileges.end(), privilege);
    if (grant && it == role.privileges.end()) role.privileges.push_back(std::move(privilege));
    if (!grant && it != role.privileges.end()) role.privileges.erase(it);
  }
  if (role.privileges.size() > proto::kAdminMaxListed) {
    return {ResultCode::InvalidPrivilege,
            "a role holds at most " + std::to_string(proto::kAdminMaxListed) + " privileges"};
  }
  return store_role(role);
}

common::Status AccessControl::set_whitelist(const AdminRequest& request) {
  std::optional<std::string_view> name = request.field(AdminField::Role);
  Role role;
  if (!name || predefined_role(*name) || !find_role(*name, &role)) return {ResultCode::InvalidRole, "no such role"};
  std::optional<std::string_view> field = request.field(AdminField::Whitelist);
  role.whitelist = field ? parse_whitelist(*field) : std::vector<std::string>{};
  if (!valid_whitelist(role.whitelist)) return {ResultCode::InvalidWhitelist, "bad address"};
  return store_role(role);
}

AccessControl::Answer AccessControl::query_users(const AdminRequest& request) const {
  std::vector<User> users;
  std::optional<std::string_view> name = request.field(AdminField::User);
  if (name) {
    User user;
    if (!find_user(*name, &user)) return single(ResultCode::InvalidUser);
    users.push_back(std::move(user));
  } else {
    std::shared_lock lock(mu_);
    for (const auto& [user_name, user] : users_) users.push_back(user);
  }
  std::string out;
  for (const User& user : users) {
    append_admin_header(out, ResultCode::Ok, 5);
    append_admin_field(out, AdminField::User, user.name);
    append_admin_field(out, AdminField::Roles, proto::encode_admin_roles(user.roles));
    append_admin_field(out, AdminField::ReadInfo, info_field(user.name, QuotaKind::Read));
    append_admin_field(out, AdminField::WriteInfo, info_field(user.name, QuotaKind::Write));
    append_admin_u32_field(out, AdminField::Connections, 0);
  }
  std::string end;
  append_admin_header(end, ResultCode::QueryEnd, 0);
  return {out, end};
}

AccessControl::Answer AccessControl::query_roles(const AdminRequest& request, const Session& session) const {
  std::vector<Role> roles;
  std::optional<std::string_view> name = request.field(AdminField::Role);
  if (name) {
    Role role;
    if (!find_role(*name, &role)) return single(ResultCode::InvalidRole);
    roles.push_back(std::move(role));
  } else {
    roles = predefined_roles();
    std::shared_lock lock(mu_);
    for (const auto& [role_name, role] : roles_) roles.push_back(role);
  }
  // Without user-admin a user sees only the roles it holds.
  if (check(session.user(), kPermUserAdmin, {}, {}) != ResultCode::Ok) {
    User self;
    find_user(session.user(), &self);
    std::erase_if(roles, [&](const Role& role) {
      return std::find(self.roles.begin(), self.roles.end(), role.name) == self.roles.end();
    });
    if (name && roles.empty()) return single(ResultCode::RoleViolation);
  }
  std::string out;
  for (const Role& role : roles) {
    append_admin_header(out, ResultCode::Ok, uint8_t((role.whitelist.empty() ? 2 : 3) + quota_field_count(role)));
    append_admin_field(out, AdminField::Role, role.name);
    append_admin_field(out, AdminField::Privileges, encode_privileges(role.privileges));
    if (!role.whitelist.empty()) append_admin_field(out, AdminField::Whitelist, join(role.whitelist));
    append_quota_fields(out, role);
  }
  std::string end;
  append_admin_header(end, ResultCode::QueryEnd, 0);
  return {out, end};
}

}  // namespace asd::security
