// DigestLog::open on existing files: restart, header fallback, torn tail, resize, and
// files it must refuse.

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>

#include "common/crc32.h"
#include "logger/digest_log.h"
#include "logger_test_util.h"

using namespace logger;
using namespace logger::test;

TEST_CASE("restart keeps head, tail, cursors and pending lost windows", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  {
    auto log = DigestLog::open(path, size_for(16), {"A", "B"});
    for (uint64_t i = 0; i < 10; ++i) log->append(make_frame("ns1", 100 + i));
    log->commit_cursor("A", 10);
    for (uint64_t i = 10; i < 20; ++i) log->append(make_frame("ns1", 100 + i));  // wraps
    log->commit_cursor("A", 18);
    log->add_lost_window("A", {"ns2", 77});
  }
  auto log = DigestLog::open(path, size_for(16), {"A", "B"});
  CHECK(log->head() == 20);
  CHECK(log->tail() == 4);
  CHECK(log->cursor("A") == 18);
  CHECK(log->cursor("B") == 4);
  CHECK(log->overwritten("A") == 0);
  CHECK(log->overwritten("B") == 4);
  CHECK(log->lost_windows("A") == std::vector<LostWindow>{{"ns2", 77}});
  CHECK(log->lost_windows("B") == std::vector<LostWindow>{{"ns1", 100}});
  auto entries = log->read(0, 100);
  REQUIRE(entries.size() == 16);
  CHECK(entries.front().seq == 4);
  CHECK(entries.front().frame.lut == 104);
  CHECK(log->append(make_frame("ns1", 1)) == 20);
}

TEST_CASE("restart with a changed DC list", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  {
    auto log = DigestLog::open(path, size_for(32), {"A", "B"});
    for (int i = 0; i < 5; ++i) log->append(make_frame("ns", 1));
    log->commit_cursor("B", 2);
  }
  auto log = DigestLog::open(path, size_for(32), {"B", "C"});
  CHECK(log->dcs() == std::vector<std::string>{"B", "C"});
  CHECK(log->cursor("B") == 2);
  CHECK(log->cursor("C") == 5);  // new DC: nothing old to ship
}

TEST_CASE("a damaged header copy falls back to the other; the tail scan finds the rest",
          "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  {
    auto log = DigestLog::open(path, size_for(64), {"A"});
    for (int i = 0; i < 10; ++i) log->append(make_frame("ns", uint64_t(i), i));
    log->commit_cursor("A", 3);
    log->flush();  // one copy: head 10, cursor 3
    for (int i = 10; i < 15; ++i) log->append(make_frame("ns", uint64_t(i), i));
    log->commit_cursor("A", 12);
  }  // the other copy: head 15, cursor 12
  int newest = newest_header(path);
  poke(path, uint64_t(newest) * kHeaderCopy + 100, "garbage");
  auto log = DigestLog::open(path, size_for(64), {"A"});
  CHECK(log->cursor("A") == 3);  // the older copy's cursor: behind, never ahead
  CHECK(log->head() == 15);      // entries 10..14 found by the scan
  auto entries = log->read(0, 100);
  REQUIRE(entries.size() == 15);
  CHECK(entries.back().frame.lut == 14);
}

// Positions no writer stores, in a copy whose CRC was made to match (the fuzzer's
// digest_log target found open() trusting them): the copy counts as damaged.
TEST_CASE("a header copy with impossible positions falls back to the other", "[logger]") {
  struct Damage {
    const char* what;
    uint64_t offset;  // within the copy
    uint64_t value;
  };
  for (Damage d : {Damage{"cursor past head", 128 + 32, 40}, Damage{"head past tail + capacity", 48, 200},
                   Damage{"cursor before tail", 128 + 32, 0}}) {
    SECTION(d.what) {
      TempDir dir;
      std::string path = dir.file("dlog");
      {
        auto log = DigestLog::open(path, size_for(16), {"A"});
        for (int i = 0; i < 20; ++i) log->append(make_frame("ns", uint64_t(i), i));  // wraps: tail 4
        log->commit_cursor("A", 10);
        log->flush();  // one copy: head 20, cursor 10
        log->append(make_frame("ns", 20, 20));
        log->commit_cursor("A", 12);
      }  // the other copy: head 21, cursor 12
      uint64_t copy = uint64_t(newest_header(path)) * kHeaderCopy;
      std::string value(8, '\0');
      common::store_be64(reinterpret_cast<uint8_t*>(value.data()), d.value);
      poke(path, copy + d.offset, value);
      std::string body = peek(path, copy, kHeaderCopy - 4);
      std::string crc(4, '\0');
      common::store_be32(reinterpret_cast<uint8_t*>(crc.data()), common::crc32(0, common::as_bytes(body), body.size()));
      poke(path, copy + kHeaderCopy - 4, crc);

      auto log = DigestLog::open(path, size_for(16), {"A"});
      CHECK(log->cursor("A") == 10);  // the older copy's
      CHECK(log->head() == 21);       // entry 20 found by the scan
      CHECK(log->tail() == 5);
    }
  }
}

