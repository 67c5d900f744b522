// The device engine under simulated power loss (FaultFileIo drops what was not synced, or
// tears it) and under a failing disk.

#include <catch2/catch.hpp>

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "common/log.h"
#include "fault_file_io.h"
#include "storage/device_file.h"
#include "storage/device_storage.h"
#include "storage_test_util.h"

using namespace asd;
using namespace asd::storage;
using namespace asd::storage::test;
using common::test::FaultFileIo;

namespace {

// Cold-starts `st` and returns where each record was found, checking every loaded copy
// holds exactly what its digest was written with: a torn record must never load.
std::map<uint32_t, StorageLoc> load_and_check(DeviceStorage& st) {
  std::map<uint32_t, StorageLoc> found;
  std::mutex mu;
  st.cold_start(2, [&](const StoredRecord& sr, unsigned) {
    std::lock_guard lock(mu);
    found[number_of(sr.header.digest)] = sr.loc;
  });
  std::vector<uint64_t> live(st.n_blocks(), 0);
  for (const auto& [i, loc] : found) live[loc.block] += loc.size;
  st.finish_cold_start(live);
  for (const auto& [i, loc] : found) {
    INFO("record " << i);
    std::vector<Bin> bins;
    REQUIRE(st.read_bins(loc, digest_of(i), &bins));
    REQUIRE(bins.size() == 1);
    CHECK(bins[0].value == record_of(i).bins[0].value);
  }
  return found;
}

// Captures what the storage context logs while it lives. The flusher logs from its own
// thread, so the text is read under the sink's lock.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<Sink>()) { common::logger("storage")->sinks().push_back(sink_); }
  ~LogCapture() { std::erase(common::logger("storage")->sinks(), sink_); }
  std::string text() { return sink_->text(); }

 private:
  class Sink : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::string text() {
      std::lock_guard lock(mutex_);
      return text_;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t line;
      formatter_->format(msg, line);
      text_.append(line.data(), line.size());
    }
    void flush_() override {}

   private:
    std::string text_;
  };
  std::shared_ptr<Sink> sink_;
};

// Rounds of: reopen, check every acknowledged record, write batches acknowledged by
// group commits and then some no one waits for, cut the power while they are in flight.
void power_cut_rounds(bool tear) {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  cfg.filesize = 4 << 20;  // room for every round: nothing is ever released
  auto io = std::make_shared<FaultFileIo>();
  std::vector<uint32_t> durable;  // acknowledged by wait_durable before a cut
  uint32_t next = 0;
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    DeviceStorage st("test", cfg, io);
    auto found = load_and_check(st);
    for (uint32_t i : durable) CHECK(found.count(i) == 1);
    // A whole write either lands at a sync or vanishes: only tearing leaves debris.
    if (!tear) CHECK(st.stats().cold_start_skipped.load() == 0);
    durable.clear();
    for (const auto& [i, loc] : found) durable.push_back(i);
    st.start([](const StoredRecord&, uint64_t) {});

    int batches = 3 + int(rng() % 5);
    for (int b = 0; b <= batches; ++b) {
      std::vector<uint32_t> batch;
      uint64_t pos = 0;
      for (int n = 1 + int(rng() % 60); n > 0; --n) {
        StorageLoc loc;
        REQUIRE(st.write(digest_of(next), record_of(next), "set", false, &loc, &pos) == common::ResultCode::Ok);
        batch.push_back(next++);
      }
      if (b == batches) break;  // the last batch is never acknowledged
      st.wait_durable(pos);
      durable.insert(durable.end(), batch.begin(), batch.end());
    }
    if (rng() % 2) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 20));
    if (tear) io->crash_tearing(rng());
    else io->crash();
    st.stop();
    io->reset();
  }
}

}  // namespace

TEST_CASE("every write acknowledged as durable survives power cuts", "[storage_power_cut]") {
  power_cut_rounds(false);
}

TEST_CASE("writes torn by a power cut never load and cost no acknowledged write", "[storage_power_cut]") {
  power_cut_rounds(true);
}

TEST_CASE("a failing disk is an error naming the file, and writes resume when it heals", "[storage_power_cut]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  auto io = std::make_shared<FaultFileIo>();

  SECTION("DeviceFile returns the error with path and offset") {
    DeviceFile file(*io, cfg.files[0], false, cfg.filesize, uint32_t(cfg.write_block_size), 0, "test");
    io->fail_io(true);
    std::vector<uint8_t> block(cfg.write_block_size, 7);
    common::Status w = file.write(3 * cfg.write_block_size, block);
    CHECK(!w.ok());
    CHECK_THAT(w.message(), Catch::Contains("path=" + cfg.files[0]) &&
                                Catch::Contains("offset=" + std::to_string(3 * cfg.write_block_size)));
    common::Status s = file.sync();
    CHECK(!s.ok());
    CHECK_THAT(s.message(), Catch::Contains("fdatasync") && Catch::Contains(cfg.files[0]));
  }

  SECTION("a new file whose header cannot be written is refused with its path") {
    io->fail_io(true);
    CHECK_THROWS_WITH(DeviceStorage("test", cfg, io),
                      Catch::Contains(cfg.files[0]) && Catch::Contains("cannot write the file header"));
  }

  SECTION("the flusher logs the failure, retries, and acknowledges once the disk heals") {
    LogCapture logs;
    DeviceStorage st("test", cfg, io);
    start_empty(st);
    io->fail_io(true);
    StorageLoc loc;
    uint64_t pos = 0;
    REQUIRE(st.write(digest_of(1), record_of(1), "set", false, &loc, &pos) == common::ResultCode::Ok);
    // The flusher counts the failure, then logs it: wait for the line itself.
    for (int i = 0; i < 100 && logs.text().find("device write failed") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(st.stats().write_errors.load() > 0);
    CHECK_THAT(logs.text(), Catch::Contains("device write failed") && Catch::Contains("path=" + cfg.files[0]));
    io->fail_io(false);
    st.wait_durable(pos);
    st.stop();
    DeviceStorage reopened("test", cfg, io);
    auto found = load_and_check(reopened);
    CHECK(found.count(1) == 1);
  }
}

TEST_CASE("max-write-cache set at run time refuses writes while the disk lags behind, and lets them through when raised",
          "[storage_power_cut]") {
  TempDir dir;
  conf::DeviceStorage cfg = device_config(dir.path + "/data");
  cfg.commit_to_device = false;
  auto io = std::make_shared<FaultFileIo>();
  DeviceStorage st("test", cfg, io);
  start_empty(st);
  io->stall(true);  // the flusher's writes hang: sealed blocks pile up in memory
  uint32_t next = 0;
  auto write = [&] {
    StorageLoc loc;
    uint64_t pos = 0;
    return st.write(digest_of(next), record_of(next), "set", false, &loc, &pos);
  };
  // About 70 records fill a 16 KiB block: these seal three.
  for (int i = 0; i < 250; ++i, ++next) REQUIRE(write() == common::ResultCode::Ok);
  cfg.max_write_cache = cfg.write_block_size;  // what set-config hands the engine
  st.set_config(cfg);
  CHECK(write() == common::ResultCode::DeviceOverload);
  cfg.max_write_cache = 64 << 20;
  st.set_config(cfg);
  CHECK(write() == common::ResultCode::Ok);
  io->stall(false);
  st.stop();
}
