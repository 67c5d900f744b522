#pragma once
// Where asexport writes: a file (created or truncated) or standard output, with write
// errors that say what happened (a full disk, a reader that closed the pipe).

#include <string>
#include <string_view>

#include "common/result.h"

namespace asexport {

class Output {
 public:
  // "-" is standard output.
  static common::Result<Output> open(const std::string& path);
  Output(Output&& other) noexcept;
  Output& operator=(Output&&) = delete;
  ~Output();

  common::Status write(std::string_view bytes);
  // Flushes to the device (files only) and closes.
  common::Status close();
  // After a failed export: removes a partly written regular file, so nothing looks
  // complete (a device or FIFO named by -o is left alone).
  void discard();
  const std::string& name() const { return name_; }
  // A regular file (synced at close, removed by discard).
  bool is_file() const { return !path_.empty(); }
  uint64_t bytes_written() const { return written_; }

 private:
  Output(int fd, std::string path, std::string name) : fd_(fd), path_(std::move(path)), name_(std::move(name)) {}

  int fd_ = -1;
  bool owns_fd_ = false;  // a device or FIFO we opened: closed, not synced or removed
  std::string path_;      // the regular file written; empty for standard output and devices
  std::string name_;
  uint64_t written_ = 0;
};

}  // namespace asexport
