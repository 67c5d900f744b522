#include <catch2/catch.hpp>

#include "cluster/balance.h"
#include "cluster/wire.h"

using namespace asd::cluster;

namespace {

const std::vector<NodeId> kSeq = {30, 20, 10};

}  // namespace

TEST_CASE("a partition nobody holds starts empty and complete on its replicas", "[balance]") {
  Versions v;
  remint(v, 77, 5, {30, 20});
  REQUIRE(v.size() == 2);
  CHECK(v[30] == v[20]);
  PartitionPlan plan = plan_partition(kSeq, 2, v, false);
  CHECK(plan.master_complete);
  CHECK(plan.acting == 30);
  CHECK(plan.fill_targets.empty());
  CHECK(plan.settled);
  CHECK(plan.readable == std::vector<NodeId>{30, 20});
}

TEST_CASE("a new master is filled from the old one, which takes writes meanwhile", "[balance]") {
  Versions v{{20, 9}, {10, 9}};  // the old master and replica, in sync
  remint(v, 78, 1, {30, 20});
  PartitionPlan plan = plan_partition(kSeq, 2, v, false);
  CHECK_FALSE(plan.master_complete);
  CHECK(plan.acting == 20);
  CHECK(plan.merge_sources == std::vector<NodeId>{20});  // one source per version
  CHECK(plan.readable == std::vector<NodeId>{20});
  CHECK_FALSE(plan.settled);

  // The master took the only version: complete; 10 (outside R) may drop once settled.
  v[30] = merged_version(v, 78, 1, 30);
  CHECK(v[30] == v[20]);
  plan = plan_partition(kSeq, 2, v, false);
  CHECK(plan.master_complete);
  CHECK(plan.acting == 30);
  CHECK(plan.fill_targets.empty());
  CHECK(plan.settled);
  CHECK(plan.readable == std::vector<NodeId>{30, 20});
}

TEST_CASE("a replica without the master's version is filled", "[balance]") {
  Versions v{{30, 4}};
  PartitionPlan plan = plan_partition(kSeq, 2, v, false);
  CHECK(plan.master_complete);
  CHECK(plan.fill_targets == std::vector<NodeId>{20});
  CHECK(plan.readable == std::vector<NodeId>{30});
  CHECK_FALSE(plan.settled);
}

TEST_CASE("diverged copies after a split are merged into the master first", "[balance]") {
  Versions v{{30, 1}, {20, 2}, {10, 3}};
  PartitionPlan plan = plan_partition(kSeq, 2, v, false);
  CHECK_FALSE(plan.master_complete);
  CHECK(plan.acting == 30);
  CHECK(plan.merge_sources == std::vector<NodeId>{20, 10});
  // After the merge the master has a new version and fills the other replica.
  uint64_t merged = merged_version(v, 99, 0, 30);
  CHECK(merged != 1);
  CHECK(merged != 2);
  v[30] = merged;
  plan = plan_partition(kSeq, 2, v, true);
  CHECK(plan.master_complete);
  CHECK(plan.fill_targets == std::vector<NodeId>{20});
}

TEST_CASE("re-minting gives two sides of a split different versions", "[balance]") {
  Versions a{{30, 5}};
  Versions b{{20, 5}};
  remint(a, 111, 0, {30});
  remint(b, 222, 0, {20});
  CHECK(a[30] != b[20]);
  Versions c{{30, 5}, {20, 5}};
  remint(c, 111, 0, {30, 20});
  CHECK(c[30] == c[20]);
}

TEST_CASE("the replication factor is capped by the cluster size", "[balance]") {
  Versions v{{30, 1}};
  PartitionPlan plan = plan_partition({30}, 3, v, false);
  CHECK(plan.replicas == std::vector<NodeId>{30});
  CHECK(plan.settled);
}

TEST_CASE("cluster messages round-trip and reject damage", "[balance][wire]") {
  WireRecord r;
  r.digest.bytes.fill(7);
  r.generation = 3;
  r.void_time = 1234;
  r.lut = 99999;
  r.origin_src_id = 2;
  r.set = "s";
  r.key = std::string("\x03k1", 3);
  r.bins.push_back(asd::Bin{"b", 1, std::string(8, '\x01')});
  Writer w(MsgType::ReplicaWrite, 42, 7);
  w.u64(5);
  write_record(w, r);
  std::string msg = w.take();

  Reader rd(msg);
  MsgHead h;
  REQUIRE(rd.head(&h));
  CHECK(h.type == MsgType::ReplicaWrite);
  CHECK(h.from == 42);
  CHECK(h.cluster_key == 7);
  CHECK(rd.u64() == 5);
  WireRecord back;
  REQUIRE(read_record(rd, &back));
  CHECK(rd.done());
  CHECK(back.digest == r.digest);
  CHECK(back.generation == 3);
  CHECK(back.lut == 99999);
  CHECK(back.key == r.key);
  REQUIRE(back.bins.size() == 1);
  CHECK(back.bins[0].value == r.bins[0].value);

  for (size_t cut = 0; cut < msg.size(); ++cut) {
    Reader t(std::string_view(msg).substr(0, cut));
    MsgHead th;
    bool ok = t.head(&th);
    t.u64();
    WireRecord x;
    ok = ok && read_record(t, &x);
    CHECK_FALSE(ok);
  }
  std::string other = msg;
  other[0] = char(kWireVersion + 1);
  Reader v(other);
  MsgHead vh;
  CHECK_FALSE(v.head(&vh));
}
