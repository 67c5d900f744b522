#pragma once
// Raw admin-protocol frames (wire-protocol §1.6) for tests of nodes with security { }:
// the C++ client does not log in, so a test that must get past access control sends a
// LOGIN (or AUTHENTICATE) ahead of its requests on a raw socket.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace support {

// What a client sends for password `admin`: bcrypt("admin") under the clients' fixed salt.
inline constexpr std::string_view kAdminCredential = "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa";

// A type-2 proto around `body` (any bytes: tests send malformed ones too).
std::string admin_frame(const std::string& body);
// One admin request proto: the 16-byte header with `command`, then (field id, data) fields.
std::string admin_proto(uint8_t command, const std::vector<std::pair<uint8_t, std::string>>& fields);
// LOGIN as `user` with `credential`.
std::string login_proto(const std::string& user = "admin", std::string_view credential = kAdminCredential);

// The result byte of an admin answer proto (header included), or nullopt when too short.
std::optional<uint8_t> admin_result(const std::string& proto_bytes);

// Logs in as admin and asks one info command on a fresh connection to `port`; the answer
// line's value (after the tab), "ERROR:..." as the node answers it, or "" on a dead socket.
std::string info_as_admin(uint16_t port, const std::string& command);

}  // namespace support
