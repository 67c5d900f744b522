#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "common/base64.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "common/digest.h"

using common::compute_digest;

// Vectors from wire-protocol.md §6.2, checked against the Node.js client's own digests.
TEST_CASE("digest matches the official client", "[common]") {
  CHECK(compute_digest("demo", std::string_view("key1")).hex() == "ec91192d4b7f8ce35d5d78d34bca65cbaaaac960");
  CHECK(compute_digest("demo", int64_t(7)).hex() == "dc2e595bc2a0d8c6290c474d74e71b23e3ed846a");
  CHECK(compute_digest("demo", int64_t(1)).hex() == "b7f4b83889e2da67de683e1df6919a1eacc446c8");
  CHECK(compute_digest("", std::string_view("key1")).hex() == "579f05ecf9e6a9e796f4da2ab0b1323364df5c10");
  CHECK(compute_digest("demo", 4, std::string_view("\x01\x02\x03", 3)).hex() ==
        "ff31c926fbef445648ce63ca72a698a5473425c1");
}

TEST_CASE("partition id is the low 12 bits of the first two digest bytes, little-endian", "[common]") {
  CHECK(common::partition_id(compute_digest("demo", std::string_view("key1"))).value == 492);
  CHECK(common::partition_id(compute_digest("demo", int64_t(7))).value == 3804);
  common::Digest d;
  d.bytes[0] = 0xff;
  d.bytes[1] = 0xff;
  CHECK(common::partition_id(d).value == 4095);
}

// Scans and migrations walk partitions in digest order, which must stay the byte order
// (memcmp) that the word-at-a-time comparison stands in for.
TEST_CASE("digests order as their bytes do", "[common]") {
  std::vector<common::Digest> all;
  for (int64_t k = 0; k < 300; ++k) all.push_back(compute_digest("demo", k));
  common::Digest base = all.front();
  for (size_t i = 0; i < common::kDigestSize; ++i) {
    common::Digest d = base;  // differs from `base` only in byte i, both ways
    d.bytes[i] ^= 0x80;
    all.push_back(d);
  }
  all.push_back(base);
  for (const common::Digest& a : all) {
    for (const common::Digest& b : all) {
      int bytes = std::memcmp(a.bytes.data(), b.bytes.data(), common::kDigestSize);
      auto order = a <=> b;
      CHECK((bytes < 0) == (order < 0));
      CHECK((bytes == 0) == (order == 0));
      CHECK((bytes == 0) == (a == b));
    }
  }
}

TEST_CASE("base64 round trips and rejects garbage", "[common]") {
  for (size_t n = 0; n < 40; ++n) {
    std::string raw;
    for (size_t i = 0; i < n; ++i) raw.push_back(char(i * 37 + 11));
    auto decoded = common::base64_decode(common::base64_encode(raw));
    REQUIRE(decoded);
    CHECK(*decoded == raw);
  }
  CHECK(common::base64_encode(std::string(512, '\xff')).size() == 684);
  CHECK_FALSE(common::base64_decode("abc"));
  CHECK_FALSE(common::base64_decode("ab!d"));
  CHECK_FALSE(common::base64_decode("a===") );
  CHECK_FALSE(common::base64_decode("ab=d"));
}

TEST_CASE("big-endian helpers", "[common]") {
  uint8_t b[8];
  common::store_be64(b, 0x0102030405060708ull);
  CHECK(b[0] == 1);
  CHECK(b[7] == 8);
  CHECK(common::load_be64(b) == 0x0102030405060708ull);
  CHECK(common::load_be32(b) == 0x01020304u);
  CHECK(common::load_le16(b) == 0x0201);
}

TEST_CASE("CL epoch clock", "[common]") {
  CHECK(common::now_cl_ms() / 1000 == common::now_unix_ms() / 1000 - common::kClEpochUnixSec);
}
