#pragma once
// CRC-32C (Castagnoli polynomial, reflected, init and final xor 0xFFFFFFFF), which is not
// zlib's CRC-32 (crc32.h): x86-64 computes it in hardware (SSE4.2) at several GB/s, so
// the storage format checksums its headers and record bodies with it and cold starts are
// not bound by checksumming.
//
// Thread-safe; never blocks.

#include <cstdint>
#include <span>

namespace common {

// CRC-32C of the bytes, with the SSE4.2 instruction where the CPU has it.
uint32_t crc32c(std::span<const uint8_t> bytes);
// The same with slicing-by-8 tables only, so tests can check both paths agree.
uint32_t crc32c_portable(std::span<const uint8_t> bytes);

}  // namespace common
