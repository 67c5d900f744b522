// PipeReader: poll() + read() on the FIFO, frame resynchronisation, appends.

#include "logger/pipe_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "common/log.h"
#include "common/log_limit.h"
#include "logger/digest_log.h"
#include "proto/xdr_frame.h"

namespace logger {

namespace {

constexpr size_t kReadChunk = 64 * 1024;  // the Linux pipe buffer, so one read drains it

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
  throw std::runtime_error("xdr named pipe " + path + ": " + what + ": " + std::strerror(err));
}

}  // namespace

PipeReader::PipeReader(std::string path, DigestLog& log) : path_(std::move(path)), log_(log) {}

PipeReader::~PipeReader() { stop(); }

void PipeReader::start() {
  if (thread_.joinable()) return;
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    if (!S_ISFIFO(st.st_mode))
      throw std::runtime_error("xdr named pipe " + path_ + ": exists and is not a FIFO");
  } else if (errno != ENOENT) {
    fail(path_, "stat", errno);
  } else if (::mkfifo(path_.c_str(), 0600) != 0 && errno != EEXIST) {
    fail(path_, "mkfifo", errno);
  }
  fifo_fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo_fd_ < 0) fail(path_, "open for reading", errno);
  // Succeeds at once because a reader (us) exists.
  keepalive_fd_ = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (keepalive_fd_ < 0) {
    int err = errno;
    close_fds();
    fail(path_, "open keep-alive write end", err);
  }
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    int err = errno;
    close_fds();
    fail(path_, "eventfd", err);
  }
  common::logger("logger")->info("pipe reader started path={}", path_);
  thread_ = std::thread([this] { run(); });
}

void PipeReader::stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  close_fds();
  buf_.clear();
  common::logger("logger")->info("pipe reader stopped path={} frames={} garbage_bytes={}", path_,
                                 frames(), garbage_bytes());
}

void PipeReader::close_fds() {
  for (int* fd : {&fifo_fd_, &keepalive_fd_, &wake_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void PipeReader::run() {
  common::LimitedLog error_log{std::chrono::seconds(10)};
  pollfd fds[2] = {{fifo_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_log.error(common::logger("logger"), "pipe poll failed path={} err={}", path_, std::strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    size_t old = buf_.size();
    buf_.resize(old + kReadChunk);
    ssize_t r = ::read(fifo_fd_, buf_.data() + old, kReadChunk);
    buf_.resize(old + size_t(std::max<ssize_t>(r, 0)));
    if (r > 0) {
      consume();
    } else if (r < 0 && errno != EAGAIN && errno != EINTR) {
      error_log.error(common::logger("logger"), "pipe read failed path={} err={}", path_, std::strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

void PipeReader::consume() {
  uint64_t skipped = 0;
  batch_.clear();
  size_t pos = proto::scan_xdr_stream(buf_.data(), buf_.size(), &batch_, &skipped);
  auto marks = uint64_t(std::count_if(batch_.begin(), batch_.end(),
                                      [](const proto::XdrFrame& f) { return f.is_mark(); }));
  // One append per read: one lock and one pwrite for the ~455 frames a full pipe holds.
  if (!batch_.empty()) log_.append_batch(batch_);
  frames_.fetch_add(batch_.size(), std::memory_order_relaxed);
  marks_.fetch_add(marks, std::memory_order_relaxed);
  buf_.erase(buf_.begin(), buf_.begin() + long(pos));
  if (skipped > 0) {
    garbage_.fetch_add(skipped, std::memory_order_relaxed);
    static common::LimitedLog garbage_log{std::chrono::seconds(10)};
    garbage_log.warn(common::logger("logger"), "pipe garbage skipped path={} bytes={} total={}", path_, skipped,
                     garbage_bytes());
  }
}

}  // namespace logger
