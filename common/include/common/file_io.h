#pragma once
// FileIo: the only way the digest log and the device storage engine touch their files, so
// tests can swap in a version that loses unsynced writes the way a power cut does
// (style.md "Tests"; RocksDB's FaultInjectionTestFS). The POSIX implementation is a thin
// veneer over pread/pwrite/fdatasync; every error carries the path, the offset and
// strerror(errno), formatted by file_error() so every implementation reads alike.
//
// Thread safety: a File may be used by several threads at once (pread/pwrite are
// positional, so there is no shared file offset to race on).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace common {

class File {
 public:
  virtual ~File() = default;
  // Reads up to `n` bytes at `offset`; fewer only at end of file. Blocks on disk.
  virtual Result<size_t> pread(uint64_t offset, void* buf, size_t n) = 0;
  // Writes all `n` bytes at `offset` into the page cache (no sync), or fails.
  virtual Status pwrite(uint64_t offset, const void* buf, size_t n) = 0;
  // fdatasync: every pwrite that returned before this call is durable when it returns.
  virtual Status sync() = 0;
  // A block device's size is its capacity (st_size says 0 there).
  virtual Result<uint64_t> size() = 0;
  // Sets the file to exactly `size` bytes and reserves the blocks (ftruncate +
  // posix_fallocate where the file system supports it), so a full disk shows at start-up
  // rather than as a failed append later. New bytes read as zeros.
  virtual Status allocate(uint64_t size) = 0;
  // Sets the file to exactly `size` bytes without reserving anything: new bytes are holes
  // that read as zeros, so data_extents() can leave them out of a scan.
  virtual Status truncate(uint64_t size) = 0;
  // Byte ranges [begin, end) below `end` that may hold data, in order: never-written holes
  // of a sparse file are left out; the whole range where the file system cannot tell.
  virtual std::vector<std::pair<uint64_t, uint64_t>> data_extents(uint64_t end) = 0;
  virtual const std::string& path() const = 0;
};

enum class OpenMode {
  Create,    // created empty (mode 0644) when missing
  Existing,  // must exist: a raw device is never created by accident as a file
};

class FileIo {
 public:
  virtual ~FileIo() = default;
  // Opens `path` read-write.
  virtual Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) = 0;
};

// The real thing. Shared, stateless, thread-safe.
std::shared_ptr<FileIo> posix_file_io();

// "<op> failed path=<path> offset=<offset> err=<strerror(err)>": the message of every
// FileIo error.
Error file_error(const char* op, const std::string& path, uint64_t offset, int err);

}  // namespace common
