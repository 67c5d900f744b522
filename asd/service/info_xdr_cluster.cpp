// Info values for the node's own xdr daemon (docs/xdr-design.md §4): who is in the
// cluster, and which partitions this node serves, so that xdr can tell when a node left
// and which of the departed node's partitions it must take over. xdr trusts these over
// any client's partition map: they are the roles asd applies writes under.

#include <map>

#include "index/namespace.h"
#include "cluster/cluster.h"
#include "common/node_id.h"
#include "common/base64.h"
#include "service/node_context.h"
#include "service/info_values.h"

namespace asd {

namespace {

void set_bit(std::string& bits, uint32_t pid) { bits[pid / 8] |= char(0x80 >> (pid % 8)); }

}  // namespace

// `self=<id>;key=<cluster key>;integrity=true|false;members=<id>,...;peers=<id>@<host>:<port>,...`
// (ids in hex; members in succession order, this node included).
std::string xdr_cluster_value(NodeContext& node) {
  cluster::ClusterStatus st = node.cluster()->status();
  std::string members;
  if (st.succession.empty()) members = node.node_id_hex();
  for (cluster::NodeId id : st.succession) members += (members.empty() ? "" : ",") + common::node_id_hex(id);
  std::string peers;
  for (const cluster::PeerAddress& p : st.peers) {
    peers += (peers.empty() ? "" : ",") + common::node_id_hex(p.id) + "@" + p.host + ":" + std::to_string(p.port);
  }
  return "self=" + node.node_id_hex() + ";key=" + common::node_id_hex(st.cluster_key) +
         ";integrity=" + (st.integrity ? "true" : "false") + ";members=" + members + ";peers=" + peers;
}

// `xdr-roles:namespace=NS` -> `key=<cluster key>;master=<b64>;replica=<master id>:<b64>,...`:
// bitmaps of 4096 bits (partition i is bit i, most significant bit first, as `replicas`);
// master: partitions this node takes writes for under the current cluster key; replica:
// partitions where this node is the first replica with a complete copy, grouped by
// their acting master.
std::string xdr_roles_value(NodeContext& node, const proto::InfoCommand& cmd) {
  Namespace* ns = node.find_namespace(info_param(cmd, "namespace"));
  if (!ns) return "ERROR:4:unknown namespace";
  const uint64_t key = node.cluster()->status().cluster_key;
  std::string master(common::kPartitions / 8, '\0');
  std::map<uint64_t, std::string> replica;
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = ns->partition(pid);
    std::lock_guard lock(part.mu);
    const PartitionRole& role = part.role;
    if (role.cluster_key != key) continue;  // not balanced for this cluster yet
    if (role.master) {
      set_bit(master, pid);
    } else if (role.readable && role.position == 1 && role.acting_master != 0) {
      auto [it, fresh] = replica.try_emplace(role.acting_master, std::string(common::kPartitions / 8, '\0'));
      set_bit(it->second, pid);
    }
  }
  std::string groups;
  for (const auto& [id, bits] : replica) {
    groups += (groups.empty() ? "" : ",") + common::node_id_hex(id) + ":" + common::base64_encode(bits);
  }
  return "key=" + common::node_id_hex(key) + ";master=" + common::base64_encode(master) + ";replica=" + groups;
}

}  // namespace asd
