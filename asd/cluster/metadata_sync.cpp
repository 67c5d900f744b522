// System metadata between members: a change made on one node goes to every other member
// at once; at every cluster change each member sends each other member its whole set
// (tombstones too), so a node that joins, comes back or missed a change catches up. The
// store's versions decide, so the order messages arrive in does not matter.

#include "cluster/cluster_impl.h"
#include "common/log.h"
#include "common/log_limit.h"
#include "smd/metadata_store.h"

namespace asd::cluster {

namespace {

void write_items(Writer& w, const std::vector<smd::Item>& items) {
  w.u32(uint32_t(items.size()));
  for (const smd::Item& item : items) {
    w.bytes(item.module);
    w.bytes(item.key);
    w.bytes(item.value);
    w.u64(item.version);
    w.u64(item.origin);
    w.u8(item.removed ? 1 : 0);
  }
}

}  // namespace

void Cluster::broadcast_metadata(const smd::Item& item) {
  Impl& d = *impl_;
  Writer w(MsgType::Metadata, d.self, d.key_now.load());
  write_items(w, {item});
  std::string message = w.take();
  std::vector<NodeId> members;
  {
    std::lock_guard lock(d.status_mu);
    members = d.status.succession;
  }
  for (NodeId n : members) {
    if (n != d.self) d.send_to(n, message);
  }
}

void Cluster::Impl::send_metadata_snapshot(NodeId to) {
  std::vector<smd::Item> items = metadata->snapshot();
  if (items.empty()) return;
  Writer w(MsgType::Metadata, self, current_key);
  write_items(w, items);
  send_to(to, w.take());
}

void Cluster::Impl::on_metadata(const MsgHead& h, Reader& r) {
  if (!metadata) return;
  uint32_t n = r.u32();
  for (uint32_t k = 0; k < n && !r.bad(); ++k) {
    smd::Item item;
    item.module = std::string(r.bytes());
    item.key = std::string(r.bytes());
    item.value = std::string(r.bytes());
    item.version = r.u64();
    item.origin = r.u64();
    item.removed = r.u8() != 0;
    if (r.bad()) break;
    auto merged = metadata->merge(item);
    if (!merged.ok()) {
      static common::LimitedLog limit{std::chrono::seconds(1)};
      limit.warn(common::logger("smd"), "metadata from node {:X} not applied module={} key={}: {}", h.from,
                 item.module, item.key, merged.error().message);
    }
  }
  if (r.bad()) stats.fabric_bad_messages.fetch_add(1);
}

}  // namespace asd::cluster
