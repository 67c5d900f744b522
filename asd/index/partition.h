#pragma once
// One of the 4096 partitions of a namespace: its slice of the primary index under its
// own lock (fine-grained locking: transactions on different partitions never contend).
// Records are kept in descending digest order, the order the real server walks a
// partition in, so scan resume points ("continue after digest D") are an index lookup
// (record_index.h).
//
// The partition's role on this node lives under the same lock, so a write reads the
// replicas to send to in the same critical section that applies it: a role change (and
// the migration it starts) is ordered before or after each write, never in between.

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <vector>

#include "base/record.h"
#include "common/digest.h"
#include "index/record_index.h"

namespace asd {

using RecordMap = RecordIndex;

inline constexpr uint8_t kNoPosition = 0xFF;

struct PartitionRole {
  uint64_t cluster_key = 0;    // the cluster the role was computed for
  uint64_t acting_master = 0;  // the node that takes writes now; 0 = this node alone
  bool master = true;          // this node takes writes
  bool readable = true;        // this node's copy is complete and current
  uint8_t position = 0;        // where clients find this copy: 0 master, 1.. replicas
  std::vector<uint64_t> replicate_to;  // as master: every other node a write goes to
  // As acting master while the partition's copies are not merged yet: one node per other
  // copy, asked for a record before it is written (duplicate resolution), and the
  // records already resolved under this role.
  std::vector<uint64_t> dupres_from;
  std::set<common::Digest> resolved;
};

struct Partition {
  std::mutex mu;
  RecordMap records;
  PartitionRole role;
};

}  // namespace asd
