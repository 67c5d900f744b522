// The device engine on a real file: what is written comes back on a cold start, and
// damaged bytes cost only the records they hit.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <thread>

#include "storage/device_storage.h"
#include "storage_test_util.h"

using namespace asd;
using namespace asd::storage;
using namespace asd::storage::test;

namespace {

// Writes n records and returns where each went.
std::vector<StorageLoc> write_records(const conf::DeviceStorage& cfg, uint32_t n) {
  DeviceStorage st("test", cfg);
  start_empty(st);
  std::vector<StorageLoc> locs(n);
  uint64_t pos = 0;
  for (uint32_t i = 0; i < n; ++i) REQUIRE(st.write(digest_of(i), record_of(i), "set", false, &locs[i], &pos) == common::ResultCode::Ok);
  st.wait_durable(pos);
  st.stop();
  return locs;
}

struct Loaded {
  std::set<common::Digest> digests;
  uint64_t skipped = 0;
};

Loaded cold_start(const conf::DeviceStorage& cfg) {
  DeviceStorage st("test", cfg);
  Loaded out;
  std::mutex mu;
  st.cold_start(2, [&](const StoredRecord& sr, unsigned) {
    std::lock_guard lock(mu);
    out.digests.insert(sr.header.digest);
  });
  out.skipped = st.stats().cold_start_skipped.load();
  return out;
}

void damage(const std::string& path, uint64_t offset, size_t n) {
  int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  std::string junk(n, '\x5A');
  REQUIRE(::pwrite(fd, junk.data(), n, off_t(offset)) == ssize_t(n));
  ::close(fd);
}

uint64_t file_offset(const conf::DeviceStorage& cfg, const StorageLoc& loc) {
  return uint64_t(loc.block + 1) * cfg.write_block_size + loc.offset;
}

}  // namespace

TEST_CASE("records written survive a restart", "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  write_records(cfg, 300);
  Loaded loaded = cold_start(cfg);
  CHECK(loaded.digests.size() == 300);
  CHECK(loaded.skipped == 0);
}

TEST_CASE("a damaged record body costs that record only", "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  std::vector<StorageLoc> locs = write_records(cfg, 300);
  damage(cfg.files[0], file_offset(cfg, locs[150]) + kRecordHeaderSize + 40, 8);
  Loaded loaded = cold_start(cfg);
  CHECK(loaded.digests.size() == 299);
  CHECK(loaded.digests.count(digest_of(150)) == 0);
  CHECK(loaded.skipped == 1);
}

TEST_CASE("a damaged record header is stepped over to the next record", "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  std::vector<StorageLoc> locs = write_records(cfg, 300);
  damage(cfg.files[0], file_offset(cfg, locs[77]) + 8, 4);
  Loaded loaded = cold_start(cfg);
  CHECK(loaded.digests.size() == 299);
  CHECK(loaded.digests.count(digest_of(77)) == 0);
  CHECK(loaded.digests.count(digest_of(78)) == 1);
  CHECK(loaded.skipped == 1);
}

TEST_CASE("a damaged block header costs that block, never the process", "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  std::vector<StorageLoc> locs = write_records(cfg, 300);
  damage(cfg.files[0], uint64_t(locs[100].block + 1) * cfg.write_block_size + 10, 4);
  Loaded loaded = cold_start(cfg);
  size_t in_block = 0;
  for (const StorageLoc& l : locs) in_block += l.block == locs[100].block;
  CHECK(loaded.digests.size() == 300 - in_block);
  CHECK(loaded.skipped == 1);
}

TEST_CASE("a foreign or mismatched file is refused with its name", "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  write_records(cfg, 10);
  SECTION("other write-block-size") {
    cfg.write_block_size = 32 * 1024;
    CHECK_THROWS_WITH(DeviceStorage("test", cfg), Catch::Contains(cfg.files[0]) && Catch::Contains("write-block-size"));
  }
  SECTION("other namespace") {
    CHECK_THROWS_WITH(DeviceStorage("other", cfg), Catch::Contains("belongs to namespace 'test'"));
  }
  SECTION("garbage header") {
    damage(cfg.files[0], 0, 8);
    CHECK_THROWS_WITH(DeviceStorage("test", cfg), Catch::Contains("offset 0"));
  }
}

TEST_CASE("releasing every copy of a block frees it for reuse", "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  DeviceStorage st("test", cfg);
  start_empty(st);
  uint32_t initial_free = st.free_pct();
  // Far more than the file holds, each version replacing the last: space must recycle.
  StorageLoc loc;
  uint64_t pos = 0;
  for (uint32_t i = 0; i < 20000; ++i) {
    StorageLoc next;
    REQUIRE(st.write(digest_of(1), record_of(i), "", false, &next, &pos) == common::ResultCode::Ok);
    st.release(loc);
    loc = next;
    if (i % 1000 == 0) st.wait_durable(pos);
  }
  st.wait_durable(pos);
  CHECK(st.used_bytes() == loc.size);
  // Emptied blocks return once the flusher has synced past them: soon, not at once.
  for (int i = 0; i < 100 && st.free_pct() + 5 < initial_free; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(st.free_pct() + 5 >= initial_free);
  std::vector<Bin> bins;
  REQUIRE(st.read_bins(loc, digest_of(1), &bins));
  CHECK(bins.at(0).value == record_of(19999).bins[0].value);
}

// A crash can lose a block's header while some of its records reach the device. The
// block is free after the restart; were it reopened under the lost header's sequence,
// its leftover records would match the new header and come back on the next restart.
TEST_CASE("records of a block whose header was lost never come back after the block is reused",
          "[storage_engine]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  std::vector<StorageLoc> locs = write_records(cfg, 300);
  uint32_t newest = locs.back().block;  // the last block opened: the highest sequence
  damage(cfg.files[0], uint64_t(newest + 1) * cfg.write_block_size + 10, 4);

  std::set<common::Digest> expected;
  {
    DeviceStorage st("test", cfg);
    std::mutex mu;
    st.cold_start(2, [&](const StoredRecord& sr, unsigned) {
      std::lock_guard lock(mu);
      expected.insert(sr.header.digest);
    });
    // Every used block counted full: no defrag moves anything meanwhile.
    st.finish_cold_start(std::vector<uint64_t>(st.n_blocks(), cfg.write_block_size));
    st.start([](const StoredRecord&, uint64_t) {});
    uint64_t pos = 0;
    for (uint32_t i = 1000; i < 1003; ++i) {
      StorageLoc loc;
      REQUIRE(st.write(digest_of(i), record_of(i), "set", false, &loc, &pos) == common::ResultCode::Ok);
      CHECK(loc.block == newest);  // the freed block is the first one reused
      expected.insert(digest_of(i));
    }
    st.wait_durable(pos);
    st.stop();
  }
  Loaded loaded = cold_start(cfg);
  CHECK(loaded.digests == expected);
}
