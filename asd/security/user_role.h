#pragma once
// Users and roles, and how they live in the cluster's system metadata: module "users"
// (key: user name) and module "roles" (key: role name), each value in the admin
// protocol's own field encoding so there is one codec for both.
//
//   user value:  admin header (field count 2), PASSWORD field (the stored bcrypt hash),
//                ROLES field
//   role value:  admin header (field count 2), PRIVILEGES field, WHITELIST field
//
// The predefined roles (one per privilege code, global scope: "read", "read-write",
// "user-admin", ...) are built in, never stored, and cannot change.

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
};

std::string encode_user(const User& user);
common::Result<User> decode_user(std::string name, std::string_view value);
std::string encode_role(const Role& role);
common::Result<Role> decode_role(std::string name, std::string_view value);

// The built-in role of that name, or nullopt.
std::optional<Role> predefined_role(std::string_view name);
// Every built-in role, in privilege-code order.
std::vector<Role> predefined_roles();

// A user or role name clients can send: 1..63 bytes, no control characters.
bool valid_name(std::string_view name);

// WHITELIST field data: comma-separated addresses or CIDR blocks (empty ones skipped).
std::vector<std::string> parse_whitelist(std::string_view data);

}  // namespace asd::security
