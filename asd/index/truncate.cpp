#include "index/truncate.h"

#include "index/namespace.h"
#include "common/log.h"

namespace asd {

common::Status truncate_records(Namespace& ns, const std::string& set, uint64_t before_lut) {
  uint16_t set_id = 0;
  if (!set.empty()) {
    std::optional<uint16_t> id = ns.set_id(set, false);
    if (!id) return {};  // nothing was ever written to that set
    set_id = *id;
    SetStats* stats = ns.set_stats(set_id);
    if (stats->truncate_lut.load() < before_lut) stats->truncate_lut.store(before_lut);
  } else if (ns.truncate_lut().load() < before_lut) {
    ns.truncate_lut().store(before_lut);
  }
  // Persisted before the records go, so a cold start never brings them back.
  ns.save_metadata();
  uint64_t removed = 0;
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = ns.partition(pid);
    std::lock_guard lock(part.mu);
    for (auto it = part.records.begin(); it != part.records.end();) {
      const Record& r = it->second;
      if ((set.empty() || r.set_id == set_id) && r.lut <= before_lut) {
        it = ns.erase(part, it);
        ++removed;
      } else {
        ++it;
      }
    }
  }
  ns.stats().truncated_records.fetch_add(removed, std::memory_order_relaxed);
  common::logger("truncate")->info("truncated ns={} set={} before_lut={} records={}", ns.name(),
                                   set.empty() ? "*" : set, before_lut, removed);
  return {};
}

}  // namespace asd
