#pragma once
// MurmurHash3, x64 128-bit variant (Austin Appleby's public-domain design), as the real
// server's cf_hash_math.h computes it: blocks read little-endian, the two output words
// in the order (h1, h2). HLL elements hash with seed 0; the seed exists so the published
// SMHasher verification value can check this implementation.

#include <cstdint>
#include <string_view>

namespace asd::base {

struct Hash128 {
  uint64_t h1 = 0;
  uint64_t h2 = 0;
};

Hash128 murmur3_x64_128(std::string_view data, uint32_t seed = 0);

}  // namespace asd::base
