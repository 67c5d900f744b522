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

namespace asd::security {

// On the wire (admin protocol): append, never renumber.
enum class PrivilegeCode : uint8_t {
  UserAdmin = 0,
  SysAdmin = 1,
  DataAdmin = 2,
  UdfAdmin = 3,
  SindexAdmin = 4,
  Read = 10,
  ReadWrite = 11,
  ReadWriteUdf = 12,
  Write = 13,
  Truncate = 14,
};

// The first data privilege: codes from here on carry a namespace and set scope.
inline constexpr uint8_t kFirstDataPrivilege = 10;

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

struct Privilege {
  PrivilegeCode code = PrivilegeCode::Read;
  std::string ns;   // empty: every namespace (data privileges only)
  std::string set;  // empty: every set of ns

  bool operator==(const Privilege&) const = default;
};

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

// The admin protocol's PRIVILEGES field data (proto/admin.h): a count byte, then per
// privilege its code and, for data privileges, namespace and set as short strings.
// parse_privileges: InvalidField when the data is empty, runs short or has bytes after the
// last privilege; InvalidPrivilege for an unknown code or a set without a namespace.
std::string encode_privileges(const std::vector<Privilege>& privileges);
common::Result<std::vector<Privilege>> parse_privileges(std::string_view data);

}  // namespace asd::security
