#include "common/log_limit.h"

namespace common {

bool LimitedLog::allow(uint64_t* held) {
  // Offset by one interval so the first call always passes, even right after boot when
  // steady_clock may be near zero.
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch()).count() + every_ms_;
  int64_t last = last_ms_.load(std::memory_order_relaxed);
  // Of the callers that find the interval over, one wins the exchange; the rest count
  // as held back.
  if (now - last < every_ms_ || !last_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    held_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  *held = held_.exchange(0, std::memory_order_relaxed);
  return true;
}

}  // namespace common
