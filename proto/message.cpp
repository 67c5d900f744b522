#include "proto/message.h"

#include "common/bytes.h"
#include "proto/fields_ops.h"

namespace proto {

using common::ResultCode;

namespace {

constexpr FieldsOpsErrors kMessageErrors{
    "truncated field", "field overruns message", "truncated op",
    "op overruns message", "op name overruns op", "op lut overruns op",
};

}  // namespace

bool is_read_op(uint8_t op) {
  switch (OpType(op)) {
    case OpType::Read:
    case OpType::CdtRead:
    case OpType::ExpRead:
    case OpType::BitRead:
    case OpType::HllRead:
      return true;
    default:
      return false;
  }
}

const Field* Message::field(FieldType type) const {
  for (const Field& f : fields) {
    if (f.type == uint8_t(type)) return &f;
  }
  return nullptr;
}

MsgHeader decode_msg_header(const uint8_t* p) {
  MsgHeader h;
  h.info1 = p[1];
  h.info2 = p[2];
  h.info3 = p[3];
  h.info4 = p[4];
  h.result_code = p[5];
  h.generation = common::load_be32(p + 6);
  h.record_ttl = common::load_be32(p + 10);
  h.transaction_ttl = common::load_be32(p + 14);
  h.n_fields = common::load_be16(p + 18);
  h.n_ops = common::load_be16(p + 20);
  return h;
}

common::Result<size_t> parse_message(std::string_view body, Message* out) {
  const auto* p = common::as_bytes(body);
  const size_t size = body.size();
  if (size < kMsgHeaderSize) return {ResultCode::Parameter, "message shorter than its header"};
  if (p[0] != kMsgHeaderSize) return {ResultCode::Parameter, "bad message header size"};
  out->header = decode_msg_header(p);
  out->fields.clear();
  out->ops.clear();
  return parse_fields_and_ops(body, kMsgHeaderSize, out->header.n_fields, out->header.n_ops,
                              &out->fields, &out->ops, kMessageErrors);
}

size_t append_msg_header(std::string& out, const MsgHeader& h) {
  size_t offset = out.size();
  out.resize(offset + kMsgHeaderSize);
  auto* p = reinterpret_cast<uint8_t*>(out.data() + offset);
  p[0] = kMsgHeaderSize;
  p[1] = h.info1;
  p[2] = h.info2;
  p[3] = h.info3;
  p[4] = h.info4;
  p[5] = h.result_code;
  common::store_be32(p + 6, h.generation);
  common::store_be32(p + 10, h.record_ttl);
  common::store_be32(p + 14, h.transaction_ttl);
  common::store_be16(p + 18, h.n_fields);
  common::store_be16(p + 20, h.n_ops);
  return offset;
}

void patch_msg_counts(std::string& out, size_t header_offset, uint16_t n_fields, uint16_t n_ops) {
  auto* p = reinterpret_cast<uint8_t*>(out.data() + header_offset);
  common::store_be16(p + 18, n_fields);
  common::store_be16(p + 20, n_ops);
}

void append_field(std::string& out, FieldType type, std::string_view data) {
  common::append_be32(out, uint32_t(data.size() + 1));
  out.push_back(char(type));
  out.append(data);
}

void append_op(std::string& out, OpType op, uint8_t particle, std::string_view name,
               std::string_view value) {
  common::append_be32(out, uint32_t(4 + name.size() + value.size()));
  out.push_back(char(op));
  out.push_back(char(particle));
  out.push_back(0);
  out.push_back(char(name.size()));
  out.append(name);
  out.append(value);
}

}  // namespace proto
