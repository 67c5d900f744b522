#pragma once
// Privileges and the permissions they grant, as Aerospike Enterprise defines them. A role
// holds privileges; a privilege is a code (the numbers travel in the admin protocol's
// PRIVILEGES field, client as_admin.h) and, for the data privileges, a scope: every
// namespace, one namespace, or one set of one namespace. A command needs permissions
// (the real server's as_sec_perm); a privilege grants a fixed set of them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "proto/admin_privilege.h"

namespace asd::security {

// The codes and a scoped privilege as they travel (proto/admin_privilege.h).
using PrivilegeCode = proto::PrivilegeCode;
using Privilege = proto::AdminPrivilege;
using proto::kFirstDataPrivilege;

// What a command needs. Bits, so a command needing two (an operate that reads and
// writes) asks for both; each bit may come from a different privilege.
enum Permission : uint32_t {
  kPermNone = 0,
  kPermRead = 1u << 0,
  kPermQuery = 1u << 1,     // scans and queries
  kPermWrite = 1u << 2,     // writes and deletes
  kPermUdfApply = 1u << 3,  // record UDFs
  kPermUdfQuery = 1u << 4,  // background UDF jobs
  kPermOpsQuery = 1u << 5,  // background operation jobs
  kPermUdfAdmin = 1u << 8,
  kPermSindexAdmin = 1u << 9,
  kPermQueryAdmin = 1u << 10,  // abort jobs
  kPermTruncate = 1u << 11,
  kPermSetConfig = 1u << 16,
  kPermLoggingCtrl = 1u << 17,
  kPermServiceCtrl = 1u << 18,
  kPermUserAdmin = 1u << 24,
};

// Permissions that are checked against a privilege's namespace/set scope.
inline constexpr uint32_t kScopedPermissions =
    kPermRead | kPermQuery | kPermWrite | kPermUdfApply | kPermUdfQuery | kPermOpsQuery | kPermTruncate;

// Whether `code` is a code the protocol knows.
bool is_privilege_code(uint8_t code);
bool is_data_privilege(PrivilegeCode code);
// The permissions a privilege of this code grants (scope aside).
uint32_t permissions_of(PrivilegeCode code);
// Whether `privilege` grants every bit of `needed` for a command on ns/set (empty set: the
// command names no set, so only a privilege for the whole namespace or every namespace
// covers it).
bool grants(const Privilege& privilege, uint32_t needed, std::string_view ns, std::string_view set);

// "read-write", ... as the predefined roles are named; and back.
std::string_view privilege_name(PrivilegeCode code);
std::optional<PrivilegeCode> privilege_from_name(std::string_view name);
// The real server's name of a single permission bit, for role-violation messages.
std::string_view permission_name(uint32_t permission);

// The admin protocol's PRIVILEGES field data: proto/admin_privilege.h's codec, under the
// names the server code uses.
inline std::string encode_privileges(const std::vector<Privilege>& privileges) {
  return proto::encode_admin_privileges(privileges);
}
inline common::Result<std::vector<Privilege>> parse_privileges(std::string_view data) {
  return proto::parse_admin_privileges(data);
}

}  // namespace asd::security
