// Target wire: bytes as they arrive on asd's service socket. Protos are cut out as the
// server cuts them (8-byte header, check_proto_header, announced body) and each body goes
// to its decoder: info text, AS_MSG (and a batch field in it), a compressed proto
// inflated and decoded in turn, an admin body (type 2) by the admin codec (the admin
// target feeds it further, through access control).

#include <string>
#include <string_view>

#include "fuzz.h"
#include "proto/admin.h"
#include "proto/batch.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "proto/info.h"
#include "proto/message.h"

namespace {

void message_body(std::string_view body) {
  proto::Message msg;
  if (!proto::parse_message(body, &msg).ok()) return;
  if (!(msg.header.info1 & proto::info1::kBatch)) return;
  const proto::Field* field = msg.field(proto::FieldType::BatchIndex);
  if (!field) field = msg.field(proto::FieldType::BatchIndexWithSet);
  proto::BatchRequest batch;
  if (field) (void)proto::parse_batch_field(field->data, &batch);
}

void info_body(std::string_view body) {
  for (const proto::InfoCommand& cmd : proto::parse_info_request(body)) (void)proto::parse_info_params(cmd.params);
  (void)proto::parse_info_answer(body);  // what a client (or xdr's shipper) reads back
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  while (in.size() >= proto::kProtoHeaderSize) {
    proto::ProtoHeader h = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(in.data()));
    if (!proto::check_proto_header(h).empty()) break;  // the server closes the connection
    in.remove_prefix(proto::kProtoHeaderSize);
    if (h.size > in.size()) break;  // the rest never arrives
    std::string_view body = in.substr(0, h.size);
    in.remove_prefix(h.size);
    switch (proto::ProtoType(h.type)) {
      case proto::ProtoType::Info:
        info_body(body);
        break;
      case proto::ProtoType::Message:
        message_body(body);
        break;
      case proto::ProtoType::Compressed: {
        common::Result<std::string> inner = proto::inflate_proto(body);
        if (!inner) return 0;  // the server closes the connection
        message_body(std::string_view(*inner).substr(proto::kProtoHeaderSize));
        break;
      }
      case proto::ProtoType::Admin:
        (void)proto::parse_admin_message(body);
        break;
      default:
        break;
    }
  }
  return 0;
}
