#include "base/nsup.h"

#include <chrono>

#include "base/namespace.h"
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
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = ns.partition(pid);
    std::lock_guard lock(part.mu);
    for (auto it = part.records.begin(); it != part.records.end();) {
      if (it->second.tombstone) {
        // Old enough that no delayed version from another DC can still be in flight.
        if (it->second.lut + kTombstoneKeepMs < now_ms) {
          ns.account(&it->second, nullptr);
          it = part.records.erase(it);
        } else {
          ++it;
        }
        continue;
      }
      if (is_expired(it->second, now)) {
        if (on_expire) on_expire(ns, it->first, it->second);
        ns.account(&it->second, nullptr);
        it = part.records.erase(it);
        ++expired;
      } else {
        ++it;
      }
    }
  }
  ns.stats().expired_objects.fetch_add(expired, std::memory_order_relaxed);
  return expired;
}

void Nsup::run() {
  auto log = common::logger("nsup");
  std::vector<uint64_t> next_due(namespaces_.size(), 0);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    uint64_t now = common::steady_ms();
    for (size_t i = 0; i < namespaces_.size(); ++i) {
      Namespace& ns = *namespaces_[i];
      uint64_t period_ms = ns.config()->nsup_period * 1000;
      if (period_ms == 0 || now < next_due[i]) continue;
      next_due[i] = now + period_ms;
      lock.unlock();
      uint64_t started = common::steady_ms();
      uint64_t expired = reduce_expired(ns, on_expire_);
      uint64_t took = common::steady_ms() - started;
      ns.stats().nsup_cycle_ms.store(took, std::memory_order_relaxed);
      if (expired) log->info("nsup done ns={} expired={} duration_ms={}", ns.name(), expired, took);
      lock.lock();
      if (stopping_) return;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(200));
  }
}

}  // namespace asd
