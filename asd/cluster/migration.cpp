// Migration: after a cluster change, partitions move to the nodes the balance names
// (balance.h). Workers (`migrate-threads`) each send one partition at a time: ask the
// destination for a slot (it grants at most `migrate-max-num-incoming`), send the records
// in batches, each acknowledged before the next (bounded memory on both sides), then an
// end marker. Records are read under the partition lock and sent in that order on the
// same channel as replica writes, so a write made during the migration always arrives
// after the record version it replaces. A cluster change abandons every migration; the
// next balance starts what is still needed.

#include <chrono>

#include "index/namespace.h"
#include "cluster/cluster_impl.h"
#include "common/log.h"

namespace asd::cluster {

namespace {

constexpr size_t kBatchRecords = 256;
constexpr size_t kBatchBytes = 1 << 20;
constexpr uint64_t kAnswerTimeoutMs = 10000;

size_t wire_size(const WireRecord& w) {
  size_t n = 64 + w.set.size() + w.key.size();
  for (const Bin& b : w.bins) n += 16 + b.name.size() + b.value.size();
  return n;
}

// Waits until `ready` or the cluster moved on (false) or the destination is silent.
template <typename Ready>
bool wait_answer(const std::atomic<uint64_t>& key_now, Migrator& migrator, MigrateTask& t, Ready ready) {
  std::unique_lock lock(t.mu);
  uint64_t deadline = steady_now_ms() + kAnswerTimeoutMs;
  while (!ready()) {
    if (key_now.load() != t.cluster_key || steady_now_ms() > deadline) return false;
    if (migrator.stopping()) return false;
    t.cv.wait_for(lock, std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace

void Cluster::Impl::queue_migration(size_t i, uint32_t pid, NodeId dest, MigrateKind kind, uint64_t version) {
  if (!queued.insert({i, pid, dest, uint8_t(kind)}).second) return;
  auto t = std::make_shared<MigrateTask>();
  t->cluster_key = current_key;
  t->ns_index = i;
  t->pid = pid;
  t->dest = dest;
  t->kind = kind;
  t->version = version;
  migrator.queue(std::move(t));
}

bool Cluster::Impl::run_task(MigrateTask& t) {
  Namespace& ns = *namespaces[t.ns_index];
  {
    Writer w(MsgType::MigrateStart, self, t.cluster_key);
    w.u64(t.id);
    w.bytes(ns.name());
    w.u16(uint16_t(t.pid));
    w.u8(uint8_t(t.kind));
    send_to(t.dest, w.take());
  }
  if (!wait_answer(key_now, migrator, t, [&] { return t.start_answer != -1; }) || t.start_answer != 1) return false;

  Partition& part = ns.partition(t.pid);
  std::optional<common::Digest> last;
  uint64_t batches = 0;
  for (;;) {
    std::vector<WireRecord> batch;
    size_t bytes = 0;
    Writer w(MsgType::MigrateRecords, self, t.cluster_key);
    w.u64(t.id);
    {
      std::lock_guard lock(part.mu);
      auto it = last ? part.records.upper_bound(*last) : part.records.begin();
      for (; it != part.records.end() && batch.size() < kBatchRecords && bytes < kBatchBytes; ++it) {
        batch.push_back(wire_record_of(ns, part, it->first));
        bytes += wire_size(batch.back());
      }
      if (batch.empty()) break;
      last = batch.back().digest;
      w.u32(uint32_t(batch.size()));
      for (const WireRecord& r : batch) write_record(w, r);
      // Queued under the lock: a write of one of these records after this point is
      // replicated behind this batch.
      send_to(t.dest, w.take());
    }
    ++batches;
    if (!wait_answer(key_now, migrator, t, [&] { return t.acks >= batches; })) return false;
    stats.migrate_records_transmitted.fetch_add(batch.size(), std::memory_order_relaxed);
  }
  Writer end(MsgType::MigrateEnd, self, t.cluster_key);
  end.u64(t.id);
  end.u64(t.version);
  send_to(t.dest, end.take());
  ++batches;
  return wait_answer(key_now, migrator, t, [&] { return t.acks >= batches; });
}

void Cluster::Impl::on_migrate_answer(const MsgHead& h, Reader& r, bool start_ack) {
  uint64_t id = r.u64();
  uint8_t granted = start_ack ? r.u8() : 0;
  if (r.bad()) return;
  migrator.answer(id, h.from, start_ack, granted == 1);
}

void Cluster::Impl::on_migrate_start(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  size_t i = ns_index(r.bytes());
  uint32_t pid = r.u16();
  MigrateKind kind = MigrateKind(r.u8());
  if (r.bad() || i >= namespaces.size() || pid >= common::kPartitions) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  // Before this node's own balance for the key it cannot know what to expect.
  bool grant = h.cluster_key == current_key && balanced && incoming.size() < max_incoming;
  if (grant) {
    incoming[{h.from, id}] = Incoming{i, pid, h.from, kind};
    if (kind == MigrateKind::Fill) {
      // A fill makes this copy equal to the master's: what it held before (a stale or
      // partial copy) goes. Writes queued behind this message come after the clear.
      Namespace& ns = *namespaces[i];
      Partition& part = ns.partition(pid);
      std::lock_guard lock(part.mu);
      for (auto it = part.records.begin(); it != part.records.end();) it = ns.erase(part, it);
    }
  }
  Writer w(MsgType::MigrateStartAck, self, h.cluster_key);
  w.u64(id);
  w.u8(grant ? 1 : 0);
  send_to(h.from, w.take());
}

void Cluster::Impl::on_migrate_records(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  uint32_t n = r.u32();
  auto it = incoming.find({h.from, id});
  if (r.bad() || it == incoming.end() || h.cluster_key != current_key) return;
  Namespace& ns = *namespaces[it->second.ns_index];
  Partition& part = ns.partition(it->second.pid);
  uint32_t applied = 0;
  {
    std::lock_guard lock(part.mu);
    WireRecord w;
    for (; applied < n && read_record(r, &w); ++applied) apply_wire_record(ns, part, w, true, h.from);
  }
  if (applied != n) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  stats.migrate_records_received.fetch_add(n, std::memory_order_relaxed);
  Writer ack(MsgType::MigrateBatchAck, self, h.cluster_key);
  ack.u64(id);
  send_to(h.from, ack.take());
}

void Cluster::Impl::on_migrate_end(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  uint64_t version = r.u64();
  auto it = incoming.find({h.from, id});
  if (r.bad() || it == incoming.end() || h.cluster_key != current_key) return;
  Incoming in = it->second;
  incoming.erase(it);
  Writer ack(MsgType::MigrateBatchAck, self, h.cluster_key);
  ack.u64(id);
  send_to(h.from, ack.take());
  stats.migrate_partitions_received.fetch_add(1);
  NsBalance& b = balance[in.ns_index];
  if (in.kind == MigrateKind::Fill) {
    if (!b.fill_pending[in.pid]) return;
    b.fill_pending[in.pid] = 0;
    return announce_done(in.ns_index, in.pid, version, false);
  }
  std::set<NodeId>& pending = b.pending_merge[in.pid];
  if (pending.erase(in.from) == 0 || !pending.empty()) return;
  const Versions& versions = b.versions[in.pid];
  std::set<uint64_t> distinct;
  for (const auto& [node, v] : versions) distinct.insert(v);
  uint64_t merged = merged_version(versions, current_key, in.pid, self);
  announce_done(in.ns_index, in.pid, merged, distinct.size() > 1);
}

}  // namespace asd::cluster
