#include "cluster/cluster_impl.h"
#include "cluster/mix.h"

#include <algorithm>
#include <chrono>

#include "index/namespace.h"
#include "common/node_id.h"
#include "common/log.h"

namespace asd::cluster {

namespace {

constexpr uint32_t kTickMs = 25;
constexpr uint64_t kExchangeRepeatMs = 500;

std::string specific_address(const std::vector<std::string>& addresses) {
  if (addresses.empty() || addresses.front() == "any" || addresses.front() == "0.0.0.0") return "";
  return addresses.front();
}

std::string endpoint(const std::string& host, uint16_t port) { return "tcp://" + host + ":" + std::to_string(port); }
std::string tls_endpoint(const std::string& host, uint16_t port) {
  return "tls://" + host + ":" + std::to_string(port);
}

// Where to reach a peer's heartbeat or fabric: over TLS when both sides have it there (a
// node without TLS on a link never connects over TLS, as fabric.c and hb.c filter), else
// in plaintext; "" when the peer has no listener this node can use.
std::string link_endpoint(const std::string& host, uint16_t port, uint16_t tls_port, bool tls) {
  if (tls && tls_port != 0) return tls_endpoint(host, tls_port);
  if (port != 0) return endpoint(host, port);
  return "";
}

// The TLS of one link, when the link has a TLS port. The loader checked the stanza exists.
std::unique_ptr<NodeTls> link_tls(const conf::Config& cfg, uint32_t tls_port, const std::string& tls_name,
                                  const char* link, std::atomic<uint64_t>& failures) {
  if (tls_port == 0) return nullptr;
  return std::make_unique<NodeTls>(*cfg.network.find_tls(tls_name), tls_name, link, failures);
}

// This node's exchange request, turned into an answer (the flag after the head).
std::string exchange_answer(std::string request) {
  request[kHeadSize] = 0;
  return request;
}

}  // namespace

uint64_t steady_now_ms() {
  using namespace std::chrono;
  return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

Cluster::Impl::Impl(NodeId self_id, const conf::Config& cfg, std::vector<Namespace*> all)
    : config(cfg),
      self(self_id),
      namespaces(std::move(all)),
      membership(self_id, cfg.service.cluster_name, cfg.network.heartbeat.interval_ms,
                 cfg.network.heartbeat.timeout),
      migrator([this](MigrateTask& t) { return run_task(t); }, [this] { return key_now.load(); },
               Migrator::Counters{[this](int64_t n) { stats.migrate_tx_remaining.fetch_add(n); },
                                  [this] { stats.migrate_partitions_sent.fetch_add(1); }}) {
  cluster_name = cfg.service.cluster_name;
  interval_ms = std::max<uint32_t>(10, cfg.network.heartbeat.interval_ms);
  advertised_host = cfg.network.heartbeat.address == "any" ? "" : cfg.network.heartbeat.address;
  heartbeat_port = uint16_t(cfg.network.heartbeat.port);
  fabric_port = uint16_t(cfg.network.fabric.port);
  heartbeat_tls_port = uint16_t(cfg.network.heartbeat.tls_port);
  fabric_tls_port = uint16_t(cfg.network.fabric.tls_port);
  // A certificate, key or CA that cannot be loaded stops start-up here, naming the file.
  heartbeat_tls = link_tls(cfg, heartbeat_tls_port, cfg.network.heartbeat.tls_name, "heartbeat",
                           stats.heartbeat_tls_handshake_failures);
  fabric_tls = link_tls(cfg, fabric_tls_port, cfg.network.fabric.tls_name, "fabric",
                        stats.fabric_tls_handshake_failures);
  fabric.set_tls(heartbeat_tls.get(), fabric_tls.get());
  service_host = specific_address(cfg.network.service.access_addresses);
  if (service_host.empty()) service_host = specific_address(cfg.network.service.addresses);
  service_port = uint16_t(cfg.network.service.port);
  tls_port = uint16_t(cfg.network.service.tls_port);
  tls_name = cfg.network.service.tls_name;
  max_incoming = cfg.service.migrate_max_num_incoming;
  for (const conf::HostPort& seed : cfg.network.heartbeat.mesh_seeds) {
    heartbeat_targets.insert(endpoint(seed.host, uint16_t(seed.port)));
  }
  for (const conf::HostPort& seed : cfg.network.heartbeat.tls_mesh_seeds) {
    heartbeat_targets.insert(tls_endpoint(seed.host, uint16_t(seed.port)));
  }
  bool seeded = !heartbeat_targets.empty();
  if (!seeded) membership.form_alone_at_once();
  for (Namespace* ns : namespaces) {
    NsBalance b;
    b.ns = ns;
    std::shared_ptr<const conf::Namespace> nc = ns->config();
    b.rack_id = nc->rack_id;
    b.replication_factor = std::max<uint32_t>(1, nc->replication_factor);
    b.versions.resize(common::kPartitions);
    b.merged.assign(common::kPartitions, 0);
    b.plans.resize(common::kPartitions);
    b.pending_merge.resize(common::kPartitions);
    b.fill_pending.assign(common::kPartitions, 0);
    b.own.assign(common::kPartitions, 0);
    // A copy read back from the device is complete as far as this node knows, but may
    // lag the cluster: its own lineage, merged with the others' when it joins.
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      Partition& part = ns->partition(pid);
      std::lock_guard lock(part.mu);
      if (!part.records.empty()) b.own[pid] = (self * 0x9e3779b97f4a7c15ull) ^ (uint64_t(pid) + 1);
      if (seeded) {
        // Until this node is in a cluster it cannot tell which copies are current.
        part.role = PartitionRole{0, 0, false, false, kNoPosition, {}};
      }
    }
    balance.push_back(std::move(b));
  }
}

size_t Cluster::Impl::ns_index(std::string_view name) const {
  for (size_t i = 0; i < namespaces.size(); ++i) {
    if (namespaces[i]->name() == name) return i;
  }
  return namespaces.size();
}

void Cluster::Impl::broadcast(std::string message) {
  for (NodeId n : succession) {
    if (n != self) send_to(n, message);
  }
}

// ---- heartbeats and membership ----

void Cluster::Impl::send_heartbeats(uint64_t now) {
  Heartbeat hb = membership.heartbeat(now);
  Writer w(MsgType::Heartbeat, self, hb.cluster_key);
  w.bytes(advertised_host);
  w.u16(heartbeat_port);
  w.u16(fabric_port);
  w.bytes(service_host);
  w.u16(service_port);
  w.bytes(cluster_name);
  w.nodes(hb.succession);
  w.nodes(hb.adjacency);
  std::vector<std::string> blocked_endpoints;
  std::vector<std::string> known = peers.heartbeat_endpoints(&blocked_endpoints);
  w.u32(uint32_t(known.size()));
  for (const std::string& ep : known) w.bytes(ep);
  // Last, so that a node built before TLS (which stops reading here) still understands.
  w.u16(tls_port);
  w.bytes(tls_name);
  // After the service's TLS, for the same reason: a node built before it stops earlier.
  w.u16(heartbeat_tls_port);
  w.u16(fabric_tls_port);
  std::string message = w.take();
  for (const std::string& target : heartbeat_targets) {
    if (std::find(blocked_endpoints.begin(), blocked_endpoints.end(), target) != blocked_endpoints.end()) continue;
    fabric.send(target, message, true);
  }
}

void Cluster::Impl::on_heartbeat(const MsgHead& h, Reader& r, const std::string& peer) {
  std::string host(r.bytes());
  uint16_t hb_port = r.u16();
  uint16_t fab_port = r.u16();
  std::string svc_host(r.bytes());
  uint16_t svc_port = r.u16();
  Heartbeat hb;
  hb.from = h.from;
  hb.cluster_key = h.cluster_key;
  hb.cluster_name = std::string(r.bytes());
  hb.succession = r.nodes();
  hb.adjacency = r.nodes();
  std::vector<std::string> learned;
  uint32_t n = r.u32();
  for (uint32_t i = 0; i < n && !r.bad(); ++i) learned.emplace_back(r.bytes());
  uint16_t peer_tls_port = 0;
  std::string peer_tls_name;
  if (!r.bad() && !r.done()) {
    peer_tls_port = r.u16();
    peer_tls_name = std::string(r.bytes());
  }
  uint16_t peer_heartbeat_tls_port = 0;
  uint16_t peer_fabric_tls_port = 0;
  if (!r.bad() && !r.done()) {
    peer_heartbeat_tls_port = r.u16();
    peer_fabric_tls_port = r.u16();
  }
  if (r.bad()) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  if (host.empty()) host = peer;
  if (host.empty()) host = "127.0.0.1";
  if (svc_host.empty()) svc_host = host;
  stats.heartbeats_received.fetch_add(1, std::memory_order_relaxed);
  bool service_news = false;
  if (hb.cluster_name == cluster_name) {
    Member m{link_endpoint(host, hb_port, peer_heartbeat_tls_port, heartbeat_tls != nullptr),
             link_endpoint(host, fab_port, peer_fabric_tls_port, fabric_tls != nullptr),
             svc_host,
             svc_port,
             peer_tls_port,
             peer_tls_name};
    // A member first heard after the change that made it one (its peers learned it from
    // another member's heartbeat) has no service endpoint in the published peers yet.
    service_news = peers.learn(h.from, m) && contains(succession, h.from);
    if (!m.heartbeat_endpoint.empty()) heartbeat_targets.insert(m.heartbeat_endpoint);
    for (std::string& ep : learned) {
      if (ep.empty() || (ep.starts_with("tls://") && heartbeat_tls == nullptr)) continue;
      heartbeat_targets.insert(std::move(ep));
    }
  }
  if (service_news) publish_status();
  membership.on_heartbeat(hb, steady_now_ms());
}

void Cluster::Impl::send_paxos(const std::vector<PaxosMessage>& out) {
  for (const PaxosMessage& m : out) {
    Writer w(MsgType::Paxos, self, m.cluster_key);
    w.u8(uint8_t(m.type));
    w.u64(m.to);
    w.u64(m.ballot);
    w.nodes(m.succession);
    send_to(m.to, w.take());
  }
}

void Cluster::Impl::on_tick() {
  uint64_t now = steady_now_ms();
  if (now >= last_heartbeat_ms + interval_ms) {
    last_heartbeat_ms = now;
    send_heartbeats(now);
  }
  send_paxos(membership.tick(now));
  check_view();
  // Until the balance is done, ask again for what is missing: a message can be lost to a
  // peer that restarted or that this node dropped from its view for a moment.
  if (current_key != 0 && !balanced && now >= last_exchange_ms + kExchangeRepeatMs) send_exchange();
  end_waits(waits.expire(now, kReplyTimeoutMs, kDupResWaitMs), true);
  release_role_waits();
  retry_refused(now);
  run_repairs(now);
  int64_t rx = 0;
  for (const NsBalance& b : balance) {
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      if (!b.pending_merge[pid].empty()) ++rx;
      if (b.fill_pending[pid]) ++rx;
    }
  }
  stats.migrate_rx_remaining.store(rx);
  if (dirty_roles) {
    dirty_roles = false;
    partition_generation.fetch_add(1);
  }
}

