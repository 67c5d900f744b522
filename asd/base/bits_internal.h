#pragma once
// Private to asd/base/bits*.cpp: the bit-level kernels behind apply_bit_op.
//
// Bits are numbered from the most significant bit of byte 0. A region is the `n` bits
// starting at bit `start` of a byte string; every caller has already checked that the
// region lies inside the string (n >= 1), so the kernels only guard their own
// neighbour reads. A "packed" buffer holds bits left-aligned: ceil(n / 8) bytes whose
// bits past n are zero.

#include <cstdint>
#include <string>
#include <string_view>

namespace asd::base::bits {

// The region's bits, packed.
std::string extract(std::string_view data, uint64_t start, uint64_t n);
// Overwrites the region with the first n bits of `packed`; the bits around it keep their
// values. Bytes missing from `packed` read as zero.
void deposit(std::string* data, uint64_t start, uint64_t n, std::string_view packed);

// Shifts a packed n-bit buffer by `by` bits towards its start (left) or its end, filling
// with zeros; bits shifted past either end are lost.
void shift(std::string* packed, uint64_t n, uint64_t by, bool left);

// The region (n in 1..64) as an unsigned big-endian integer, and its inverse.
uint64_t load_uint(std::string_view data, uint64_t start, unsigned n);
void store_uint(std::string* data, uint64_t start, unsigned n, uint64_t value);
// Sign-extends the low n bits of v (n in 1..64).
int64_t sign_extend(uint64_t v, unsigned n);

uint64_t count_ones(std::string_view data, uint64_t start, uint64_t n);
// Position, relative to start, of the first region bit equal to `value`; -1 when none.
int64_t scan_left(std::string_view data, uint64_t start, uint64_t n, bool value);
// Position, relative to start, of the last bit equal to `value`, searching down from the
// region's end to the start of the region's first byte: the real server does not mask
// the bits ahead of the region in that byte, so a match there gives a negative position.
// -1 when none.
int64_t scan_right(std::string_view data, uint64_t start, uint64_t n, bool value);

// Overflow handling of bit_add / bit_subtract (the subflags of as_bit_operations.h).
inline constexpr uint64_t kIntSigned = 1;
inline constexpr uint64_t kIntSaturate = 2;
inline constexpr uint64_t kIntWrap = 4;

// (load +/- value) on n-bit fields under `subflags`; false when it overflows and the
// action is fail. Overflow detection follows particle_blob.c, quirks included.
bool add_int(uint64_t load, uint64_t value, unsigned n, bool subtract, uint64_t subflags,
             uint64_t* result);

}  // namespace asd::base::bits
