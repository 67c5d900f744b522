// A scan's records-per-second limit (transaction/rate_pacer.h): chunk sizes and the pace
// on the real clock (a few tenths of a second).

#include <chrono>

#include <catch2/catch.hpp>

#include "transaction/rate_pacer.h"

using asd::RatePacer;

TEST_CASE("without a limit the pacer never waits", "[asd][rps]") {
  RatePacer unlimited(0);
  CHECK(unlimited.chunk(128) == 128);
  CHECK_FALSE(unlimited.ahead(1'000'000));
  auto start = std::chrono::steady_clock::now();
  unlimited.wait(1'000'000);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(50));
}

TEST_CASE("a limit takes about a tenth of a second's records at a time, and keeps the pace", "[asd][rps]") {
  CHECK(RatePacer(5).chunk(128) == 1);
  CHECK(RatePacer(400).chunk(128) == 40);
  CHECK(RatePacer(100'000).chunk(128) == 128);
  RatePacer pacer(200);
  auto start = std::chrono::steady_clock::now();
  uint64_t done = 0;
  while (done < 60) {
    done += pacer.chunk(128);
    if (pacer.ahead(done)) pacer.wait(done);
  }
  // 60 records at 200 a second: 0.3 s.
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= std::chrono::milliseconds(290));
  CHECK(elapsed < std::chrono::milliseconds(600));
  CHECK_FALSE(pacer.ahead(done));
}