void Cluster::Impl::check_view() {
  const ClusterView& view = membership.view();
  if (view.cluster_key == current_key) return;
  accept_key.store(0);  // before any role changes: no replica write under a passing role
  std::vector<NodeId> old = succession;
  current_key = view.cluster_key;
  succession = view.succession;
  key_now.store(current_key);
  stats.cluster_changes.fetch_add(1);
  balanced = false;
  early_dones.clear();
  queued.clear();
  incoming.clear();
  for (NsBalance& b : balance) {
    for (auto& s : b.pending_merge) s.clear();
    std::fill(b.fill_pending.begin(), b.fill_pending.end(), 0);
  }
  migrator.abandon();
  for (auto it = exchanges.begin(); it != exchanges.end();) {
    if (it->first != current_key) it = exchanges.erase(it);
    else ++it;
  }
  end_waits(waits.release_departed(succession), false);
  std::vector<NodeId> departed;
  for (NodeId n : old) {
    if (!contains(succession, n)) departed.push_back(n);
  }
  peers.keep_only(succession, departed);
  std::string members;
  for (NodeId n : succession) members += (members.empty() ? "" : ",") + common::node_id_hex(n);
  common::logger("clustering")->info("cluster changed key={:X} size={} members={}", current_key, succession.size(),
                                     members);
  publish_status();
  send_exchange();
  try_balance();
}

