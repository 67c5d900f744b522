#pragma once
// Small pacing tools of the shipper, pure and unit-tested: the retry backoff schedule,
// the xdr-max-ship-throughput token bucket, and the 5-second sliding window behind the
// `throughput` and `latency_ms` statistics. Times are passed in (common::steady_ms() in
// production) so tests need no clock.

#include <array>
#include <cstdint>
#include <mutex>

namespace shipper {

// Exponential backoff 100 ms, 200 ms, ... capped at 5 s (xdr-design.md §7). Not
// thread-safe: one per retrying request.
class Backoff {
 public:
  explicit Backoff(uint32_t first_ms = 100, uint32_t max_ms = 5000) : first_ms_(first_ms), max_ms_(max_ms) {}

  // The pause before the next attempt; each call doubles the following one.
  uint32_t next();
  // The pause after `failures` failed attempts (1: the first pause), for callers that
  // keep the count themselves.
  uint32_t after(uint32_t failures) const;
  void reset() { failures_ = 0; }
  uint32_t failures() const { return failures_; }

 private:
  uint32_t first_ms_;
  uint32_t max_ms_;
  uint32_t failures_ = 0;
};

// Records per second with a burst of a tenth of a second (at least one token), so a
// limited DC ships smoothly instead of in once-a-second bursts. Thread-safe: every
// worker of a DC takes from the same bucket.
class TokenBucket {
 public:
  explicit TokenBucket(uint64_t rate_per_sec = 0) { set_rate(rate_per_sec); }

  // 0 = unlimited. Takes effect at once (set-config may change it).
  void set_rate(uint64_t rate_per_sec);
  // Takes one token: 0 when taken, else the milliseconds to wait before asking again.
  uint64_t try_take(uint64_t now_ms);

 private:
  std::mutex mu_;
  uint64_t rate_ = 0;
  double burst_ = 1;
  double tokens_ = 1;
  uint64_t last_ms_ = 0;
  bool started_ = false;
};

// Events and their latencies over the last 5 s, in 100 ms buckets. Thread-safe.
class SlidingWindow {
 public:
  static constexpr uint64_t kWindowMs = 5000;
  static constexpr uint64_t kBucketMs = 100;

  void add(uint64_t now_ms, uint64_t latency_ms);
  // Events per second over the window.
  double rate(uint64_t now_ms) const;
  // Average latency of the window's events, 0 when there were none.
  double avg_latency_ms(uint64_t now_ms) const;

 private:
  static constexpr size_t kBuckets = kWindowMs / kBucketMs;
  struct Bucket {
    uint64_t epoch = 0;  // now_ms / kBucketMs when last written
    uint64_t count = 0;
    uint64_t latency_sum = 0;
  };
  // Sums the buckets still inside the window ending at now_ms.
  void sum(uint64_t now_ms, uint64_t* count, uint64_t* latency_sum) const;

  mutable std::mutex mu_;
  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace shipper
