#pragma once
// service { user; group }: the daemons switch to this user and group at start-up, as the
// real server does, so a config written for a packaged install (`user aerospike`, or the
// stock `user root` / `group root`) means the same here.

#include <string>

namespace common {

// Switches the process to `user` and `group` (either may be empty: keep it). Asking for
// the identity the process already has is a no-op; switching to another needs root.
// Throws std::runtime_error with the reason (unknown user or group, not root, a failed
// setuid). Call before starting threads.
void run_as(const std::string& user, const std::string& group);

}  // namespace common
