// Replication: the master sends a record's new state to the other copies and waits for
// their acks; a replica applies what its master sends. Also the waits of proxied
// requests (same bookkeeping) and truncates, which every node applies.

#include "index/namespace.h"
#include "cluster/cluster_impl.h"
#include "cluster/mix.h"
#include "common/log.h"
#include "common/log_limit.h"
#include "storage/device_storage.h"
#include "index/truncate.h"
#include "xdr_pipe/announce.h"

namespace asd::cluster {

namespace {

// Whether the incoming version beats the local one under the policy. Ties keep local.
bool incoming_wins(const Record& local, const WireRecord& w, conf::ConflictResolution policy) {
  if (policy == conf::ConflictResolution::LastUpdateTime) {
    if (w.lut != local.lut) return w.lut > local.lut;
    return w.generation > local.generation;
  }
  if (w.generation != local.generation) return w.generation > local.generation;
  return w.lut > local.lut;
}

}  // namespace

namespace {

// A copy that came from another node and changed this one is announced to xdr too: on
// a replica it is kept for a takeover (flag Replica, the sender as master); on the
// partition's master (a merge winner, a repair, a duplicate resolution) it may be newer
// than what the remote DCs have, so this node ships it.
void announce_applied(Namespace& ns, const Partition& part, const WireRecord& w, NodeId from) {
  Announcement a;
  a.op = w.tombstone ? proto::XdrOp::Delete : proto::XdrOp::Write;
  a.digest = &w.digest;
  a.set = w.set;
  a.lut = w.lut;
  a.generation = uint16_t(w.generation);
  a.origin_src_id = w.origin_src_id;
  a.from_xdr = w.origin_src_id != 0 && w.origin_src_id != ns.xdr_policy().local_src_id;
  a.replica_of = part.role.master ? 0 : from;
  announce_to_xdr(ns, a);
}

}  // namespace

uint64_t apply_wire_record(Namespace& ns, Partition& part, const WireRecord& w, bool merge, NodeId from) {
  auto it = part.records.find(w.digest);
  Record* entry = it == part.records.end() ? nullptr : &it->second;
  if (merge && entry && !incoming_wins(*entry, w, ns.config()->conflict_resolution_policy)) return 0;
  if (w.erased) {
    if (entry) ns.erase(part, it);
    return 0;
  }
  Record r;
  r.generation = w.generation;
  r.void_time = w.void_time;
  r.lut = w.lut;
  r.origin_src_id = w.origin_src_id;
  r.tombstone = w.tombstone;
  r.set_id = ns.set_id(w.set, true).value_or(0);
  r.key = w.key;
  r.bins = w.bins;
  uint64_t pos = 0;
  common::ResultCode rc = ns.commit(part, w.digest, entry, std::move(r), w.tombstone, &pos);
  if (rc != common::ResultCode::Ok) {
    // A full namespace refuses every record of a migration, one line each without a limit.
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.warn(common::logger("migrate"), "ns={} digest={} not stored: result {}", ns.name(), w.digest.hex(), int(rc));
    return 0;
  }
  announce_applied(ns, part, w, from);
  return pos;
}

WireRecord wire_record_of(Namespace& ns, Partition& part, const common::Digest& digest) {
  WireRecord w;
  w.digest = digest;
  auto it = part.records.find(digest);
  if (it == part.records.end()) {
    w.erased = true;
    return w;
  }
  const Record& r = it->second;
  w.generation = r.generation;
  w.void_time = r.void_time;
  w.lut = r.lut;
  w.origin_src_id = r.origin_src_id;
  w.tombstone = r.tombstone;
  if (SetStats* s = ns.set_stats(r.set_id)) w.set = s->name;
  w.key = r.key;
  if (r.tombstone) return w;
  if (ns.data_in_memory()) {
    w.bins = r.bins;
  } else {
    Record loaded = r;
    if (ns.load_bins(digest, loaded)) w.bins = std::move(loaded.bins);
  }
  return w;
}

CompletionPtr Cluster::replicate(Namespace& ns, Partition& part, const common::Digest& digest) {
  Impl& d = *impl_;
  if (part.role.replicate_to.empty()) return nullptr;
  PendingReply wait;
  wait.completion = std::make_shared<Completion>(1);
  CompletionPtr completion = wait.completion;
  d.send_replica_write(d.ns_index(ns.name()), ns, part, digest, std::move(wait));
  d.stats.replica_writes_sent.fetch_add(1, std::memory_order_relaxed);
  return completion;
}

std::string Cluster::Impl::record_message(MsgType type, uint64_t id, uint64_t key, Namespace& ns, Partition& part,
                                          const common::Digest& digest) {
  WireRecord w = wire_record_of(ns, part, digest);
  Writer msg(type, self, key);
  msg.u64(id);
  msg.bytes(ns.name());
  write_record(msg, w);
  return msg.take();
}

uint64_t Cluster::Impl::add_replica_wait(PendingReply wait, size_t i, const common::Digest& digest, uint64_t role_key) {
  wait.started_ms = steady_now_ms();
  wait.ns_index = i;
  wait.digest = digest;
  wait.role_key = role_key;
  // Only repairs have no completion, and only the cluster thread starts them.
  if (!wait.completion) repairs.sent();
  return waits.add_replica(std::move(wait));
}

uint64_t Cluster::Impl::send_replica_write(size_t i, Namespace& ns, Partition& part, const common::Digest& digest,
                                           PendingReply wait) {
  wait.waiting.insert(part.role.replicate_to.begin(), part.role.replicate_to.end());
  uint64_t id = add_replica_wait(std::move(wait), i, digest, part.role.cluster_key);
  // Stamped with the cluster the role belongs to: a replica that has moved on (or not
  // yet) refuses it, so a master acting on a stale role never acknowledges a write
  // that the new owners of the partition may not have.
  std::string message = record_message(MsgType::ReplicaWrite, id, part.role.cluster_key, ns, part, digest);
  // Sent under the partition lock: the order replicas see equals the order of writes.
  for (NodeId n : part.role.replicate_to) send_to(n, message);
  return id;
}

bool Cluster::Impl::read_record_message(Reader& r, uint64_t* id, size_t* ns, WireRecord* w) {
  *id = r.u64();
  *ns = ns_index(r.bytes());
  if (!read_record(r, w) || *ns >= namespaces.size()) {
    stats.fabric_bad_messages.fetch_add(1);
    return false;
  }
  return true;
}

void Cluster::Impl::on_replica_write(const MsgHead& h, Reader& r, AckRun& acks_out) {
  uint64_t id;
  size_t i;
  WireRecord w;
  if (!read_record_message(r, &id, &i, &w)) return;
  NodeId to = h.from;
  Namespace& ns = *namespaces[i];
  Partition& part = ns.partition_of(w.digest);
  uint64_t pos = 0;
  bool accept;
  {
    std::lock_guard lock(part.mu);
    // Only from the node this one knows as the partition's acting master, in the same
    // cluster: a master acting on a stale role (a change or a hand-over it has not
    // heard of yet) must not get its write acknowledged over the new master's.
    accept = h.cluster_key == accept_key.load() && part.role.acting_master == h.from;
    if (accept) pos = apply_wire_record(ns, part, w, false, h.from);
  }
  if (accept) stats.replica_writes_applied.fetch_add(1, std::memory_order_relaxed);
  if (!accept || pos == 0 || !ns.storage()) {
    // Answered with the others of this run of messages (send_replica_acks).
    PendingAcks& acks = acks_out[to];
    acks.cluster_key = h.cluster_key;
    acks.acks.emplace_back(id, accept);
    return;
  }
  // commit-to-device: the copy counts once it is on this node's device too.
  Writer ack(MsgType::ReplicaAck, self, h.cluster_key);
  ack.u64(id);
  ack.u8(1);
  ns.storage()->when_durable(pos, [this, to, message = ack.take()]() mutable { send_to(to, std::move(message)); });
}

void Cluster::Impl::send_replica_acks(AckRun& acks) {
  for (auto& [to, pending] : acks) {
    if (pending.acks.empty()) continue;
    Writer w(MsgType::ReplicaAcks, self, pending.cluster_key);
    w.u32(uint32_t(pending.acks.size()));
    for (const auto& [id, ok] : pending.acks) {
      w.u64(id);
      w.u8(ok ? 1 : 0);
    }
    send_to(to, w.take());
    pending.acks.clear();
  }
}

void Cluster::Impl::on_replica_acks(const MsgHead& h, Reader& r) {
  uint32_t n = r.u32();
  for (uint32_t k = 0; k < n && !r.bad(); ++k) {
    uint64_t id = r.u64();
    bool ok = r.u8() != 0;
    if (r.bad()) break;
    on_replica_ack(h.from, id, ok);
  }
  if (r.bad()) stats.fabric_bad_messages.fetch_add(1);
}

void Cluster::Impl::on_proxy_reply(NodeId from, uint64_t id, std::string answer) {
  CompletionPtr done = waits.take_proxy(id, from);
  if (!done) return;
  stats.proxy_complete.fetch_add(1, std::memory_order_relaxed);
  done->finish_with_answer(std::move(answer));
}

void Cluster::Impl::on_replica_ack(NodeId from, uint64_t id, bool ok) {
  // Most refusals are a replica a moment behind the master (it has not balanced this
  // cluster yet, or not heard of a hand-over): sent again shortly.
  auto done = waits.ack(id, from, ok, steady_now_ms() + kRetryRefusedMs);
  if (!done) return;
  // A client's write that every copy now has: answered from this thread.
  if (done->second && done->first.completion) return done->first.completion->finish(true);
  auto ended = std::make_shared<std::pair<PendingReply, bool>>(std::move(*done));
  fabric.on_cluster_thread([this, ended] { finish_replica_wait(ended->first, ended->second); });
}

void Cluster::Impl::finish_replica_wait(PendingReply& wait, bool ok) {
  if (!wait.completion) {
    repairs.answered();
    publish_repairs();
  }
  if (ok) {
    if (wait.completion) wait.completion->finish(true);
    else if (wait.repair_on_failure) stats.re_repl_success.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // The master has the write and some copy may not: repair it whatever the client hears.
  if (wait.repair_on_failure) queue_repair(wait.ns_index, wait.digest, wait.repair_attempt + 1);
  if (wait.completion) {
    stats.replica_writes_refused.fetch_add(1, std::memory_order_relaxed);
    wait.completion->finish(false);
  }
}

void Cluster::Impl::end_waits(WaitTable::Ended ended, bool timed_out) {
  for (auto& [wait, ok] : ended.replicas) {
    if (timed_out) stats.replica_write_timeouts.fetch_add(1, std::memory_order_relaxed);
    finish_replica_wait(wait, ok);
  }
  for (const CompletionPtr& c : ended.proxies) {
    stats.proxy_error.fetch_add(1, std::memory_order_relaxed);
    c->finish(false);
  }
  for (const auto& dupres : ended.dupres) {
    stats.dupres_timeouts.fetch_add(1, std::memory_order_relaxed);
    dupres->ready->finish(false);
  }
}

void Cluster::broadcast_truncate(std::string_view ns, std::string_view set, uint64_t lut) {
  Impl& d = *impl_;
  Writer w(MsgType::Truncate, d.self, d.key_now.load());
  w.bytes(ns);
  w.bytes(set);
  w.u64(lut);
  std::string message = w.take();
  std::vector<NodeId> members;
  {
    std::lock_guard lock(d.status_mu);
    members = d.status.succession;
  }
  for (NodeId n : members) d.send_to(n, message);
}

void Cluster::Impl::on_truncate(Reader& r) {
  size_t i = ns_index(r.bytes());
  std::string set(r.bytes());
  uint64_t lut = r.u64();
  if (r.bad() || i >= namespaces.size()) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  common::Status st = truncate_records(*namespaces[i], set, lut);
  if (!st.ok()) {
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.warn(common::logger("truncate"), "ns={} set={} truncate from a peer failed: {}", namespaces[i]->name(), set,
               st.message());
  }
}

}  // namespace asd::cluster
