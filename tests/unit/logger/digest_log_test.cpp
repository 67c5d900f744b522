// DigestLog at run time: append, read, cursors, lost windows, overwrite when full.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "logger/digest_log.h"
#include "logger_test_util.h"

using namespace logger;
using namespace logger::test;

namespace {

std::vector<LostWindow> sorted(std::vector<LostWindow> w) {
  std::sort(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.ns < b.ns; });
  return w;
}

}  // namespace

TEST_CASE("append, read and cursors", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(64), {"A", "B"});
  CHECK(log->capacity_entries() == 64);
  CHECK(log->head() == 0);
  CHECK(log->tail() == 0);
  std::vector<proto::XdrFrame> frames;
  for (int i = 0; i < 10; ++i) {
    frames.push_back(make_frame(i % 2 ? "ns2" : "ns1", 1000 + uint64_t(i), i));
    CHECK(log->append(frames.back()) == uint64_t(i));
  }
  CHECK(log->head() == 10);
  CHECK(log->tail() == 0);

  auto all = log->read(0, 100);
  REQUIRE(all.size() == 10);
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].seq == i);
    CHECK(all[i].frame == frames[i]);
  }
  auto some = log->read(5, 2);
  REQUIRE(some.size() == 2);
  CHECK(some[0].seq == 5);
  CHECK(some[1].seq == 6);
  CHECK(log->read(10, 5).empty());
  CHECK(log->read(3, 0).empty());

  CHECK(log->cursor("A") == 0);
  log->commit_cursor("A", 4);
  CHECK(log->cursor("A") == 4);
  log->commit_cursor("A", 2);  // never backwards
  CHECK(log->cursor("A") == 4);
  log->commit_cursor("A", 1000);  // never past the head
  CHECK(log->cursor("A") == 10);
  CHECK(log->used_pct("A") == Approx(0.0));
  CHECK(log->used_pct("B") == Approx(10.0 * 100 / 64));
  CHECK(log->cursor("nope") == log->head());
  log->commit_cursor("nope", 3);  // ignored, no crash
  CHECK(log->dcs() == std::vector<std::string>{"A", "B"});
}

TEST_CASE("lost windows merge per namespace keeping the smallest since", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(32), {"A", "B"});
  log->add_lost_window("A", {"ns1", 500});
  log->add_lost_window("A", {"ns1", 900});
  log->add_lost_window("A", {"ns1", 300});
  log->add_lost_window("A", {"ns2", 0});
  CHECK(sorted(log->lost_windows("A")) == std::vector<LostWindow>{{"ns1", 300}, {"ns2", 0}});
  CHECK(log->lost_windows("B").empty());

  // ack clears only the window it names; a window merged meanwhile stays.
  log->ack_lost_window("A", {"ns1", 500});
  CHECK(log->lost_windows("A").size() == 2);
  // A window made by hand carries no revision: only what a scan read may be acked.
  log->ack_lost_window("A", {"ns1", 300});
  CHECK(log->lost_windows("A").size() == 2);
  for (const LostWindow& w : log->lost_windows("A")) {
    if (w.ns == "ns1") log->ack_lost_window("A", w);
  }
  CHECK(log->lost_windows("A") == std::vector<LostWindow>{{"ns2", 0}});

  CHECK(log->take_lost_windows("A") == std::vector<LostWindow>{{"ns2", 0}});
  CHECK(log->take_lost_windows("A").empty());
}

