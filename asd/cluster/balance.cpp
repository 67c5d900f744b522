#include "cluster/balance.h"

#include "cluster/mix.h"

#include <algorithm>
#include <set>

namespace asd::cluster {

namespace {

// 0 means "no version": a mixed value never is.
uint64_t nonzero_mix(uint64_t x) {
  uint64_t v = mix64(x);
  return v == 0 ? 1 : v;
}

uint64_t version_of(const Versions& v, NodeId n) {
  auto it = v.find(n);
  return it == v.end() ? 0 : it->second;
}

}  // namespace

void remint(Versions& versions, uint64_t cluster_key, uint32_t pid, const std::vector<NodeId>& replicas) {
  if (versions.empty()) {
    uint64_t fresh = nonzero_mix(cluster_key ^ (uint64_t(pid) << 40) ^ 0x6e6577ull);
    for (NodeId r : replicas) versions[r] = fresh;
    return;
  }
  for (auto& [node, v] : versions) v = nonzero_mix(v ^ cluster_key);
}

PartitionPlan plan_partition(const std::vector<NodeId>& sequence, uint32_t replication_factor,
                             const Versions& versions, bool merged) {
  PartitionPlan plan;
  uint32_t rf = std::min<uint32_t>(std::max<uint32_t>(1, replication_factor), uint32_t(sequence.size()));
  plan.replicas.assign(sequence.begin(), sequence.begin() + rf);
  NodeId master = plan.replicas.front();
  uint64_t master_version = version_of(versions, master);
  std::set<uint64_t> distinct;
  for (const auto& [node, v] : versions) {
    if (v != 0) distinct.insert(v);
  }
  plan.master_complete = master_version != 0 && (distinct.size() == 1 || merged);
  if (plan.master_complete) {
    plan.acting = master;
    for (NodeId r : plan.replicas) {
      if (r != master && version_of(versions, r) != master_version) plan.fill_targets.push_back(r);
    }
  } else {
    std::set<uint64_t> sourced{master_version};
    for (NodeId n : sequence) {
      uint64_t v = version_of(versions, n);
      if (v == 0) continue;
      if (plan.acting == 0) plan.acting = n;
      if (sourced.insert(v).second) plan.merge_sources.push_back(n);
    }
    if (plan.acting == 0) plan.acting = master;  // nothing held anywhere (remint prevents it)
  }
  uint64_t acting_version = version_of(versions, plan.acting);
  plan.readable.push_back(plan.acting);
  for (NodeId r : plan.replicas) {
    if (r != plan.acting && acting_version != 0 && version_of(versions, r) == acting_version) {
      plan.readable.push_back(r);
    }
  }
  plan.settled = plan.master_complete && plan.fill_targets.empty();
  return plan;
}

uint64_t merged_version(const Versions& versions, uint64_t cluster_key, uint32_t pid, NodeId master) {
  std::set<uint64_t> distinct;
  for (const auto& [node, v] : versions) {
    if (v != 0) distinct.insert(v);
  }
  if (distinct.size() == 1) return *distinct.begin();
  return nonzero_mix(cluster_key ^ master ^ (uint64_t(pid) << 32) ^ 0x6d657267ull);
}

}  // namespace asd::cluster
