#include "cluster/repair_queue.h"

#include <algorithm>

namespace asd::cluster {

namespace {
constexpr uint64_t kFirstBackoffMs = 50;
constexpr uint64_t kMaxBackoffMs = 1000;
}  // namespace

uint64_t RepairQueue::backoff_ms(uint32_t attempt) {
  uint64_t ms = kFirstBackoffMs << std::min<uint32_t>(attempt, 5);
  return std::min(ms, kMaxBackoffMs);
}

RepairQueue::Added RepairQueue::add(size_t ns_index, const common::Digest& digest, uint32_t attempt,
                                    uint64_t now_ms) {
  if (attempt > kMaxAttempts) return Added::GaveUp;
  auto [it, added] = queued_.try_emplace({ns_index, digest});
  if (!added && it->second.attempt >= attempt) return Added::AlreadyFurther;
  it->second.attempt = attempt;
  it->second.not_before_ms = now_ms + (attempt == 1 ? 0 : backoff_ms(attempt));
  return Added::Queued;
}

void RepairQueue::run_due(uint64_t now_ms, size_t limit, const Visitor& visit) {
  size_t visited = 0;
  for (auto it = queued_.begin(); it != queued_.end() && visited < limit;) {
    Entry& e = it->second;
    if (e.not_before_ms > now_ms) {
      ++it;
      continue;
    }
    ++visited;
    if (visit(it->first.first, it->first.second, e.attempt) == Visit::Done) {
      it = queued_.erase(it);
    } else {
      e.not_before_ms = now_ms + backoff_ms(e.attempt);
      ++it;
    }
  }
}

}  // namespace asd::cluster
