#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace asexport {

common::Result<Output> Output::open(const std::string& path) {
  if (path == "-") return Output(STDOUT_FILENO, "", "standard output");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return common::Error{common::ResultCode::ServerError, "cannot create " + path + ": " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    // A device or a FIFO (/dev/null, a named pipe): written like standard output, never
    // synced or removed.
    Output out(fd, "", path);
    out.owns_fd_ = true;
    return out;
  }
  return Output(fd, path, path);
}

Output::Output(Output&& other) noexcept
    : fd_(other.fd_),
      owns_fd_(other.owns_fd_),
      path_(std::move(other.path_)),
      name_(std::move(other.name_)),
      written_(other.written_) {
  other.fd_ = -1;
}

Output::~Output() {
  if (fd_ >= 0 && (owns_fd_ || !path_.empty())) ::close(fd_);
}

common::Status Output::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = errno == EPIPE ? "its reader closed it" : std::strerror(errno);
      return {common::ResultCode::ServerError, "cannot write " + name_ + ": " + why};
    }
    bytes.remove_prefix(size_t(n));
    written_ += uint64_t(n);
  }
  return {};
}

common::Status Output::close() {
  if (fd_ >= 0 && owns_fd_) {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return {common::ResultCode::ServerError, "cannot write " + name_ + ": " + std::strerror(errno)};
    return {};
  }
  if (path_.empty() || fd_ < 0) return {};
  int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return {common::ResultCode::ServerError, "cannot write " + name_ + ": " + std::strerror(errno)};
  }
  return {};
}

void Output::discard() {
  if (path_.empty()) return;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::remove(path_.c_str());
}

}  // namespace asexport
