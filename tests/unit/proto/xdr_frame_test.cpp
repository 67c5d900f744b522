#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "proto/xdr_frame.h"

using namespace proto;

namespace {

const uint8_t* bytes_of(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

XdrFrame full_frame() {
  XdrFrame f;
  f.op = XdrOp::Delete;
  f.flags = kXdrFlagFromXdr | kXdrFlagDurable | kXdrFlagReplica;
  f.origin_src_id = common::SrcId(7);
  f.generation = 65535;
  f.lut = 0x0102030405060708ull;
  f.digest = common::compute_digest("s", int64_t(9));
  f.ns = std::string(31, 'n');
  f.set = std::string(63, 's');
  f.master_id = common::NodeId(0xBB9A1000C0FFEEull);
  return f;
}

}  // namespace

TEST_CASE("xdr frames round trip", "[xdr_frame]") {
  XdrFrame f = full_frame();
  std::string bytes = encode_xdr_frame(f);
  REQUIRE(bytes.size() == kXdrFrameSize);
  auto back = decode_xdr_frame(bytes_of(bytes));
  REQUIRE(back);
  CHECK(*back == f);
}

TEST_CASE("a mark has no namespace and round trips; only marks may lack one", "[xdr_frame]") {
  XdrFrame mark = make_mark(424242);
  auto back = decode_xdr_frame(bytes_of(encode_xdr_frame(mark)));
  REQUIRE(back);
  CHECK(back->is_mark());
  CHECK(back->lut == 424242);
  XdrFrame write;
  write.lut = 1;  // no namespace
  CHECK_FALSE(decode_xdr_frame(bytes_of(encode_xdr_frame(write))));
}

TEST_CASE("a stream holds frames of both versions", "[xdr_frame]") {
  XdrFrame f = full_frame();
  std::string v1 = encode_xdr_frame_v1(f);
  REQUIRE(v1.size() == kXdrFrameSizeV1);
  std::string stream = v1 + encode_xdr_frame(f);
  XdrFrame got;
  size_t size = 0;
  REQUIRE(scan_xdr_frame(bytes_of(stream), stream.size(), &got, &size) == FrameScan::Ok);
  CHECK(size == kXdrFrameSizeV1);
  XdrFrame no_master = f;
  no_master.master_id = common::NodeId();
  CHECK(got == no_master);
  REQUIRE(scan_xdr_frame(bytes_of(stream) + size, stream.size() - size, &got, &size) == FrameScan::Ok);
  CHECK(size == kXdrFrameSize);
  CHECK(got == f);
  // A version 2 frame cut short may still become whole; a version 1 one is judged at 136.
  std::string v2 = encode_xdr_frame(f);
  CHECK(scan_xdr_frame(bytes_of(v2), kXdrFrameSize - 1, &got, &size) == FrameScan::NeedMore);
  CHECK(scan_xdr_frame(bytes_of(v2), 2, &got, &size) == FrameScan::NeedMore);
  std::string junk = v2;
  junk[2] = 9;
  CHECK(scan_xdr_frame(bytes_of(junk), junk.size(), &got, &size) == FrameScan::Invalid);
}

TEST_CASE("a stream scan skips junk a byte at a time and keeps a frame still arriving",
          "[xdr_frame]") {
  XdrFrame f = full_frame();
  std::string v2 = encode_xdr_frame(f);
  std::string stream = "junk" + v2 + encode_xdr_frame_v1(f) + encode_xdr_frame(make_mark(5)) + v2.substr(0, 140);
  std::vector<XdrFrame> frames;
  uint64_t garbage = 0;
  size_t used = scan_xdr_stream(bytes_of(stream), stream.size(), &frames, &garbage);
  CHECK(garbage == 4);
  REQUIRE(frames.size() == 3);
  CHECK(frames[0] == f);
  CHECK(frames[2].is_mark());
  CHECK(used == stream.size() - 140);  // the cut frame waits for the rest of its bytes
}

TEST_CASE("any corrupted byte of a frame is detected", "[xdr_frame]") {
  XdrFrame f;
  f.ns = "test";
  f.set = "demo";
  f.lut = 123456;
  f.master_id = common::NodeId(77);
  std::string good = encode_xdr_frame(f);
  for (size_t i = 0; i < kXdrFrameSize; ++i) {
    std::string bad = good;
    bad[i] = char(bad[i] ^ 0x40);
    CHECK_FALSE(decode_xdr_frame(bytes_of(bad)));
  }
  std::string good_v1 = encode_xdr_frame_v1(f);
  for (size_t i = 0; i < kXdrFrameSizeV1; ++i) {
    std::string bad = good_v1;
    bad[i] = char(bad[i] ^ 0x40);
    XdrFrame got;
    size_t size = 0;
    CHECK(scan_xdr_frame(bytes_of(bad), bad.size(), &got, &size) != FrameScan::Ok);
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string junk(kXdrFrameSize, '\0');
    for (char& c : junk) c = char(rng());
    CHECK_FALSE(decode_xdr_frame(bytes_of(junk)));
  }
}
