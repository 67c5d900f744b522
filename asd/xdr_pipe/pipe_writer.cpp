#include "xdr_pipe/pipe_writer.h"

#include <fcntl.h>
#include <climits>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/clock.h"
#include "common/log.h"
#include "xdr_pipe/gap_store.h"

namespace asd {

namespace {

constexpr size_t kWriteBatch = 256;
// Frames closer together than this go through the queue (see submit()).
constexpr auto kDirectWriteGap = std::chrono::microseconds(50);

std::shared_ptr<spdlog::logger> xdr_log() { return common::logger("xdr"); }

void merge_gap(std::map<std::string, uint64_t>& gaps, const std::string& ns, uint64_t since) {
  auto [it, inserted] = gaps.emplace(ns, since);
  if (!inserted && since < it->second) it->second = since;
}

}  // namespace

PipeWriter::PipeWriter(std::string path, PipeWriterOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  if (!options_.gap_file.empty()) store_ = std::make_unique<GapStore>(options_.gap_file);
}

PipeWriter::~PipeWriter() { stop(); }

void PipeWriter::restore() {
  if (!store_) return;
  auto loaded = store_->load();
  std::lock_guard lock(mu_);
  if (!loaded) {
    xdr_log()->error("xdr gap file unreadable, recovering everything: {} action=gap since 0 for {} namespaces",
                     loaded.error().message, options_.namespaces.size());
    for (const std::string& ns : options_.namespaces) merge_gap(gaps_, ns, 0);
  } else {
    for (const auto& [ns, since] : loaded->gaps) merge_gap(gaps_, ns, since);
    for (const auto& [ns, since] : loaded->pending) {
      // Frames the previous process had queued or was about to queue died with it.
      merge_gap(gaps_, ns, since);
      xdr_log()->warn("xdr pipe frames of the previous run may be lost ns={} since={} action=gap", ns, since);
    }
  }
  GapState state;
  state.gaps = gaps_;
  common::Status saved = store_->save(state);
  if (!saved.ok()) throw std::runtime_error("xdr gap file: " + saved.message());
  if (!gaps_.empty()) xdr_log()->info("xdr gaps restored count={} file={}", gaps_.size(), store_->path());
}

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
  std::unique_lock lock(mu_);
  size_t left = 0;
  for (const proto::XdrFrame& f : queue_) {
    if (f.is_mark()) continue;
    record_gap_locked(f);
    ++left;
  }
  if (left > 0) xdr_log()->warn("pipe writer stopped with frames queued frames={} (covered by gaps)", left);
  queue_.clear();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  // Nothing is pending any more: what was queued is a gap now.
  seen_.clear();
  maybe_persist(lock, common::now_cl_ms(), true);
}

void PipeWriter::record_gap_locked(const proto::XdrFrame& frame) {
  merge_gap(gaps_, frame.ns, frame.lut);
  gaps_dirty_ = true;
  dropped_.fetch_add(1, std::memory_order_relaxed);
}

