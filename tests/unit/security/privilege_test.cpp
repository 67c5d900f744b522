// Each privilege grants exactly the permissions Aerospike documents, within its scope.

#include <catch2/catch.hpp>

#include "security/privilege.h"

using namespace asd::security;

namespace {

constexpr uint32_t kAll[] = {kPermRead,      kPermQuery,       kPermWrite,       kPermUdfApply,  kPermUdfQuery,
                             kPermOpsQuery,  kPermUdfAdmin,    kPermSindexAdmin, kPermQueryAdmin, kPermTruncate,
                             kPermSetConfig, kPermLoggingCtrl, kPermServiceCtrl, kPermUserAdmin};

struct Row {
  PrivilegeCode code;
  uint32_t granted;
};

// The table the checks must reproduce, written out independently of privilege.cpp.
const Row kRows[] = {
    {PrivilegeCode::UserAdmin, kPermUserAdmin},
    {PrivilegeCode::SysAdmin, kPermSetConfig | kPermLoggingCtrl | kPermServiceCtrl | kPermQueryAdmin},
    {PrivilegeCode::DataAdmin, kPermUdfAdmin | kPermSindexAdmin | kPermTruncate | kPermQueryAdmin},
    {PrivilegeCode::UdfAdmin, kPermUdfAdmin},
    {PrivilegeCode::SindexAdmin, kPermSindexAdmin},
    {PrivilegeCode::Read, kPermRead | kPermQuery},
    {PrivilegeCode::ReadWrite, kPermRead | kPermQuery | kPermWrite | kPermOpsQuery},
    {PrivilegeCode::ReadWriteUdf,
     kPermRead | kPermQuery | kPermWrite | kPermOpsQuery | kPermUdfApply | kPermUdfQuery},
    {PrivilegeCode::Write, kPermWrite},
    {PrivilegeCode::Truncate, kPermTruncate},
};

}  // namespace

TEST_CASE("each privilege grants what it names and nothing else", "[security]") {
  for (const Row& row : kRows) {
    Privilege privilege{row.code, {}, {}};
    for (uint32_t permission : kAll) {
      INFO(privilege_name(row.code) << " " << permission_name(permission));
      CHECK(grants(privilege, permission, "test", "demo") == ((row.granted & permission) != 0));
    }
  }
}

TEST_CASE("the wire numbers are Aerospike's", "[security]") {
  CHECK(uint8_t(PrivilegeCode::UserAdmin) == 0);
  CHECK(uint8_t(PrivilegeCode::SysAdmin) == 1);
  CHECK(uint8_t(PrivilegeCode::DataAdmin) == 2);
  CHECK(uint8_t(PrivilegeCode::UdfAdmin) == 3);
  CHECK(uint8_t(PrivilegeCode::SindexAdmin) == 4);
  CHECK(uint8_t(PrivilegeCode::Read) == 10);
  CHECK(uint8_t(PrivilegeCode::ReadWrite) == 11);
  CHECK(uint8_t(PrivilegeCode::ReadWriteUdf) == 12);
  CHECK(uint8_t(PrivilegeCode::Write) == 13);
  CHECK(uint8_t(PrivilegeCode::Truncate) == 14);
  for (uint8_t code : {5, 9, 15, 255}) CHECK_FALSE(is_privilege_code(code));
}

TEST_CASE("scopes: every namespace, one namespace, one set", "[security]") {
  struct Case {
    Privilege privilege;
    std::string_view ns;
    std::string_view set;
    bool granted;
  };
  const Case cases[] = {
      {{PrivilegeCode::Read, "", ""}, "test", "a", true},
      {{PrivilegeCode::Read, "", ""}, "other", "", true},
      {{PrivilegeCode::Read, "test", ""}, "test", "a", true},
      {{PrivilegeCode::Read, "test", ""}, "test", "", true},
      {{PrivilegeCode::Read, "test", ""}, "other", "a", false},
      {{PrivilegeCode::Read, "test", "a"}, "test", "a", true},
      {{PrivilegeCode::Read, "test", "a"}, "test", "b", false},
      {{PrivilegeCode::Read, "test", "a"}, "test", "", false},  // a command on the whole namespace
      {{PrivilegeCode::Read, "test", "a"}, "other", "a", false},
      {{PrivilegeCode::Truncate, "test", "a"}, "test", "a", true},
      {{PrivilegeCode::Truncate, "test", "a"}, "test", "", false},
  };
  for (const Case& c : cases) {
    INFO(c.privilege.ns << "." << c.privilege.set << " on " << c.ns << "." << c.set);
    CHECK(grants(c.privilege, c.privilege.code == PrivilegeCode::Truncate ? kPermTruncate : kPermRead, c.ns, c.set) ==
          c.granted);
  }
  // Global permissions ignore a command's namespace.
  CHECK(grants({PrivilegeCode::SysAdmin, "", ""}, kPermSetConfig, "test", "a"));
}

TEST_CASE("names round-trip", "[security]") {
  for (const Row& row : kRows) CHECK(privilege_from_name(privilege_name(row.code)) == row.code);
  CHECK_FALSE(privilege_from_name("superuser"));
}
