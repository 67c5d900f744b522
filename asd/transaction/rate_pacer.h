#pragma once
// Internal to transaction/: holding a scan or query to its records-per-second limit
// (field 10, ScanPlan::rps), as the real server does for every kind of scan and query.
// The same limit is what the job reserves of its user's rate quota
// (security/rate_quota.h), so a limited job stays within what it reserved.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace asd {

class RatePacer {
 public:
  // `rps` 0: no limit (every call below is then free and never waits).
  explicit RatePacer(uint32_t rps) : rps_(rps), start_(std::chrono::steady_clock::now()) {}

  // How many records to take at a time: `most`, or under a limit about a tenth of a
  // second's worth, so the pace is even rather than a burst and a long pause.
  size_t chunk(size_t most) const { return rps_ == 0 ? most : std::clamp<size_t>(rps_ / 10, 1, most); }

  // Whether `done` records so far are ahead of the limit (wait() would sleep).
  bool ahead(uint64_t done) const { return rps_ != 0 && std::chrono::steady_clock::now() < due(done); }

  // Sleeps until `done` records are due. Blocks: only on threads that may (the scan pool,
  // a background job's own thread).
  void wait(uint64_t done) const {
    if (rps_ != 0) std::this_thread::sleep_until(due(done));
  }

 private:
  std::chrono::steady_clock::time_point due(uint64_t done) const {
    auto elapsed = std::chrono::duration<double>(double(done) / rps_);
    return start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(elapsed);
  }

  uint32_t rps_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace asd
