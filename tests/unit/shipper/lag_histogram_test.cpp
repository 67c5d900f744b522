#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "shipper/lag_histogram.h"
#include "shipper/ship_stats.h"

using shipper::LagHistogram;

namespace {

// The largest relative error a reported percentile may have above kExactBelow.
constexpr double kRelativeWidth = 1.0 / 8;

bool within_bucket(uint64_t reported, uint64_t truth) {
  if (truth < LagHistogram::kExactBelow) return reported == truth;
  return reported >= truth && double(reported) <= double(truth) * (1 + kRelativeWidth);
}

}  // namespace

TEST_CASE("lag buckets are exact below 16 ms and log-linear above", "[shipper]") {
  for (uint64_t v = 0; v < 16; ++v) {
    CHECK(LagHistogram::bucket_of(v) == v);
    CHECK(LagHistogram::bucket_low(v) == v);
    CHECK(LagHistogram::bucket_high(v) == v);
  }
  // Every value lies inside its bucket, buckets tile the range without gaps, and each is
  // at most 12.5% of its low end wide.
  uint64_t expect_low = 0;
  for (size_t b = 0; b < LagHistogram::kBuckets; ++b) {
    uint64_t low = LagHistogram::bucket_low(b);
    uint64_t high = LagHistogram::bucket_high(b);
    CHECK(low == expect_low);
    CHECK(LagHistogram::bucket_of(low) == b);
    CHECK(LagHistogram::bucket_of(high) == b);
    if (low >= 16) CHECK(double(high - low + 1) <= double(low) * kRelativeWidth);
    expect_low = high + 1;
  }
  CHECK(expect_low == uint64_t{1} << 32);
  CHECK(LagHistogram::bucket_of(uint64_t{1} << 40) == LagHistogram::kBuckets - 1);  // clamped
  CHECK(LagHistogram::bucket_of(3'600'000) < LagHistogram::kBuckets - 1);           // an hour fits
}

TEST_CASE("record lag is ack minus LUT, never negative", "[shipper]") {
  CHECK(shipper::record_lag_ms(1005, 1000) == 5);
  CHECK(shipper::record_lag_ms(1000, 1000) == 0);
  CHECK(shipper::record_lag_ms(990, 1000) == 0);
}

