#include "support/admin_login.h"

#include "common/bytes.h"
#include "proto/frame.h"
#include "support/raw_socket.h"

namespace support {

namespace {

constexpr uint8_t kLogin = 20;
constexpr uint8_t kFieldUser = 0;
constexpr uint8_t kFieldCredential = 3;
constexpr size_t kAdminHeaderSize = 16;

}  // namespace

std::string admin_frame(const std::string& body) {
  std::string out;
  size_t offset = proto::begin_proto(out, proto::ProtoType::Admin);
  out += body;
  proto::end_proto(out, offset);
  return out;
}

std::string admin_proto(uint8_t command, const std::vector<std::pair<uint8_t, std::string>>& fields) {
  std::string body(kAdminHeaderSize, '\0');
  body[2] = char(command);
  body[3] = char(fields.size());
  for (const auto& [id, data] : fields) {
    common::append_be32(body, uint32_t(data.size() + 1));
    body += char(id);
    body += data;
  }
  return admin_frame(body);
}

std::string login_proto(const std::string& user, std::string_view credential) {
  return admin_proto(kLogin, {{kFieldUser, user}, {kFieldCredential, std::string(credential)}});
}

std::optional<uint8_t> admin_result(const std::string& proto_bytes) {
  if (proto_bytes.size() < proto::kProtoHeaderSize + kAdminHeaderSize) return std::nullopt;
  return uint8_t(proto_bytes[proto::kProtoHeaderSize + 1]);
}

std::string info_as_admin(uint16_t port, const std::string& command) {
  RawSocket socket(port);
  std::string info;
  size_t offset = proto::begin_proto(info, proto::ProtoType::Info);
  info += command + "\n";
  proto::end_proto(info, offset);
  if (!socket.send(login_proto() + info)) return {};
  std::optional<std::string> login = socket.recv_proto();
  if (!login || admin_result(*login) != 0) return {};
  std::optional<std::string> answer = socket.recv_proto();
  if (!answer) return {};
  std::string text = answer->substr(proto::kProtoHeaderSize);
  size_t tab = text.find('\t');
  if (tab != std::string::npos) text = text.substr(tab + 1);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace support
