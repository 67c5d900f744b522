#pragma once
// The digest log: xdr's durable queue of pipe frames, one file, shared by every DC.
//
// Overview
//   asd announces each write by a 144-byte frame on a named pipe (proto/xdr_frame.h), on
//   the master and on every replica copy, and queues a Mark behind its frames every few
//   hundred ms; PipeReader appends each frame and Mark here; one shipper per DC reads from
//   its own cursor and commits it as records reach the remote DC. The log owns: the file, the ring of
//   entries, the per-DC cursors, and the lost windows (ranges a DC can no longer ship
//   from the log and must recover by a LUT scan; failover/ runs those).
//
// Design choices
//   - One preallocated file of the configured size, a ring of fixed-size entries:
//     entry seq N lives in slot N % capacity. Space is reserved at start-up, so a full
//     disk shows then, never as a failed append at 3 a.m.
//   - append() never waits for the disk: it pwrite()s into the page cache under a mutex.
//     A flusher thread makes entries durable and writes the header every <= 100 ms
//     (fdatasync entries, then write the header, then fdatasync again), so the header
//     never names entries that are not on disk. flush() does the same immediately.
//   - The header exists twice and the copies alternate; open() takes the valid copy
//     with the highest generation, so a torn header write never loses cursors.
//   - Entries written after the last header write are found again at open() by scanning
//     forward from the header's head while checksums are good and seqs consecutive; the
//     first bad entry is the torn tail and is cut.
//   - When full the oldest entry is overwritten. A DC that had not shipped it gets a
//     LostWindow for its namespace (since = smallest LUT lost), `overwritten` + 1 and its
//     cursor moved to the new tail; a caught-up DC loses nothing.
//   - Marks are entries too: they order the log in asd's time, so a reader knows how far
//     in LUT it has read (the shipper's frontier), and a takeover can find where the
//     entries of a time window start (find_mark_before). A Mark has no namespace: its
//     overwrite loses nothing.
//   - Every file access goes through FileIo, so tests can simulate power loss.
//
// Threads: one flusher thread, joined by the destructor (which flushes a last time).
// Every public method is thread-safe.
//
// File format (all integers big-endian). Header copy A at 0, copy B at 16384, entries at
// 32768. capacity = (file size - 32768) / 156.
//
//   Header copy (16384 bytes)
//   off    size  field
//   0      8     magic "ASXDRLOG"
//   8      2     format version (2)
//   10     2     entry size (156)
//   12     4     header copy size (16384)
//   16     8     file size (the configured size; a different one means "resized")
//   24     8     capacity, entries
//   32     8     generation: +1 per header write; the valid copy with the highest wins
//   40     8     log id: random per file incarnation, seeds every entry CRC
//   48     8     head seq (next seq to write, as of this header write)
//   56     8     tail seq (oldest seq in the log)
//   64     1     DC count (<= 32)
//   65     1     namespace count (<= 32)
//   66     62    reserved, zero
//   128    2048  DC table, 32 rows of 64 bytes:
//                  0 1 name length | 1 31 name, zero padded | 32 8 cursor seq |
//                  40 8 overwritten count | 48 16 reserved
//   2176   1024  namespace table, 32 rows of 32 bytes: 0 1 length | 1 31 name
//   3200   8192  pending lost windows: since LUT [dc row][namespace row], 8 bytes each,
//                0xFFFFFFFFFFFFFFFF = none (one cell per pair: merging keeps the minimum)
//   11392  4988  zero
//   16380  4     CRC-32 (zlib) of bytes 0..16379
//
//   Entry (156 bytes) at 32768 + (seq % capacity) * 156
//   off    size  field
//   0      8     seq
//   8      144   pipe frame, exactly as proto::encode_xdr_frame wrote it (version 2)
//   152    4     CRC-32 (zlib) of the log id (8 bytes) then bytes 0..151
//
// Changing the size in the config starts a fresh log (the old entries cannot be
// re-slotted cheaply): every configured DC the old header knew gets a LostWindow since 0 ("all")
// for every namespace the old log had seen, so recovery scans re-ship what was pending.
// A version 1 log (136-byte frames) is replaced the same way.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/file_io.h"
#include "proto/xdr_frame.h"

namespace logger {

namespace detail {
struct HeaderState;
}

struct Entry {
  uint64_t seq;
  proto::XdrFrame frame;
};

// A range a DC cannot ship from the log: records of `ns` with LUT >= since_lut must be
// found by a recovery scan. since_lut 0 means the whole namespace.
struct LostWindow {
  std::string ns;
  uint64_t since_lut;
  // Bumped whenever the window is widened or re-added (an overwrite or a request while a
  // scan of it runs). ack_lost_window clears only the revision a scan started from, so a
  // loss that happened during the scan is scanned again. In memory only.
  uint64_t revision = 0;
  bool operator==(const LostWindow& o) const { return ns == o.ns && since_lut == o.since_lut; }
};

class DigestLog {
 public:
  // Opens PATH, creating and preallocating `size` bytes, or recovering an existing log.
  // `dcs` keep cursors: new DCs start at the head, removed ones are dropped. Throws
  // std::runtime_error (startup edge) on I/O failure, a file that is not a digest log,
  // an unsupported version, a file whose length disagrees with its own header, more
  // than 32 DCs or a DC name longer than 31 bytes.
  static std::unique_ptr<DigestLog> open(const std::string& path, uint64_t size,
                                         const std::vector<std::string>& dcs);
  // The same through an injected FileIo (tests: power-loss simulation).
  static std::unique_ptr<DigestLog> open(const std::string& path, uint64_t size,
                                         const std::vector<std::string>& dcs,
                                         std::shared_ptr<common::FileIo> io);
  ~DigestLog();  // stops the flusher and flushes
  DigestLog(const DigestLog&) = delete;
  DigestLog& operator=(const DigestLog&) = delete;

