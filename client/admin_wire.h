#pragma once
// The admin protocol (proto type 2) as the client writes it (C client as_admin.c):
// after the proto header, 16 bytes (result code at 1, command at 2, field count at 3),
// then fields of u32 big-endian length (id byte included), id, data. Private to the
// client module.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace client {

class Connection;

namespace admin {

inline constexpr size_t kHeader = 16;

enum Command : uint8_t {
  kAuthenticate = 0,
  kCreateUser = 1,
  kDropUser = 2,
  kSetPassword = 3,
  kChangePassword = 4,
  kGrantRoles = 5,
  kRevokeRoles = 6,
  kLogin = 20,
};

enum Field : uint8_t {
  kUser = 0,
  kPassword = 1,
  kOldPassword = 2,
  kCredential = 3,
  kSessionToken = 5,
  kSessionTtl = 6,
  kRoles = 10,
};

using Fields = std::initializer_list<std::pair<uint8_t, std::string_view>>;

std::string request(uint8_t command, Fields fields);
// A ROLES field's data: a count, then each name as a length byte and its bytes.
std::string role_list(const std::vector<std::string>& roles);

// Sends `request` and reads the answer's body (admin header and fields); ServerError
// when what comes back is not an admin answer.
common::Result<std::string> exchange(Connection& conn, const std::string& request, uint64_t deadline_ms);

// A node's refusal of a login, an admin command or a whole info request, worded the same
// for every caller (the tools print it as is): "invalid credential (65) from 10.0.0.5:3000".
common::Error refusal(common::ResultCode code, std::string_view host);

}  // namespace admin
}  // namespace client
