#pragma once
// PipeReader: the xdr end of asd's named pipe. Reads frames (proto/xdr_frame.h, version 2
// and the older version 1) and appends each good one, Marks included, to the digest log.
//
// - The FIFO is created (mode 0600) when missing. It is opened O_RDONLY|O_NONBLOCK, and
//   the reader also holds a write end of its own, so read() never sees EOF when asd
//   closes the pipe or restarts: the thread just waits in poll() for the next writer.
// - The good frames of one read() (up to 64 KiB, ~455 frames) go to the log in one
//   DigestLog::append_batch call: same entries, one lock and one pwrite.
// - Frames are assembled from a byte buffer, not assumed to arrive aligned: a position
//   where no valid frame starts costs one byte (counted in garbage_bytes) and the next
//   position is tried, so after any junk or half frame the reader locks back onto the
//   first good frame. Bad input never stops or crashes the thread.
// - stop() wakes poll() through an eventfd and joins.
//
// Threads: one reader thread between start() and stop(). Stats are atomics, readable
// from any thread. The DigestLog must outlive the reader.

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "proto/xdr_frame.h"

namespace logger {

class DigestLog;

class PipeReader {
 public:
  PipeReader(std::string path, DigestLog& log);
  ~PipeReader();  // stop()
  PipeReader(const PipeReader&) = delete;
  PipeReader& operator=(const PipeReader&) = delete;

  // Creates the FIFO if missing and starts the reader thread. Throws std::runtime_error
  // (startup edge) when the path exists and is not a FIFO, or cannot be created or opened.
  void start();
  // Wakes and joins the reader thread; idempotent. Bytes of an incomplete frame still in
  // the buffer are dropped (asd writes whole frames, so only a broken writer leaves any).
  void stop();
  uint64_t frames() const { return frames_.load(std::memory_order_relaxed); }
  uint64_t garbage_bytes() const { return garbage_.load(std::memory_order_relaxed); }
  uint64_t marks() const { return marks_.load(std::memory_order_relaxed); }
  const std::string& path() const { return path_; }

 private:
  void run();
  void consume();  // decodes whole frames out of buf_, appends them, keeps the remainder
  void close_fds();

  const std::string path_;
  DigestLog& log_;
  int fifo_fd_ = -1;       // read end
  int keepalive_fd_ = -1;  // our own write end: no EOF between asd's opens
  int wake_fd_ = -1;       // eventfd, written by stop()
  std::thread thread_;
  std::vector<uint8_t> buf_;
  std::vector<proto::XdrFrame> batch_;  // frames decoded from one read, appended at once
  std::atomic<uint64_t> frames_{0};
  std::atomic<uint64_t> garbage_{0};
  std::atomic<uint64_t> marks_{0};
};

}  // namespace logger