void Cluster::Impl::publish_status() {
  std::vector<PeerAddress> addresses = peers.service_addresses(succession);
  std::lock_guard lock(status_mu);
  bool peers_changed = addresses.size() != status.peers.size();
  for (size_t i = 0; !peers_changed && i < addresses.size(); ++i) {
    peers_changed = addresses[i].id != status.peers[i].id || addresses[i].host != status.peers[i].host ||
                    addresses[i].port != status.peers[i].port;
  }
  status.cluster_key = current_key;
  status.succession = succession;
  status.integrity = balanced;
  if (peers_changed) {
    status.peers = std::move(addresses);
    ++status.peers_generation;
  }
}

// ---- exchange and balance ----

void Cluster::Impl::send_exchange() {
  Writer w(MsgType::Exchange, self, current_key);
  w.u8(1);  // an answer is wanted (an answer carries 0: never answered, so no ping-pong)
  w.u32(uint32_t(balance.size()));
  for (const NsBalance& b : balance) {
    w.bytes(b.ns->name());
    w.u32(b.rack_id);
    uint32_t count = 0;
    for (uint64_t v : b.own) count += v != 0;
    w.u32(count);
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      if (b.own[pid] == 0) continue;
      w.u16(uint16_t(pid));
      w.u64(b.own[pid]);
    }
  }
  std::string message = w.take();
  exchanges[current_key][self] = message;
  last_exchange_ms = steady_now_ms();
  broadcast(message);
}

