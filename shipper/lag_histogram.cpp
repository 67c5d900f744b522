#include "shipper/lag_histogram.h"

#include <algorithm>
#include <bit>

namespace shipper {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;
constexpr uint64_t kMaxValue = (uint64_t{1} << LagHistogram::kMaxBits) - 1;
constexpr uint64_t kPerOctave = uint64_t{1} << LagHistogram::kSubBits;

// Nearest rank: the highest value of the bucket holding the ceil(pct% of count)-th sample.
uint64_t percentile(const std::array<uint64_t, LagHistogram::kBuckets>& counts, uint64_t count, uint64_t pct,
                    uint64_t max) {
  uint64_t rank = std::max<uint64_t>(1, (count * pct + 99) / 100);
  uint64_t seen = 0;
  for (size_t b = 0; b < counts.size(); ++b) {
    seen += counts[b];
    if (seen >= rank) return std::min(LagHistogram::bucket_high(b), max);
  }
  return max;
}

}  // namespace

size_t LagHistogram::bucket_of(uint64_t value) {
  value = std::min(value, kMaxValue);
  if (value < kExactBelow) return size_t(value);
  unsigned msb = unsigned(std::bit_width(value)) - 1;  // >= kSubBits + 1
  unsigned shift = msb - kSubBits;
  uint64_t sub = (value >> shift) & (kPerOctave - 1);
  return size_t(kExactBelow + (msb - kSubBits - 1) * kPerOctave + sub);
}

uint64_t LagHistogram::bucket_low(size_t bucket) {
  if (bucket < kExactBelow) return bucket;
  uint64_t octave = (bucket - kExactBelow) / kPerOctave;
  uint64_t sub = (bucket - kExactBelow) % kPerOctave;
  unsigned shift = unsigned(octave) + 1;
  return (kPerOctave + sub) << shift;
}

uint64_t LagHistogram::bucket_high(size_t bucket) {
  if (bucket < kExactBelow) return bucket;
  unsigned shift = unsigned((bucket - kExactBelow) / kPerOctave) + 1;
  return bucket_low(bucket) + (uint64_t{1} << shift) - 1;
}

LagHistogram::Slot* LagHistogram::slot_for(uint64_t epoch) {
  Slot& slot = slots_[epoch % kSlots];
  uint64_t held = slot.epoch.load(std::memory_order_acquire);
  if (held == epoch) return &slot;
  if (held > epoch) return nullptr;
  std::lock_guard lock(rotate_mu_);
  held = slot.epoch.load(kRelaxed);
  if (held > epoch) return nullptr;
  if (held < epoch) {
    for (auto& count : slot.counts) count.store(0, kRelaxed);
    slot.max.store(0, kRelaxed);
    // Release: a writer that sees the new epoch increments after the clearing.
    slot.epoch.store(epoch, std::memory_order_release);
  }
  return &slot;
}

void LagHistogram::add(uint64_t lag_ms, uint64_t now_ms) {
  Slot* slot = slot_for(now_ms / kSlotMs + 1);
  if (!slot) return;
  slot->counts[bucket_of(lag_ms)].fetch_add(1, kRelaxed);
  uint64_t max = slot->max.load(kRelaxed);
  while (lag_ms > max && !slot->max.compare_exchange_weak(max, lag_ms, kRelaxed)) {
  }
}

LagHistogram::Summary LagHistogram::summary(uint64_t now_ms) const {
  uint64_t newest = now_ms / kSlotMs + 1;
  uint64_t oldest = newest >= kSlots ? newest - kSlots + 1 : 1;
  std::array<uint64_t, kBuckets> counts{};
  Summary s;
  for (const Slot& slot : slots_) {
    uint64_t epoch = slot.epoch.load(std::memory_order_acquire);
    if (epoch < oldest || epoch > newest) continue;
    std::array<uint64_t, kBuckets> mine{};
    for (size_t b = 0; b < kBuckets; ++b) mine[b] = slot.counts[b].load(kRelaxed);
    uint64_t max = slot.max.load(kRelaxed);
    // Cleared for a newer second while we read: its counts are not this window's.
    if (slot.epoch.load(std::memory_order_acquire) != epoch) continue;
    for (size_t b = 0; b < kBuckets; ++b) {
      counts[b] += mine[b];
      s.count += mine[b];
    }
    s.max_ms = std::max(s.max_ms, max);
  }
  if (s.count == 0) return {};
  // The max comes from the slots' own field, which a racing writer may not have raised
  // yet; the buckets then bound it.
  for (size_t b = kBuckets; b-- > 0;) {
    if (counts[b]) {
      s.max_ms = std::max(s.max_ms, bucket_low(b));
      break;
    }
  }
  s.p50_ms = percentile(counts, s.count, 50, s.max_ms);
  s.p99_ms = percentile(counts, s.count, 99, s.max_ms);
  return s;
}

}  // namespace shipper
