// Marks in the digest log: the latest one is known, one older than a LUT is found going
// back from the head, and overwriting a Mark loses nothing a DC must recover.

#include <catch2/catch.hpp>
#include <zlib.h>

#include "logger/digest_log.h"
#include "logger_test_util.h"

using namespace logger;
using namespace logger::test;

TEST_CASE("marks are entries: the latest is known and an older one is found", "[dlog][marks]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(64), {"DC2"});
  CHECK_FALSE(log->latest_mark());
  CHECK_FALSE(log->find_mark_before(1000));
  log->append(make_frame("test", 90, 1));
  uint64_t m100 = log->append(proto::make_mark(100));
  log->append(make_frame("test", 150, 2));
  uint64_t m200 = log->append(proto::make_mark(200));
  log->append(make_frame("test", 250, 3));
  REQUIRE(log->latest_mark());
  CHECK(log->latest_mark()->seq == m200);
  CHECK(log->latest_mark()->lut == 200);
  CHECK_FALSE(log->find_mark_before(99));
  CHECK(log->find_mark_before(100)->seq == m100);
  CHECK(log->find_mark_before(199)->seq == m100);
  CHECK(log->find_mark_before(5000)->seq == m200);
  // A mark read back is a mark.
  auto entries = log->read(m100, 1);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].frame.is_mark());
}

TEST_CASE("an overwritten mark costs no lost window; once gone it cannot be found", "[dlog][marks]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(16), {"DC2"});
  log->append(proto::make_mark(10));
  for (int i = 0; i < 15; ++i) log->append(proto::make_mark(uint64_t(20 + i)));
  REQUIRE(log->head() == 16);
  // DC2's cursor is still 0: overwriting marks alone records nothing.
  log->append(proto::make_mark(99));
  CHECK(log->lost_windows("DC2").empty());
  CHECK(log->overwritten("DC2") == 0);
  CHECK_FALSE(log->find_mark_before(10));
  CHECK(log->find_mark_before(20)->lut == 20);
  // A record overwritten before DC2 shipped it still becomes a window.
  auto fresh = DigestLog::open(dir.file("dlog2"), size_for(16), {"DC2"});
  for (int i = 0; i < 17; ++i) fresh->append(make_frame("test", uint64_t(1000 + i), i));
  auto windows = fresh->lost_windows("DC2");
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].since_lut == 1000);
}

TEST_CASE("a version 1 log is replaced by a fresh one that recovers everything", "[dlog][marks]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  {
    auto log = DigestLog::open(path, size_for(32), {"DC2"});
    log->append(make_frame("test", 5, 1));
    log->flush();
  }
  // Rewrite both header copies as format 1 (offset 8, big-endian), fixing their CRCs.
  for (int copy = 0; copy < 2; ++copy) {
    std::string header = peek(path, uint64_t(copy) * kHeaderCopy, kHeaderCopy);
    if (header.substr(0, 8) != "ASXDRLOG") continue;
    header[8] = 0;
    header[9] = 1;
    header[10] = 0;
    header[11] = char(148);
    uint32_t crc = uint32_t(::crc32(0L, reinterpret_cast<const Bytef*>(header.data()), uInt(kHeaderCopy - 4)));
    common::store_be32(reinterpret_cast<uint8_t*>(header.data()) + kHeaderCopy - 4, crc);
    poke(path, uint64_t(copy) * kHeaderCopy, header);
  }
  auto log = DigestLog::open(path, size_for(32), {"DC2"});
  CHECK(log->head() == 0);
  auto windows = log->lost_windows("DC2");
  REQUIRE(windows.size() == 1);
  CHECK(windows[0].ns == "test");
  CHECK(windows[0].since_lut == 0);
}