void Cluster::Impl::try_balance() {
  if (balanced || current_key == 0) return;
  auto& got = exchanges[current_key];
  for (NodeId n : succession) {
    if (!got.count(n)) return;
  }
  for (NsBalance& b : balance) {
    TableInput input;
    input.succession = succession;
    input.replication_factor = b.replication_factor;
    for (Versions& v : b.versions) v.clear();
    for (const auto& [from, message] : got) {
      Reader r(message);
      MsgHead h;
      r.head(&h);
      r.u8();
      uint32_t n_ns = r.u32();
      for (uint32_t i = 0; i < n_ns && !r.bad(); ++i) {
        std::string_view name = r.bytes();
        uint32_t rack = r.u32();
        uint32_t count = r.u32();
        bool mine = name == b.ns->name();
        if (mine) input.rack_ids[from] = rack;
        for (uint32_t k = 0; k < count && !r.bad(); ++k) {
          uint32_t pid = r.u16();
          uint64_t version = r.u64();
          if (mine && pid < common::kPartitions && version != 0) b.versions[pid][from] = version;
        }
      }
    }
    b.table = PartitionTable::compute(input);
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      const std::vector<NodeId>& seq = b.table.sequence(pid);
      std::vector<NodeId> replicas(seq.begin(), seq.begin() + b.table.replication_factor());
      remint(b.versions[pid], current_key, pid, replicas);
      b.merged[pid] = 0;
    }
  }
  balanced = true;
  for (size_t i = 0; i < balance.size(); ++i) {
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      NsBalance& b = balance[i];
      PartitionPlan plan = plan_partition(b.table.sequence(pid), b.table.replication_factor(), b.versions[pid], false);
      if (plan.replicas.front() == self && !plan.master_complete) {
        b.pending_merge[pid] = std::set<NodeId>(plan.merge_sources.begin(), plan.merge_sources.end());
      }
      apply_plan(i, pid);
    }
  }
  accept_key.store(current_key);
  std::vector<std::string> early;
  early.swap(early_dones);
  for (const std::string& message : early) on_message(message, "");
  publish_status();
  release_role_waits();
  stats.rebalances.fetch_add(1);
  common::logger("partition")->info("balance done key={:X} size={} tx_migrations={} rx_migrations={}", current_key,
                                    succession.size(), stats.migrate_tx_remaining.load(),
                                    stats.migrate_rx_remaining.load());
}

