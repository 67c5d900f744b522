#pragma once
// Per-record lag of one DC (or one namespace of it) over a sliding window, for the
// `lag_p50_ms`, `lag_p99_ms` and `lag_max_ms` statistics (xdr-design.md §8). A record's
// lag is the time the remote acknowledged it minus its LUT, in milliseconds.
//
// Buckets are log-linear, as in HdrHistogram: exact below 16 ms, then 8 buckets per power
// of two (12.5% wide at the bottom of each octave, 6.25% at the top) up to 2^32 ms, about
// 50 days; larger values count in the last bucket. A percentile reports the highest value
// of its bucket, never more than the window's max, so it is exact below 16 ms and at most
// 12.5% high above.
//
// The window is kWindowMs: kSlots slots of kSlotMs, the current one partly filled, so a
// percentile covers the last 9 to 10 seconds. Each slot has its own counts; a writer that
// finds its slot holding an older second clears it first (under a mutex, once per slot
// per second), every other add is a few relaxed atomic increments. A writer stalled
// across a whole window may count one sample in a newer slot; readers sum the slots
// without stopping writers, so a snapshot may be a few samples apart from a quiet one.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace shipper {

// A record's lag: the remote's acknowledgement (common::now_cl_ms()) minus its LUT, both
// ms since the citrusleaf epoch; 0 when the clocks put the ack first.
constexpr uint64_t record_lag_ms(uint64_t ack_cl_ms, uint64_t lut_ms) {
  return ack_cl_ms > lut_ms ? ack_cl_ms - lut_ms : 0;
}

class LagHistogram {
 public:
  static constexpr uint64_t kSlotMs = 1000;
  static constexpr size_t kSlots = 10;
  static constexpr uint64_t kWindowMs = kSlotMs * kSlots;

  static constexpr unsigned kSubBits = 3;                       // 8 buckets per octave
  static constexpr uint64_t kExactBelow = uint64_t{2} << kSubBits;  // 16 ms
  static constexpr unsigned kMaxBits = 32;                       // values up to 2^32 - 1 ms
  static constexpr size_t kBuckets = kExactBelow + (kMaxBits - kSubBits - 1) * (size_t{1} << kSubBits);

  // What the window holds at one instant; all zero when it holds nothing.
  struct Summary {
    uint64_t count = 0;
    uint64_t p50_ms = 0;
    uint64_t p99_ms = 0;
    uint64_t max_ms = 0;
  };

  // Counts one record. now_ms is any monotonic millisecond clock (the same one given to
  // summary()); a sample older than the window is dropped. Thread-safe, never blocks
  // except once per slot per second.
  void add(uint64_t lag_ms, uint64_t now_ms);

  // p50, p99 and max over the window ending at now_ms. Thread-safe.
  Summary summary(uint64_t now_ms) const;

  // The bucket a value counts in, and the lowest and highest value of a bucket.
  static size_t bucket_of(uint64_t value);
  static uint64_t bucket_low(size_t bucket);
  static uint64_t bucket_high(size_t bucket);

 private:
  struct Slot {
    std::atomic<uint64_t> epoch{0};  // now_ms / kSlotMs + 1 of the second it holds; 0: empty
    std::atomic<uint64_t> max{0};
    std::array<std::atomic<uint64_t>, kBuckets> counts{};
  };

  // The slot for `epoch`, cleared if it held an older second; nullptr when it already
  // holds a newer one (the sample is older than the window).
  Slot* slot_for(uint64_t epoch);

  std::mutex rotate_mu_;
  std::array<Slot, kSlots> slots_{};
};

}  // namespace shipper
