// DigestLog::append_batch: entry for entry what as many append() calls do, including
// wrap-around, overwrites of unshipped entries, batches larger than the ring, and
// persistence across a reopen.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <span>
#include <thread>

#include "logger/digest_log.h"
#include "logger_test_util.h"

using namespace logger;
using namespace logger::test;

namespace {

std::vector<proto::XdrFrame> workload(size_t n) {
  std::vector<proto::XdrFrame> frames;
  for (size_t i = 0; i < n; ++i) {
    if (i % 9 == 8) frames.push_back(proto::make_mark(5000 + i));
    else frames.push_back(make_frame(i % 3 ? "ns1" : "ns2", 1000 + i, int64_t(i)));
  }
  return frames;
}

void check_same(DigestLog& a, DigestLog& b) {
  CHECK(a.head() == b.head());
  CHECK(a.tail() == b.tail());
  auto ea = a.read(0, 1000), eb = b.read(0, 1000);
  REQUIRE(ea.size() == eb.size());
  for (size_t i = 0; i < ea.size(); ++i) {
    CHECK(ea[i].seq == eb[i].seq);
    CHECK(ea[i].frame == eb[i].frame);
  }
  for (const char* dc : {"lag", "live"}) {
    CHECK(a.cursor(dc) == b.cursor(dc));
    CHECK(a.overwritten(dc) == b.overwritten(dc));
    auto wa = a.lost_windows(dc), wb = b.lost_windows(dc);
    CHECK(wa == wb);
  }
  REQUIRE(a.latest_mark().has_value() == b.latest_mark().has_value());
  if (a.latest_mark()) CHECK(a.latest_mark()->seq == b.latest_mark()->seq);
}

}  // namespace

TEST_CASE("append_batch equals one append per frame, across wraps", "[logger]") {
  TempDir dir;
  auto one = DigestLog::open(dir.file("one"), size_for(16), {"lag", "live"});
  auto many = DigestLog::open(dir.file("many"), size_for(16), {"lag", "live"});
  auto frames = workload(70);
  // Batch sizes: under, over (40 > capacity 16) and exactly the ring; one empty.
  const size_t cuts[] = {5, 0, 1, 16, 40, 8};
  size_t at = 0;
  for (size_t n : cuts) {
    for (size_t i = at; i < at + n; ++i) one->append(frames[i]);
    uint64_t first = many->append_batch(std::span(frames).subspan(at, n));
    CHECK(first == uint64_t(at));
    at += n;
    // "live" ships after every batch, "lag" never: "live" loses only what the 40-frame
    // batch overwrites of itself, exactly as 40 appends would.
    one->commit_cursor("live", one->head());
    many->commit_cursor("live", many->head());
    check_same(*one, *many);
  }
  REQUIRE(at == frames.size());
  CHECK(many->head() == 70);
  CHECK(many->tail() == 70 - 16);
  CHECK(many->overwritten("live") > 0);
  CHECK(many->overwritten("lag") > many->overwritten("live"));
  auto w = many->lost_windows("lag");
  REQUIRE(w.size() == 2);  // both namespaces, each since its smallest lost LUT
  CHECK(w[0].ns == "ns1");
  CHECK(w[0].since_lut == 1001);
  CHECK(w[1].ns == "ns2");
  CHECK(w[1].since_lut == 1000);
}

TEST_CASE("a batch is durable after flush and survives a reopen", "[logger]") {
  TempDir dir;
  auto frames = workload(30);
  {
    auto log = DigestLog::open(dir.file("dlog"), size_for(64), {"lag", "live"});
    CHECK(log->append_batch(frames) == 0);
    log->flush();
  }
  auto log = DigestLog::open(dir.file("dlog"), size_for(64), {"lag", "live"});
  CHECK(log->head() == 30);
  auto all = log->read(0, 100);
  REQUIRE(all.size() == 30);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].frame == frames[i]);
}

TEST_CASE("a reader waiting for the next entry wakes when it is appended, and times out without one", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(64), {"lag", "live"});
  CHECK_FALSE(log->wait_for_entry(0, 20));
  auto started = std::chrono::steady_clock::now();
  std::thread appender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    log->append(make_frame("ns1", 1000, 1));
  });
  // Long enough that only the append, not the timeout, can end the wait in the test.
  CHECK(log->wait_for_entry(0, 60000));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  appender.join();
  CHECK(log->wait_for_entry(0, 0));  // already there: no wait
  CHECK_FALSE(log->wait_for_entry(1, 10));
}
