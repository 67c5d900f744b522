#include <catch2/catch.hpp>

#include <random>

#include "proto/xdr_frame.h"

using namespace proto;

TEST_CASE("xdr frames round trip", "[xdr_frame]") {
  XdrFrame f;
  f.op = XdrOp::Delete;
  f.flags = kXdrFlagFromXdr | kXdrFlagDurable;
  f.origin_src_id = 7;
  f.generation = 65535;
  f.lut = 0x0102030405060708ull;
  f.digest = common::compute_digest("s", int64_t(9));
  f.ns = std::string(31, 'n');
  f.set = std::string(63, 's');
  std::string bytes = encode_xdr_frame(f);
  REQUIRE(bytes.size() == kXdrFrameSize);
  auto back = decode_xdr_frame(reinterpret_cast<const uint8_t*>(bytes.data()));
  REQUIRE(back);
  CHECK(*back == f);
}

TEST_CASE("any corrupted byte of a frame is detected", "[xdr_frame]") {
  XdrFrame f;
  f.ns = "test";
  f.set = "demo";
  f.lut = 123456;
  std::string good = encode_xdr_frame(f);
  for (size_t i = 0; i < kXdrFrameSize; ++i) {
    std::string bad = good;
    bad[i] = char(bad[i] ^ 0x40);
    CHECK_FALSE(decode_xdr_frame(reinterpret_cast<const uint8_t*>(bad.data())));
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string junk(kXdrFrameSize, '\0');
    for (char& c : junk) c = char(rng());
    CHECK_FALSE(decode_xdr_frame(reinterpret_cast<const uint8_t*>(junk.data())));
  }
}
