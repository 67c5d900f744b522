#pragma once
// Test-only FileIo that simulates a power cut (after RocksDB's FaultInjectionTestFS):
// pwrite()s are held in memory and reach the real file only at sync(); crash() drops
// everything unsynced and makes later writes and syncs vanish too, so a DigestLog being
// destroyed "after the crash" cannot save itself. reset() turns the disk back on.

#include <memory>
#include <mutex>
#include <string>

#include "logger/file_io.h"

namespace logger::test {

class FaultFileIo : public FileIo {
 public:
  FaultFileIo();
  common::Result<std::unique_ptr<File>> open(const std::string& path) override;
  void crash();
  void reset();
  // Makes every later pwrite/sync fail with an I/O error (a dying disk).
  void fail_io(bool on);

  struct Shared {
    std::mutex mu;
    bool crashed = false;
    bool failing = false;
  };

 private:
  std::shared_ptr<Shared> shared_;
};

}  // namespace logger::test
