#pragma once
// What each node does with one partition after a cluster change, computed alike on every
// node from the same inputs (the partition's node order and who holds which version of
// its data), so nodes never negotiate roles.
//
// Versions: every node holding a complete copy of a partition has a version, a lineage
// id. Nodes whose copies are kept in sync (master and replicas of one cluster) share it.
// At each new cluster key every version is re-minted with the key, so the two sides of a
// split end up with different versions: after the heal, differing versions say the
// copies diverged and must be merged, not just copied.
//
// The plan for one partition, with R the first replication-factor nodes of its order and
// M = R[0] the final master:
//  1. M complete (it holds a version and no other version exists, or it has merged all of
//     them): M takes writes; every node of R whose version differs is filled from M.
//  2. Otherwise the first holder in partition order takes writes meanwhile (the acting
//     master), and one holder of every version M lacks sends its copy to M, which merges
//     them by the namespace's conflict-resolution policy.
//  3. Once every node of R holds M's version the partition is settled: holders outside R
//     drop their copy.
// A write at the acting master goes to every node of R, whatever its state, so a copy
// being filled misses nothing.

#include <cstdint>
#include <map>
#include <vector>

namespace asd::cluster {

using NodeId = uint64_t;
using Versions = std::map<NodeId, uint64_t>;  // holders of a complete copy -> version

struct PartitionPlan {
  std::vector<NodeId> replicas;  // R, master first
  NodeId acting = 0;             // takes writes now
  bool master_complete = false;  // R[0] holds everything
  std::vector<NodeId> merge_sources;  // phase 2: each sends its copy to R[0]
  std::vector<NodeId> fill_targets;   // phase 1: R[0] sends its copy to each
  std::vector<NodeId> readable;       // serve reads: acting first, then in-sync replicas
  bool settled = false;
};

// Re-mints the holders' versions for a new cluster key. A partition nobody holds (a new
// cluster, or every copy lost) starts empty and complete on its replicas.
void remint(Versions& versions, uint64_t cluster_key, uint32_t pid, const std::vector<NodeId>& replicas);

// `merged`: R[0] announced that it merged every version (so other versions are stale).
PartitionPlan plan_partition(const std::vector<NodeId>& sequence, uint32_t replication_factor,
                             const Versions& versions, bool merged);

// The version R[0] takes after its merges: the single version it merged, or a new one.
uint64_t merged_version(const Versions& versions, uint64_t cluster_key, uint32_t pid, NodeId master);

}  // namespace asd::cluster