void Cluster::Impl::apply_plan(size_t i, uint32_t pid) {
  NsBalance& b = balance[i];
  Versions& versions = b.versions[pid];
  PartitionPlan plan = plan_partition(b.table.sequence(pid), b.table.replication_factor(), versions, b.merged[pid]);
  bool drop = false;
  if (plan.settled) {
    for (auto it = versions.begin(); it != versions.end();) {
      if (contains(plan.replicas, it->first)) {
        ++it;
        continue;
      }
      if (it->first == self) drop = true;
      it = versions.erase(it);
    }
  }
  auto own = versions.find(self);
  b.own[pid] = own == versions.end() ? 0 : own->second;
  b.fill_pending[pid] = contains(plan.fill_targets, self) ? 1 : 0;
  if (plan.master_complete || plan.replicas.front() != self) b.pending_merge[pid].clear();

  PartitionRole role;
  role.cluster_key = current_key;
  role.acting_master = plan.acting;
  role.master = plan.acting == self;
  role.readable = contains(plan.readable, self);
  auto at = std::find(plan.readable.begin(), plan.readable.end(), self);
  role.position = at == plan.readable.end() ? kNoPosition : uint8_t(at - plan.readable.begin());
  if (role.master) {
    for (NodeId r : plan.replicas) {
      if (r != self) role.replicate_to.push_back(r);
    }
    if (!plan.master_complete) {
      // One holder per other version of the partition, in sequence order.
      std::set<uint64_t> covered{b.own[pid]};
      for (NodeId n : b.table.sequence(pid)) {
        auto v = versions.find(n);
        if (v != versions.end() && v->second != 0 && covered.insert(v->second).second) role.dupres_from.push_back(n);
      }
    }
  }
  Namespace& ns = *b.ns;
  Partition& part = ns.partition(pid);
  {
    std::lock_guard lock(part.mu);
    if (part.role.acting_master != role.acting_master || part.role.master != role.master ||
        part.role.readable != role.readable || part.role.position != role.position ||
        part.role.replicate_to != role.replicate_to) {
      dirty_roles = true;
    }
    part.role = std::move(role);
    if (drop) {
      for (auto it = part.records.begin(); it != part.records.end();) it = ns.erase(part, it);
    }
  }
  b.plans[pid] = plan;

  if (contains(plan.merge_sources, self)) {
    queue_migration(i, pid, plan.replicas.front(), MigrateKind::Merge, b.own[pid]);
  }
  if (plan.replicas.front() == self && plan.master_complete) {
    for (NodeId target : plan.fill_targets) queue_migration(i, pid, target, MigrateKind::Fill, b.own[pid]);
  }
}

void Cluster::Impl::announce_done(size_t i, uint32_t pid, uint64_t version, bool merged) {
  Writer w(MsgType::PartitionDone, self, current_key);
  w.bytes(balance[i].ns->name());
  w.u16(uint16_t(pid));
  w.u64(self);
  w.u64(version);
  w.u8(merged ? 1 : 0);
  std::string message = w.take();
  broadcast(message);
  on_message(message, "");
}

