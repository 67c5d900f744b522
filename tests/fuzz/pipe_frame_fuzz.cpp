// Target pipe_frame: bytes as xdr reads them from asd's named pipe (scan_xdr_stream, the
// loop of logger::PipeReader): frames of both versions, split, misaligned or between
// junk. Beyond not crashing: frames and skipped bytes account for the bytes used, and
// every decoded frame encodes to a version 2 frame that decodes to the same frame.

#include <optional>
#include <string>
#include <vector>

#include "fuzz.h"
#include "proto/xdr_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<proto::XdrFrame> frames;
  uint64_t garbage = 0;
  size_t used = proto::scan_xdr_stream(data, size, &frames, &garbage);
  FUZZ_CHECK(used <= size);
  FUZZ_CHECK(garbage + frames.size() * proto::kXdrFrameSizeV1 <= used);
  FUZZ_CHECK(used <= garbage + frames.size() * proto::kXdrFrameSize);
  for (const proto::XdrFrame& frame : frames) {
    std::string encoded = proto::encode_xdr_frame(frame);
    std::optional<proto::XdrFrame> again = proto::decode_xdr_frame(reinterpret_cast<const uint8_t*>(encoded.data()));
    FUZZ_CHECK(again && *again == frame);
  }
  // What is left waits for the next read, so it must be shorter than a frame: the
  // scanner never stops while a whole frame could still be in front of it.
  FUZZ_CHECK(size - used < proto::kXdrFrameSize);
  return 0;
}
