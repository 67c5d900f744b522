#include "base/murmur3.h"

#include <bit>

#include "common/bytes.h"

namespace asd::base {

namespace {

constexpr uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr uint64_t kC2 = 0x4cf5ad432745937fULL;

uint64_t final_mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

uint64_t scramble1(uint64_t k) { return std::rotl(k * kC1, 31) * kC2; }
uint64_t scramble2(uint64_t k) { return std::rotl(k * kC2, 33) * kC1; }

// The tail's bytes [from, to) as a little-endian word, missing bytes zero.
uint64_t tail_word(const uint8_t* tail, size_t from, size_t to) {
  uint64_t k = 0;
  for (size_t i = to; i > from; --i) k = k << 8 | tail[i - 1];
  return k;
}

}  // namespace

Hash128 murmur3_x64_128(std::string_view data, uint32_t seed) {
  const uint8_t* p = common::as_bytes(data);
  const size_t len = data.size();
  const size_t n_blocks = len / 16;
  uint64_t h1 = seed;
  uint64_t h2 = seed;

  for (size_t i = 0; i < n_blocks; ++i, p += 16) {
    h1 ^= scramble1(common::load_le64(p));
    h1 = std::rotl(h1, 27) + h2;
    h1 = h1 * 5 + 0x52dce729;
    h2 ^= scramble2(common::load_le64(p + 8));
    h2 = std::rotl(h2, 31) + h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  const size_t rest = len & 15;
  if (rest > 8) h2 ^= scramble2(tail_word(p, 8, rest));
  if (rest > 0) h1 ^= scramble1(tail_word(p, 0, rest < 8 ? rest : 8));

  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = final_mix(h1);
  h2 = final_mix(h2);
  h1 += h2;
  h2 += h1;
  return {h1, h2};
}

}  // namespace asd::base