TEST_CASE("lag percentiles on known distributions", "[shipper]") {
  const uint64_t now = 50'000;

  SECTION("empty") {
    LagHistogram h;
    auto s = h.summary(now);
    CHECK(s.count == 0);
    CHECK(s.p50_ms == 0);
    CHECK(s.p99_ms == 0);
    CHECK(s.max_ms == 0);
  }

  SECTION("uniform 1..100 ms") {
    LagHistogram h;
    for (uint64_t v = 1; v <= 100; ++v) h.add(v, now);
    auto s = h.summary(now);
    CHECK(s.count == 100);
    CHECK(within_bucket(s.p50_ms, 50));
    CHECK(within_bucket(s.p99_ms, 99));
    CHECK(s.max_ms == 100);
  }

  SECTION("exact in the millisecond range") {
    LagHistogram h;
    for (int i = 0; i < 980; ++i) h.add(2, now);
    for (int i = 0; i < 20; ++i) h.add(7, now);  // 2%: p99 lands on it
    auto s = h.summary(now);
    CHECK(s.p50_ms == 2);
    CHECK(s.p99_ms == 7);
    CHECK(s.max_ms == 7);
  }

  SECTION("a long tail") {
    LagHistogram h;
    for (int i = 0; i < 9'800; ++i) h.add(3, now);
    for (int i = 0; i < 199; ++i) h.add(1'000, now);  // ranks 9,801..9,999: p99 is rank 9,900
    h.add(7'200'000, now);  // two hours
    auto s = h.summary(now);
    CHECK(s.p50_ms == 3);
    CHECK(within_bucket(s.p99_ms, 1'000));
    CHECK(s.max_ms == 7'200'000);
  }

  SECTION("random exponential, against the sorted samples") {
    LagHistogram h;
    std::mt19937_64 rng(12);
    std::exponential_distribution<double> dist(1.0 / 40);
    std::vector<uint64_t> values;
    for (int i = 0; i < 20'000; ++i) {
      values.push_back(uint64_t(dist(rng)));
      h.add(values.back(), now);
    }
    std::sort(values.begin(), values.end());
    auto s = h.summary(now);
    CHECK(within_bucket(s.p50_ms, values[values.size() / 2 - 1]));
    CHECK(within_bucket(s.p99_ms, values[values.size() * 99 / 100 - 1]));
    CHECK(s.max_ms == values.back());
    CHECK(s.p50_ms <= s.p99_ms);
    CHECK(s.p99_ms <= s.max_ms);
  }
}

TEST_CASE("the lag window forgets samples older than 10 s", "[shipper]") {
  LagHistogram h;
  const uint64_t t0 = 100'000;
  for (int i = 0; i < 100; ++i) h.add(900, t0);
  for (int i = 0; i < 100; ++i) h.add(4, t0 + 5'000);

  auto both = h.summary(t0 + 5'000);
  CHECK(both.count == 200);
  CHECK(within_bucket(both.p99_ms, 900));
  CHECK(both.max_ms == 900);

  // 9.999 s after the first second began: still inside; from t0 + 10 s on, gone.
  CHECK(h.summary(t0 + LagHistogram::kWindowMs - 1).count == 200);
  auto later = h.summary(t0 + LagHistogram::kWindowMs);
  CHECK(later.count == 100);
  CHECK(later.p50_ms == 4);
  CHECK(later.p99_ms == 4);
  CHECK(later.max_ms == 4);

  CHECK(h.summary(t0 + 5'000 + LagHistogram::kWindowMs).count == 0);

  // A slot is reused for a newer second: its old counts are cleared first.
  h.add(6, t0 + LagHistogram::kWindowMs);
  auto reused = h.summary(t0 + LagHistogram::kWindowMs);
  CHECK(reused.count == 101);
  CHECK(reused.max_ms == 6);

  // A sample older than what its slot holds is dropped, not counted in the newer second.
  h.add(5'000, t0);
  CHECK(h.summary(t0 + LagHistogram::kWindowMs).max_ms == 6);
}

TEST_CASE("lag histogram under concurrent writers and a reader", "[shipper]") {
  LagHistogram h;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50'000;
  const uint64_t base = 1'000'000;
  std::atomic<bool> done{false};
  std::atomic<int> unordered{0};  // Catch2 assertions are not thread-safe: count, check after
  std::thread reader([&] {
    while (!done.load()) {
      auto s = h.summary(base + 500);
      if (s.p50_ms > s.p99_ms || s.p99_ms > s.max_ms) ++unordered;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      // Every writer crosses five slot boundaries, so first touches race with increments.
      for (int i = 0; i < kPerThread; ++i) h.add(uint64_t(i % 10 + t), base + uint64_t(i) / 10);
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  CHECK(unordered == 0);
  auto s = h.summary(base + kPerThread / 10);
  CHECK(s.count == uint64_t(kThreads) * kPerThread);
  CHECK(s.max_ms == 9 + kThreads - 1);
  CHECK(s.p99_ms <= s.max_ms);
}

TEST_CASE("ship stats carry the lag percentiles per DC and per namespace", "[shipper]") {
  shipper::ShipStats stats;
  for (uint64_t v = 1; v <= 100; ++v) stats.record_lag("a", v, 2'000);
  stats.record_lag("b", 3, 2'000);
  auto total = stats.total().snapshot(2'000);
  CHECK(within_bucket(total.lag_p50_ms, 50));
  CHECK(within_bucket(total.lag_p99_ms, 99));
  CHECK(total.lag_max_ms == 100);
  auto b = stats.find_ns("b")->snapshot(2'000);
  CHECK(b.lag_p50_ms == 3);
  CHECK(b.lag_p99_ms == 3);
  CHECK(b.lag_max_ms == 3);
  auto idle = stats.total().snapshot(2'000 + shipper::LagHistogram::kWindowMs);
  CHECK(idle.lag_p99_ms == 0);
  CHECK(idle.lag_max_ms == 0);

  std::string text = shipper::render_stats(total);
  CHECK(text.find(";latency_ms=0.0;lag_p50_ms=" + std::to_string(total.lag_p50_ms) +
                  ";lag_p99_ms=" + std::to_string(total.lag_p99_ms) + ";lag_max_ms=100;compression_ratio=") !=
        std::string::npos);
}
