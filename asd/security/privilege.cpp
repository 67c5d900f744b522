#include "security/privilege.h"

#include <array>
#include <utility>

namespace asd::security {

namespace {

// Code, predefined role name and the permissions it grants (Aerospike's "Privileges"
// table: data-admin covers UDF and index administration and truncate, sys-admin the
// deployment commands, read-write-udf adds UDFs to read-write).
struct CodeRow {
  PrivilegeCode code;
  std::string_view name;
  uint32_t permissions;
};

constexpr uint32_t kReadPerms = kPermRead | kPermQuery;
constexpr uint32_t kWritePerms = kPermWrite;
constexpr uint32_t kReadWritePerms = kReadPerms | kWritePerms | kPermOpsQuery;

constexpr std::array kCodes = {
    CodeRow{PrivilegeCode::UserAdmin, "user-admin", kPermUserAdmin},
    CodeRow{PrivilegeCode::SysAdmin, "sys-admin", kPermSetConfig | kPermLoggingCtrl | kPermServiceCtrl | kPermQueryAdmin},
    CodeRow{PrivilegeCode::DataAdmin, "data-admin", kPermUdfAdmin | kPermSindexAdmin | kPermTruncate | kPermQueryAdmin},
    CodeRow{PrivilegeCode::UdfAdmin, "udf-admin", kPermUdfAdmin},
    CodeRow{PrivilegeCode::SindexAdmin, "sindex-admin", kPermSindexAdmin},
    CodeRow{PrivilegeCode::Read, "read", kReadPerms},
    CodeRow{PrivilegeCode::ReadWrite, "read-write", kReadWritePerms},
    CodeRow{PrivilegeCode::ReadWriteUdf, "read-write-udf", kReadWritePerms | kPermUdfApply | kPermUdfQuery},
    CodeRow{PrivilegeCode::Write, "write", kWritePerms},
    CodeRow{PrivilegeCode::Truncate, "truncate", kPermTruncate},
};

const CodeRow* find_code(PrivilegeCode code) {
  for (const CodeRow& row : kCodes) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

}  // namespace

bool is_privilege_code(uint8_t code) { return find_code(PrivilegeCode(code)) != nullptr; }

bool is_data_privilege(PrivilegeCode code) { return uint8_t(code) >= kFirstDataPrivilege; }

uint32_t permissions_of(PrivilegeCode code) {
  const CodeRow* row = find_code(code);
  return row ? row->permissions : 0;
}

bool grants(const Privilege& privilege, uint32_t needed, std::string_view ns, std::string_view set) {
  if (needed == 0 || (permissions_of(privilege.code) & needed) != needed) return false;
  if ((needed & kScopedPermissions) == 0 || privilege.ns.empty()) return true;
  if (privilege.ns != ns) return false;
  return privilege.set.empty() || privilege.set == set;
}

std::string_view privilege_name(PrivilegeCode code) {
  const CodeRow* row = find_code(code);
  return row ? row->name : "unknown";
}

std::optional<PrivilegeCode> privilege_from_name(std::string_view name) {
  for (const CodeRow& row : kCodes) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

std::string_view permission_name(uint32_t permission) {
  static constexpr std::array<std::pair<uint32_t, std::string_view>, 14> kNames = {{
      {kPermRead, "read"},
      {kPermQuery, "query"},
      {kPermWrite, "write"},
      {kPermUdfApply, "udf-apply"},
      {kPermUdfQuery, "udf-query"},
      {kPermOpsQuery, "ops-query"},
      {kPermUdfAdmin, "udf-admin"},
      {kPermSindexAdmin, "sindex-admin"},
      {kPermQueryAdmin, "query-admin"},
      {kPermTruncate, "truncate"},
      {kPermSetConfig, "set-config"},
      {kPermLoggingCtrl, "logging-ctrl"},
      {kPermServiceCtrl, "service-ctrl"},
      {kPermUserAdmin, "user-admin"},
  }};
  for (const auto& [bit, name] : kNames) {
    if (bit == permission) return name;
  }
  return "none";
}

}  // namespace asd::security