void PipeWriter::submit(const proto::XdrFrame& frame) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.capacity || stopping_) {
      if (!gaps_.count(frame.ns)) xdr_log()->warn("pipe queue full, recording gap ns={} since={}", frame.ns, frame.lut);
      record_gap_locked(frame);
      return;
    }
    ++submitted_since_persist_;
    ++submitted_since_mark_;
    if (seen_.insert(frame.ns).second) gaps_dirty_ = true;  // its pending LUT must be on disk now
    // A frame with nothing queued ahead of it (the writer thread's frames stay queued
    // until written), xdr reading, and no other frame just before it: straight into the
    // FIFO, which saves the writer thread's wake-up on the record's way to the remote
    // DC. Frames in quick succession queue instead, so the writer thread moves them in
    // batches and xdr wakes once per batch, not per frame. One frame is one atomic
    // write; when the pipe is full or broken the frame queues and the writer thread
    // deals with it.
    const auto now = std::chrono::steady_clock::now();
    const bool spaced = now - last_submit_ >= kDirectWriteGap;
    last_submit_ = now;
    if (spaced && queue_.empty() && fd_ >= 0) {
      uint8_t bytes[proto::kXdrFrameSize];
      proto::encode_xdr_frame(frame, bytes);
      if (write(fd_, bytes, sizeof bytes) == ssize_t(sizeof bytes)) {
        written_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
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
  gaps_dirty_ = true;
  return true;
}

size_t PipeWriter::depth() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool PipeWriter::ensure_open(std::unique_lock<std::mutex>& lock) {
  if (fd_ >= 0) return true;
  lock.unlock();
  // O_NONBLOCK: opening a FIFO for writing fails with ENXIO while no reader has it open,
  // instead of blocking until xdr appears.
  int fd = open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  lock.lock();
  if (fd < 0) return false;
  fd_ = fd;  // under mu_: submit() writes to it directly
  connected_ = true;
  xdr_log()->info("xdr pipe connected path={}", path_);
  return true;
}

void PipeWriter::maybe_mark_locked(uint64_t now_ms) {
  // Only while xdr reads: Marks queued for an absent reader would only fill the queue.
  if (fd_ < 0 || now_ms < next_mark_ms_ || queue_.size() >= options_.capacity) return;
  queue_.push_back(proto::make_mark(common::now_cl_ms()));
  marks_.fetch_add(1, std::memory_order_relaxed);
  uint32_t interval = submitted_since_mark_ > 0 ? options_.mark_interval_ms : options_.idle_mark_interval_ms;
  submitted_since_mark_ = 0;
  next_mark_ms_ = now_ms + interval;
}

void PipeWriter::maybe_persist(std::unique_lock<std::mutex>& lock, uint64_t now_ms, bool force) {
  if (!store_) return;
  uint64_t steady = common::steady_ms();
  if (!force && steady < next_persist_ms_) return;
  // Rewritten while frames flow (the pending LUTs move on) or the gaps changed, and once
  // more after the traffic stops, so a restart after a quiet spell scans little.
  if (!force && !gaps_dirty_ && submitted_since_persist_ == 0) return;
  next_persist_ms_ = steady + options_.persist_interval_ms;
  GapState state;
  state.gaps = gaps_;
  uint64_t floor = now_ms > kStampSlackMs ? now_ms - kStampSlackMs : 0;
  for (const std::string& ns : seen_) state.pending[ns] = floor;
  for (const proto::XdrFrame& f : queue_) {
    if (f.is_mark()) continue;
    auto it = state.pending.find(f.ns);
    if (it != state.pending.end() && f.lut < it->second) it->second = f.lut;
  }
  gaps_dirty_ = false;
  submitted_since_persist_ = 0;
  lock.unlock();
  common::Status saved = store_->save(state);
  lock.lock();
  if (!saved.ok()) {
    gaps_dirty_ = true;  // try again at the next interval
    if (last_persist_warn_ms_ == 0 || steady >= last_persist_warn_ms_ + 10000) {
      last_persist_warn_ms_ = steady;
      xdr_log()->error("xdr gap file not written: {}", saved.message());
    }
  }
}

// Writes up to one batch from the queue; false when the pipe broke (xdr went away).
bool PipeWriter::write_some(std::unique_lock<std::mutex>& lock, std::string& buffer) {
  size_t n = std::min(queue_.size(), kWriteBatch);
  buffer.resize(n * proto::kXdrFrameSize);
  for (size_t i = 0; i < n; ++i) {
    proto::encode_xdr_frame(queue_[i], reinterpret_cast<uint8_t*>(buffer.data()) + i * proto::kXdrFrameSize);
  }
  lock.unlock();
  // Writes of at most PIPE_BUF bytes are atomic, also non-blocking ones (all or EAGAIN):
  // whole frames, as many as fit, are either in the pipe or not.
  constexpr size_t kFramesPerWrite = PIPE_BUF / proto::kXdrFrameSize;
  size_t done = 0;
  bool broken = false;
  while (done < n) {
    size_t frames = std::min(n - done, kFramesPerWrite);
    ssize_t w = write(fd_, buffer.data() + done * proto::kXdrFrameSize, frames * proto::kXdrFrameSize);
    if (w == ssize_t(frames * proto::kXdrFrameSize)) {
      done += frames;
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
    int err = errno;
    close(fd_);
    fd_ = -1;
    connected_ = false;
    xdr_log()->warn("xdr pipe closed by reader path={} err={}", path_, std::strerror(err));
  }
  return !broken;
}

void PipeWriter::run() {
  std::string buffer;
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_ || !queue_.empty(); });
    if (stopping_ && (queue_.empty() || std::chrono::steady_clock::now() > stop_deadline_)) return;
    maybe_persist(lock, common::now_cl_ms(), false);
    maybe_mark_locked(common::steady_ms());
    if (queue_.empty()) continue;
    bool open = ensure_open(lock);
    if (!open) {
      if (stopping_) return;
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      lock.lock();
      continue;
    }
    bool ok = write_some(lock, buffer);
    if (stopping_ && (!ok || fd_ < 0)) return;
  }
}

}  // namespace asd