void Cluster::Impl::on_partition_done(const MsgHead& h, Reader& r) {
  std::string_view name = r.bytes();
  uint32_t pid = r.u16();
  NodeId node = r.u64();
  uint64_t version = r.u64();
  bool merged = r.u8() != 0;
  size_t i = ns_index(name);
  if (r.bad() || i >= balance.size() || pid >= common::kPartitions) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  if (h.cluster_key != current_key || !contains(succession, node)) return;
  NsBalance& b = balance[i];
  b.versions[pid][node] = version;
  if (merged) b.merged[pid] = 1;
  apply_plan(i, pid);
}

// ---- message dispatch ----

size_t Cluster::Impl::on_reader_messages(const std::vector<std::string_view>& messages) {
  AckRun acks;
  size_t k = 0;
  for (; k < messages.size(); ++k) {
    Reader r(messages[k]);
    MsgHead h;
    if (!r.head(&h)) break;  // counted by the cluster thread
    if (h.type != MsgType::ReplicaWrite && h.type != MsgType::ReplicaAck && h.type != MsgType::ReplicaAcks) break;
    if (h.from == self || peers.is_blocked(h.from)) continue;
    if (h.type == MsgType::ReplicaWrite) {
      on_replica_write(h, r, acks);
    } else if (h.type == MsgType::ReplicaAcks) {
      on_replica_acks(h, r);
    } else {
      uint64_t id = r.u64();
      bool applied = r.u8() != 0;
      if (r.bad()) {
        stats.fabric_bad_messages.fetch_add(1);
        continue;
      }
      on_replica_ack(h.from, id, applied);
    }
  }
  send_replica_acks(acks);
  return k;
}

void Cluster::Impl::on_message(std::string_view message, const std::string& peer) {
  Reader r(message);
  MsgHead h;
  if (!r.head(&h)) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  if (h.from == self && h.type != MsgType::PartitionDone) return;
  if (h.from != self && peers.is_blocked(h.from)) return;
  switch (h.type) {
    case MsgType::Heartbeat:
      return on_heartbeat(h, r, peer);
    case MsgType::Paxos: {
      PaxosMessage m;
      m.type = PaxosType(r.u8());
      m.from = h.from;
      m.to = r.u64();
      m.ballot = r.u64();
      m.cluster_key = h.cluster_key;
      m.succession = r.nodes();
      if (r.bad() || m.to != self) return;
      send_paxos(membership.on_paxos(m, steady_now_ms()));
      return check_view();
    }
    case MsgType::Exchange: {
      bool wants_answer = r.u8() != 0;
      if (r.bad()) break;
      exchanges[h.cluster_key][h.from] = std::string(message);
      if (h.cluster_key != current_key) return;
      // A member of this cluster reaches us: once per cluster, it gets our metadata.
      if (metadata && metadata_sent[h.from] != current_key) {
        metadata_sent[h.from] = current_key;
        send_metadata_snapshot(h.from);
      }
      // Every request is answered: an answer sent before this node knew the sender's
      // fabric endpoint was lost, and the sender repeats until it has every exchange.
      auto own = exchanges[current_key].find(self);
      if (wants_answer && own != exchanges[current_key].end()) send_to(h.from, exchange_answer(own->second));
      return try_balance();
    }
    case MsgType::PartitionDone:
      if (h.cluster_key == current_key && !balanced) {
        early_dones.emplace_back(message);
        return;
      }
      return on_partition_done(h, r);
    case MsgType::ReplicaWrite:
      return on_replica_write(h, r, pending_acks);
    case MsgType::ReplicaAck: {
      uint64_t id = r.u64();
      bool applied = r.u8() != 0;
      if (r.bad()) break;
      return on_replica_ack(h.from, id, applied);
    }
    case MsgType::ReplicaAcks:
      return on_replica_acks(h, r);
    case MsgType::MigrateStart:
      return on_migrate_start(h, r);
    case MsgType::MigrateStartAck:
      return on_migrate_answer(h, r, true);
    case MsgType::MigrateRecords:
      return on_migrate_records(h, r);
    case MsgType::MigrateBatchAck:
      return on_migrate_answer(h, r, false);
    case MsgType::MigrateEnd:
      return on_migrate_end(h, r);
    case MsgType::ProxyRequest:
      return on_proxy_request(h, r);
    case MsgType::ProxyResponse: {
      uint64_t id = r.u64();
      std::string answer(r.bytes());
      if (r.bad()) break;
      return on_proxy_reply(h.from, id, std::move(answer));
    }
    case MsgType::Truncate:
      return on_truncate(r);
    case MsgType::Metadata:
      return on_metadata(h, r);
    case MsgType::RepairOffer:
      return on_repair_offer(h, r);
    case MsgType::DupResRequest:
      return on_dupres_request(h, r);
    case MsgType::DupResResponse:
      return on_dupres_response(h, r);
  }
  stats.fabric_bad_messages.fetch_add(1);
}