TEST_CASE("a torn tail entry is cut by its checksum, the others stay", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  {
    auto log = DigestLog::open(path, size_for(64), {"A"});
    for (int i = 0; i < 10; ++i) log->append(make_frame("ns", uint64_t(i), i));
    log->flush();
    for (int i = 10; i < 13; ++i) log->append(make_frame("ns", uint64_t(i), i));
  }
  // Make the header say head = 10 again, then tear entry 12 (its second half never
  // reached the disk).
  poke(path, uint64_t(newest_header(path)) * kHeaderCopy + 100, "garbage");
  poke(path, kEntries + 12 * kEntry + 74, std::string(74, '\0'));
  auto log = DigestLog::open(path, size_for(64), {"A"});
  CHECK(log->head() == 12);
  auto entries = log->read(0, 100);
  REQUIRE(entries.size() == 12);
  for (size_t i = 0; i < entries.size(); ++i) CHECK(entries[i].frame.lut == i);
  CHECK(log->append(make_frame("ns", 99)) == 12);
  CHECK(log->read(12, 1).at(0).frame.lut == 99);
}

TEST_CASE("a size change starts a fresh log and asks for full recovery", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  {
    auto log = DigestLog::open(path, size_for(32), {"A", "B"});
    log->append(make_frame("ns1", 5));
    log->append(make_frame("ns2", 6));
    log->commit_cursor("B", 1);
  }
  {
    auto log = DigestLog::open(path, size_for(48), {"A", "B", "C"});
    CHECK(log->capacity_entries() == 48);
    CHECK(std::filesystem::file_size(path) == size_for(48));
    CHECK(log->head() == 0);
    CHECK(log->tail() == 0);
    CHECK(log->read(0, 10).empty());
    std::vector<LostWindow> all = {{"ns1", 0}, {"ns2", 0}};
    CHECK(log->lost_windows("A") == all);
    CHECK(log->lost_windows("B") == all);
    CHECK(log->lost_windows("C").empty());
    CHECK(log->cursor("C") == 0);
    log->append(make_frame("ns1", 7));
  }
  auto log = DigestLog::open(path, size_for(48), {"A", "B", "C"});
  CHECK(log->head() == 1);
  CHECK(log->lost_windows("A").size() == 2);  // pending windows survive the restart too
}

TEST_CASE("files that are not a usable digest log are refused", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  SECTION("a foreign file") {
    { std::ofstream(path) << std::string(size_for(32), 'x'); }
    CHECK_THROWS_AS(DigestLog::open(path, size_for(32), {"A"}), std::runtime_error);
  }
  SECTION("both header copies damaged") {
    DigestLog::open(path, size_for(32), {"A"});
    poke(path, 100, "bad");
    poke(path, kHeaderCopy + 100, "bad");
    CHECK_THROWS_AS(DigestLog::open(path, size_for(32), {"A"}), std::runtime_error);
  }
  SECTION("cut short outside xdr") {
    DigestLog::open(path, size_for(32), {"A"});
    std::filesystem::resize_file(path, size_for(20));
    CHECK_THROWS_AS(DigestLog::open(path, size_for(32), {"A"}), std::runtime_error);
  }
}

TEST_CASE("an all-zero file (creation interrupted) becomes a fresh log", "[logger]") {
  TempDir dir;
  std::string path = dir.file("dlog");
  { std::ofstream(path) << std::string(size_for(32), '\0'); }
  auto log = DigestLog::open(path, size_for(32), {"A"});
  CHECK(log->head() == 0);
  CHECK(log->capacity_entries() == 32);
}
