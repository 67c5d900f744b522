// POSIX FileIo: pread/pwrite loops that finish short transfers and retry EINTR.

#include "logger/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace logger {

namespace {

common::Error io_error(const char* op, const std::string& path, uint64_t offset, int err) {
  return {common::ResultCode::ServerError,
          std::string(op) + " failed path=" + path + " offset=" + std::to_string(offset) +
              " err=" + std::strerror(err)};
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  common::Result<size_t> pread(uint64_t offset, void* buf, size_t n) override {
    size_t done = 0;
    auto* p = static_cast<uint8_t*>(buf);
    while (done < n) {
      ssize_t r = ::pread(fd_, p + done, n - done, off_t(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return io_error("pread", path_, offset + done, errno);
      if (r == 0) break;  // end of file
      done += size_t(r);
    }
    return done;
  }

  common::Status pwrite(uint64_t offset, const void* buf, size_t n) override {
    size_t done = 0;
    const auto* p = static_cast<const uint8_t*>(buf);
    while (done < n) {
      ssize_t r = ::pwrite(fd_, p + done, n - done, off_t(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        auto e = io_error("pwrite", path_, offset + done, errno);
        return {e.code, e.message};
      }
      done += size_t(r);
    }
    return {};
  }

  common::Status sync() override {
    if (::fdatasync(fd_) != 0) {
      auto e = io_error("fdatasync", path_, 0, errno);
      return {e.code, e.message};
    }
    return {};
  }

  common::Result<uint64_t> size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return io_error("fstat", path_, 0, errno);
    return uint64_t(st.st_size);
  }

  common::Status allocate(uint64_t size) override {
    if (::ftruncate(fd_, off_t(size)) != 0) {
      auto e = io_error("ftruncate", path_, size, errno);
      return {e.code, e.message};
    }
    // Reservation is best effort: tmpfs and some network file systems refuse it, and a
    // sparse file still works (it just may hit ENOSPC later).
    int err = ::posix_fallocate(fd_, 0, off_t(size));
    if (err != 0 && err != EOPNOTSUPP && err != EINVAL) {
      auto e = io_error("posix_fallocate", path_, size, err);
      return {e.code, e.message};
    }
    return {};
  }

  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

class PosixFileIo final : public FileIo {
 public:
  common::Result<std::unique_ptr<File>> open(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("open", path, 0, errno);
    return std::unique_ptr<File>(std::make_unique<PosixFile>(fd, path));
  }
};

}  // namespace

std::shared_ptr<FileIo> posix_file_io() {
  static auto io = std::make_shared<PosixFileIo>();
  return io;
}

}  // namespace logger
