// Before a write: the role must belong to the current cluster, and, while the
// partition's copies are not merged yet (after a split heals, or a node returns with
// data of its own), the record's other copies are merged into this one first, as the
// real server's duplicate resolution does. Otherwise an acknowledged write made on a
// copy with a lower generation would lose to the other copy when the merge arrives.

#include "cluster/cluster_impl.h"
#include "common/log.h"
#include "index/namespace.h"

namespace asd::cluster {

WriteGate Cluster::prepare_write(Namespace& ns, Partition& part, const common::Digest& digest,
                                 uint64_t deadline_ms) {
  Impl& d = *impl_;
  std::vector<NodeId> from;
  uint64_t role_key = 0;
  {
    std::lock_guard lock(part.mu);
    if (part.role.cluster_key == d.key_now.load()) {
      // Not the acting master: the caller redirects (or answers unavailable).
      if (!part.role.master || part.role.dupres_from.empty() || part.role.resolved.count(digest)) return {};
      from = part.role.dupres_from;
      role_key = part.role.cluster_key;
    }
  }
  if (steady_now_ms() > deadline_ms) {
    // A role of an earlier cluster: this node has adopted a new cluster and not balanced
    // it yet. Writing now could be acknowledged on a copy the merge then overrules.
    if (from.empty()) d.stats.writes_role_stale.fetch_add(1, std::memory_order_relaxed);
    return {WriteGate::State::Refuse, nullptr};
  }
  auto ready = std::make_shared<Completion>(1);
  if (from.empty()) {
    // The next tick or the balance releases it to look again.
    d.waits.add_role_wait(ready);
    return {WriteGate::State::Wait, ready};
  }
  auto wait = std::make_shared<DupResWait>();
  wait->waiting.insert(from.begin(), from.end());
  wait->ready = ready;
  wait->ns_index = d.ns_index(ns.name());
  wait->digest = digest;
  wait->role_key = role_key;
  wait->started_ms = steady_now_ms();
  uint64_t id = d.waits.add_dupres(wait);
  Writer msg(MsgType::DupResRequest, d.self, role_key);
  msg.u64(id);
  msg.bytes(ns.name());
  msg.raw(digest.view());
  std::string message = msg.take();
  for (NodeId n : from) d.send_to(n, message);
  d.stats.dupres_requests.fetch_add(1, std::memory_order_relaxed);
  return {WriteGate::State::Wait, ready};
}

void Cluster::Impl::release_role_waits() {
  for (const CompletionPtr& c : waits.take_role_waits()) c->finish(true);
}

void Cluster::Impl::on_dupres_request(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  size_t i = ns_index(r.bytes());
  std::string_view raw = r.raw(common::kDigestSize);
  if (r.bad() || i >= namespaces.size()) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  common::Digest digest = common::Digest::from(raw);
  Namespace& ns = *namespaces[i];
  Partition& part = ns.partition_of(digest);
  Writer answer(MsgType::DupResResponse, self, current_key);
  answer.u64(id);
  {
    std::lock_guard lock(part.mu);
    write_record(answer, wire_record_of(ns, part, digest));
  }
  send_to(h.from, answer.take());
}

void Cluster::Impl::on_dupres_response(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  WireRecord w;
  if (!read_record(r, &w)) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  std::shared_ptr<DupResWait> wait = waits.add_copy(id, h.from, std::move(w));
  if (!wait) return;
  // Every copy is here: merged into this one on the cluster thread, so the write that
  // waits for it runs on a resolved record.
  Namespace& ns = *namespaces[wait->ns_index];
  Partition& part = ns.partition_of(wait->digest);
  {
    std::lock_guard lock(part.mu);
    // The role moved on meanwhile: the write's next try decides where it goes.
    if (part.role.cluster_key == wait->role_key && part.role.master) {
      for (const WireRecord& copy : wait->copies) {
        if (!copy.erased) apply_wire_record(ns, part, copy, true, self);
      }
      part.role.resolved.insert(wait->digest);
    }
  }
  wait->ready->finish(true);
}

}  // namespace asd::cluster
