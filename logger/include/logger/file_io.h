#pragma once
// FileIo: the only way the digest log touches its file, so tests can swap in a version
// that loses unsynced writes the way a power cut does (style.md "Tests"; RocksDB's
// FaultInjectionTestFS). The POSIX implementation is a thin veneer over pread/pwrite/
// fdatasync; every error carries the path, the offset and strerror(errno).
//
// Thread safety: a File may be used by several threads at once (pread/pwrite are
// positional, so there is no shared file offset to race on).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

namespace logger {

class File {
 public:
  virtual ~File() = default;
  // Reads up to `n` bytes at `offset`; fewer only at end of file. Blocks on disk.
  virtual common::Result<size_t> pread(uint64_t offset, void* buf, size_t n) = 0;
  // Writes all `n` bytes at `offset` into the page cache (no sync), or fails.
  virtual common::Status pwrite(uint64_t offset, const void* buf, size_t n) = 0;
  // fdatasync: every pwrite that returned before this call is durable when it returns.
  virtual common::Status sync() = 0;
  virtual common::Result<uint64_t> size() = 0;
  // Sets the file to exactly `size` bytes and reserves the blocks (ftruncate +
  // posix_fallocate where the file system supports it), so a full disk shows at start-up
  // rather than as a failed append later. New bytes read as zeros.
  virtual common::Status allocate(uint64_t size) = 0;
  virtual const std::string& path() const = 0;
};

class FileIo {
 public:
  virtual ~FileIo() = default;
  // Opens `path` read-write, creating it (mode 0644, empty) when missing.
  virtual common::Result<std::unique_ptr<File>> open(const std::string& path) = 0;
};

// The real thing. Shared, stateless, thread-safe.
std::shared_ptr<FileIo> posix_file_io();

}  // namespace logger
