#pragma once
// The partition table: for every one of the 4096 partitions of a namespace, the order in
// which the cluster's nodes hold it (position 0 the master, then the replicas, then the
// rest). Every node computes it alone from the same inputs (the agreed succession list,
// each node's rack and the replication factor) and gets the same answer, so no table is
// ever sent over the network.
//
// Each partition starts from the succession list ordered by a hash of (partition, node):
// pseudo-random per partition, stable per node, so a node joining or leaving moves only
// about 1/n of the partitions. Then two adjustments, both deterministic:
//  - balance: masters and replicas are spread so that no node holds more than its
//    share rounded up (a plain hash order leaves a few percent of skew);
//  - racks: replicas go to racks that do not yet hold a copy of the partition, where the
//    cluster has such racks.

#include <cstdint>
#include <map>
#include <vector>

#include "common/digest.h"

namespace asd::cluster {

using NodeId = uint64_t;

struct TableInput {
  std::vector<NodeId> succession;        // cluster members (any order; sorted inside)
  std::map<NodeId, uint32_t> rack_ids;   // missing: rack 0
  uint32_t replication_factor = 1;       // capped at the cluster size
};

class PartitionTable {
 public:
  static PartitionTable compute(const TableInput& input);

  uint32_t replication_factor() const { return replication_factor_; }
  const std::vector<NodeId>& nodes() const { return nodes_; }
  // All nodes in this partition's order: [0] master, [1..rf) replicas.
  const std::vector<NodeId>& sequence(uint32_t pid) const { return rows_[pid]; }
  NodeId master(uint32_t pid) const { return rows_[pid][0]; }
  // Position of `node` in the partition's order, or -1 when not a member.
  int position(uint32_t pid, NodeId node) const;
  bool is_replica(uint32_t pid, NodeId node) const {
    int p = position(pid, node);
    return p >= 0 && uint32_t(p) < replication_factor_;
  }
  // How many partitions the node holds at a position (0 = master).
  uint32_t count_at(NodeId node, uint32_t position) const;

 private:
  uint32_t replication_factor_ = 0;
  std::vector<NodeId> nodes_;
  std::vector<std::vector<NodeId>> rows_;
};

}  // namespace asd::cluster
