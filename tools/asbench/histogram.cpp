#include "histogram.h"

#include <algorithm>
#include <bit>

namespace asbench {

namespace {

constexpr unsigned kLinearBits = 10;  // exact below 1024 us
constexpr unsigned kSubBits = 9;      // 512 sub-buckets per power of two above
constexpr size_t kLinear = size_t(1) << kLinearBits;
constexpr size_t kSub = size_t(1) << kSubBits;
constexpr size_t kBuckets = kLinear + (64 - kLinearBits) * kSub;

}  // namespace

Histogram::Histogram() : buckets_(kBuckets, 0) {}

size_t Histogram::index_of(uint64_t v) {
  if (v < kLinear) return size_t(v);
  unsigned shift = unsigned(std::bit_width(v)) - kLinearBits;  // v >> shift is in [512, 1024)
  return kLinear + (shift - 1) * kSub + size_t((v >> shift) - kSub);
}

uint64_t Histogram::value_of(size_t index) {
  if (index < kLinear) return index;
  size_t shift = (index - kLinear) / kSub + 1;
  uint64_t base = (uint64_t(index - kLinear) % kSub + kSub) << shift;
  return base + ((uint64_t(1) << shift) - 1);
}

void Histogram::record(uint64_t micros) {
  ++buckets_[index_of(micros)];
  ++count_;
  max_ = std::max(max_, micros);
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  uint64_t rank = uint64_t(fraction * double(count_));
  if (rank >= count_) rank = count_ - 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen > rank) return std::min(value_of(i), max_);
  }
  return max_;
}

}  // namespace asbench
