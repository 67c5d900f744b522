// POSIX FileIo: pread/pwrite loops that finish short transfers and retry EINTR.

#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace common {

namespace {

Status failed(const char* op, const std::string& path, uint64_t offset, int err) {
  Error e = file_error(op, path, offset, err);
  return {e.code, std::move(e.message)};
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  Result<size_t> pread(uint64_t offset, void* buf, size_t n) override {
    size_t done = 0;
    auto* p = static_cast<uint8_t*>(buf);
    while (done < n) {
      ssize_t r = ::pread(fd_, p + done, n - done, off_t(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return file_error("pread", path_, offset + done, errno);
      if (r == 0) break;  // end of file
      done += size_t(r);
    }
    return done;
  }

  Status pwrite(uint64_t offset, const void* buf, size_t n) override {
    size_t done = 0;
    const auto* p = static_cast<const uint8_t*>(buf);
    while (done < n) {
      ssize_t r = ::pwrite(fd_, p + done, n - done, off_t(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return failed("pwrite", path_, offset + done, errno);
      done += size_t(r);
    }
    return {};
  }

  Status sync() override {
    while (::fdatasync(fd_) != 0) {
      if (errno != EINTR) return failed("fdatasync", path_, 0, errno);
    }
    return {};
  }

  Result<uint64_t> size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return file_error("fstat", path_, 0, errno);
    if (!S_ISBLK(st.st_mode)) return uint64_t(st.st_size);
    off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) return file_error("lseek", path_, 0, errno);
    return uint64_t(end);
  }

  Status allocate(uint64_t size) override {
    if (Status st = truncate(size); !st.ok()) return st;
    // Reservation is best effort: tmpfs and some network file systems refuse it, and a
    // sparse file still works (it just may hit ENOSPC later).
    int err = ::posix_fallocate(fd_, 0, off_t(size));
    if (err != 0 && err != EOPNOTSUPP && err != EINVAL) return failed("posix_fallocate", path_, size, err);
    return {};
  }

  Status truncate(uint64_t size) override {
    if (::ftruncate(fd_, off_t(size)) != 0) return failed("ftruncate", path_, size, errno);
    return {};
  }

  std::vector<std::pair<uint64_t, uint64_t>> data_extents(uint64_t end) override {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    off_t at = 0;
    while (uint64_t(at) < end) {
      off_t data = ::lseek(fd_, at, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // only a hole is left
        return {{0, end}};          // no SEEK_DATA here: assume data everywhere
      }
      if (uint64_t(data) >= end) break;
      off_t hole = ::lseek(fd_, data, SEEK_HOLE);
      if (hole < 0) hole = off_t(end);
      out.emplace_back(uint64_t(data), std::min<uint64_t>(uint64_t(hole), end));
      at = hole;
    }
    return out;
  }

  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

class PosixFileIo final : public FileIo {
 public:
  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (mode == OpenMode::Create ? O_CREAT : 0), 0644);
    if (fd < 0) return file_error("open", path, 0, errno);
    return std::unique_ptr<File>(std::make_unique<PosixFile>(fd, path));
  }
};

}  // namespace

Error file_error(const char* op, const std::string& path, uint64_t offset, int err) {
  return {ResultCode::ServerError, std::string(op) + " failed path=" + path + " offset=" + std::to_string(offset) +
                                       " err=" + std::strerror(err)};
}

std::shared_ptr<FileIo> posix_file_io() {
  static auto io = std::make_shared<PosixFileIo>();
  return io;
}

}  // namespace common
