// The partition table: deterministic, balanced, rack-aware, and stable when the cluster
// changes.

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "cluster/partition_table.h"

using namespace asd::cluster;
using common::kPartitions;

namespace {

std::vector<NodeId> node_ids(size_t n) {
  std::vector<NodeId> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back(0xBB9000000000ull + i * 0x1234567ull + 7);
  return ids;
}

double imbalance(const PartitionTable& t, uint32_t position) {
  uint32_t lo = kPartitions, hi = 0;
  for (NodeId n : t.nodes()) {
    uint32_t c = t.count_at(n, position);
    lo = std::min(lo, c);
    hi = std::max(hi, c);
  }
  double share = double(kPartitions) / double(t.nodes().size());
  return double(hi - lo) / share;
}

}  // namespace

TEST_CASE("every node computes the same table, whatever order it learns the members in", "[partition_table]") {
  std::vector<NodeId> nodes = node_ids(5);
  TableInput a{nodes, {}, 2};
  std::vector<NodeId> shuffled = {nodes[3], nodes[0], nodes[4], nodes[1], nodes[2], nodes[0]};
  TableInput b{shuffled, {}, 2};
  PartitionTable ta = PartitionTable::compute(a);
  PartitionTable tb = PartitionTable::compute(b);
  for (uint32_t pid = 0; pid < kPartitions; ++pid) REQUIRE(ta.sequence(pid) == tb.sequence(pid));
}

TEST_CASE("each partition has a master and rf-1 distinct replicas", "[partition_table]") {
  for (uint32_t rf : {1u, 2u, 3u, 9u}) {
    PartitionTable t = PartitionTable::compute({node_ids(4), {}, rf});
    CHECK(t.replication_factor() == std::min(rf, 4u));
    for (uint32_t pid = 0; pid < kPartitions; ++pid) {
      const auto& row = t.sequence(pid);
      REQUIRE(row.size() == 4);
      REQUIRE(std::set<NodeId>(row.begin(), row.end()).size() == 4);
    }
  }
}

TEST_CASE("masters and replicas are balanced within a few percent", "[partition_table]") {
  for (size_t n : {2u, 3u, 4u, 5u, 7u, 8u}) {
    PartitionTable t = PartitionTable::compute({node_ids(n), {}, 2});
    INFO(n << " nodes");
    CHECK(imbalance(t, 0) <= 0.02);
    CHECK(imbalance(t, 1) <= 0.05);
  }
}

TEST_CASE("replicas go to another rack where there is one", "[partition_table]") {
  std::vector<NodeId> nodes = node_ids(6);
  std::map<NodeId, uint32_t> racks;
  for (size_t i = 0; i < nodes.size(); ++i) racks[nodes[i]] = i < 4 ? 1 : 2;  // uneven racks
  PartitionTable t = PartitionTable::compute({nodes, racks, 2});
  for (uint32_t pid = 0; pid < kPartitions; ++pid) {
    const auto& row = t.sequence(pid);
    REQUIRE(racks[row[0]] != racks[row[1]]);
  }
  CHECK(imbalance(t, 0) <= 0.05);
}

TEST_CASE("a node leaving moves mostly the partitions it held", "[partition_table]") {
  std::vector<NodeId> nodes = node_ids(5);
  PartitionTable before = PartitionTable::compute({nodes, {}, 2});
  NodeId gone = nodes[2];
  nodes.erase(nodes.begin() + 2);
  PartitionTable after = PartitionTable::compute({nodes, {}, 2});
  uint32_t moved_without_cause = 0;
  for (uint32_t pid = 0; pid < kPartitions; ++pid) {
    bool involved = before.is_replica(pid, gone);
    if (!involved && before.master(pid) != after.master(pid)) ++moved_without_cause;
  }
  // Rebalancing the survivors moves a few more, never a large share.
  CHECK(moved_without_cause < kPartitions / 10);
}
