#include "common/crc32.h"

#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

TEST_CASE("crc32 equals zlib's for every length, seed and alignment", "[common]") {
  std::mt19937_64 rng(12);
  std::vector<uint8_t> buf(1024 + 16);
  for (auto& b : buf) b = uint8_t(rng());
  for (size_t align = 0; align < 16; align += 5) {
    for (size_t n = 0; n <= 1024; ++n) {
      uint32_t seed = n % 3 == 0 ? 0 : uint32_t(rng());
      const uint8_t* p = buf.data() + align;
      INFO("n=" << n << " align=" << align << " seed=" << seed);
      REQUIRE(common::crc32(seed, p, n) == uint32_t(crc32(seed, p, uInt(n))));
    }
  }
}

TEST_CASE("crc32 continues across split buffers like zlib", "[common]") {
  std::vector<uint8_t> buf(300);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = uint8_t(i * 7 + 1);
  uint32_t whole = common::crc32(0, buf.data(), buf.size());
  for (size_t cut = 0; cut <= buf.size(); cut += 13)
    CHECK(common::crc32(common::crc32(0, buf.data(), cut), buf.data() + cut, buf.size() - cut) == whole);
  CHECK(common::crc32(0, "123456789", 9) == 0xCBF43926u);  // the standard check value
}
