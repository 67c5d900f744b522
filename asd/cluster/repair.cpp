// Repairs: a write applied on the master whose replica write failed (a refusal while the
// cluster changed, a timeout) leaves the record's copies different, and no migration
// will notice: both nodes hold the same partition version. The node that made the write
// keeps the record's digest until its copies are equal again:
//   - while it is the partition's acting master, it sends the record's current state to
//     the replicas, as for a write;
//   - otherwise it offers its copy to the acting master, which keeps the winner under
//     the namespace's conflict-resolution policy and sends that to its replicas (this
//     node among them when it still holds a copy).
// A refusal by a replica that is merely behind (it has not balanced the new cluster yet)
// is retried within the client's wait, so most writes made during a change still succeed.

#include "index/namespace.h"
#include "cluster/cluster_impl.h"
#include "cluster/mix.h"
#include "common/log.h"
#include "common/log_limit.h"

namespace asd::cluster {

namespace {

constexpr size_t kRepairsPerTick = 256;

}  // namespace

void Cluster::Impl::queue_repair(size_t i, const common::Digest& digest, uint32_t attempt) {
  if (i >= namespaces.size()) return;
  if (repairs.add(i, digest, attempt, steady_now_ms()) == RepairQueue::Added::GaveUp) {
    stats.re_repl_error.fetch_add(1, std::memory_order_relaxed);
    // A peer that never answers gives up every repair sent to it; re_repl_error counts them all.
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.warn(common::logger("rw"), "ns={} digest={}: copies may differ, repair given up after {} attempts",
               namespaces[i]->name(), digest.hex(), attempt - 1);
    return;
  }
  publish_repairs();
}

void Cluster::Impl::publish_repairs() { stats.re_repl_pending.store(repairs.pending()); }

void Cluster::Impl::retry_refused(uint64_t now) {
  for (const RetryDue& d : waits.due_retries(now)) {
    Namespace& ns = *namespaces[d.ns_index];
    Partition& part = ns.partition_of(d.digest);
    bool sent = false;
    bool complete = false;
    {
      std::lock_guard lock(part.mu);
      if (part.role.master) {
        // Still the acting master: the record's current state (this write included)
        // goes to the replicas the role names now. Under a new cluster that is every
        // replica of the new role; the client is answered once they all have it.
        bool same_role = part.role.cluster_key == d.role_key;
        std::set<NodeId> targets;
        for (NodeId n : part.role.replicate_to) {
          if (!same_role || d.refused.count(n)) targets.insert(n);
        }
        std::string message;
        if (!targets.empty()) {
          message = record_message(MsgType::ReplicaWrite, d.id, part.role.cluster_key, ns, part, d.digest);
        }
        if (!waits.resent(d, same_role, targets, part.role.cluster_key, &complete)) continue;
        if (!complete) {
          for (NodeId n : targets) send_to(n, message);
          stats.replica_write_retries.fetch_add(1, std::memory_order_relaxed);
          sent = true;
        }
      }
    }
    if (sent) continue;
    // Done (no replica left to wait for), or no longer the acting master: then the
    // client hears of a failure and the record's copies are repaired under the new role.
    std::optional<PendingReply> wait = waits.take_replica(d.id);
    if (wait) finish_replica_wait(*wait, complete);
  }
}

void Cluster::Impl::run_repairs(uint64_t now) {
  if (!balanced || repairs.empty()) return;
  repairs.run_due(now, kRepairsPerTick, [&](size_t i, const common::Digest& digest, uint32_t attempt) {
    Namespace& ns = *namespaces[i];
    Partition& part = ns.partition_of(digest);
    std::lock_guard lock(part.mu);
    if (part.role.cluster_key != current_key || (!part.role.master && part.role.acting_master == 0)) {
      return RepairQueue::Visit::NotNow;
    }
    PendingReply wait;
    wait.repair_attempt = attempt;
    if (part.role.master) {
      if (part.role.replicate_to.empty()) {
        stats.re_repl_success.fetch_add(1, std::memory_order_relaxed);
      } else {
        send_replica_write(i, ns, part, digest, std::move(wait));
      }
    } else if (part.records.count(digest)) {
      wait.offer = true;
      wait.waiting.insert(part.role.acting_master);
      uint64_t id = add_replica_wait(std::move(wait), i, digest, current_key);
      send_to(part.role.acting_master, record_message(MsgType::RepairOffer, id, current_key, ns, part, digest));
    } else {
      // A write (a delete) this node made and no longer holds: nothing to offer; the
      // acting master's copy stands, as the write was never acknowledged.
      stats.re_repl_success.fetch_add(1, std::memory_order_relaxed);
    }
    return RepairQueue::Visit::Done;
  });
  publish_repairs();
}

void Cluster::Impl::on_repair_offer(const MsgHead& h, Reader& r) {
  uint64_t id;
  size_t i;
  WireRecord w;
  if (!read_record_message(r, &id, &i, &w)) return;
  Namespace& ns = *namespaces[i];
  Partition& part = ns.partition_of(w.digest);
  NodeId origin = h.from;
  auto answer = [this, origin, id](bool ok) {
    Writer ack(MsgType::ReplicaAck, self, key_now.load());
    ack.u64(id);
    ack.u8(ok ? 1 : 0);
    send_to(origin, ack.take());
  };
  std::lock_guard lock(part.mu);
  bool accept = h.cluster_key == current_key && balanced && part.role.cluster_key == current_key && part.role.master;
  if (!accept) return answer(false);
  apply_wire_record(ns, part, w, true, h.from);
  if (part.role.replicate_to.empty()) return answer(true);
  // The winner goes to every replica; the offering node hears once they all have it.
  // Its own repair covers a failure, so this wait does not start another.
  PendingReply wait;
  wait.completion = std::make_shared<Completion>(1);
  wait.repair_on_failure = false;
  CompletionPtr c = wait.completion;
  send_replica_write(i, ns, part, w.digest, std::move(wait));
  c->then([c, answer] { answer(c->ok()); });
}

}  // namespace asd::cluster
