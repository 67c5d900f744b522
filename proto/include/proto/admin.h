#pragma once
// The admin protocol (type-2 protos: LOGIN, AUTHENTICATE, user and role administration,
// queries), byte for byte as the clients speak it (client as_admin.c). The one codec of
// both sides: asd parses requests and writes answers with it (and stores users and roles
// in its field encoding), the client writes requests and reads answers, and the tests
// build their raw frames with it.
//
// A body is one message, or (a query's answer) several back to back:
//
//   message:  off size
//             0   1    scheme, 0 (anything else: SecuritySchemeNotSupported)
//             1   1    result code (answers; 0 in requests)
//             2   1    command (requests, AdminCommand; 0 in answers)
//             3   1    field count
//             4   12   zero
//             16       fields, `field count` of them
//
//   field:    0   4    size, big-endian: the id byte and the data
//             4   1    id (AdminField)
//             5   n    data (size - 1 bytes)
//
// Field data: USER, ROLE, passwords, CREDENTIAL and SESSION_TOKEN are raw bytes; ROLES is
// a count byte then per role a length byte and the name (encode_admin_roles); PRIVILEGES a
// count byte then per privilege its code and, for data privileges, two such short strings
// (namespace, set); WHITELIST addresses joined by commas; quotas, SESSION_TTL and
// CONNECTIONS a 4-byte big-endian number; READ_INFO/WRITE_INFO a count byte then 4-byte
// numbers. A user or role query is answered by one proto holding one message per item,
// then a proto holding one field-less message whose result is QueryEnd (50).
//
// Parsed messages are views into the caller's buffer, which must outlive them. Nothing
// here throws; parsers read only inside the bytes they are given.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace proto {

inline constexpr size_t kAdminHeaderSize = 16;
inline constexpr size_t kAdminFieldHeaderSize = 5;

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

// One message: a request (command) or an answer (result). Ids stay raw bytes, so an id
// this codec does not know is kept (and ignored) rather than refused.
struct AdminMessage {
  common::ResultCode result = common::ResultCode::Ok;
  uint8_t command = 0;
  std::vector<std::pair<uint8_t, std::string_view>> fields;  // views into the body

  // The first field with this id, or nullopt.
  std::optional<std::string_view> field(AdminField id) const;
};

// A body holding exactly one message. SecuritySchemeNotSupported for a scheme other than
// 0; InvalidCommand when the header is short; InvalidField when a field's size is zero or
// runs past the body, or bytes follow the last field.
common::Result<AdminMessage> parse_admin_message(std::string_view body);
// A body of messages back to back (a query's answer; an empty body is none); the codes of
// parse_admin_message for the first message that does not parse.
common::Result<std::vector<AdminMessage>> parse_admin_messages(std::string_view body);

// What a LOGIN answer carries (as_cluster_login reads it): the result and, with Ok, the
// first SESSION_TOKEN field (a view into the body; empty when there is none) and the
// SESSION_TTL in seconds (0 when absent or not 4 bytes). Errors: parse_admin_message's.
struct AdminLoginAnswer {
  common::ResultCode result = common::ResultCode::Ok;
  std::string_view token;
  uint32_t ttl_s = 0;
};
common::Result<AdminLoginAnswer> parse_login_answer(std::string_view body);

// Writing: a header, then its fields. The count is written as given: the caller makes it
// match the fields it appends (tests break it on purpose).
void append_admin_header(std::string& out, common::ResultCode result, uint8_t field_count);
void append_admin_request_header(std::string& out, AdminCommand command, uint8_t field_count);
void append_admin_field(std::string& out, AdminField id, std::string_view data);
void append_admin_u32_field(std::string& out, AdminField id, uint32_t value);

// A request body: the header for `command`, then the fields in the order given.
using AdminFields = std::initializer_list<std::pair<AdminField, std::string_view>>;
std::string make_admin_request(AdminCommand command, AdminFields fields);

// A short string inside ROLES and PRIVILEGES data: a length byte, then the bytes (text
// past 255 bytes is cut). read_admin_string reads one at `pos` and moves past it; false,
// leaving `pos` anywhere, when it runs past `data`.
void append_admin_string(std::string& out, std::string_view text);
bool read_admin_string(std::string_view data, size_t& pos, std::string& out);

// ROLES and PRIVILEGES data count their entries in one byte: a user holds at most this
// many roles and a role at most this many privileges, or query answers could not list them.
constexpr size_t kAdminMaxListed = 255;

// ROLES data and back; InvalidField when it is empty, runs short or has bytes after the
// last role.
std::string encode_admin_roles(const std::vector<std::string>& roles);
common::Result<std::vector<std::string>> parse_admin_roles(std::string_view data);

}  // namespace proto
