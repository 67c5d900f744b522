#pragma once
// The audit log: security events on the `audit` log context, in the shape of Aerospike's
// audit lines (one line per event, '|' separated):
//
//   permitted | client: 127.0.0.1:50312 | authenticated user: admin | action: create user | detail: user=bob;roles=read
//   not authenticated | client: 127.0.0.1:50313 | authenticated user: none | action: login | detail: user=bob
//
// security { log { } } chooses the event kinds. Failed logins and violations are written
// at most a few lines a second (a client retrying in a loop must not flood the log);
// what was held back is counted on the next line.
//
// Thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "common/log_limit.h"
#include "common/result_code.h"
#include "conf/config.h"

namespace asd::security {

class Audit {
 public:
  explicit Audit(conf::SecurityLog config);

  // Logins and authentications.
  void authentication(common::ResultCode result, std::string_view peer, std::string_view user,
                      std::string_view action, std::string_view detail);
  // User and role administration.
  void user_admin(common::ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                  std::string_view detail);
  // Deployment and data administration (set-config, truncate, indexes, UDF modules).
  void sys_admin(common::ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                 std::string_view detail);
  // A command refused for want of authentication or a privilege.
  void violation(common::ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                 std::string_view detail);
  // Whether data commands on ns/set are logged (report-data-op), and the line for one.
  bool reports_data_op(std::string_view ns, std::string_view set) const;
  void data_op(std::string_view peer, std::string_view user, std::string_view action, std::string_view detail);

 private:
  void write(common::ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
             std::string_view detail, common::LimitedLog* limit);

  const conf::SecurityLog config_;
  common::LimitedLog failures_{std::chrono::milliseconds(200)};
  common::LimitedLog violations_{std::chrono::milliseconds(200)};
};

// The audit's word for a result: "permitted", "not authenticated", "role violation", ...
std::string_view audit_result(common::ResultCode result);

}  // namespace asd::security
