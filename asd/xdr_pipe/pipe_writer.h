#pragma once
// The asd end of the named pipe to xdr. Writes never wait for xdr: submit() writes a
// digest frame straight into the FIFO when nothing is queued ahead of it, no frame came
// just before it and the pipe has room (one non-blocking, atomic write), else queues it
// (bounded), and one writer thread moves queued frames into the FIFO, in batches,
// whenever xdr is there to read them. While xdr is absent or slow, frames accumulate; when the queue
// is full a frame is dropped and its namespace gets a *gap* (since = smallest LUT
// dropped), which xdr reads through info `xdr-gaps` and closes with a recovery scan.
// Nothing is silently lost: every frame is either written or covered by a gap.
//
// Gaps survive an asd restart: with a gap file (in the work directory, see gap_store.h)
// the writer stores its gaps, plus for each namespace a "pending since" LUT below which
// every frame has been written, at most every persist interval. A kill -9 loses the
// queued frames, so the next start turns the stored pending LUTs into gaps as well.
//
// While xdr reads, the writer also queues a Mark (proto/xdr_frame.h) behind the frames
// every mark interval (less often when idle): xdr learns from it how far in asd's time
// it has read.
//
// Threads: one writer thread (start/stop). submit() is thread-safe and O(1).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "proto/xdr_frame.h"

namespace asd {

class GapStore;

struct PipeWriterOptions {
  size_t capacity = 100000;            // frames queued before gaps are recorded
  std::string gap_file;                // empty: gaps live in memory only (tests)
  std::vector<std::string> namespaces; // XDR namespaces: a damaged gap file means gaps since 0
  uint32_t mark_interval_ms = 250;     // Marks while frames flow
  uint32_t idle_mark_interval_ms = 2000;
  uint32_t persist_interval_ms = 1000;
};

// A frame's LUT is stamped a moment before it is queued; a "pending since" stored at
// time T is T minus this, so frames stamped just before T and queued after are covered.
inline constexpr uint64_t kStampSlackMs = 1000;

class PipeWriter {
 public:
  PipeWriter(std::string path, PipeWriterOptions options);
  ~PipeWriter();

  // Loads the gap file: its gaps, and its pending LUTs as gaps (the frames they covered
  // died with the previous process), then stores the result. A damaged file is reported
  // and replaced by gaps since 0 for every XDR namespace. Throws std::runtime_error
  // (startup edge) when the file cannot be written.
  void restore();
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
  uint64_t marks() const { return marks_; }

 private:
  void run();
  // Opens the FIFO (lock released meanwhile) unless open; false while xdr is absent.
  bool ensure_open(std::unique_lock<std::mutex>& lock);
  void record_gap_locked(const proto::XdrFrame& frame);
  void maybe_mark_locked(uint64_t now_ms);
  void maybe_persist(std::unique_lock<std::mutex>& lock, uint64_t now_ms, bool force);
  bool write_some(std::unique_lock<std::mutex>& lock, std::string& buffer);

  std::string path_;
  PipeWriterOptions options_;
  std::unique_ptr<GapStore> store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<proto::XdrFrame> queue_;
  std::map<std::string, uint64_t> gaps_;
  std::set<std::string> seen_;      // namespaces that had frames (pending LUTs kept for them)
  bool gaps_dirty_ = false;
  uint64_t submitted_since_persist_ = 0;
  uint64_t submitted_since_mark_ = 0;
  std::chrono::steady_clock::time_point last_submit_{};
  uint64_t next_persist_ms_ = 0;
  uint64_t next_mark_ms_ = 0;
  uint64_t last_persist_warn_ms_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stop_deadline_;
  int fd_ = -1;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> marks_{0};
  std::thread thread_;
};

}  // namespace asd
