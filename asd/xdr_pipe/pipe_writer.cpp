#include "xdr_pipe/pipe_writer.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"

namespace asd {

namespace {
constexpr size_t kWriteBatch = 256;
}

PipeWriter::PipeWriter(std::string path, size_t capacity) : path_(std::move(path)), capacity_(capacity) {}

PipeWriter::~PipeWriter() { stop(); }

void PipeWriter::start() { thread_ = std::thread([this] { run(); }); }

void PipeWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    stop_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (const proto::XdrFrame& f : queue_) record_gap_locked(f);
  if (!queue_.empty()) {
    common::logger("xdr")->warn("pipe writer stopped with frames queued frames={} (covered by gaps)", queue_.size());
  }
  queue_.clear();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void PipeWriter::record_gap_locked(const proto::XdrFrame& frame) {
  auto [it, inserted] = gaps_.emplace(frame.ns, frame.lut);
  if (!inserted && frame.lut < it->second) it->second = frame.lut;
  dropped_.fetch_add(1, std::memory_order_relaxed);
}

void PipeWriter::submit(const proto::XdrFrame& frame) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_ || stopping_) {
      if (!gaps_.count(frame.ns)) {
        common::logger("xdr")->warn("pipe queue full, recording gap ns={} since={}", frame.ns, frame.lut);
      }
      record_gap_locked(frame);
      return;
    }
    queue_.push_back(frame);
  }
  cv_.notify_one();
}

std::string PipeWriter::gaps_value() {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [ns, since] : gaps_) out += "ns=" + ns + ":since=" + std::to_string(since) + ";";
  return out;
}

bool PipeWriter::ack_gap(const std::string& ns, uint64_t since) {
  std::lock_guard lock(mu_);
  auto it = gaps_.find(ns);
  if (it == gaps_.end() || it->second != since) return false;
  gaps_.erase(it);
  return true;
}

size_t PipeWriter::depth() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool PipeWriter::ensure_open() {
  if (fd_ >= 0) return true;
  // O_NONBLOCK: opening a FIFO for writing fails with ENXIO while no reader has it open,
  // instead of blocking until xdr appears.
  fd_ = open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) return false;
  connected_ = true;
  common::logger("xdr")->info("xdr pipe connected path={}", path_);
  return true;
}

void PipeWriter::run() {
  std::string buffer;
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_ || !queue_.empty(); });
    if (stopping_ && (queue_.empty() || std::chrono::steady_clock::now() > stop_deadline_)) return;
    if (queue_.empty()) continue;
    lock.unlock();
    bool open = ensure_open();
    lock.lock();
    if (!open) {
      if (stopping_) return;
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      lock.lock();
      continue;
    }
    size_t n = std::min(queue_.size(), kWriteBatch);
    buffer.resize(n * proto::kXdrFrameSize);
    for (size_t i = 0; i < n; ++i) {
      proto::encode_xdr_frame(queue_[i], reinterpret_cast<uint8_t*>(buffer.data()) + i * proto::kXdrFrameSize);
    }
    lock.unlock();
    // Frame-sized writes (< PIPE_BUF) are atomic: a frame is either in the pipe or not.
    size_t done = 0;
    bool broken = false;
    while (done < n) {
      ssize_t w = write(fd_, buffer.data() + done * proto::kXdrFrameSize, proto::kXdrFrameSize);
      if (w == ssize_t(proto::kXdrFrameSize)) {
        ++done;
        continue;
      }
      if (w < 0 && errno == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};
        poll(&p, 1, 100);
        break;  // let newer frames queue up meanwhile; retry from the queue
      }
      broken = true;  // EPIPE: xdr went away; reopen later
      break;
    }
    written_.fetch_add(done, std::memory_order_relaxed);
    lock.lock();
    queue_.erase(queue_.begin(), queue_.begin() + long(done));
    if (broken) {
      close(fd_);
      fd_ = -1;
      connected_ = false;
      common::logger("xdr")->warn("xdr pipe closed by reader path={} err={}", path_, std::strerror(errno));
    }
    if (stopping_ && (broken || fd_ < 0)) return;
  }
}

}  // namespace asd
