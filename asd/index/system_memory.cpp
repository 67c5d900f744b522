#include "index/system_memory.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>

namespace asd {

namespace {

constexpr int64_t kRefreshMs = 1000;
constexpr uint32_t kUnknown = UINT32_MAX;

std::optional<uint32_t> read_meminfo() {
  std::ifstream in("/proc/meminfo");
  uint64_t total = 0;
  uint64_t available = 0;
  bool have_available = false;
  std::string name;
  uint64_t kib = 0;
  std::string unit;
  while (in >> name >> kib) {
    std::getline(in, unit);
    if (name == "MemTotal:") total = kib;
    if (name == "MemAvailable:") {
      available = kib;
      have_available = true;
    }
  }
  if (total == 0 || !have_available || available > total) return std::nullopt;
  return static_cast<uint32_t>((total - available) * 100 / total);
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::optional<uint32_t> system_memory_used_pct() {
  static std::atomic<int64_t> next_read_ms{0};
  static std::atomic<uint32_t> cached{kUnknown};
  static std::mutex read_mu;
  int64_t now = now_ms();
  if (now >= next_read_ms.load(std::memory_order_relaxed)) {
    std::unique_lock lock(read_mu, std::try_to_lock);
    // One writer reads the file; the others keep the cached value meanwhile.
    if (lock.owns_lock() && now >= next_read_ms.load(std::memory_order_relaxed)) {
      cached.store(read_meminfo().value_or(kUnknown), std::memory_order_relaxed);
      next_read_ms.store(now + kRefreshMs, std::memory_order_relaxed);
    }
  }
  uint32_t pct = cached.load(std::memory_order_relaxed);
  if (pct == kUnknown) return std::nullopt;
  return pct;
}

}  // namespace asd
