#pragma once
// The admin protocol (proto type 2) as the clients speak it (client as_admin.c), both
// directions. A message body is a 16-byte header and fields:
//
//   header:  0 scheme (0)  1 result (answers)  2 command (requests)  3 field count
//            4..15 zero
//   field:   4-byte big-endian length (counting the id byte), 1-byte id, data
//
// Field data: USER, ROLE, passwords and credentials are raw strings; ROLES is a count
// byte then (length byte, name) per role; PRIVILEGES a count byte then per privilege its
// code and, for data privileges (code >= 10), (length byte, namespace) (length byte,
// set); WHITELIST addresses joined by commas; quotas, SESSION_TTL and CONNECTIONS 4-byte
// big-endian; READ_INFO/WRITE_INFO a count byte then 4-byte values.
// A user or role query answers one proto holding one header+fields block per item,
// then a proto with a lone header whose result is QUERY_END (50).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "security/privilege.h"

namespace asd::security {

inline constexpr size_t kAdminHeaderSize = 16;

// On the wire: append, never renumber.
enum class AdminCommand : uint8_t {
  Authenticate = 0,
  CreateUser = 1,
  DropUser = 2,
  SetPassword = 3,
  ChangePassword = 4,
  GrantRoles = 5,
  RevokeRoles = 6,
  QueryUsers = 9,
  CreateRole = 10,
  DropRole = 11,
  GrantPrivileges = 12,
  RevokePrivileges = 13,
  SetWhitelist = 14,
  SetQuotas = 15,
  QueryRoles = 16,
  Login = 20,
};

// On the wire: append, never renumber.
enum class AdminField : uint8_t {
  User = 0,
  Password = 1,
  OldPassword = 2,
  Credential = 3,
  ClearPassword = 4,
  SessionToken = 5,
  SessionTtl = 6,
  Roles = 10,
  Role = 11,
  Privileges = 12,
  Whitelist = 13,
  ReadQuota = 14,
  WriteQuota = 15,
  ReadInfo = 16,
  WriteInfo = 17,
  Connections = 18,
};

struct AdminRequest {
  uint8_t command = 0;
  std::vector<std::pair<uint8_t, std::string_view>> fields;  // views into the body

  // The first field with this id, or nullopt.
  std::optional<std::string_view> field(AdminField id) const;
};

// Splits a request body. SecuritySchemeNotSupported for a scheme other than 0;
// InvalidCommand when the header is short; InvalidField when a field's length is zero or
// runs past the body, or bytes follow the last field.
common::Result<AdminRequest> parse_admin_request(std::string_view body);

// ROLES and PRIVILEGES field data; InvalidField when malformed, InvalidPrivilege for an
// unknown code or a scope on a global privilege.
common::Result<std::vector<std::string>> parse_roles(std::string_view data);
common::Result<std::vector<Privilege>> parse_privileges(std::string_view data);
// WHITELIST field data: comma-separated addresses or CIDR blocks.
std::vector<std::string> parse_whitelist(std::string_view data);

// Writing answers: a header, then fields.
void append_admin_header(std::string& out, common::ResultCode result, uint8_t field_count);
void append_admin_field(std::string& out, AdminField id, std::string_view data);
void append_admin_u32_field(std::string& out, AdminField id, uint32_t value);
std::string encode_roles(const std::vector<std::string>& roles);
std::string encode_privileges(const std::vector<Privilege>& privileges);

}  // namespace asd::security
