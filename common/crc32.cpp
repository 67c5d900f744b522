// CRC-32 by carry-less multiplication, one 128-bit lane: the buffers checksummed here
// are 140..160 bytes, where one lane already beats zlib's table-driven loop several
// times over and parallel lanes would buy nothing.

#include "common/crc32.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace common {

namespace {

// Slicing-by-8 tables for the bytes the folding leaves over (under 16 per call: the
// digest log's 8-byte id prefix, an 8- or 12-byte tail), where a call into zlib's
// byte-at-a-time loop would cost as much as folding the whole 140 bytes before it.
struct SliceTables {
  uint32_t t[8][256];
  constexpr SliceTables() : t{} {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  }
};
constexpr SliceTables kSlice;

// `state` is the inverted register, as in fold_blocks.
uint32_t slice_bytes(uint32_t state, const uint8_t* p, size_t n) {
  const auto& t = kSlice.t;
  for (; n >= 8; p += 8, n -= 8) {
    uint32_t lo = state ^ (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
    state = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
            t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
  }
  for (; n > 0; ++p, --n) state = (state >> 8) ^ t[0][(state ^ *p) & 0xFF];
  return state;
}

#if defined(__x86_64__)

// Bit-reflected constants for the polynomial 0x04C11DB7 (the paper's appendix):
// x^(128+32) and x^(128-32) mod P fold one 128-bit block onto the next; x^64 mod P
// folds 64 bits onto 32; P' and mu drive the final Barrett reduction.
constexpr long long kFold128Lo = 0x1751997d0;
constexpr long long kFold128Hi = 0x0ccaa009e;
constexpr long long kFold64 = 0x163cd6124;
constexpr long long kPoly = 0x1db710641;
constexpr long long kMu = 0x1f7011641;

// `state` is zlib's internal (inverted) register; n >= 16 and a multiple of 16.
__attribute__((target("pclmul,sse4.1"))) uint32_t fold_blocks(uint32_t state, const uint8_t* p,
                                                               size_t n) {
  const __m128i fold128 = _mm_set_epi64x(kFold128Hi, kFold128Lo);
  __m128i x = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)),
                            _mm_cvtsi32_si128(int(state)));
  for (size_t off = 16; off < n; off += 16) {
    __m128i lo = _mm_clmulepi64_si128(x, fold128, 0x00);
    __m128i hi = _mm_clmulepi64_si128(x, fold128, 0x11);
    x = _mm_xor_si128(_mm_xor_si128(lo, hi),
                      _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + off)));
  }
  // 128 -> 64 bits.
  const __m128i low32 = _mm_setr_epi32(-1, 0, -1, 0);
  __m128i t = _mm_clmulepi64_si128(x, fold128, 0x10);
  x = _mm_xor_si128(_mm_srli_si128(x, 8), t);
  // 64 -> 32 bits (plus the x^32 the CRC definition multiplies by).
  t = _mm_srli_si128(x, 4);
  x = _mm_and_si128(x, low32);
  x = _mm_clmulepi64_si128(x, _mm_set_epi64x(0, kFold64), 0x00);
  x = _mm_xor_si128(x, t);
  // Barrett reduction to the 32-bit remainder.
  const __m128i poly_mu = _mm_set_epi64x(kMu, kPoly);
  t = _mm_and_si128(x, low32);
  t = _mm_clmulepi64_si128(t, poly_mu, 0x10);
  t = _mm_and_si128(t, low32);
  t = _mm_clmulepi64_si128(t, poly_mu, 0x00);
  x = _mm_xor_si128(x, t);
  return uint32_t(_mm_extract_epi32(x, 1));
}

bool have_pclmul() {
  static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return yes;
}

#endif

}  // namespace

uint32_t crc32(uint32_t crc, const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  if (n < 16) return ~slice_bytes(~crc, b, n);
#if defined(__x86_64__)
  if (have_pclmul()) {
    size_t blocks = n & ~size_t(15);
    return ~slice_bytes(fold_blocks(~crc, b, blocks), b + blocks, n - blocks);
  }
#endif
  return uint32_t(::crc32_z(crc, b, n));
}

}  // namespace common
