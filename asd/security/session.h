#pragma once
// One client connection's standing with access control: the address it came from and,
// once it logged in or authenticated, the user. The connection owns it and handles one
// request at a time, so it needs no lock. Requests another node proxied here carry none:
// the node that took the client's request checked it.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result_code.h"

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

  void set_user(std::string user) {
    user_ = std::move(user);
    authenticated_ = true;
  }
  void clear() {
    user_.clear();
    authenticated_ = false;
  }

 private:
  AccessControl& access_;
  std::string peer_;
  std::string user_;
  bool authenticated_ = false;
};

}  // namespace asd::security
