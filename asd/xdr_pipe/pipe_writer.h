#pragma once
// The asd end of the named pipe to xdr. Writes never wait for xdr: submit() only queues
// a digest frame (bounded), and one writer thread moves frames into the FIFO whenever xdr
// is there to read them. While xdr is absent or slow, frames accumulate; when the queue
// is full a frame is dropped and its namespace gets a *gap* (since = smallest LUT
// dropped), which xdr reads through info `xdr-gaps` and closes with a recovery scan.
// Nothing is silently lost: every frame is either written or covered by a gap.
//
// Threads: one writer thread (start/stop). submit() is thread-safe and O(1).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "proto/xdr_frame.h"

namespace asd {

class PipeWriter {
 public:
  PipeWriter(std::string path, size_t capacity);
  ~PipeWriter();

  void start();
  // Writes what it still can for up to ~1 s, then joins. Frames left are covered by gaps.
  void stop();

  void submit(const proto::XdrFrame& frame);

  // `ns=<ns>:since=<lut>;...` for every open gap.
  std::string gaps_value();
  // Clears the gap of `ns` when its since still equals `since` (a newer, earlier gap stays).
  bool ack_gap(const std::string& ns, uint64_t since);

  bool connected() const { return connected_; }
  size_t depth();
  uint64_t written() const { return written_; }
  uint64_t dropped() const { return dropped_; }

 private:
  void run();
  bool ensure_open();
  void record_gap_locked(const proto::XdrFrame& frame);

  std::string path_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<proto::XdrFrame> queue_;
  std::map<std::string, uint64_t> gaps_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;
  int fd_ = -1;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace asd
