// The progress a node publishes to its peers: the text round trips, and whatever a peer
// cannot trust is refused whole.

#include <catch2/catch.hpp>

#include "common/digest.h"
#include "failover/progress.h"

using namespace failover;

namespace {

NodeProgress sample() {
  NodeProgress p;
  p.node = 0xA1;
  p.epoch = 1700000000000;
  p.stamped_ms = 500000;
  p.registered = {{0xA2, 400000}, {0xA3, 450000}};
  PartitionLuts luts(common::kPartitions, 499000);
  luts[7] = 10;
  luts[4095] = 300000;
  p.luts[{"DC2", "test"}] = luts;
  p.luts[{"DC3", "test"}] = PartitionLuts(common::kPartitions, 498000);
  return p;
}

}  // namespace

TEST_CASE("progress round trips and stays short when partitions agree", "[failover][progress]") {
  NodeProgress p = sample();
  std::string text = encode_progress(p);
  // DC3's group comes last and lists no partition at all: they all equal the base.
  CHECK(text.substr(text.size() - 19) == ";p=DC3/test/498000/");
  auto back = decode_progress(text, 500000);
  REQUIRE(back);
  CHECK(*back == p);
  CHECK(back->lut({"DC2", "test"}, 7) == 10);
  CHECK(back->lut({"DC2", "test"}, 8) == 499000);
  CHECK(back->lut({"DC9", "test"}, 8) == 0);  // not published: ship everything
  CHECK(back->registered_since(0xA2, 399999));
  CHECK_FALSE(back->registered_since(0xA2, 400001));
}

TEST_CASE("progress that cannot be trusted is refused", "[failover][progress]") {
  const std::string good = encode_progress(sample());
  const uint64_t now = 500000;
  CHECK(decode_progress(good, now));
  CHECK_FALSE(decode_progress("", now));
  CHECK_FALSE(decode_progress("garbage", now));
  CHECK_FALSE(decode_progress("v=2;node=A1", now));
  CHECK_FALSE(decode_progress(good + ";p=DC2/test/5/", now));                 // published twice
  CHECK_FALSE(decode_progress("v=1;node=A1;p=DC2/test/5/4096.1", now));       // partition out of range
  CHECK_FALSE(decode_progress("v=1;node=A1;p=DC2/test/5/3.1:3.2", now));      // repeated
  CHECK_FALSE(decode_progress("v=1;node=A1;p=DC2/test/x/", now));
  CHECK_FALSE(decode_progress("v=1;node=zz;p=DC2/test/5/", now));
  CHECK_FALSE(decode_progress("v=1;node=A1;registered=A2@x", now));
  // A LUT ahead of the receiver's clock by more than the tolerated skew.
  CHECK(decode_progress("v=1;node=A1;p=DC2/test/" + std::to_string(now + kMaxClockSkewMs) + "/", now));
  CHECK_FALSE(decode_progress("v=1;node=A1;p=DC2/test/" + std::to_string(now + kMaxClockSkewMs + 1) + "/", now));
  CHECK_FALSE(decode_progress("v=1;node=A1;p=DC2/test/5/9." + std::to_string(now + 60000), now));
  CHECK_FALSE(decode_progress("v=1;node=A1;stamped=" + std::to_string(now + 60000), now));
}
