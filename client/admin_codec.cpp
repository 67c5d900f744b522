// Users and roles on the wire (client/admin.h): privilege names, the role commands'
// requests and the query answers' readers, over proto/admin.h's codec.

#include <algorithm>
#include <cctype>

#include "client/admin.h"
#include "client/errors.h"
#include "common/bytes.h"
#include "proto/admin.h"
#include "proto/frame.h"

namespace client {

using common::ResultCode;
using proto::AdminCommand;
using proto::AdminField;

namespace {

struct NamedPrivilege {
  PrivilegeCode code;
  std::string_view name;
};

constexpr NamedPrivilege kPrivilegeNames[] = {
    {PrivilegeCode::UserAdmin, "user-admin"},     {PrivilegeCode::SysAdmin, "sys-admin"},
    {PrivilegeCode::DataAdmin, "data-admin"},     {PrivilegeCode::UdfAdmin, "udf-admin"},
    {PrivilegeCode::SindexAdmin, "sindex-admin"}, {PrivilegeCode::Read, "read"},
    {PrivilegeCode::ReadWrite, "read-write"},     {PrivilegeCode::ReadWriteUdf, "read-write-udf"},
    {PrivilegeCode::Write, "write"},              {PrivilegeCode::Truncate, "truncate"},
};

// A request body framed as one proto (type 2).
std::string framed(const std::string& body) {
  std::string out;
  size_t at = proto::begin_proto(out, proto::ProtoType::Admin);
  out += body;
  proto::end_proto(out, at);
  return out;
}

// One request with the fields given; the field count follows the list.
std::string request(AdminCommand command, const std::vector<std::pair<AdminField, std::string_view>>& fields) {
  std::string body;
  proto::append_admin_request_header(body, command, uint8_t(fields.size()));
  for (const auto& [id, data] : fields) proto::append_admin_field(body, id, data);
  return framed(body);
}

std::string be32(uint32_t value) {
  std::string out;
  common::append_be32(out, value);
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

common::Result<std::string> privileges_request(AdminCommand command, const std::string& role,
                                               const std::vector<Privilege>& privileges) {
  auto field = admin_request::privileges_field(privileges);
  if (!field) return field.error();
  return request(command, {{AdminField::Role, role}, {AdminField::Privileges, *field}});
}

common::Error malformed(const std::string& why) {
  return client_error(ResultCode::ServerError, "malformed admin query answer: " + why);
}

// READ_INFO / WRITE_INFO: a count byte, then 4-byte numbers.
bool parse_info(std::string_view data, std::vector<uint32_t>& out) {
  if (data.empty() || data.size() != 1 + 4 * size_t(uint8_t(data[0]))) return false;
  for (size_t at = 1; at < data.size(); at += 4) out.push_back(common::load_be32(common::as_bytes(data.substr(at))));
  return true;
}

bool parse_u32(std::string_view data, uint32_t& out) {
  if (data.size() != 4) return false;
  out = common::load_be32(common::as_bytes(data));
  return true;
}

std::vector<std::string> split_whitelist(std::string_view data) {
  std::vector<std::string> out;
  while (!data.empty()) {
    size_t comma = data.find(',');
    std::string_view item = data.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    data.remove_prefix(comma + 1);
  }
  return out;
}

// Walks the messages of one answer proto; `read(item, message)` fills one item, false
// when a field does not parse.
template <typename Item, typename Read>
common::Result<bool> parse_answer(std::string_view body, std::vector<Item>& out, Read read) {
  auto messages = proto::parse_admin_messages(body);
  if (!messages) return malformed(messages.error().message);
  for (const proto::AdminMessage& message : *messages) {
    if (message.result == ResultCode::QueryEnd) return true;
    if (message.result != ResultCode::Ok) {
      return common::Error{message.result, std::string(common::result_code_name(message.result))};
    }
    Item item;
    if (!read(item, message)) return malformed("a field does not parse");
    out.push_back(std::move(item));
  }
  return false;
}

}  // namespace

std::string_view privilege_name(PrivilegeCode code) {
  for (const NamedPrivilege& known : kPrivilegeNames) {
    if (known.code == code) return known.name;
  }
  return "unknown";
}

std::optional<PrivilegeCode> privilege_from_name(std::string_view name) {
  std::string normal(name);
  std::transform(normal.begin(), normal.end(), normal.begin(),
                 [](unsigned char c) { return c == '_' ? '-' : char(std::tolower(c)); });
  for (const NamedPrivilege& known : kPrivilegeNames) {
    if (known.name == normal) return known.code;
  }
  return std::nullopt;
}

bool privilege_is_global(PrivilegeCode code) { return uint8_t(code) < proto::kFirstDataPrivilege; }

std::string privilege_text(const Privilege& privilege) {
  std::string out(privilege_name(privilege.code));
  if (!privilege.ns.empty()) out += "." + privilege.ns;
  if (!privilege.set.empty()) out += "." + privilege.set;
  return out;
}

namespace admin_request {

common::Result<std::string> privileges_field(const std::vector<Privilege>& privileges) {
  if (privileges.size() > proto::kAdminMaxListed) {
    return client_error(ResultCode::Parameter,
                        "at most " + std::to_string(proto::kAdminMaxListed) + " privileges in one command");
  }
  for (const Privilege& privilege : privileges) {
    if (privilege_is_global(privilege.code) && (!privilege.ns.empty() || !privilege.set.empty())) {
      return client_error(ResultCode::Parameter,
                          std::string(privilege_name(privilege.code)) + " is global: it takes no namespace or set");
    }
    if (privilege.ns.empty() && !privilege.set.empty()) {
      return client_error(ResultCode::Parameter, "a set scope needs a namespace");
    }
  }
  return proto::encode_admin_privileges(privileges);
}

common::Result<std::string> roles_field(const std::vector<std::string>& roles) {
  if (roles.size() > proto::kAdminMaxListed) {
    return client_error(ResultCode::Parameter,
                        "at most " + std::to_string(proto::kAdminMaxListed) + " roles in one command");
  }
  return proto::encode_admin_roles(roles);
}

std::string change_password(const std::string& user, const std::string& old_hash, const std::string& new_hash) {
  return request(AdminCommand::ChangePassword,
                 {{AdminField::User, user}, {AdminField::OldPassword, old_hash}, {AdminField::Password, new_hash}});
}

common::Result<std::string> create_role(const std::string& role, const std::vector<Privilege>& privileges,
                                        const std::vector<std::string>& whitelist, uint32_t read_quota,
                                        uint32_t write_quota) {
  // As aerospike_create_role_quotas: only the fields that carry something.
  std::string privileges_data;
  if (!privileges.empty()) {
    auto field = privileges_field(privileges);
    if (!field) return field.error();
    privileges_data = std::move(*field);
  }
  const std::string whitelist_data = joined(whitelist);
  const std::string read = be32(read_quota);
  const std::string write = be32(write_quota);
  std::vector<std::pair<AdminField, std::string_view>> fields{{AdminField::Role, role}};
  if (!privileges.empty()) fields.emplace_back(AdminField::Privileges, privileges_data);
  if (!whitelist.empty()) fields.emplace_back(AdminField::Whitelist, whitelist_data);
  if (read_quota > 0) fields.emplace_back(AdminField::ReadQuota, read);
  if (write_quota > 0) fields.emplace_back(AdminField::WriteQuota, write);
  return request(AdminCommand::CreateRole, fields);
}

std::string drop_role(const std::string& role) { return request(AdminCommand::DropRole, {{AdminField::Role, role}}); }

common::Result<std::string> grant_privileges(const std::string& role, const std::vector<Privilege>& privileges) {
  return privileges_request(AdminCommand::GrantPrivileges, role, privileges);
}

common::Result<std::string> revoke_privileges(const std::string& role, const std::vector<Privilege>& privileges) {
  return privileges_request(AdminCommand::RevokePrivileges, role, privileges);
}

std::string set_whitelist(const std::string& role, const std::vector<std::string>& whitelist) {
  if (whitelist.empty()) return request(AdminCommand::SetWhitelist, {{AdminField::Role, role}});
  const std::string data = joined(whitelist);
  return request(AdminCommand::SetWhitelist, {{AdminField::Role, role}, {AdminField::Whitelist, data}});
}

std::string set_quotas(const std::string& role, uint32_t read_quota, uint32_t write_quota) {
  const std::string read = be32(read_quota);
  const std::string write = be32(write_quota);
  return request(AdminCommand::SetQuotas,
                 {{AdminField::Role, role}, {AdminField::ReadQuota, read}, {AdminField::WriteQuota, write}});
}

std::string query_users(const std::string& name) {
  if (name.empty()) return request(AdminCommand::QueryUsers, {});
  return request(AdminCommand::QueryUsers, {{AdminField::User, name}});
}

std::string query_roles(const std::string& name) {
  if (name.empty()) return request(AdminCommand::QueryRoles, {});
  return request(AdminCommand::QueryRoles, {{AdminField::Role, name}});
}

}  // namespace admin_request

common::Result<bool> parse_users_answer(std::string_view body, std::vector<UserInfo>& out) {
  return parse_answer(body, out, [](UserInfo& user, const proto::AdminMessage& message) {
    user.name = std::string(message.field(AdminField::User).value_or(""));
    if (auto roles = message.field(AdminField::Roles)) {
      auto parsed = proto::parse_admin_roles(*roles);
      if (!parsed) return false;
      user.roles = std::move(*parsed);
    }
    auto read = message.field(AdminField::ReadInfo);
    auto write = message.field(AdminField::WriteInfo);
    auto connections = message.field(AdminField::Connections);
    return (!read || parse_info(*read, user.read_info)) && (!write || parse_info(*write, user.write_info)) &&
           (!connections || parse_u32(*connections, user.connections));
  });
}

common::Result<bool> parse_roles_answer(std::string_view body, std::vector<RoleInfo>& out) {
  return parse_answer(body, out, [](RoleInfo& role, const proto::AdminMessage& message) {
    role.name = std::string(message.field(AdminField::Role).value_or(""));
    if (auto privileges = message.field(AdminField::Privileges)) {
      auto parsed = proto::parse_admin_privileges(*privileges);
      if (!parsed) return false;
      role.privileges = std::move(*parsed);
    }
    if (auto whitelist = message.field(AdminField::Whitelist)) role.whitelist = split_whitelist(*whitelist);
    auto read = message.field(AdminField::ReadQuota);
    auto write = message.field(AdminField::WriteQuota);
    return (!read || parse_u32(*read, role.read_quota)) && (!write || parse_u32(*write, role.write_quota));
  });
}

}  // namespace client
