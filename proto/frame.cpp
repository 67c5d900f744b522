#include "proto/frame.h"

#include "common/bytes.h"

namespace proto {

ProtoHeader decode_proto_header(const uint8_t* bytes) {
  uint64_t v = common::load_be64(bytes);
  ProtoHeader h;
  h.version = uint8_t(v >> 56);
  h.type = uint8_t(v >> 48);
  h.size = v & 0xFFFFFFFFFFFFull;
  return h;
}

void encode_proto_header(uint8_t* bytes, ProtoType type, uint64_t size) {
  uint64_t v = uint64_t(kProtoVersion) << 56 | uint64_t(type) << 48 | (size & 0xFFFFFFFFFFFFull);
  common::store_be64(bytes, v);
}

std::string_view check_proto_header(const ProtoHeader& header) {
  if (header.version != kProtoVersion) return "bad proto version";
  switch (ProtoType(header.type)) {
    case ProtoType::Info:
    case ProtoType::Admin:
    case ProtoType::Message:
    case ProtoType::Compressed:
      break;
    default:
      return "unsupported proto type";
  }
  if (header.size > kMaxProtoSize) return "proto size too large";
  return {};
}

size_t begin_proto(std::string& out, ProtoType type) {
  size_t offset = out.size();
  out.resize(offset + kProtoHeaderSize);
  encode_proto_header(reinterpret_cast<uint8_t*>(out.data() + offset), type, 0);
  return offset;
}

void end_proto(std::string& out, size_t offset) {
  auto* p = reinterpret_cast<uint8_t*>(out.data() + offset);
  ProtoType type = ProtoType(p[1]);
  encode_proto_header(p, type, out.size() - offset - kProtoHeaderSize);
}

}  // namespace proto
