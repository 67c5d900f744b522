#include "shipper/flow_control.h"

#include <algorithm>

namespace shipper {

uint32_t Backoff::next() { return after(++failures_); }

uint32_t Backoff::after(uint32_t failures) const {
  // Shifting past 31 bits would overflow long before the cap matters.
  uint32_t shift = std::min<uint32_t>(failures > 0 ? failures - 1 : 0, 16);
  uint64_t pause = uint64_t(first_ms_) << shift;
  return uint32_t(std::min<uint64_t>(pause, max_ms_));
}

void TokenBucket::set_rate(uint64_t rate_per_sec) {
  std::lock_guard lock(mu_);
  rate_ = rate_per_sec;
  burst_ = std::max(1.0, double(rate_per_sec) / 10.0);
  tokens_ = std::min(tokens_, burst_);
}

uint64_t TokenBucket::try_take(uint64_t now_ms) {
  std::lock_guard lock(mu_);
  if (rate_ == 0) return 0;
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
    tokens_ = burst_;
  }
  if (now_ms > last_ms_) {
    tokens_ = std::min(burst_, tokens_ + double(now_ms - last_ms_) * double(rate_) / 1000.0);
    last_ms_ = now_ms;
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return 0;
  }
  // Time until one whole token has accumulated, at least 1 ms so callers do sleep.
  double missing = 1.0 - tokens_;
  return std::max<uint64_t>(1, uint64_t(missing * 1000.0 / double(rate_) + 0.999));
}

void SlidingWindow::add(uint64_t now_ms, uint64_t latency_ms) {
  std::lock_guard lock(mu_);
  uint64_t epoch = now_ms / kBucketMs;
  Bucket& b = buckets_[epoch % kBuckets];
  if (b.epoch != epoch) b = Bucket{epoch, 0, 0};
  ++b.count;
  b.latency_sum += latency_ms;
}

void SlidingWindow::sum(uint64_t now_ms, uint64_t* count, uint64_t* latency_sum) const {
  std::lock_guard lock(mu_);
  uint64_t epoch = now_ms / kBucketMs;
  *count = 0;
  *latency_sum = 0;
  for (const Bucket& b : buckets_) {
    if (b.count == 0 || b.epoch > epoch || epoch - b.epoch >= kBuckets) continue;
    *count += b.count;
    *latency_sum += b.latency_sum;
  }
}

double SlidingWindow::rate(uint64_t now_ms) const {
  uint64_t count, latency;
  sum(now_ms, &count, &latency);
  return double(count) * 1000.0 / double(kWindowMs);
}

double SlidingWindow::avg_latency_ms(uint64_t now_ms) const {
  uint64_t count, latency;
  sum(now_ms, &count, &latency);
  return count ? double(latency) / double(count) : 0.0;
}

}  // namespace shipper
