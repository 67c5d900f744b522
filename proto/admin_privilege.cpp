// The admin protocol's PRIVILEGES field (admin_privilege.h).

#include "proto/admin_privilege.h"

#include "proto/admin.h"

namespace proto {

bool is_admin_privilege_code(uint8_t code) {
  return code <= uint8_t(PrivilegeCode::SindexAdmin) ||
         (code >= kFirstDataPrivilege && code <= uint8_t(PrivilegeCode::Truncate));
}

std::string encode_admin_privileges(const std::vector<AdminPrivilege>& privileges) {
  std::string out(1, char(uint8_t(privileges.size())));
  for (const AdminPrivilege& privilege : privileges) {
    out += char(privilege.code);
    if (uint8_t(privilege.code) < kFirstDataPrivilege) continue;
    append_admin_string(out, privilege.ns);
    append_admin_string(out, privilege.set);
  }
  return out;
}

common::Result<std::vector<AdminPrivilege>> parse_admin_privileges(std::string_view data) {
  using common::ResultCode;
  if (data.empty()) return {ResultCode::InvalidField, "empty privileges field"};
  const size_t count = uint8_t(data[0]);
  std::vector<AdminPrivilege> privileges(count);
  size_t pos = 1;
  for (AdminPrivilege& privilege : privileges) {
    if (pos >= data.size()) return {ResultCode::InvalidField, "privileges field is short"};
    const uint8_t code = uint8_t(data[pos++]);
    if (!is_admin_privilege_code(code)) {
      return {ResultCode::InvalidPrivilege, "unknown privilege code " + std::to_string(code)};
    }
    privilege.code = PrivilegeCode(code);
    if (code < kFirstDataPrivilege) continue;
    if (!read_admin_string(data, pos, privilege.ns) || !read_admin_string(data, pos, privilege.set)) {
      return {ResultCode::InvalidField, "privileges field is short"};
    }
    if (privilege.ns.empty() && !privilege.set.empty()) {
      return {ResultCode::InvalidPrivilege, "a set scope needs a namespace"};
    }
  }
  if (pos != data.size()) return {ResultCode::InvalidField, "bytes after the last privilege"};
  return privileges;
}

}  // namespace proto
