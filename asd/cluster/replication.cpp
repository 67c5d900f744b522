// Replication: the master sends a record's new state to the other copies and waits for
// their acks; a replica applies what its master sends. Also the waits of proxied
// requests (same bookkeeping) and truncates, which every node applies.

#include "base/namespace.h"
#include "cluster/cluster_impl.h"
#include "common/log.h"
#include "node.h"
#include "storage/device_storage.h"
#include "transaction/truncate.h"

namespace asd::cluster {

namespace {

// A replica that has not answered in this long has failed in a way the cluster has not
// noticed yet; the client gets a timeout (the write may be on some copies only).
constexpr uint64_t kReplyTimeoutMs = 5000;

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

uint64_t apply_wire_record(Namespace& ns, Partition& part, const WireRecord& w, bool merge) {
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
    common::logger("migrate")->warn("ns={} digest={} not stored: result {}", ns.name(), w.digest.hex(), int(rc));
    return 0;
  }
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
  WireRecord w = wire_record_of(ns, part, digest);
  auto completion = std::make_shared<Completion>(1);
  uint64_t id;
  {
    std::lock_guard lock(d.waits_mu);
    id = d.next_wait_id++;
    PendingReply& p = d.replica_waits[id];
    p.completion = completion;
    p.waiting.insert(part.role.replicate_to.begin(), part.role.replicate_to.end());
    p.started_ms = steady_now_ms();
  }
  // Stamped with the cluster the role belongs to: a replica that has moved on (or not
  // yet) refuses it, so a master acting on a stale role never acknowledges a write
  // that the new owners of the partition may not have.
  Writer msg(MsgType::ReplicaWrite, d.self, part.role.cluster_key);
  msg.u64(id);
  msg.bytes(ns.name());
  write_record(msg, w);
  std::string message = msg.take();
  // Sent under the partition lock: the order replicas see equals the order of writes.
  for (NodeId n : part.role.replicate_to) d.send_to(n, message);
  d.stats.replica_writes_sent.fetch_add(1, std::memory_order_relaxed);
  return completion;
}

void Cluster::Impl::on_replica_write(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  size_t i = ns_index(r.bytes());
  WireRecord w;
  if (!read_record(r, &w) || i >= namespaces.size()) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  Writer ack(MsgType::ReplicaAck, self, h.cluster_key);
  ack.u64(id);
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
    accept = h.cluster_key == current_key && balanced && part.role.acting_master == h.from;
    if (accept) pos = apply_wire_record(ns, part, w, false);
  }
  ack.u8(accept ? 1 : 0);
  if (!accept) return send_to(to, ack.take());
  stats.replica_writes_applied.fetch_add(1, std::memory_order_relaxed);
  if (pos == 0 || !ns.storage()) return send_to(to, ack.take());
  // commit-to-device: the copy counts once it is on this node's device too.
  ns.storage()->when_durable(pos, [this, to, message = ack.take()]() mutable { send_to(to, std::move(message)); });
}

void Cluster::Impl::on_reply(std::unordered_map<uint64_t, PendingReply>& waits, NodeId from, uint64_t id,
                             std::string* answer, bool ok) {
  CompletionPtr done;
  {
    std::lock_guard lock(waits_mu);
    auto it = waits.find(id);
    if (it == waits.end()) return;
    it->second.waiting.erase(from);
    if (ok && !it->second.waiting.empty()) return;
    done = it->second.completion;
    waits.erase(it);
  }
  if (!ok) {
    stats.replica_writes_refused.fetch_add(1, std::memory_order_relaxed);
    done->finish(false);
  } else if (answer) {
    stats.proxy_complete.fetch_add(1, std::memory_order_relaxed);
    done->finish_with_answer(std::move(*answer));
  } else {
    done->finish(true);
  }
}

void Cluster::Impl::release_departed(const std::vector<NodeId>& members) {
  std::vector<CompletionPtr> replicas_done, proxies_failed;
  {
    std::lock_guard lock(waits_mu);
    for (auto it = replica_waits.begin(); it != replica_waits.end();) {
      // A replica that left holds nothing the cluster relies on: its partitions get new
      // copies by migration from the master, which has the write.
      for (auto n = it->second.waiting.begin(); n != it->second.waiting.end();) {
        if (std::find(members.begin(), members.end(), *n) == members.end()) n = it->second.waiting.erase(n);
        else ++n;
      }
      if (it->second.waiting.empty()) {
        replicas_done.push_back(it->second.completion);
        it = replica_waits.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = proxy_waits.begin(); it != proxy_waits.end();) {
      NodeId target = *it->second.waiting.begin();
      if (std::find(members.begin(), members.end(), target) == members.end()) {
        proxies_failed.push_back(it->second.completion);
        it = proxy_waits.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& c : replicas_done) c->finish(true);
  for (auto& c : proxies_failed) {
    stats.proxy_error.fetch_add(1, std::memory_order_relaxed);
    c->finish(false);
  }
}

void Cluster::Impl::expire_waits(uint64_t now) {
  std::vector<CompletionPtr> failed;
  {
    std::lock_guard lock(waits_mu);
    for (auto* waits : {&replica_waits, &proxy_waits}) {
      for (auto it = waits->begin(); it != waits->end();) {
        if (it->second.started_ms + kReplyTimeoutMs < now) {
          if (waits == &replica_waits) stats.replica_write_timeouts.fetch_add(1, std::memory_order_relaxed);
          else stats.proxy_error.fetch_add(1, std::memory_order_relaxed);
          failed.push_back(it->second.completion);
          it = waits->erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& c : failed) c->finish(false);
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
    std::lock_guard lock(d.mu);
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
    common::logger("truncate")->warn("ns={} set={} truncate from a peer failed: {}", namespaces[i]->name(), set,
                                     st.message());
  }
}

}  // namespace asd::cluster
