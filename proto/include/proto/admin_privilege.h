#pragma once
// Privileges in the admin protocol (proto/admin.h): the codes (client as_admin.h's
// as_privilege_code) and the PRIVILEGES field, shared by asd's access control
// (asd/security/privilege.h adds what each code permits) and the client's admin API
// (client/admin.h).
//
//   PRIVILEGES data:  count (1 byte), then per privilege:
//                     code (1 byte); for data privileges (code >= 10) also the namespace
//                     and the set as short strings (append_admin_string: length byte, bytes)

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace proto {

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

// A privilege and its scope: every namespace (ns empty), one namespace, or one set of it.
struct AdminPrivilege {
  PrivilegeCode code = PrivilegeCode::Read;
  std::string ns;   // empty: every namespace (data privileges only)
  std::string set;  // empty: every set of ns

  bool operator==(const AdminPrivilege&) const = default;
};

// Whether `code` is one of the codes above.
bool is_admin_privilege_code(uint8_t code);

// The field's data. Global privileges are written without a scope, whatever they hold.
std::string encode_admin_privileges(const std::vector<AdminPrivilege>& privileges);
// InvalidField when the data is empty, runs short or has bytes after the last privilege;
// InvalidPrivilege for an unknown code or a set without a namespace.
common::Result<std::vector<AdminPrivilege>> parse_admin_privileges(std::string_view data);

}  // namespace proto
