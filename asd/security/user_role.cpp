#include "security/user_role.h"

#include <algorithm>

#include "common/bytes.h"
#include "proto/admin.h"

namespace asd::security {

using proto::AdminField;

namespace {

constexpr PrivilegeCode kCodes[] = {
    PrivilegeCode::UserAdmin, PrivilegeCode::SysAdmin, PrivilegeCode::DataAdmin,    PrivilegeCode::UdfAdmin,
    PrivilegeCode::SindexAdmin, PrivilegeCode::Read,   PrivilegeCode::ReadWrite,    PrivilegeCode::ReadWriteUdf,
    PrivilegeCode::Write,     PrivilegeCode::Truncate,
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

std::string encode_user(const User& user) {
  std::string out;
  proto::append_admin_header(out, common::ResultCode::Ok, 2);
  proto::append_admin_field(out, AdminField::Password, user.password);
  proto::append_admin_field(out, AdminField::Roles, proto::encode_admin_roles(user.roles));
  return out;
}

common::Result<User> decode_user(std::string name, std::string_view value) {
  common::Result<proto::AdminMessage> parsed = proto::parse_admin_message(value);
  if (!parsed) return parsed.error();
  std::optional<std::string_view> password = parsed->field(AdminField::Password);
  std::optional<std::string_view> roles_field = parsed->field(AdminField::Roles);
  if (!password || !roles_field) return {common::ResultCode::InvalidField, "user record lacks fields"};
  common::Result<std::vector<std::string>> roles = proto::parse_admin_roles(*roles_field);
  if (!roles) return roles.error();
  return User{std::move(name), std::string(*password), std::move(*roles)};
}

std::string encode_role(const Role& role) {
  std::string out;
  proto::append_admin_header(out, common::ResultCode::Ok, uint8_t(2 + quota_field_count(role)));
  proto::append_admin_field(out, AdminField::Privileges, encode_privileges(role.privileges));
  proto::append_admin_field(out, AdminField::Whitelist, join(role.whitelist));
  append_quota_fields(out, role);
  return out;
}

uint8_t quota_field_count(const Role& role) { return uint8_t((role.read_quota != 0) + (role.write_quota != 0)); }

void append_quota_fields(std::string& out, const Role& role) {
  if (role.read_quota != 0) proto::append_admin_u32_field(out, AdminField::ReadQuota, role.read_quota);
  if (role.write_quota != 0) proto::append_admin_u32_field(out, AdminField::WriteQuota, role.write_quota);
}

common::Result<uint32_t> parse_quota(std::optional<std::string_view> field) {
  if (!field) return uint32_t(0);
  if (field->size() != 4) return {common::ResultCode::InvalidQuota, "a quota is 4 bytes"};
  return common::load_be32(common::as_bytes(*field));
}

common::Result<Role> decode_role(std::string name, std::string_view value) {
  common::Result<proto::AdminMessage> parsed = proto::parse_admin_message(value);
  if (!parsed) return parsed.error();
  std::optional<std::string_view> privileges_field = parsed->field(AdminField::Privileges);
  std::optional<std::string_view> whitelist = parsed->field(AdminField::Whitelist);
  if (!privileges_field || !whitelist) return {common::ResultCode::InvalidField, "role record lacks fields"};
  common::Result<std::vector<Privilege>> privileges = parse_privileges(*privileges_field);
  if (!privileges) return privileges.error();
  common::Result<uint32_t> read_quota = parse_quota(parsed->field(AdminField::ReadQuota));
  if (!read_quota) return read_quota.error();
  common::Result<uint32_t> write_quota = parse_quota(parsed->field(AdminField::WriteQuota));
  if (!write_quota) return write_quota.error();
  return Role{std::move(name), std::move(*privileges), parse_whitelist(*whitelist), *read_quota, *write_quota};
}

std::optional<Role> predefined_role(std::string_view name) {
  std::optional<PrivilegeCode> code = privilege_from_name(name);
  if (!code) return std::nullopt;
  return Role{std::string(name), {Privilege{*code, {}, {}}}, {}};
}

std::vector<Role> predefined_roles() {
  std::vector<Role> out;
  for (PrivilegeCode code : kCodes) out.push_back(*predefined_role(privilege_name(code)));
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameSize) return false;
  return std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::vector<std::string> parse_whitelist(std::string_view data) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= data.size()) {
    size_t comma = data.find(',', start);
    if (comma == std::string_view::npos) comma = data.size();
    if (comma > start) out.emplace_back(data.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace asd::security
