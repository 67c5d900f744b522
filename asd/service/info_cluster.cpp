// Info values that describe the cluster: membership, peers, partition ownership
// (`replicas`), migrations, and the cluster's own statistics.

#include <charconv>

#include "index/namespace.h"
#include "cluster/cluster.h"
#include "common/node_id.h"
#include "common/base64.h"
#include "service/node_context.h"
#include "service/info_values.h"

namespace asd {

namespace {

uint32_t effective_rf(NodeContext& node, Namespace& ns) {
  size_t size = std::max<size_t>(1, node.cluster()->status().succession.size());
  return uint32_t(std::min<size_t>(std::max<uint32_t>(1, ns.config()->replication_factor), size));
}

// One bitmap per position: partition i is set in bitmap p when this node serves it there.
std::vector<std::string> position_bitmaps(Namespace& ns, uint32_t positions) {
  std::vector<std::string> bits(positions, std::string(common::kPartitions / 8, '\0'));
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = ns.partition(pid);
    uint8_t position;
    {
      std::lock_guard lock(part.mu);
      position = part.role.readable || part.role.master ? part.role.position : kNoPosition;
    }
    if (position < positions) bits[position][pid / 8] |= char(0x80 >> (pid % 8));
  }
  return bits;
}

struct RoleCounts {
  uint64_t master_partitions = 0;
  uint64_t prole_partitions = 0;
  uint64_t master_objects = 0;
  uint64_t prole_objects = 0;
  uint64_t other_objects = 0;  // copies held but not served (being filled, or leaving)
};

RoleCounts role_counts(Namespace& ns) {
  RoleCounts c;
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = ns.partition(pid);
    std::lock_guard lock(part.mu);
    uint64_t n = part.records.size();
    if (part.role.master) {
      ++c.master_partitions;
      c.master_objects += n;
    } else if (part.role.readable) {
      ++c.prole_partitions;
      c.prole_objects += n;
    } else {
      c.other_objects += n;
    }
  }
  return c;
}

}  // namespace

std::string cluster_key_value(NodeContext& node) { return common::node_id_hex(node.cluster()->status().cluster_key); }

std::string peers_value(NodeContext& node, bool tls) {
  cluster::ClusterStatus st = node.cluster()->status();
  // The default port is this node's; a peer listening elsewhere names its port.
  uint16_t own = tls ? uint16_t(node.config().network.service.tls_port) : node.service_port();
  std::string out = std::to_string(st.peers_generation + 1) + "," + (own ? std::to_string(own) : "") + ",[";
  bool first = true;
  for (const cluster::PeerAddress& p : st.peers) {
    uint16_t port = tls ? p.tls_port : p.port;
    if (port == 0) continue;  // a peer without a TLS listener is no TLS peer
    if (!first) out += ",";
    first = false;
    out += "[" + common::node_id_hex(p.id) + "," + (tls ? p.tls_name : std::string()) + ",[" + p.host;
    if (port != own) out += ":" + std::to_string(port);
    out += "]]";
  }
  return out + "]";
}

std::string peers_generation_value(NodeContext& node) {
  return std::to_string(node.cluster()->status().peers_generation + 1);
}

std::string partition_generation_value(NodeContext& node) { return std::to_string(node.cluster()->partition_generation()); }

std::string cluster_generation_value(NodeContext& node) {
  return std::to_string(node.cluster()->stats().cluster_changes.load());
}

std::string rebalance_generation_value(NodeContext& node) {
  return std::to_string(node.cluster()->stats().rebalances.load());
}

std::string cluster_size_value(NodeContext& node) {
  return std::to_string(std::max<size_t>(1, node.cluster()->status().succession.size()));
}

std::string replicas_value(NodeContext& node, bool with_regime) {
  std::string out;
  for (const auto& ns : node.namespaces()) {
    if (!out.empty()) out.push_back(';');
    uint32_t rf = effective_rf(node, *ns);
    out += ns->name() + ":" + (with_regime ? "0," : "") + std::to_string(rf);
    for (const std::string& bits : position_bitmaps(*ns, rf)) out += "," + common::base64_encode(bits);
  }
  return out;
}

std::string replicas_master_value(NodeContext& node) {
  std::string out;
  for (const auto& ns : node.namespaces()) {
    if (!out.empty()) out.push_back(';');
    out += ns->name() + ":" + common::base64_encode(position_bitmaps(*ns, 1).front());
  }
  return out;
}

