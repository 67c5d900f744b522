#include "index/nsup.h"

#include <algorithm>
#include <chrono>

#include "index/namespace.h"
#include "common/clock.h"
#include "common/log.h"

namespace asd {

Nsup::Nsup(std::vector<Namespace*> namespaces, ExpireHook on_expire)
    : namespaces_(std::move(namespaces)), on_expire_(std::move(on_expire)) {}

Nsup::~Nsup() { stop(); }

void Nsup::start() { thread_ = std::thread([this] { run(); }); }

void Nsup::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t Nsup::reduce_expired(Namespace& ns, const ExpireHook& on_expire) {
  uint32_t now = common::now_cl_sec();
  uint64_t now_ms = common::now_cl_ms();
  uint64_t expired = 0;
  // On a device, a tombstone also hides older copies from cold start: defrag drops it
  // once none is left. In memory it only guards against delayed XDR versions.
  bool drop_tombstones = ns.storage() == nullptr;
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = ns.partition(pid);
    std::lock_guard lock(part.mu);
    for (auto it = part.records.begin(); it != part.records.end();) {
      if (it->second.tombstone) {
        if (drop_tombstones && it->second.lut + kTombstoneKeepMs < now_ms) it = ns.erase(part, it);
        else ++it;
        continue;
      }
      if (is_expired(it->second, now)) {
        if (on_expire) on_expire(ns, it->first, it->second, proto::XdrOp::Expire);
        it = ns.erase(part, it);
        ++expired;
      } else {
        ++it;
      }
    }
  }
  ns.stats().expired_objects.fetch_add(expired, std::memory_order_relaxed);
  return expired;
}

namespace {

// Which sets may be evicted, by set id (disable-eviction).
std::vector<bool> evictable_sets(Namespace& ns, const conf::Namespace& cfg) {
  std::vector<bool> out(Namespace::kMaxSets + 1, true);
  for (SetStats* s : ns.all_sets()) {
    const conf::SetConfig* set_cfg = cfg.find_set(s->name);
    if (set_cfg && set_cfg->disable_eviction) {
      if (std::optional<uint16_t> id = ns.set_id(s->name, false)) out[*id] = false;
    }
  }
  return out;
}

bool evictable(const Record& r, const std::vector<bool>& sets) {
  return !r.tombstone && r.void_time != 0 && sets[r.set_id];
}

}  // namespace

uint64_t Nsup::evict(Namespace& ns, const ExpireHook& on_evict) {
  auto log = common::logger("nsup");
  uint64_t total = 0;
  // Each round removes at least evict-tenths-pct of the records; bounded so one nsup
  // cycle cannot spin when nothing it may evict is left.
  for (int round = 0; round < 1000 && ns.hwm_breached(); ++round) {
    std::shared_ptr<const conf::Namespace> cfg = ns.config();
    if (cfg->evict_tenths_pct == 0) return total;
    std::vector<bool> sets = evictable_sets(ns, *cfg);
    std::vector<uint32_t> void_times;
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      Partition& part = ns.partition(pid);
      std::lock_guard lock(part.mu);
      for (const auto& [digest, r] : part.records) {
        if (evictable(r, sets)) void_times.push_back(r.void_time);
      }
    }
    if (void_times.empty()) {
      log->warn("ns={} above its high-water mark but holds no evictable record (all without TTL or in "
                "disable-eviction sets)", ns.name());
      return total;
    }
    uint64_t objects = uint64_t(std::max<int64_t>(0, ns.stats().objects.load()));
    size_t want = std::max<size_t>(1, objects * cfg->evict_tenths_pct / 1000);
    want = std::min(want, void_times.size());
    std::nth_element(void_times.begin(), void_times.begin() + (want - 1), void_times.end());
    uint32_t threshold = void_times[want - 1] + 1;  // evict every void time below this
    // Persisted before the records go: a crash in between leaves them gone, not back.
    ns.record_eviction(common::now_cl_ms(), threshold);
    uint64_t evicted = 0;
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      Partition& part = ns.partition(pid);
      std::lock_guard lock(part.mu);
      for (auto it = part.records.begin(); it != part.records.end();) {
        if (evictable(it->second, sets) && it->second.void_time < threshold) {
          if (on_evict) on_evict(ns, it->first, it->second, proto::XdrOp::Evict);
          it = ns.erase(part, it);
          ++evicted;
        } else {
          ++it;
        }
      }
    }
    ns.stats().evicted_objects.fetch_add(evicted, std::memory_order_relaxed);
    total += evicted;
    log->info("evicted ns={} records={} void_time_below={}", ns.name(), evicted, threshold);
  }
  return total;
}

void Nsup::run() {
  auto log = common::logger("nsup");
  // When each namespace's last pass started (0: none yet). The next is due a period
  // later, the period read afresh every round, so a set-config of nsup-period counts
  // from the last pass at once rather than after the pass scheduled under the old one.
  std::vector<uint64_t> last_run(namespaces_.size(), 0);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    uint64_t now = common::steady_ms();
    for (size_t i = 0; i < namespaces_.size(); ++i) {
      Namespace& ns = *namespaces_[i];
      uint64_t period_ms = ns.config()->nsup_period * 1000;
      if (period_ms == 0 || (last_run[i] != 0 && now < last_run[i] + period_ms)) continue;
      last_run[i] = now;
      lock.unlock();
      uint64_t started = common::steady_ms();
      uint64_t expired = reduce_expired(ns, on_expire_);
      uint64_t evicted = evict(ns, on_expire_);
      uint64_t took = common::steady_ms() - started;
      ns.stats().nsup_cycle_ms.store(took, std::memory_order_relaxed);
      if (expired || evicted) {
        log->info("nsup done ns={} expired={} evicted={} duration_ms={}", ns.name(), expired, evicted, took);
      }
      lock.lock();
      if (stopping_) return;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(200));
  }
}

}  // namespace asd
