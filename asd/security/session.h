#pragma once
// One client connection's standing with access control: the address it came from and,
// once it logged in or authenticated, the user. The connection owns it and handles one
// request at a time, so it needs no lock. Requests another node proxied here carry none:
// the node that took the client's request checked it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result_code.h"
#include "security/rate_quota.h"

namespace asd::security {

class AccessControl;

class Session {
 public:
  Session(AccessControl& access, std::string peer) : access_(access), peer_(std::move(peer)) {}

  const std::string& peer() const { return peer_; }
  const std::string& user() const { return user_; }
  bool authenticated() const { return authenticated_; }
  AccessControl& access() const { return access_; }

  // Ok, NotAuthenticated or RoleViolation for a command needing `needed` (Permission
  // bits) on ns/set (empty for commands without a scope). Refusals go to the audit log
  // with `action`; so do permitted data commands on namespaces report-data-op names.
  common::ResultCode check(uint32_t needed, std::string_view ns, std::string_view set, std::string_view action) const;

  // Rate quotas (rate_quota.h, which says what counts), for a command check() allowed;
  // both answer Ok at once unless security enable-quotas is true. admit() counts one
  // single-record read or write (a batch row too) against the user's quota on this node;
  // reserve() holds a scan's or query's `rps` (0: no limit) in `*out` until the job ends.
  // QuotaExceeded otherwise, audited as a violation with `action` and ns/set.
  common::ResultCode admit(QuotaKind kind, std::string_view ns, std::string_view set, std::string_view action);
  common::ResultCode reserve(QuotaKind kind, uint32_t rps, std::string_view ns, std::string_view set,
                             std::string_view action, QuotaReservation* out);

  // `stamp`: the user's stored password hash at login; when the password changes (or the
  // user is dropped and made again) the connection is no longer authenticated, as the
  // session tokens of the old password no longer are.
  void set_user(std::string user, std::string stamp) {
    user_ = std::move(user);
    stamp_ = std::move(stamp);
    authenticated_ = true;
    forget_rates();
  }
  void clear() {
    user_.clear();
    stamp_.clear();
    authenticated_ = false;
    forget_rates();
  }

 private:
  AccessControl& access_;
  std::string peer_;
  std::string user_;
  std::string stamp_;
  bool authenticated_ = false;

  // The user's meters (null: no quotas here), looked up at the first command after a login.
  UserRates* rates();
  void forget_rates() {
    rates_.reset();
    rates_fetched_ = false;
  }
  std::shared_ptr<UserRates> rates_;
  bool rates_fetched_ = false;
};

}  // namespace asd::security
