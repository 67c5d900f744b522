// DigestLog under simulated power loss (FaultFileIo drops unsynced writes) and I/O errors.

#include <catch2/catch.hpp>

#include <random>

#include "fault_file_io.h"
#include "logger/digest_log.h"
#include "logger_test_util.h"

using namespace logger;
using namespace logger::test;
using common::test::FaultFileIo;

TEST_CASE("after flush() everything survives a power cut", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  auto io = std::make_shared<FaultFileIo>();
  {
    auto log = DigestLog::open(path, size_for(64), {"A", "B"}, io);
    for (int i = 0; i < 20; ++i) log->append(make_frame("ns", uint64_t(i), i));
    log->commit_cursor("A", 7);
    log->add_lost_window("B", {"ns", 3});
    log->flush();
    io->crash();
    // Lost with the power: neither reaches the disk.
    log->append(make_frame("ns", 999));
    log->commit_cursor("A", 15);
  }
  io->reset();
  auto log = DigestLog::open(path, size_for(64), {"A", "B"}, io);
  CHECK(log->head() == 20);
  CHECK(log->cursor("A") == 7);
  CHECK(log->lost_windows("B") == std::vector<LostWindow>{{"ns", 3}});
  auto entries = log->read(0, 100);
  REQUIRE(entries.size() == 20);
  CHECK(entries.back().frame.lut == 19);
}

TEST_CASE("power cuts at random points never move cursors back past a flush", "[logger]") {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  std::string path = dir.file("dlog");
  auto io = std::make_shared<FaultFileIo>();
  uint64_t flushed_head = 0, flushed_cursor = 0;
  std::vector<uint64_t> luts;  // luts[seq], for every seq ever appended
  for (int round = 0; round < 8; ++round) {
    auto log = DigestLog::open(path, size_for(256), {"A"}, io);
    // What survived is a prefix of what was appended, at least up to the last flush.
    REQUIRE(log->head() >= flushed_head);
    REQUIRE(log->head() <= luts.size());
    REQUIRE(log->cursor("A") >= flushed_cursor);
    REQUIRE(log->cursor("A") <= log->head());
    for (const auto& e : log->read(0, 1000)) REQUIRE(e.frame.lut == luts[e.seq]);
    luts.resize(log->head());
    flushed_head = log->head();  // open() made its state durable
    flushed_cursor = log->cursor("A");
    int ops = 20 + int(rng() % 60);
    for (int op = 0; op < ops; ++op) {
      switch (rng() % 4) {
        case 0:
        case 1:
          luts.push_back(rng());
          REQUIRE(log->append(make_frame("ns", luts.back())) == luts.size() - 1);
          break;
        case 2:
          log->commit_cursor("A", log->cursor("A") + rng() % 8);
          break;
        case 3:
          if (rng() % 4 == 0) {
            log->flush();
            flushed_head = log->head();
            flushed_cursor = log->cursor("A");
          }
          break;
      }
    }
    io->crash();
    log.reset();
    io->reset();
  }
}

TEST_CASE("a failed append becomes a lost window for every DC", "[logger]") {
  TempDir dir;
  auto io = std::make_shared<FaultFileIo>();
  auto log = DigestLog::open(dir.file("dlog"), size_for(32), {"A", "B"}, io);
  log->append(make_frame("ns1", 10));
  io->fail_io(true);
  CHECK(log->append(make_frame("ns2", 20)) == 1);
  log->flush();  // fails, logged, no crash
  io->fail_io(false);
  CHECK(log->append(make_frame("ns1", 30)) == 2);
  CHECK(log->lost_windows("A") == std::vector<LostWindow>{{"ns2", 20}});
  CHECK(log->lost_windows("B") == std::vector<LostWindow>{{"ns2", 20}});
  auto entries = log->read(0, 10);  // the missing entry is skipped
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].seq == 0);
  CHECK(entries[1].seq == 2);
}
