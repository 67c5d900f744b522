#pragma once
// One data file (or raw device) of a device namespace: opened or created at its
// configured size, with a validated file header. All I/O goes through a common::File, so
// tests can cut the power under it; every error names the path and the offset.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/file_io.h"
#include "common/result.h"

namespace asd::storage {

class DeviceFile {
 public:
  // Opens `path` through `io`, creating it (sparse, `size` bytes) when missing; a raw
  // device must exist and keeps its own size. Checks or writes the file header. Throws
  // std::runtime_error naming the file and the problem (start-up is a process edge).
  DeviceFile(common::FileIo& io, std::string path, bool raw_device, uint64_t size, uint32_t block_size,
             uint32_t index, const std::string& ns_name);
  DeviceFile(const DeviceFile&) = delete;
  DeviceFile& operator=(const DeviceFile&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  uint32_t n_blocks() const { return n_blocks_; }

  // All of `out`, or an error (a short read is one: the file shrank under us).
  common::Status read(uint64_t offset, std::span<uint8_t> out) const;
  common::Status write(uint64_t offset, std::span<const uint8_t> data);
  common::Status sync();
  // Byte ranges that may hold data: a sparse file's never-written holes are left out
  // (the whole file where the filesystem cannot tell).
  std::vector<std::pair<uint64_t, uint64_t>> data_extents() const;

 private:
  std::string path_;
  std::unique_ptr<common::File> file_;
  uint64_t size_ = 0;
  uint32_t n_blocks_ = 0;
};

}  // namespace asd::storage
