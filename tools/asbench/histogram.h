#pragma once
// Latency histogram in microseconds, log-linear like HdrHistogram: exact below 1024 us,
// then 512 sub-buckets per power of two (under 0.2% error). One per event-loop thread,
// merged at the end, so recording is a plain increment.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace asbench {

class Histogram {
 public:
  Histogram();
  void record(uint64_t micros);
  void merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // Value at or below which `fraction` (0..1) of the samples fall; 0 when empty.
  uint64_t percentile(double fraction) const;

 private:
  static size_t index_of(uint64_t micros);
  static uint64_t value_of(size_t index);  // upper bound of the bucket

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace asbench
