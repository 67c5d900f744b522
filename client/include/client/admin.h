#pragma once
// Users and roles as the official clients' admin API sees them (C client as_admin.h),
// and the pure request builders and answer readers behind Client's role commands and
// queries (client.h), unit-tested byte for byte. The bytes are proto/admin.h's (message
// and field layout) and proto/admin_privilege.h's (PRIVILEGES); the requests here are
// whole protos (8-byte header, type 2), with only the fields that carry something, as
// as_admin.c writes them. A user or role query is answered by protos holding one message
// per item, ended by a message whose result is QUERY_END (50); any other non-zero result
// is the server's refusal.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "proto/admin_privilege.h"

namespace client {

// The codes (as_admin.h's as_privilege_code) and a privilege, global when `ns` is empty;
// `set` needs `ns`. Only data privileges (Read and above) may be scoped.
using PrivilegeCode = proto::PrivilegeCode;
using Privilege = proto::AdminPrivilege;

// "read-write" for ReadWrite, as the server's predefined roles and asadm name them.
std::string_view privilege_name(PrivilegeCode code);
// The code for a name, case-insensitive, '_' taken as '-' (asadm accepts both); nullopt
// when unknown.
std::optional<PrivilegeCode> privilege_from_name(std::string_view name);
// User-admin, sys-admin, data-admin, udf-admin and sindex-admin: no namespace or set.
bool privilege_is_global(PrivilegeCode code);
// "read-write", "read-write.test", "read-write.test.orders" (asadm's spelling).
std::string privilege_text(const Privilege& privilege);

struct UserInfo {
  std::string name;
  std::vector<std::string> roles;
  std::vector<uint32_t> read_info;   // quota, then usage figures, as the server sends them
  std::vector<uint32_t> write_info;
  uint32_t connections = 0;
};

struct RoleInfo {
  std::string name;
  std::vector<Privilege> privileges;
  std::vector<std::string> whitelist;
  uint32_t read_quota = 0;  // 0: unlimited (or quotas off)
  uint32_t write_quota = 0;
};

namespace admin_request {

// The PRIVILEGES field's data; Parameter when a global privilege is scoped or a set
// comes without a namespace (the C client refuses the same before sending), or when there
// are more than proto::kAdminMaxListed: the field counts them in one byte.
common::Result<std::string> privileges_field(const std::vector<Privilege>& privileges);
// The ROLES field's data; Parameter when there are more than kAdminMaxListed.
common::Result<std::string> roles_field(const std::vector<std::string>& roles);

// Whole admin protos, ready to send. Parameter as privileges_field().
std::string change_password(const std::string& user, const std::string& old_hash, const std::string& new_hash);
common::Result<std::string> create_role(const std::string& role, const std::vector<Privilege>& privileges,
                                        const std::vector<std::string>& whitelist, uint32_t read_quota,
                                        uint32_t write_quota);
std::string drop_role(const std::string& role);
common::Result<std::string> grant_privileges(const std::string& role, const std::vector<Privilege>& privileges);
common::Result<std::string> revoke_privileges(const std::string& role, const std::vector<Privilege>& privileges);
// An empty whitelist clears the role's.
std::string set_whitelist(const std::string& role, const std::vector<std::string>& whitelist);
std::string set_quotas(const std::string& role, uint32_t read_quota, uint32_t write_quota);
// Every user (role) when `name` is empty.
std::string query_users(const std::string& name);
std::string query_roles(const std::string& name);

}  // namespace admin_request

// One query answer proto's body (after the 8-byte proto header): its blocks appended to
// `out`. True once the QUERY_END block came (read no further), false when more protos
// follow; the server's code when a block carries a refusal (InvalidUser, RoleViolation,
// ...); ServerError (a client error) when a block or field runs past the body.
common::Result<bool> parse_users_answer(std::string_view body, std::vector<UserInfo>& out);
common::Result<bool> parse_roles_answer(std::string_view body, std::vector<RoleInfo>& out);

}  // namespace client
