#include "proto/admin.h"

#include "common/bytes.h"

namespace proto {

using common::ResultCode;

namespace {

// Parses the message at `pos` of `body` and moves `pos` past it. Every size is checked
// against what is left before it is used, so no read leaves the body.
common::Result<AdminMessage> parse_one(std::string_view body, size_t& pos) {
  if (body.size() - pos < kAdminHeaderSize) return {ResultCode::InvalidCommand, "admin header is short"};
  const uint8_t* p = common::as_bytes(body);
  if (p[pos] != 0) return {ResultCode::SecuritySchemeNotSupported, "unknown security scheme"};
  AdminMessage message;
  message.result = ResultCode(p[pos + 1]);
  message.command = p[pos + 2];
  const uint8_t count = p[pos + 3];
  pos += kAdminHeaderSize;
  message.fields.reserve(count);
  for (uint8_t i = 0; i < count; ++i) {
    if (body.size() - pos < kAdminFieldHeaderSize) {
      return {ResultCode::InvalidField, "field header runs past the message"};
    }
    const uint32_t size = common::load_be32(p + pos);
    if (size < 1 || size - 1 > body.size() - pos - kAdminFieldHeaderSize) {
      return {ResultCode::InvalidField, "field length does not fit the message"};
    }
    message.fields.emplace_back(p[pos + 4], body.substr(pos + kAdminFieldHeaderSize, size - 1));
    pos += kAdminFieldHeaderSize + (size - 1);
  }
  return message;
}

}  // namespace

std::optional<std::string_view> AdminMessage::field(AdminField id) const {
  for (const auto& [field_id, data] : fields) {
    if (field_id == uint8_t(id)) return data;
  }
  return std::nullopt;
}

common::Result<AdminMessage> parse_admin_message(std::string_view body) {
  size_t pos = 0;
  common::Result<AdminMessage> message = parse_one(body, pos);
  if (message && pos != body.size()) return {ResultCode::InvalidField, "bytes after the last field"};
  return message;
}

common::Result<std::vector<AdminMessage>> parse_admin_messages(std::string_view body) {
  std::vector<AdminMessage> out;
  size_t pos = 0;
  while (pos < body.size()) {
    common::Result<AdminMessage> message = parse_one(body, pos);
    if (!message) return message.error();
    out.push_back(std::move(*message));
  }
  return out;
}

common::Result<AdminLoginAnswer> parse_login_answer(std::string_view body) {
  common::Result<AdminMessage> message = parse_admin_message(body);
  if (!message) return message.error();
  AdminLoginAnswer answer;
  answer.result = message->result;
  if (answer.result != ResultCode::Ok) return answer;
  answer.token = message->field(AdminField::SessionToken).value_or(std::string_view());
  std::optional<std::string_view> ttl = message->field(AdminField::SessionTtl);
  if (ttl && ttl->size() == 4) answer.ttl_s = common::load_be32(common::as_bytes(*ttl));
  return answer;
}

void append_admin_header(std::string& out, ResultCode result, uint8_t field_count) {
  const size_t at = out.size();
  out.append(kAdminHeaderSize, '\0');
  out[at + 1] = char(result);
  out[at + 3] = char(field_count);
}

void append_admin_request_header(std::string& out, AdminCommand command, uint8_t field_count) {
  const size_t at = out.size();
  out.append(kAdminHeaderSize, '\0');
  out[at + 2] = char(command);
  out[at + 3] = char(field_count);
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

std::string make_admin_request(AdminCommand command, AdminFields fields) {
  std::string out;
  append_admin_request_header(out, command, uint8_t(fields.size()));
  for (const auto& [id, data] : fields) append_admin_field(out, id, data);
  return out;
}

void append_admin_string(std::string& out, std::string_view text) {
  text = text.substr(0, 255);
  out += char(uint8_t(text.size()));
  out += text;
}

bool read_admin_string(std::string_view data, size_t& pos, std::string& out) {
  if (pos >= data.size()) return false;
  const size_t size = uint8_t(data[pos++]);
  if (size > data.size() - pos) return false;
  out.assign(data.substr(pos, size));
  pos += size;
  return true;
}

std::string encode_admin_roles(const std::vector<std::string>& roles) {
  std::string out(1, char(uint8_t(roles.size())));
  for (const std::string& role : roles) append_admin_string(out, role);
  return out;
}

common::Result<std::vector<std::string>> parse_admin_roles(std::string_view data) {
  if (data.empty()) return {ResultCode::InvalidField, "empty roles field"};
  const size_t count = uint8_t(data[0]);
  std::vector<std::string> roles(count);
  size_t pos = 1;
  for (std::string& role : roles) {
    if (!read_admin_string(data, pos, role)) return {ResultCode::InvalidField, "roles field is short"};
  }
  if (pos != data.size()) return {ResultCode::InvalidField, "bytes after the last role"};
  return roles;
}

}  // namespace proto
