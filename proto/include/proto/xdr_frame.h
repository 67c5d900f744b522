#pragma once
// The digest frame asd writes to xdr's named pipe after every shipped-namespace write or
// delete, on the master and on every replica copy. Fixed size, so a frame is one atomic
// pipe write (< PIPE_BUF) and the digest log can store it as is. Versioned: xdr and asd
// of different builds may meet on one node, so the reader still decodes version 1.
//
// Version 2 (kXdrFrameSize bytes):
//   off size field
//   0    2   magic 0xA5 0x58
//   2    1   version (kXdrFrameVersion = 2)
//   3    1   op (XdrOp)
//   4    1   flags (kXdrFlag*)
//   5    1   origin src-id (DC id of the write; 0 = local client)
//   6    2   generation, big-endian
//   8    8   LUT, ms since CL epoch, big-endian (a Mark: asd's clock when it queued it)
//   16   20  digest (zero in a Mark)
//   36   1   namespace length (1..31; 0 only in a Mark)
//   37   31  namespace, zero padded
//   68   1   set length (0..63)
//   69   63  set, zero padded
//   132  8   master node id, big-endian: the node that applied the write as master
//            (set on replica copies; 0 when unknown, e.g. an old asd)
//   140  4   CRC-32 (zlib) of bytes 0..139, big-endian
//   144      end
//
// Version 1 (136 bytes) is version 2 without the master node id: the CRC sits at 132.
//
// A Mark carries no record: asd queues one behind its frames every few hundred ms, so a
// reader that reached a Mark knows every frame asd queued before it (every write asd
// stamped before the Mark's LUT, give or take the stamping slack) is behind it too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/ids.h"

namespace proto {

inline constexpr size_t kXdrFrameSize = 144;
inline constexpr size_t kXdrFrameSizeV1 = 136;
inline constexpr size_t kXdrFrameMinSize = kXdrFrameSizeV1;
inline constexpr uint8_t kXdrFrameVersion = 2;
inline constexpr uint8_t kXdrFrameMagic0 = 0xA5;
inline constexpr uint8_t kXdrFrameMagic1 = 0x58;

enum class XdrOp : uint8_t { Write = 1, Delete = 2, Expire = 3, Evict = 4, Mark = 5 };

inline constexpr uint8_t kXdrFlagReplica = 0x01;   // a replica's copy (the master ships)
inline constexpr uint8_t kXdrFlagFromXdr = 0x02;   // the write came from another DC
inline constexpr uint8_t kXdrFlagDurable = 0x04;   // durable delete

struct XdrFrame {
  XdrOp op = XdrOp::Write;
  uint8_t flags = 0;
  common::SrcId origin_src_id;
  uint16_t generation = 0;
  uint64_t lut = 0;
  common::Digest digest;
  std::string ns;
  std::string set;
  common::NodeId master_id;  // the partition's master that announced it (none: a master's own)

  bool operator==(const XdrFrame&) const = default;
  bool is_mark() const { return op == XdrOp::Mark; }
};

// A Mark stamped `lut` (asd's clock, ms since the CL epoch).
XdrFrame make_mark(uint64_t lut);

// Encodes version 2 into exactly kXdrFrameSize bytes at `out`. Names longer than their
// slots are cut (callers validated them already).
void encode_xdr_frame(const XdrFrame& frame, uint8_t* out);
std::string encode_xdr_frame(const XdrFrame& frame);
// Version 1 (136 bytes, no master id): what older asd builds write. For tests.
std::string encode_xdr_frame_v1(const XdrFrame& frame);

// Decodes a version 2 frame of kXdrFrameSize bytes; nullopt on bad magic, another
// version, an unknown op, bad lengths or a checksum mismatch.
std::optional<XdrFrame> decode_xdr_frame(const uint8_t* bytes);

// Stream decoding: a frame of either version starting at `bytes`, of which `available`
// bytes are there. NeedMore when the bytes so far could still be a frame of a longer
// version; Invalid when no frame starts here.
enum class FrameScan { Ok, NeedMore, Invalid };
FrameScan scan_xdr_frame(const uint8_t* bytes, size_t available, XdrFrame* frame, size_t* size);

// Decodes the whole frames at the start of a byte stream where frames may arrive split,
// misaligned or between junk (xdr's end of the pipe): a position where no frame starts
// costs one byte, counted in *garbage, and the next position is tried, so the next good
// frame is found again. Appends the frames to *frames and returns the bytes used; the
// rest may be the beginning of a frame still arriving.
size_t scan_xdr_stream(const uint8_t* bytes, size_t available, std::vector<XdrFrame>* frames,
                       uint64_t* garbage);

}  // namespace proto
