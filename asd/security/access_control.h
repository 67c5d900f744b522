#pragma once
// Access control, as Aerospike Enterprise does it: users with passwords and roles, roles
// with privileges scoped to namespaces and sets, sessions opened by LOGIN and resumed on
// other connections (and other nodes) by AUTHENTICATE, and the checks every command goes
// through.
//
// Parts (one file each): privilege.h (codes, permissions, scopes), user_role.h (the model
// and its encoding), password.h (bcrypt), session_token.h (signed tokens), audit.h (the
// audit log), session.h (a connection's standing); the admin protocol's codec is
// proto/admin.h, shared with the client. This class ties them to the cluster's system
// metadata:
//
//   module "users"     user name -> stored password hash + roles
//   module "roles"     role name -> privileges + whitelist + quotas
//   module "security"  "session-secret" -> the key tokens are signed with
//
// Every change goes through the metadata store, so it is on disk and on every node of the
// cluster before the client's answer; each node keeps a decoded copy, refreshed by the
// store's listeners, that the checks read under a shared lock. The first start seeds
// user admin (password admin, role user-admin) and a session secret at the lowest
// version, so whatever a running cluster already holds wins the merge.
//
// With enable-quotas, each user also has rate meters (rate_quota.h) that sessions count
// commands on without a lock; the quotas in them follow the users' roles.
//
// Thread-safe. handle() may run bcrypt (tens of ms): callers run admin requests off the
// service threads.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "conf/config.h"
#include "security/audit.h"
#include "security/rate_quota.h"
#include "security/user_role.h"

namespace asd::smd {
class MetadataStore;
struct Item;
}

namespace proto {
struct AdminMessage;
}

namespace asd::security {

class LocalLogin;
class Session;
// A parsed admin request (proto/admin.h).
using AdminRequest = proto::AdminMessage;

inline constexpr std::string_view kSecurityModule = "security";
inline constexpr std::string_view kDefaultUser = "admin";

class AccessControl {
 public:
  // `self`: this node's id (it breaks the tie between two nodes' first secrets);
  // `now_ms`: the clock tokens are issued and checked against (tests inject one);
  // `local_login_path`: where this node's xdr reads its password (local_login.h), empty
  // when the node runs no xdr.
  AccessControl(conf::Security config, smd::MetadataStore& store, uint64_t self, uint64_t (*now_ms)() = nullptr,
                std::string local_login_path = {});
  ~AccessControl();

  // Registers the metadata listeners and seeds the default user and the secret.
  // Start-up edge: an error stops start-up.
  common::Status start();

  // Answers one admin request (a type-2 body) for the connection's session: the bodies of
  // the type-2 protos to send back, in order (queries answer two).
  std::vector<std::string> handle(std::string_view body, Session& session);

  // Whether `user` may do `needed` on ns/set: Ok, RoleViolation, or NotAuthenticated
  // when the user no longer exists or (with a `stamp`, Session::set_user) its password
  // changed since the connection logged in.
  common::ResultCode check(std::string_view user, uint32_t needed, std::string_view ns, std::string_view set,
                           std::string_view stamp = {}) const;

  Audit& audit() { return audit_; }
  const conf::Security& config() const { return config_; }

  // Rate quotas (access_control_quotas.cpp). user_rates(): the user's meters, shared with
  // the sessions counting on them; null without enable-quotas, for an unknown user and for
  // the built-in xdr-local (no roles, no quota).
  bool quotas_enabled() const { return config_.enable_quotas; }
  std::shared_ptr<UserRates> user_rates(std::string_view user) const;
  uint32_t now_sec() const { return uint32_t(now_ms_() / 1000); }
  uint32_t tps_weight() const { return tps_weight_.load(std::memory_order_relaxed); }
  // set-config security tps-weight (2..20, checked by the config layer).
  void set_tps_weight(uint32_t weight) { tps_weight_.store(weight, std::memory_order_relaxed); }

 private:
  using Answer = std::vector<std::string>;

  void apply_user(const smd::Item& item);
  void apply_role(const smd::Item& item);
  void apply_secret(const smd::Item& item);

  Answer login(const AdminRequest& request, Session& session);
  Answer authenticate(const AdminRequest& request, Session& session);
  // The built-in xdr-local user's LOGIN and AUTHENTICATE.
  Answer login_local(const AdminRequest& request, Session& session);
  Answer authenticate_local(const AdminRequest& request, Session& session);
  Answer open_session(Session& session, const std::string& user, const std::string& stamp, const std::string& secret);
  std::string secret() const;
  Answer administer(const AdminRequest& request, Session& session);
  common::Status create_user(const AdminRequest& request);
  common::Status drop_user(const AdminRequest& request);
  common::Status set_password(const AdminRequest& request, bool check_old, Session& session);
  common::Status change_roles(const AdminRequest& request, bool grant);
  common::Status create_role(const AdminRequest& request);
  common::Status drop_role(const AdminRequest& request);
  common::Status change_privileges(const AdminRequest& request, bool grant);
  common::Status set_whitelist(const AdminRequest& request);
  common::Status set_quotas(const AdminRequest& request);
  // A CREATE_ROLE's or SET_QUOTAS' quota fields into `role` (an absent one leaves it):
  // QuotasNotEnabled for a quota other than 0 without enable-quotas, InvalidQuota for a
  // malformed field.
  common::Status read_quotas(const AdminRequest& request, Role& role) const;
  // Under the unique lock: the meters of `user` (made when missing) take the largest
  // quotas among its roles; refresh_quotas_locked() does every user's.
  void refresh_user_quotas_locked(const User& user);
  void refresh_quotas_locked();
  // A QUERY_USERS answer's READ_INFO or WRITE_INFO field data.
  std::string info_field(const std::string& user, QuotaKind kind) const;
  Answer query_users(const AdminRequest& request) const;
  Answer query_roles(const AdminRequest& request, const Session& session) const;

  // Copies under the shared lock.
  bool find_user(std::string_view name, User* out) const;
  bool find_role(std::string_view name, Role* out) const;
  bool whitelisted(const User& user, std::string_view peer) const;
  common::Status store_user(const User& user);
  common::Status store_role(const Role& role);

  const conf::Security config_;
  smd::MetadataStore& store_;
  const uint64_t self_;
  uint64_t (*now_ms_)();
  Audit audit_;
  std::unique_ptr<LocalLogin> local_login_;

  mutable std::shared_mutex mu_;
  std::map<std::string, User, std::less<>> users_;
  std::map<std::string, Role, std::less<>> roles_;  // user-defined ones only
  std::map<std::string, std::shared_ptr<UserRates>, std::less<>> rates_;  // with enable-quotas
  std::string secret_;
  std::atomic<uint32_t> tps_weight_;
};

}  // namespace asd::security