  // Appends one entry; returns its seq. `frame` must encode and decode (ns 1..31 bytes,
  // as every frame from decode_xdr_frame does); one that does not is stored but read()
  // skips it. Never waits for a disk sync (one pwrite into
  // the page cache under the log mutex; when full, plus one pread of the victim if some
  // DC had not shipped it). An I/O error is logged and the entry becomes a LostWindow
  // for every DC, so nothing is lost silently.
  uint64_t append(const proto::XdrFrame& frame);
  // Appends `frames` in order with consecutive seqs; returns the first one (head() when
  // empty). Exactly as many append() calls, entry for entry (overwrites, lost windows,
  // durability), but encoded into one buffer and written with one pwrite per ring lap
  // under one lock: the pipe reader's path, one call per pipe read.
  uint64_t append_batch(std::span<const proto::XdrFrame> frames);
  // Up to `max` entries with seq >= from (clamped to the tail), in seq order. Seqs can
  // skip: an entry damaged on disk is left out (with a warning). Reads outside the log
  // mutex, so appends are not held up by readers.
  std::vector<Entry> read(uint64_t from, size_t max) const;
  uint64_t head() const;  // next seq to be written
  // Waits until an entry with seq >= `seq` was appended (head() > seq), at most
  // timeout_ms. True when there is one. Readers wait here instead of polling.
  bool wait_for_entry(uint64_t seq, uint32_t timeout_ms) const;
  uint64_t tail() const;  // oldest seq still in the log
  // Next seq DC must ship (everything below is done). Unknown DC: head().
  uint64_t cursor(const std::string& dc) const;
  // Advances (never moves back, never past head) and persists the cursor with the next
  // header write (<= 100 ms). Unknown DC: ignored with a warning.
  void commit_cursor(const std::string& dc, uint64_t seq);
  // Returns and clears the DC's pending windows (one per namespace).
  std::vector<LostWindow> take_lost_windows(const std::string& dc);
  // Returns without clearing; with ack_lost_window, lets failover keep a window pending
  // until its recovery scan has completed (so a crash mid-scan repeats the scan).
  std::vector<LostWindow> lost_windows(const std::string& dc) const;
  // Clears the window of w.ns only if its since is still w.since_lut (a window merged
  // to an earlier since in the meantime stays pending).
  // Clears the window only when its since and revision are still those of `w`.
  void ack_lost_window(const std::string& dc, const LostWindow& w);
  // Pending recovery requests survive restarts (stored in the header area). Windows of
  // one namespace merge, keeping the smaller since.
  void add_lost_window(const std::string& dc, const LostWindow& w);
  uint64_t capacity_entries() const;
  // The newest Mark appended since open (seq, asd's LUT); nullopt before the first.
  struct MarkPos {
    uint64_t seq = 0;
    uint64_t lut = 0;
  };
  std::optional<MarkPos> latest_mark() const;
  // The newest Mark still in the log whose LUT is <= lut, searching back from the head
  // (reads the log backwards in chunks; costs a pass over the entries since that Mark).
  // nullopt when no such Mark is left: the log cannot prove it holds every frame since.
  std::optional<MarkPos> find_mark_before(uint64_t lut) const;
  double used_pct(const std::string& dc) const;        // (head - cursor) / capacity * 100
  uint64_t overwritten(const std::string& dc) const;   // entries a DC lost to overwrite
  std::vector<std::string> dcs() const;
  void flush();  // makes everything appended or committed so far durable; blocks
  const std::string& path() const { return path_; }

 private:
  DigestLog(std::string path, std::unique_ptr<common::File> file,
            std::unique_ptr<detail::HeaderState> state, int good_header_slot);
  void append_chunk_locked(std::span<const proto::XdrFrame> frames);  // <= capacity_
  void overwrite_oldest_locked();
  void note_namespace_locked(const std::string& ns);
  void flusher_loop();
  common::Status write_header();  // sync entries, write the other header copy, sync

  const std::string path_;
  const std::unique_ptr<common::File> file_;
  uint64_t capacity_;  // fixed after open
  uint64_t log_id_;    // fixed after open

  mutable std::mutex mu_;  // guards state_, dirty_, stop_, latest_mark_, append_buf_, last_ns_
  mutable std::condition_variable appended_;  // head moved
  std::unique_ptr<detail::HeaderState> state_;
  bool dirty_ = false;  // appended or changed since the last header write
  std::optional<MarkPos> latest_mark_;
  std::vector<uint8_t> append_buf_;  // encoded entries of the chunk being appended
  std::string last_ns_;              // namespace of the last frame noted
  bool stop_ = false;
  std::condition_variable wake_;

  std::mutex flush_mu_;  // one flush at a time; guards good_header_slot_
  int good_header_slot_;  // the copy last written successfully; the next goes to the other
  std::thread flusher_;
};

}  // namespace logger
