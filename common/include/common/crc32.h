#pragma once
// CRC-32 exactly as zlib's crc32() computes it (IEEE 802.3 polynomial, reflected,
// init and final xor 0xFFFFFFFF), for the checksums on the pipe frame and the digest-log
// entries and headers. On x86-64 CPUs with PCLMULQDQ it folds 16 bytes per step with
// carry-less multiplies (Intel, "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ", 2009) and finishes the last 0..15 bytes with slicing-by-8 tables; without
// PCLMULQDQ, buffers of 16 bytes or more go to zlib's crc32().
// The digest log checksums 300 bytes per appended entry, so this is on its hot path.
//
// Thread-safe; never blocks.

#include <cstddef>
#include <cstdint>

namespace common {

// Continues `crc` (0 to start, like zlib) over `n` bytes at `p`.
uint32_t crc32(uint32_t crc, const void* p, size_t n);

}  // namespace common
