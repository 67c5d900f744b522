#include <catch2/catch.hpp>

#include "shipper/flow_control.h"

using shipper::Backoff;
using shipper::SlidingWindow;
using shipper::TokenBucket;

TEST_CASE("backoff doubles from 100 ms and caps at 5 s", "[shipper]") {
  Backoff b;
  std::vector<uint32_t> got;
  for (int i = 0; i < 9; ++i) got.push_back(b.next());
  CHECK(got == std::vector<uint32_t>{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000});
  CHECK(b.failures() == 9);
  for (int i = 0; i < 100; ++i) CHECK(b.next() == 5000);  // no overflow after many failures
  b.reset();
  CHECK(b.next() == 100);
}

TEST_CASE("token bucket: unlimited when rate is 0", "[shipper]") {
  TokenBucket t(0);
  for (int i = 0; i < 1000; ++i) CHECK(t.try_take(0) == 0);
}

TEST_CASE("token bucket: a burst of rate/10 then rate per second", "[shipper]") {
  TokenBucket t(100);  // burst 10
  int taken = 0;
  for (int i = 0; i < 50; ++i) taken += t.try_take(1000) == 0;
  CHECK(taken == 10);
  uint64_t wait = t.try_take(1000);
  CHECK(wait >= 1);
  CHECK(wait <= 10);
  // One second later: at most a burst again, not 100 (the bucket does not hoard).
  taken = 0;
  for (int i = 0; i < 200; ++i) taken += t.try_take(2000) == 0;
  CHECK(taken == 10);
  // Steady state: 100 over one second in 10 ms steps.
  taken = 0;
  for (uint64_t ms = 2010; ms <= 3000; ms += 10) taken += t.try_take(ms) == 0;
  CHECK(taken == 100);
}

TEST_CASE("token bucket: slow rates wait whole seconds", "[shipper]") {
  TokenBucket t(1);
  CHECK(t.try_take(0) == 0);
  uint64_t wait = t.try_take(0);
  CHECK(wait == 1000);
  CHECK(t.try_take(999) != 0);
  CHECK(t.try_take(1000) == 0);
  t.set_rate(0);
  CHECK(t.try_take(1000) == 0);
}

TEST_CASE("sliding window: rate and latency over the last 5 s", "[shipper]") {
  SlidingWindow w;
  CHECK(w.rate(10000) == 0.0);
  CHECK(w.avg_latency_ms(10000) == 0.0);
  for (int i = 0; i < 50; ++i) w.add(10000 + uint64_t(i) * 10, 4);  // 50 events in 0.5 s
  w.add(10600, 14);
  CHECK(w.rate(11000) == Approx(51.0 / 5.0));
  CHECK(w.avg_latency_ms(11000) == Approx((50 * 4 + 14) / 51.0));
  // Buckets leave the window 5 s after their start: the first 50 events are gone.
  CHECK(w.rate(15550) == Approx(1.0 / 5.0));  // only the 10600 event is left
  CHECK(w.rate(16000) == 0.0);
  // Buckets are reused after wrapping without leaking old counts.
  w.add(20000, 1);
  CHECK(w.rate(20000) == Approx(0.2));
  CHECK(w.avg_latency_ms(20000) == Approx(1.0));
}
