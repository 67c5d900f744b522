#pragma once
// Users and roles, and how they live in the cluster's system metadata: module "users"
// (key: user name) and module "roles" (key: role name), each value in the admin
// protocol's own field encoding so there is one codec for both.
//
//   user value:  admin header (field count 2), PASSWORD field (the stored bcrypt hash),
//                ROLES field
//   role value:  admin header (field count 2-4), PRIVILEGES field, WHITELIST field, then
//                READ_QUOTA and WRITE_QUOTA (4-byte big-endian) when not 0
//
// A role stored before quotas has neither quota field: it decodes with no quotas. A node
// of that older version decoding a newer role ignores the fields it does not know.
//
// The predefined roles (one per privilege code, global scope: "read", "read-write",
// "user-admin", ...) are built in, never stored, and cannot change.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "security/privilege.h"

namespace asd::security {

inline constexpr std::string_view kUsersModule = "users";
inline constexpr std::string_view kRolesModule = "roles";
// Names up to 63 bytes, as the clients' AS_USER_SIZE and AS_ROLE_SIZE allow.
inline constexpr size_t kMaxNameSize = 63;

struct User {
  std::string name;
  std::string password;  // stored bcrypt hash (password.h)
  std::vector<std::string> roles;
};

struct Role {
  std::string name;
  std::vector<Privilege> privileges;
  std::vector<std::string> whitelist;
  uint32_t read_quota = 0;  // records per second on each node; 0: no limit
  uint32_t write_quota = 0;
};

std::string encode_user(const User& user);
common::Result<User> decode_user(std::string name, std::string_view value);
std::string encode_role(const Role& role);
common::Result<Role> decode_role(std::string name, std::string_view value);
// A READ_QUOTA or WRITE_QUOTA field's value (absent: 0); InvalidQuota unless 4 bytes.
common::Result<uint32_t> parse_quota(std::optional<std::string_view> field);
// The READ_QUOTA and WRITE_QUOTA fields of the quotas a role has (stored roles and
// QUERY_ROLES answers carry them only when not 0), and how many that is.
uint8_t quota_field_count(const Role& role);
void append_quota_fields(std::string& out, const Role& role);

// The built-in role of that name, or nullopt.
std::optional<Role> predefined_role(std::string_view name);
// Every built-in role, in privilege-code order.
std::vector<Role> predefined_roles();

// A user or role name clients can send: 1..63 bytes, no control characters.
bool valid_name(std::string_view name);

// WHITELIST field data: comma-separated addresses or CIDR blocks (empty ones skipped).
std::vector<std::string> parse_whitelist(std::string_view data);

}  // namespace asd::security
