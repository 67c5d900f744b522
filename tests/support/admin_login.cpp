#include "support/admin_login.h"

#include "common/bytes.h"
#include "proto/admin.h"
#include "proto/frame.h"
#include "support/raw_socket.h"

namespace support {

std::string admin_frame(std::string_view body) {
  std::string out;
  size_t offset = proto::begin_proto(out, proto::ProtoType::Admin);
  out += body;
  proto::end_proto(out, offset);
  return out;
}

std::string admin_header(uint8_t command, uint8_t field_count) {
  std::string out;
  proto::append_admin_request_header(out, proto::AdminCommand(command), field_count);
  return out;
}

std::string admin_field_header(uint32_t size, uint8_t id) {
  std::string out;
  common::append_be32(out, size);
  out += char(id);
  return out;
}

std::string login_proto(std::string_view user, std::string_view credential) {
  return admin_frame(proto::make_admin_request(
      proto::AdminCommand::Login, {{proto::AdminField::User, user}, {proto::AdminField::Credential, credential}}));
}

std::optional<uint8_t> admin_result(const std::string& proto_bytes) {
  if (proto_bytes.size() < proto::kProtoHeaderSize ||
      proto::decode_proto_header(common::as_bytes(proto_bytes)).type != uint8_t(proto::ProtoType::Admin)) {
    return std::nullopt;
  }
  auto messages = proto::parse_admin_messages(std::string_view(proto_bytes).substr(proto::kProtoHeaderSize));
  if (!messages || messages->empty()) return std::nullopt;
  return uint8_t(messages->front().result);
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
