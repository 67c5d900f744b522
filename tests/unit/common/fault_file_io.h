#pragma once
// Test-only FileIo that simulates a power cut (after RocksDB's FaultInjectionTestFS):
// pwrite()s are held in memory and reach the real file only at sync(); crash() drops
// everything unsynced and makes later writes and syncs vanish too, so an owner being
// destroyed "after the crash" cannot save itself. reset() turns the disk back on.
// Shared by the digest log and device storage tests (library test_files).

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/file_io.h"

namespace common::test {

class FaultFile;

class FaultFileIo : public FileIo {
 public:
  FaultFileIo();
  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
  void crash();
  // A crash in the middle of writing: a random half of the 512-byte sectors of every
  // unsynced write reaches the disk, the rest is lost (a torn write).
  void crash_tearing(uint64_t seed);
  void reset();
  // Makes every later pwrite/sync fail with EIO (a dying disk), with the message a real
  // failure would carry (file_error()).
  void fail_io(bool on);
  // A slow disk: while on, every pwrite waits (the writer stalls) until stall(false).
  void stall(bool on);

  struct Shared {
    std::mutex mu;
    bool crashed = false;
    bool failing = false;
    bool stalled = false;
    std::condition_variable unstalled;
    std::vector<FaultFile*> open_files;
  };

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace common::test
