#pragma once
// The input of the bin-operation targets (cdt, bits, hll): one operation applied to one
// bin, as asd applies a client's op to a stored record.
//
//   byte 0      flags: bit 0 modify (else read), bit 1 the bin exists,
//               bits 2-4 its particle type (kParticles)
//   bytes 1-2   bin length, big-endian
//   ...         the bin's stored bytes, then the op's payload (the rest)
//
// Stored bytes are fuzzed too: a bin written by an older build, or damaged, must not
// crash an op either.

#include <cstdint>
#include <optional>
#include <string>

#include "base/cdt.h"
#include "fuzz.h"

namespace fuzz {

struct BinOpInput {
  bool modify = false;
  std::optional<asd::base::BinValue> bin;
  std::string payload;
};

inline BinOpInput read_bin_op(const uint8_t* data, size_t size) {
  // Null, integer, float, string, blob, HLL, map, list.
  static constexpr uint8_t kParticles[8] = {0, 1, 2, 3, 4, 18, 19, 20};
  FuzzInput in(data, size);
  uint8_t flags = in.byte();
  size_t bin_len = in.u16();
  BinOpInput out;
  out.modify = flags & 1;
  std::string_view bin = in.take(bin_len);
  if (flags & 2) out.bin = asd::base::BinValue{kParticles[(flags >> 2) & 7], std::string(bin)};
  out.payload = std::string(in.rest());
  return out;
}

}  // namespace fuzz
