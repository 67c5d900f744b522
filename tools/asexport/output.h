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
  // After a failed export: removes a partly written file, so nothing looks complete.
  void discard();
  const std::string& name() const { return name_; }
  uint64_t bytes_written() const { return written_; }

 private:
  Output(int fd, std::string path, std::string name) : fd_(fd), path_(std::move(path)), name_(std::move(name)) {}

  int fd_ = -1;
  std::string path_;  // empty for standard output
  std::string name_;
  uint64_t written_ = 0;
};

}  // namespace asexport
