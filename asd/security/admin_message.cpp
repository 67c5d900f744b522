#include "security/admin_message.h"

#include "common/bytes.h"

namespace asd::security {

using common::ResultCode;

namespace {

constexpr size_t kFieldHeaderSize = 5;

// Reads a (length byte, text) pair at `pos`; false when it runs past `data`.
bool read_short_string(std::string_view data, size_t& pos, std::string& out) {
  if (pos >= data.size()) return false;
  size_t size = uint8_t(data[pos++]);
  if (size > data.size() - pos) return false;
  out.assign(data.substr(pos, size));
  pos += size;
  return true;
}

void append_short_string(std::string& out, std::string_view text) {
  out += char(uint8_t(text.size()));
  out += text.substr(0, 255);
}

}  // namespace

std::optional<std::string_view> AdminRequest::field(AdminField id) const {
  for (const auto& [field_id, data] : fields) {
    if (field_id == uint8_t(id)) return data;
  }
  return std::nullopt;
}

common::Result<AdminRequest> parse_admin_request(std::string_view body) {
  if (body.size() < kAdminHeaderSize) return {ResultCode::InvalidCommand, "admin header is short"};
  const auto* p = reinterpret_cast<const uint8_t*>(body.data());
  if (p[0] != 0) return {ResultCode::SecuritySchemeNotSupported, "unknown security scheme"};
  AdminRequest request;
  request.command = p[2];
  uint8_t count = p[3];
  size_t pos = kAdminHeaderSize;
  for (uint8_t i = 0; i < count; ++i) {
    if (body.size() - pos < kFieldHeaderSize) return {ResultCode::InvalidField, "field header runs past the message"};
    uint32_t size = common::load_be32(p + pos);
    if (size < 1 || size - 1 > body.size() - pos - kFieldHeaderSize) {
      return {ResultCode::InvalidField, "field length does not fit the message"};
    }
    request.fields.emplace_back(p[pos + 4], body.substr(pos + kFieldHeaderSize, size - 1));
    pos += kFieldHeaderSize + size - 1;
  }
  if (pos != body.size()) return {ResultCode::InvalidField, "bytes after the last field"};
  return request;
}

common::Result<std::vector<std::string>> parse_roles(std::string_view data) {
  if (data.empty()) return {ResultCode::InvalidField, "empty roles field"};
  size_t count = uint8_t(data[0]);
  size_t pos = 1;
  std::vector<std::string> roles(count);
  for (std::string& role : roles) {
    if (!read_short_string(data, pos, role)) return {ResultCode::InvalidField, "roles field is short"};
  }
  if (pos != data.size()) return {ResultCode::InvalidField, "bytes after the last role"};
  return roles;
}

common::Result<std::vector<Privilege>> parse_privileges(std::string_view data) {
  if (data.empty()) return {ResultCode::InvalidField, "empty privileges field"};
  size_t count = uint8_t(data[0]);
  size_t pos = 1;
  std::vector<Privilege> privileges(count);
  for (Privilege& privilege : privileges) {
    if (pos >= data.size()) return {ResultCode::InvalidField, "privileges field is short"};
    uint8_t code = uint8_t(data[pos++]);
    if (!is_privilege_code(code)) return {ResultCode::InvalidPrivilege, "unknown privilege code " + std::to_string(code)};
    privilege.code = PrivilegeCode(code);
    if (!is_data_privilege(privilege.code)) continue;
    if (!read_short_string(data, pos, privilege.ns) || !read_short_string(data, pos, privilege.set)) {
      return {ResultCode::InvalidField, "privileges field is short"};
    }
    if (privilege.ns.empty() && !privilege.set.empty()) {
      return {ResultCode::InvalidPrivilege, "a set scope needs a namespace"};
    }
  }
  if (pos != data.size()) return {ResultCode::InvalidField, "bytes after the last privilege"};
  return privileges;
}

std::vector<std::string> parse_whitelist(std::string_view data) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= data.size()) {
    size_t comma = data.find(',', start);
    if (comma == std::string_view::npos) comma = data.size();
    if (comma > start) out.emplace_back(data.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

void append_admin_header(std::string& out, ResultCode result, uint8_t field_count) {
  std::string header(kAdminHeaderSize, '\0');
  header[1] = char(result);
  header[3] = char(field_count);
  out += header;
}

void append_admin_field(std::string& out, AdminField id, std::string_view data) {
  common::append_be32(out, uint32_t(data.size() + 1));
  out += char(id);
  out += data;
}

void append_admin_u32_field(std::string& out, AdminField id, uint32_t value) {
  std::string data;
  common::append_be32(data, value);
  append_admin_field(out, id, data);
}

std::string encode_roles(const std::vector<std::string>& roles) {
  std::string out(1, char(uint8_t(roles.size())));
  for (const std::string& role : roles) append_short_string(out, role);
  return out;
}

std::string encode_privileges(const std::vector<Privilege>& privileges) {
  std::string out(1, char(uint8_t(privileges.size())));
  for (const Privilege& privilege : privileges) {
    out += char(privilege.code);
    if (!is_data_privilege(privilege.code)) continue;
    append_short_string(out, privilege.ns);
    append_short_string(out, privilege.set);
  }
  return out;
}

}  // namespace asd::security
