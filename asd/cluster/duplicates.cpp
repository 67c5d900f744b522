// Before a write: the role must belong to the current cluster, and, while the
// partition's copies are not merged yet (after a split heals, or a node returns with
// data of its own), the record's other copies are merged into this one first, as the
// real server's duplicate resolution does. Otherwise an acknowledged write made on a
// copy with a lower generation would lose to the other copy when the merge arrives.

#include <chrono>
#include <thread>

#include "base/namespace.h"
#include "cluster/cluster_impl.h"
#include "common/log.h"

namespace asd::cluster {

namespace {

// A balance takes milliseconds; a write arriving just before it waits for it.
constexpr uint64_t kRoleWaitMs = 1000;
constexpr uint64_t kRolePollMs = 2;
constexpr uint64_t kDupResWaitMs = 1000;

}  // namespace

bool Cluster::prepare_write(Namespace& ns, Partition& part, const common::Digest& digest) {
  Impl& d = *impl_;
  uint64_t deadline = steady_now_ms() + kRoleWaitMs;
  std::vector<NodeId> from;
  uint64_t role_key = 0;
  for (;;) {
    {
      std::lock_guard lock(part.mu);
      if (part.role.cluster_key == d.key_now.load()) {
        // Not the acting master: the caller redirects (or answers unavailable).
        if (!part.role.master || part.role.dupres_from.empty() || part.role.resolved.count(digest)) return true;
        from = part.role.dupres_from;
        role_key = part.role.cluster_key;
        break;
      }
    }
    // A role of an earlier cluster: this node has adopted a new cluster and not balanced
    // it yet. Writing now could be acknowledged on a copy the merge then overrules.
    if (steady_now_ms() > deadline) {
      d.stats.writes_role_stale.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kRolePollMs));
  }

  auto wait = std::make_shared<DupResWait>();
  wait->waiting.insert(from.begin(), from.end());
  uint64_t id;
  {
    std::lock_guard lock(d.waits_mu);
    id = d.next_wait_id++;
    d.dupres_waits[id] = wait;
  }
  Writer msg(MsgType::DupResRequest, d.self, role_key);
  msg.u64(id);
  msg.bytes(ns.name());
  msg.raw(digest.view());
  std::string message = msg.take();
  for (NodeId n : from) d.send_to(n, message);
  d.stats.dupres_requests.fetch_add(1, std::memory_order_relaxed);
  bool answered;
  {
    std::unique_lock lock(wait->mu);
    answered = wait->cv.wait_for(lock, std::chrono::milliseconds(kDupResWaitMs), [&] { return wait->waiting.empty(); });
  }
  {
    std::lock_guard lock(d.waits_mu);
    d.dupres_waits.erase(id);
  }
  if (!answered) {
    d.stats.dupres_timeouts.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  std::lock_guard lock(part.mu);
  // The role moved on meanwhile: the caller's own check decides where the write goes.
  if (part.role.cluster_key != role_key || !part.role.master) return true;
  std::lock_guard copies(wait->mu);
  for (const WireRecord& w : wait->copies) {
    if (!w.erased) apply_wire_record(ns, part, w, true, d.self);
  }
  part.role.resolved.insert(digest);
  return true;
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
  std::shared_ptr<DupResWait> wait;
  {
    std::lock_guard lock(waits_mu);
    auto it = dupres_waits.find(id);
    if (it == dupres_waits.end()) return;
    wait = it->second;
  }
  {
    std::lock_guard lock(wait->mu);
    if (!wait->waiting.erase(h.from)) return;
    wait->copies.push_back(std::move(w));
  }
  wait->cv.notify_all();
}

}  // namespace asd::cluster
