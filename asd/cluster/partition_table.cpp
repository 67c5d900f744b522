#include "cluster/partition_table.h"

#include <algorithm>
#include <set>

namespace asd::cluster {

namespace {

uint64_t fnv1a64(uint32_t value) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < 4; ++i) {
    h ^= (value >> (8 * i)) & 0xFF;
    h *= 0x100000001b3ull;
  }
  return h;
}

// splitmix64's finaliser: every input bit reaches every output bit.
uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

struct Ranked {
  uint64_t rank;
  NodeId node;
};

class Builder {
 public:
  Builder(const TableInput& in, std::vector<NodeId> nodes, uint32_t rf)
      : in_(in), nodes_(std::move(nodes)), rf_(rf), counts_(rf, std::map<NodeId, uint32_t>()) {
    std::set<uint32_t> racks;
    for (NodeId n : nodes_) racks.insert(rack(n));
    n_racks_ = racks.size();
    target_ = uint32_t((common::kPartitions + nodes_.size() - 1) / nodes_.size());
  }

  std::vector<NodeId> row(uint32_t pid) {
    uint64_t hashed_pid = fnv1a64(pid);
    std::vector<Ranked> ranked;
    ranked.reserve(nodes_.size());
    for (NodeId n : nodes_) ranked.push_back({mix64(n ^ hashed_pid), n});
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      return a.rank != b.rank ? a.rank > b.rank : a.node < b.node;
    });
    std::vector<NodeId> row;
    row.reserve(ranked.size());
    for (const Ranked& r : ranked) row.push_back(r.node);
    for (uint32_t k = 0; k < rf_; ++k) place(row, k);
    return row;
  }

 private:
  uint32_t rack(NodeId n) const {
    auto it = in_.rack_ids.find(n);
    return it == in_.rack_ids.end() ? 0 : it->second;
  }

  bool rack_used(const std::vector<NodeId>& row, uint32_t k, NodeId candidate) const {
    for (uint32_t i = 0; i < k; ++i) {
      if (rack(row[i]) == rack(candidate)) return true;
    }
    return false;
  }

  // Chooses who holds position k: the row's own choice unless it already has its share
  // of position k, or (for replicas) its rack already holds a copy while another rack
  // could. The chosen node moves up, the others keep their order.
  void place(std::vector<NodeId>& row, uint32_t k) {
    bool want_new_rack = k > 0 && n_racks_ > 1 && k < n_racks_;
    auto acceptable = [&](size_t j, bool check_share) {
      if (want_new_rack && rack_used(row, k, row[j])) return false;
      return !check_share || counts_[k][row[j]] < target_;
    };
    size_t chosen = k;
    bool found = false;
    for (bool check_share : {true, false}) {
      for (size_t j = k; j < row.size() && !found; ++j) {
        if (acceptable(j, check_share)) {
          chosen = j;
          found = true;
        }
      }
      if (found) break;
    }
    if (chosen != k) {
      NodeId node = row[chosen];
      row.erase(row.begin() + long(chosen));
      row.insert(row.begin() + k, node);
    }
    ++counts_[k][row[k]];
  }

  const TableInput& in_;
  std::vector<NodeId> nodes_;
  uint32_t rf_;
  size_t n_racks_ = 1;
  uint32_t target_ = 0;
  std::vector<std::map<NodeId, uint32_t>> counts_;  // per position: partitions per node
};

}  // namespace

PartitionTable PartitionTable::compute(const TableInput& input) {
  PartitionTable t;
  t.nodes_ = input.succession;
  std::sort(t.nodes_.begin(), t.nodes_.end());
  t.nodes_.erase(std::unique(t.nodes_.begin(), t.nodes_.end()), t.nodes_.end());
  if (t.nodes_.empty()) return t;
  t.replication_factor_ = std::clamp<uint32_t>(input.replication_factor, 1, uint32_t(t.nodes_.size()));
  Builder builder(input, t.nodes_, t.replication_factor_);
  t.rows_.reserve(common::kPartitions);
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) t.rows_.push_back(builder.row(pid));
  return t;
}

int PartitionTable::position(uint32_t pid, NodeId node) const {
  const std::vector<NodeId>& row = rows_[pid];
  auto it = std::find(row.begin(), row.end(), node);
  return it == row.end() ? -1 : int(it - row.begin());
}

uint32_t PartitionTable::count_at(NodeId node, uint32_t pos) const {
  uint32_t n = 0;
  for (const auto& row : rows_) n += pos < row.size() && row[pos] == node;
  return n;
}

}  // namespace asd::cluster
