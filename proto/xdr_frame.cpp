#include "proto/xdr_frame.h"

#include <zlib.h>

#include <cstring>

#include "common/bytes.h"

namespace proto {

namespace {

uint32_t frame_crc(const uint8_t* bytes) {
  return uint32_t(crc32(0L, bytes, kXdrFrameSize - 4));
}

}  // namespace

void encode_xdr_frame(const XdrFrame& f, uint8_t* out) {
  std::memset(out, 0, kXdrFrameSize);
  out[0] = kXdrFrameMagic0;
  out[1] = kXdrFrameMagic1;
  out[2] = kXdrFrameVersion;
  out[3] = uint8_t(f.op);
  out[4] = f.flags;
  out[5] = f.origin_src_id;
  common::store_be16(out + 6, f.generation);
  common::store_be64(out + 8, f.lut);
  std::memcpy(out + 16, f.digest.bytes.data(), common::kDigestSize);
  size_t ns_len = std::min<size_t>(f.ns.size(), 31);
  out[36] = uint8_t(ns_len);
  std::memcpy(out + 37, f.ns.data(), ns_len);
  size_t set_len = std::min<size_t>(f.set.size(), 63);
  out[68] = uint8_t(set_len);
  std::memcpy(out + 69, f.set.data(), set_len);
  common::store_be32(out + 132, frame_crc(out));
}

std::string encode_xdr_frame(const XdrFrame& frame) {
  std::string out(kXdrFrameSize, '\0');
  encode_xdr_frame(frame, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::optional<XdrFrame> decode_xdr_frame(const uint8_t* b) {
  if (b[0] != kXdrFrameMagic0 || b[1] != kXdrFrameMagic1 || b[2] != kXdrFrameVersion) return std::nullopt;
  if (common::load_be32(b + 132) != frame_crc(b)) return std::nullopt;
  if (b[3] < uint8_t(XdrOp::Write) || b[3] > uint8_t(XdrOp::Evict)) return std::nullopt;
  if (b[36] == 0 || b[36] > 31 || b[68] > 63) return std::nullopt;
  XdrFrame f;
  f.op = XdrOp(b[3]);
  f.flags = b[4];
  f.origin_src_id = b[5];
  f.generation = common::load_be16(b + 6);
  f.lut = common::load_be64(b + 8);
  std::memcpy(f.digest.bytes.data(), b + 16, common::kDigestSize);
  f.ns.assign(reinterpret_cast<const char*>(b + 37), b[36]);
  f.set.assign(reinterpret_cast<const char*>(b + 69), b[68]);
  return f;
}

}  // namespace proto