// ---- public API ----

Cluster::Cluster(NodeId self, const conf::Config& config, std::vector<Namespace*> namespaces)
    : impl_(std::make_unique<Impl>(self, config, std::move(namespaces))) {}

void Cluster::set_proxy_handler(ProxyHandler handler) { impl_->proxy_handler = std::move(handler); }
void Cluster::set_metadata(smd::MetadataStore* store) { impl_->metadata = store; }

Cluster::~Cluster() { stop(); }

void Cluster::start(std::vector<boost::asio::io_context*> readers) {
  Impl& d = *impl_;
  const conf::Config& cfg = d.config;
  std::string address = cfg.network.fabric.addresses.empty() ? "any" : cfg.network.fabric.addresses.front();
  auto tls_address = [&](const std::vector<std::string>& addresses) {
    return addresses.empty() ? address : addresses.front();
  };
  Fabric::Listeners listeners{{address, d.heartbeat_port},
                              {tls_address(cfg.network.heartbeat.tls_addresses), d.heartbeat_tls_port},
                              {address, d.fabric_port},
                              {tls_address(cfg.network.fabric.tls_addresses), d.fabric_tls_port}};
  d.migrator.set_workers(cfg.service.migrate_threads);
  if (!readers.empty()) {
    d.fabric.set_readers(std::move(readers), [&d](const std::vector<std::string_view>& messages) {
      return d.on_reader_messages(messages);
    });
  }
  d.fabric.start(
      listeners,
      [&d](std::string_view message, const std::string& peer) { d.on_message(message, peer); },
      [&d] { d.on_tick(); }, kTickMs, [&d] { d.send_replica_acks(d.pending_acks); });
}

void Cluster::stop() {
  Impl& d = *impl_;
  d.fabric.stop();
  d.migrator.stop();
  std::vector<CompletionPtr> role_waits;
  WaitTable::Ended ended = d.waits.take_all(&role_waits);
  for (auto& [wait, ok] : ended.replicas) {
    if (wait.completion) wait.completion->finish(false);
  }
  for (const CompletionPtr& c : ended.proxies) c->finish(false);
  for (const auto& dupres : ended.dupres) dupres->ready->finish(false);
  for (const CompletionPtr& c : role_waits) c->finish(false);
}

NodeId Cluster::self() const { return impl_->self; }

void Cluster::apply_service_config(const conf::Service& service) {
  impl_->max_incoming.store(service.migrate_max_num_incoming);
  impl_->migrator.set_workers(service.migrate_threads);
}

ClusterStatus Cluster::status() const {
  std::lock_guard lock(impl_->status_mu);
  return impl_->status;
}

uint64_t Cluster::partition_generation() const { return impl_->partition_generation.load(); }

int64_t Cluster::migrations_remaining() const {
  return std::max<int64_t>(0, impl_->stats.migrate_tx_remaining.load()) +
         std::max<int64_t>(0, impl_->stats.migrate_rx_remaining.load());
}

ClusterStats& Cluster::stats() { return impl_->stats; }

void Cluster::block_nodes(std::vector<NodeId> nodes) {
  impl_->peers.block(std::move(nodes));
}

}  // namespace asd::cluster