std::string cluster_stable_value(NodeContext& node, const proto::InfoCommand& cmd) {
  cluster::ClusterStatus st = node.cluster()->status();
  std::string size = info_param(cmd, "size");
  if (!size.empty()) {
    size_t want = 0;
    auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), want);
    if (ec != std::errc() || end != size.data() + size.size()) return "ERROR::bad-size";
    if (want != st.succession.size()) return "ERROR::cluster-not-specified-size";
  }
  std::string ns_name = info_param(cmd, "namespace");
  if (!ns_name.empty() && !node.find_namespace(ns_name)) return "ERROR::unknown-namespace";
  bool ignore_migrations = info_param(cmd, "ignore-migrations") == "true";
  if (st.cluster_key == 0 || !st.integrity) return "ERROR::unstable-cluster";
  // Repairs of records whose replica write failed are migrations of single records.
  if (!ignore_migrations && (node.cluster()->migrations_remaining() > 0 || node.cluster()->stats().re_repl_pending > 0)) {
    return "ERROR::unstable-cluster";
  }
  return common::node_id_hex(st.cluster_key);
}

std::string cluster_block_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string list = info_param(cmd, "nodes");
  std::vector<uint64_t> ids;
  size_t start = 0;
  while (start < list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string_view item(list.data() + start, comma - start);
    uint64_t id = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), id, 16);
    if (ec != std::errc() || end != item.data() + item.size()) return "ERROR::bad-node-id";
    ids.push_back(id);
    start = comma + 1;
  }
  node.cluster()->block_nodes(std::move(ids));
  return "ok";
}

void add_cluster_statistics(NodeContext& node, std::vector<std::pair<std::string, std::string>>& kv) {
  cluster::Cluster& c = *node.cluster();
  cluster::ClusterStatus st = c.status();
  cluster::ClusterStats& s = c.stats();
  auto add = [&](std::string k, auto v) { kv.emplace_back(std::move(k), std::to_string(v)); };
  kv.emplace_back("cluster_size", std::to_string(std::max<size_t>(1, st.succession.size())));
  kv.emplace_back("cluster_key", common::node_id_hex(st.cluster_key));
  kv.emplace_back("cluster_integrity", st.integrity ? "true" : "false");
  kv.emplace_back("cluster_is_member", st.cluster_key != 0 ? "true" : "false");
  kv.emplace_back("cluster_principal", st.succession.empty() ? std::string("0") : common::node_id_hex(st.succession.front()));
  kv.emplace_back("migrate_allowed", node.config().service.migrate_threads > 0 ? "true" : "false");
  add("migrate_partitions_remaining", c.migrations_remaining());
  add("migrate_tx_partitions_remaining", std::max<int64_t>(0, s.migrate_tx_remaining.load()));
  add("migrate_rx_partitions_remaining", std::max<int64_t>(0, s.migrate_rx_remaining.load()));
  add("migrate_records_transmitted", s.migrate_records_transmitted.load());
  add("migrate_records_received", s.migrate_records_received.load());
  add("migrate_partitions_sent", s.migrate_partitions_sent.load());
  add("migrate_partitions_received", s.migrate_partitions_received.load());
  add("replica_writes_sent", s.replica_writes_sent.load());
  add("replica_writes_applied", s.replica_writes_applied.load());
  add("replica_write_timeouts", s.replica_write_timeouts.load());
  add("replica_writes_refused", s.replica_writes_refused.load());
  add("replica_write_retries", s.replica_write_retries.load());
  add("re_repl_success", s.re_repl_success.load());
  add("re_repl_error", s.re_repl_error.load());
  add("re_repl_pending", s.re_repl_pending.load());
  add("dupres_requests", s.dupres_requests.load());
  add("dupres_timeouts", s.dupres_timeouts.load());
  add("writes_role_stale", s.writes_role_stale.load());
  add("proxy_initiated", s.proxy_initiated.load());
  add("proxy_complete", s.proxy_complete.load());
  add("proxy_error", s.proxy_error.load());
  add("cluster_changes", s.cluster_changes.load());
  add("rebalances", s.rebalances.load());
  add("heartbeat_received", s.heartbeats_received.load());
  add("fabric_bad_messages", s.fabric_bad_messages.load());
  add("heartbeat_tls_handshake_failures", s.heartbeat_tls_handshake_failures.load());
  add("fabric_tls_handshake_failures", s.fabric_tls_handshake_failures.load());
}

void add_namespace_cluster_stats(NodeContext& node, Namespace& ns, std::vector<std::pair<std::string, std::string>>& kv) {
  cluster::Cluster& c = *node.cluster();
  RoleCounts counts = role_counts(ns);
  auto add = [&](std::string k, auto v) { kv.emplace_back(std::move(k), std::to_string(v)); };
  add("ns_cluster_size", std::max<size_t>(1, c.status().succession.size()));
  add("effective_replication_factor", effective_rf(node, ns));
  add("master_objects", counts.master_objects);
  add("prole_objects", counts.prole_objects);
  add("non_replica_objects", counts.other_objects);
  add("master_partitions", counts.master_partitions);
  add("prole_partitions", counts.prole_partitions);
  add("migrate_tx_partitions_remaining", std::max<int64_t>(0, c.stats().migrate_tx_remaining.load()));
  add("migrate_rx_partitions_remaining", std::max<int64_t>(0, c.stats().migrate_rx_remaining.load()));
  add("client_unavailable", ns.stats().client_unavailable.load());
}

}  // namespace asd
