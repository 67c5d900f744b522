// AccessControl's rate quotas: SET_QUOTAS and CREATE_ROLE's quota fields, each user's
// meters following its roles, and the READ_INFO/WRITE_INFO of QUERY_USERS answers. The
// counting itself is in rate_quota.cpp (RateMeter, and the Session calls on it).

#include <algorithm>
#include <cstdint>
#include <shared_mutex>

#include "common/bytes.h"
#include "security/access_control.h"
#include "proto/admin.h"

namespace asd::security {

using common::ResultCode;
using proto::AdminField;

std::shared_ptr<UserRates> AccessControl::user_rates(std::string_view user) const {
  if (!config_.enable_quotas) return nullptr;
  std::shared_lock lock(mu_);
  auto it = rates_.find(user);
  return it == rates_.end() ? nullptr : it->second;
}

common::Status AccessControl::read_quotas(const AdminRequest& request, Role& role) const {
  for (AdminField id : {AdminField::ReadQuota, AdminField::WriteQuota}) {
    std::optional<std::string_view> field = request.field(id);
    if (!field) continue;
    common::Result<uint32_t> quota = parse_quota(field);
    if (!quota) return {quota.code(), quota.error().message};
    // The clients send an int: a negative one arrives above INT32_MAX.
    if (*quota > uint32_t(INT32_MAX)) return {ResultCode::InvalidQuota, "quota out of range"};
    if (*quota != 0 && !config_.enable_quotas) return {ResultCode::QuotasNotEnabled, "security enable-quotas is false"};
    (id == AdminField::ReadQuota ? role.read_quota : role.write_quota) = *quota;
  }
  return {};
}

common::Status AccessControl::set_quotas(const AdminRequest& request) {
  if (!config_.enable_quotas) return {ResultCode::QuotasNotEnabled, "security enable-quotas is false"};
  std::optional<std::string_view> name = request.field(AdminField::Role);
  Role role;
  if (!name || predefined_role(*name) || !find_role(*name, &role)) return {ResultCode::InvalidRole, "no such role"};
  if (!request.field(AdminField::ReadQuota) && !request.field(AdminField::WriteQuota)) {
    return {ResultCode::InvalidQuota, "no quota"};
  }
  if (common::Status st = read_quotas(request, role); !st.ok()) return st;
  return store_role(role);
}

void AccessControl::refresh_user_quotas_locked(const User& user) {
  if (!config_.enable_quotas) return;
  std::shared_ptr<UserRates>& rates = rates_[user.name];
  if (!rates) rates = std::make_shared<UserRates>();
  // The largest quota among the user's roles; predefined roles have none.
  uint32_t read = 0;
  uint32_t write = 0;
  for (const std::string& role_name : user.roles) {
    auto role = roles_.find(role_name);
    if (role == roles_.end()) continue;
    read = std::max(read, role->second.read_quota);
    write = std::max(write, role->second.write_quota);
  }
  rates->quota[size_t(QuotaKind::Read)].store(read, std::memory_order_relaxed);
  rates->quota[size_t(QuotaKind::Write)].store(write, std::memory_order_relaxed);
}

void AccessControl::refresh_quotas_locked() {
  if (!config_.enable_quotas) return;
  for (const auto& [name, user] : users_) refresh_user_quotas_locked(user);
}

std::string AccessControl::info_field(const std::string& user, QuotaKind kind) const {
  QuotaInfo info{};
  if (std::shared_ptr<UserRates> rates = user_rates(user)) {
    info = rates->meter_of(kind).info(now_sec(), rates->quota_of(kind), tps_weight());
  }
  std::string out(1, char(info.size()));
  for (uint32_t value : info) common::append_be32(out, value);
  return out;
}

}  // namespace asd::security
