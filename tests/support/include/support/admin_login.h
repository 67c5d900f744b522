#pragma once
// Raw admin-protocol frames (wire-protocol §1.6) for tests of nodes with security { }:
// the C++ client does not log in, so a test that must get past access control sends a
// LOGIN (or AUTHENTICATE) ahead of its requests on a raw socket. The bytes come from the
// admin codec (proto/admin.h), the one asd and the client use.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace support {

// What a client sends for password `admin`: bcrypt("admin") under the clients' fixed salt.
inline constexpr std::string_view kAdminCredential = "$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa";

// A type-2 proto around `body` (any bytes: tests send malformed ones too).
std::string admin_frame(std::string_view body);
// Pieces of bodies, malformed ones included: a request header announcing `field_count`
// fields (`command` may be one asd does not know), and a field header announcing `size`
// bytes (the id byte included) whatever follows it.
std::string admin_header(uint8_t command, uint8_t field_count);
std::string admin_field_header(uint32_t size, uint8_t id);
// LOGIN as `user` with `credential`.
std::string login_proto(std::string_view user = "admin", std::string_view credential = kAdminCredential);

// The result byte of an admin answer proto (header included): that of its first message,
// or nullopt when it is not a type-2 proto of well-formed messages.
std::optional<uint8_t> admin_result(const std::string& proto_bytes);

// Logs in as admin and asks one info command on a fresh connection to `port`; the answer
// line's value (after the tab), "ERROR:..." as the node answers it, or "" on a dead socket.
std::string info_as_admin(uint16_t port, const std::string& command);

}  // namespace support
