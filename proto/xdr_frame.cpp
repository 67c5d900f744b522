#include "proto/xdr_frame.h"

#include <cstring>

#include "common/bytes.h"
#include "common/crc32.h"

namespace proto {

namespace {

// Where the CRC sits: the last 4 bytes of each version's frame.
constexpr size_t kCrcOffsetV2 = kXdrFrameSize - 4;
constexpr size_t kCrcOffsetV1 = kXdrFrameSizeV1 - 4;

uint32_t frame_crc(const uint8_t* bytes, size_t crc_offset) {
  return common::crc32(0, bytes, crc_offset);
}

void encode_common(const XdrFrame& f, uint8_t* out, uint8_t version) {
  out[0] = kXdrFrameMagic0;
  out[1] = kXdrFrameMagic1;
  out[2] = version;
  out[3] = uint8_t(f.op);
  out[4] = f.flags;
  out[5] = f.origin_src_id.value;
  common::store_be16(out + 6, f.generation);
  common::store_be64(out + 8, f.lut);
  std::memcpy(out + 16, f.digest.bytes.data(), common::kDigestSize);
  size_t ns_len = std::min<size_t>(f.ns.size(), 31);
  out[36] = uint8_t(ns_len);
  std::memcpy(out + 37, f.ns.data(), ns_len);
  size_t set_len = std::min<size_t>(f.set.size(), 63);
  out[68] = uint8_t(set_len);
  std::memcpy(out + 69, f.set.data(), set_len);
}

// The fields both versions share; nullopt when they are not a valid frame.
std::optional<XdrFrame> decode_common(const uint8_t* b) {
  if (b[3] < uint8_t(XdrOp::Write) || b[3] > uint8_t(XdrOp::Mark)) return std::nullopt;
  bool mark = b[3] == uint8_t(XdrOp::Mark);
  if ((b[36] == 0 && !mark) || b[36] > 31 || b[68] > 63) return std::nullopt;
  XdrFrame f;
  f.op = XdrOp(b[3]);
  f.flags = b[4];
  f.origin_src_id = common::SrcId(b[5]);
  f.generation = common::load_be16(b + 6);
  f.lut = common::load_be64(b + 8);
  std::memcpy(f.digest.bytes.data(), b + 16, common::kDigestSize);
  f.ns.assign(reinterpret_cast<const char*>(b + 37), b[36]);
  f.set.assign(reinterpret_cast<const char*>(b + 69), b[68]);
  return f;
}

}  // namespace

XdrFrame make_mark(uint64_t lut) {
  XdrFrame f;
  f.op = XdrOp::Mark;
  f.lut = lut;
  return f;
}

void encode_xdr_frame(const XdrFrame& f, uint8_t* out) {
  std::memset(out, 0, kXdrFrameSize);
  encode_common(f, out, kXdrFrameVersion);
  common::store_be64(out + 132, f.master_id.value);
  common::store_be32(out + kCrcOffsetV2, frame_crc(out, kCrcOffsetV2));
}

std::string encode_xdr_frame(const XdrFrame& frame) {
  std::string out(kXdrFrameSize, '\0');
  encode_xdr_frame(frame, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

std::string encode_xdr_frame_v1(const XdrFrame& frame) {
  std::string out(kXdrFrameSizeV1, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  encode_common(frame, p, 1);
  common::store_be32(p + kCrcOffsetV1, frame_crc(p, kCrcOffsetV1));
  return out;
}

std::optional<XdrFrame> decode_xdr_frame(const uint8_t* b) {
  if (b[0] != kXdrFrameMagic0 || b[1] != kXdrFrameMagic1 || b[2] != kXdrFrameVersion) return std::nullopt;
  if (common::load_be32(b + kCrcOffsetV2) != frame_crc(b, kCrcOffsetV2)) return std::nullopt;
  auto f = decode_common(b);
  if (f) f->master_id = common::NodeId(common::load_be64(b + 132));
  return f;
}

FrameScan scan_xdr_frame(const uint8_t* b, size_t available, XdrFrame* frame, size_t* size) {
  if (available < 3) return FrameScan::NeedMore;
  if (b[0] != kXdrFrameMagic0 || b[1] != kXdrFrameMagic1) return FrameScan::Invalid;
  if (b[2] == kXdrFrameVersion) {
    if (available < kXdrFrameSize) return FrameScan::NeedMore;
    auto f = decode_xdr_frame(b);
    if (!f) return FrameScan::Invalid;
    *frame = std::move(*f);
    *size = kXdrFrameSize;
    return FrameScan::Ok;
  }
  if (b[2] == 1) {
    if (available < kXdrFrameSizeV1) return FrameScan::NeedMore;
    if (common::load_be32(b + kCrcOffsetV1) != frame_crc(b, kCrcOffsetV1)) return FrameScan::Invalid;
    auto f = decode_common(b);
    if (!f || f->is_mark()) return FrameScan::Invalid;  // version 1 had no Mark
    *frame = std::move(*f);
    *size = kXdrFrameSizeV1;
    return FrameScan::Ok;
  }
  return FrameScan::Invalid;
}

size_t scan_xdr_stream(const uint8_t* bytes, size_t available, std::vector<XdrFrame>* frames,
                       uint64_t* garbage) {
  size_t pos = 0;
  while (available - pos >= kXdrFrameMinSize) {
    XdrFrame frame;
    size_t size = 0;
    FrameScan scan = scan_xdr_frame(bytes + pos, available - pos, &frame, &size);
    if (scan == FrameScan::NeedMore) break;
    if (scan == FrameScan::Invalid) {
      ++pos;  // slide one byte: the next frame may start anywhere
      ++*garbage;
      continue;
    }
    frames->push_back(std::move(frame));
    pos += size;
  }
  return pos;
}

}  // namespace proto