TEST_CASE("overwrite when full: lagging DCs get lost windows, caught-up DCs lose nothing",
          "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(16), {"lag", "live"});
  auto append = [&](uint64_t seq) {
    // Even seqs in ns1, odd in ns2; LUT = 1000 + seq, so "since" is predictable.
    log->append(make_frame(seq % 2 ? "ns2" : "ns1", 1000 + seq, int64_t(seq)));
    log->commit_cursor("live", log->head());
  };
  for (uint64_t s = 0; s < 16; ++s) append(s);
  CHECK(log->tail() == 0);
  CHECK(log->used_pct("lag") == Approx(100.0));

  for (uint64_t s = 16; s < 20; ++s) append(s);  // overwrites seqs 0..3
  CHECK(log->head() == 20);
  CHECK(log->tail() == 4);
  CHECK(log->overwritten("lag") == 4);
  CHECK(log->cursor("lag") == 4);
  CHECK(sorted(log->take_lost_windows("lag")) ==
        std::vector<LostWindow>{{"ns1", 1000}, {"ns2", 1001}});
  CHECK(log->overwritten("live") == 0);
  CHECK(log->lost_windows("live").empty());
  CHECK(log->cursor("live") == 20);

  // read() clamps to the tail.
  auto entries = log->read(0, 100);
  REQUIRE(entries.size() == 16);
  CHECK(entries.front().seq == 4);
  CHECK(entries.back().seq == 19);
  CHECK(entries.front().frame.lut == 1004);

  // "lag" ships up to 10, then ten more appends overwrite 4..13: it loses only 10..13.
  log->commit_cursor("lag", 10);
  for (uint64_t s = 20; s < 30; ++s) append(s);
  CHECK(log->tail() == 14);
  CHECK(log->cursor("lag") == 14);
  CHECK(log->overwritten("lag") == 8);
  CHECK(sorted(log->take_lost_windows("lag")) ==
        std::vector<LostWindow>{{"ns1", 1010}, {"ns2", 1011}});
  CHECK(log->overwritten("live") == 0);
  CHECK(log->lost_windows("live").empty());
}

TEST_CASE("overwrite keeps the minimum LUT even when LUTs are not in seq order", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(16), {"lag"});
  // A forwarded XDR write carries its origin's (older) LUT.
  std::vector<uint64_t> luts = {5000, 4000, 7000, 3000};
  for (uint64_t lut : luts) log->append(make_frame("ns", lut));
  for (int i = 0; i < 12 + 4; ++i) log->append(make_frame("ns", 9000));
  CHECK(log->overwritten("lag") == 4);
  CHECK(log->take_lost_windows("lag") == std::vector<LostWindow>{{"ns", 3000}});
}

TEST_CASE("open refuses bad arguments", "[logger]") {
  TempDir dir;
  CHECK_THROWS_AS(DigestLog::open(dir.file("a"), 4096, {"A"}), std::runtime_error);
  CHECK_THROWS_AS(DigestLog::open(dir.file("b"), size_for(64), {std::string(32, 'x')}),
                  std::runtime_error);
  CHECK_THROWS_AS(DigestLog::open(dir.file("c"), size_for(64), {"A", "A"}), std::runtime_error);
  std::vector<std::string> many;
  for (int i = 0; i < 33; ++i) many.push_back("dc" + std::to_string(i));
  CHECK_THROWS_AS(DigestLog::open(dir.file("d"), size_for(64), many), std::runtime_error);
}

TEST_CASE("concurrent appends and reads", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(4096), {"A"});
  std::atomic<bool> done{false};
  std::atomic<uint64_t> bad{0};
  std::thread reader([&] {
    while (!done) {
      uint64_t from = log->cursor("A");
      auto batch = log->read(from, 64);
      for (size_t i = 0; i < batch.size(); ++i)
        if (batch[i].seq != from + i) bad++;
      if (!batch.empty()) log->commit_cursor("A", batch.back().seq + 1);
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) log->append(make_frame("ns" + std::to_string(t), uint64_t(i)));
    });
  for (auto& w : writers) w.join();
  CHECK(eventually([&] { return log->cursor("A") == 2000; }));
  done = true;
  reader.join();
  CHECK(log->head() == 2000);
  CHECK(bad == 0);
  CHECK(log->read(0, 5000).size() == 2000);
}

TEST_CASE("a window re-added while its scan runs survives the scan's ack", "[logger]") {
  TempDir dir;
  auto log = logger::DigestLog::open(dir.file("dlog"), size_for(1000), {"DC2"});
  log->add_lost_window("DC2", {"test", 100});
  std::vector<logger::LostWindow> scanning = log->lost_windows("DC2");
  REQUIRE(scanning.size() == 1);
  // During the scan more is lost: the minimum since is unchanged, but it is new work.
  log->add_lost_window("DC2", {"test", 500});
  log->ack_lost_window("DC2", scanning[0]);
  REQUIRE(log->lost_windows("DC2").size() == 1);
  // A scan started from the current revision may clear it.
  log->ack_lost_window("DC2", log->lost_windows("DC2")[0]);
  CHECK(log->lost_windows("DC2").empty());
}
