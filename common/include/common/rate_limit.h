#pragma once
// Lets a repeated warning through at most once per interval (style.md:
// "Repeated warnings are rate-limited"), counting what it held back.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace common {

class RateLimit {
 public:
  explicit RateLimit(std::chrono::milliseconds every) : every_ms_(every.count()) {}
  // True when the caller may log now; `suppressed` gets how many were held back since.
  bool allow(uint64_t* suppressed) {
    int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch()).count();
    int64_t last = last_ms_.load(std::memory_order_relaxed);
    if (last != 0 && now - last < every_ms_) {
      held_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (!last_ms_.compare_exchange_strong(last, now)) {
      held_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    *suppressed = held_.exchange(0);
    return true;
  }

 private:
  int64_t every_ms_;
  std::atomic<int64_t> last_ms_{0};
  std::atomic<uint64_t> held_{0};
};

}  // namespace common
