#pragma once
// One data file (or raw device) of a device namespace: opened or created at its
// configured size, with a validated file header. Plain positional I/O; retries on EINTR
// and short transfers so callers see all-or-error.

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace asd::storage {

class DeviceFile {
 public:
  // Opens `path`, creating it (sparse, `size` bytes) when missing; a raw device keeps its
  // own size. Checks or writes the file header. Throws std::runtime_error naming the
  // file and the problem (start-up is a process edge).
  DeviceFile(std::string path, bool raw_device, uint64_t size, uint32_t block_size, uint32_t index,
             const std::string& ns_name);
  ~DeviceFile();
  DeviceFile(const DeviceFile&) = delete;
  DeviceFile& operator=(const DeviceFile&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  uint32_t n_blocks() const { return n_blocks_; }

  bool read(uint64_t offset, std::span<uint8_t> out) const;
  bool write(uint64_t offset, std::span<const uint8_t> data);
  bool sync();
  // Byte ranges that may hold data: a sparse file's never-written holes are left out
  // (the whole file where the filesystem cannot tell).
  std::vector<std::pair<uint64_t, uint64_t>> data_extents() const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint32_t n_blocks_ = 0;
};

}  // namespace asd::storage
