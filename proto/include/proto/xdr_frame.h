#pragma once
// The digest frame asd writes to xdr's named pipe after every shipped-namespace write or
// delete. Fixed size, so a frame is one atomic pipe write (< PIPE_BUF) and the digest log
// can store it as is. Version it: xdr and asd of different builds may meet on one node.
//
//   off size field
//   0    2   magic 0xA5 0x58
//   2    1   version (kXdrFrameVersion)
//   3    1   op (XdrOp)
//   4    1   flags (kXdrFlag*)
//   5    1   origin src-id (DC id of the write; 0 = local client)
//   6    2   generation, big-endian
//   8    8   LUT, ms since CL epoch, big-endian
//   16   20  digest
//   36   1   namespace length (1..31)
//   37   31  namespace, zero padded
//   68   1   set length (0..63)
//   69   63  set, zero padded
//   132  4   CRC-32 (zlib) of bytes 0..131, big-endian
//   136      end

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/digest.h"

namespace proto {

inline constexpr size_t kXdrFrameSize = 136;
inline constexpr uint8_t kXdrFrameVersion = 1;
inline constexpr uint8_t kXdrFrameMagic0 = 0xA5;
inline constexpr uint8_t kXdrFrameMagic1 = 0x58;

enum class XdrOp : uint8_t { Write = 1, Delete = 2, Expire = 3, Evict = 4 };

inline constexpr uint8_t kXdrFlagReplica = 0x01;   // a replica's copy (the master ships)
inline constexpr uint8_t kXdrFlagFromXdr = 0x02;   // the write came from another DC
inline constexpr uint8_t kXdrFlagDurable = 0x04;   // durable delete

struct XdrFrame {
  XdrOp op = XdrOp::Write;
  uint8_t flags = 0;
  uint8_t origin_src_id = 0;
  uint16_t generation = 0;
  uint64_t lut = 0;
  common::Digest digest;
  std::string ns;
  std::string set;

  bool operator==(const XdrFrame&) const = default;
};

// Encodes into exactly kXdrFrameSize bytes at `out`. Names longer than their slots are
// cut (callers validated them already).
void encode_xdr_frame(const XdrFrame& frame, uint8_t* out);
std::string encode_xdr_frame(const XdrFrame& frame);

// Decodes kXdrFrameSize bytes; nullopt on bad magic, unknown version or op, bad lengths
// or a checksum mismatch.
std::optional<XdrFrame> decode_xdr_frame(const uint8_t* bytes);

}  // namespace proto
