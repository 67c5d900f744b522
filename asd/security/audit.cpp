#include "security/audit.h"

#include "common/log.h"

namespace asd::security {

using common::ResultCode;

Audit::Audit(conf::SecurityLog config) : config_(std::move(config)) {}

std::string_view audit_result(ResultCode result) {
  if (result == ResultCode::Ok) return "permitted";
  return common::result_code_name(result);
}

void Audit::authentication(ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                           std::string_view detail) {
  if (!config_.report_authentication) return;
  write(result, peer, user, action, detail, result == ResultCode::Ok ? nullptr : &failures_);
}

void Audit::user_admin(ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                       std::string_view detail) {
  if (config_.report_user_admin) write(result, peer, user, action, detail, nullptr);
}

void Audit::sys_admin(ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                      std::string_view detail) {
  if (config_.report_sys_admin) write(result, peer, user, action, detail, nullptr);
}

void Audit::violation(ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                      std::string_view detail) {
  if (config_.report_violation) write(result, peer, user, action, detail, &violations_);
}

bool Audit::reports_data_op(std::string_view ns, std::string_view set) const {
  for (const std::string& scope : config_.report_data_op) {
    size_t space = scope.find(' ');
    std::string_view scope_ns = std::string_view(scope).substr(0, space);
    if (scope_ns != ns) continue;
    if (space == std::string::npos || std::string_view(scope).substr(space + 1) == set) return true;
  }
  return false;
}

void Audit::data_op(std::string_view peer, std::string_view user, std::string_view action, std::string_view detail) {
  write(ResultCode::Ok, peer, user, action, detail, nullptr);
}

void Audit::write(ResultCode result, std::string_view peer, std::string_view user, std::string_view action,
                  std::string_view detail, common::LimitedLog* limit) {
  const auto log = common::logger("audit");
  std::string_view who = user.empty() ? std::string_view("none") : user;
  if (limit != nullptr) {
    limit->info(log, "{} | client: {} | authenticated user: {} | action: {} | detail: {}", audit_result(result), peer,
                who, action, detail);
    return;
  }
  log->info("{} | client: {} | authenticated user: {} | action: {} | detail: {}", audit_result(result), peer, who,
            action, detail);
}

}  // namespace asd::security
