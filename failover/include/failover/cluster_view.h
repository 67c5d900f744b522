#pragma once
// ClusterView: what the local asd says about its cluster, as xdr needs it: the members,
// where their asd listens, and which partitions this node serves. Read through asd's
// `xdr-cluster` and `xdr-roles:namespace=NS` info commands (asd/service/
// info_xdr_cluster.cpp) in one request, so every answer belongs to one cluster key.
// Pure parsing plus one blocking fetch; no threads.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/host.h"
#include "common/result.h"

namespace client {
class NodeSession;
}

namespace failover {

// Partitions as kPartitions flags.
using PartitionSet = std::vector<bool>;

struct NsRoles {
  PartitionSet master;                          // this node takes the writes
  std::map<uint64_t, PartitionSet> replica_of;  // first-replica partitions, by acting master
};

struct ClusterView {
  uint64_t self = 0;
  uint64_t key = 0;
  bool integrity = false;  // the members agree and the partition balance has run
  std::vector<uint64_t> members;              // this node included
  std::map<uint64_t, client::Host> services;  // the other members' asd service endpoints
  std::map<std::string, NsRoles> roles;       // only namespaces whose roles match `key`

  bool is_member(uint64_t node) const;
};

// `self=..;key=..;integrity=..;members=..;peers=..` -> the view without roles.
common::Result<ClusterView> parse_cluster(std::string_view answer);
// `key=..;master=<b64>;replica=<id>:<b64>,...` -> roles, with the cluster key they
// were computed for.
common::Result<std::pair<uint64_t, NsRoles>> parse_roles(std::string_view answer);

// Asks the local asd (one connection, one request; admitted by `login` when asd is
// secured). Error when asd does not answer or answers something unparsable; roles of a
// namespace whose key differs are left out (the balance is under way: ask again).
common::Result<ClusterView> fetch_cluster_view(const client::Host& local_asd, client::NodeSession* login,
                                               const std::vector<std::string>& namespaces,
                                               uint32_t timeout_ms);

}  // namespace failover
