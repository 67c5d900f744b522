#pragma once
// The log-structured device engine of one namespace (format.h has the bytes).
//
// Writes are copy-on-write: every new version of a record is appended to the current
// write block in memory; a full block is queued for the flusher thread, which writes it
// at its place in the file. The index then points at (block, offset, size); the bytes of
// the version it replaced stay in their old block, counted out of that block's live
// bytes. The defrag thread rewrites the live records of blocks that fell under
// defrag-lwm-pct into the current block and frees them, so space stays bounded under any
// overwrite pattern.
//
// Durability: `commit-to-device true` acknowledges a write once the flusher has written
// the bytes up to it and fdatasync'ed (group commit: one sync covers every write that
// arrived meanwhile). Otherwise the partly filled block is written and synced at least
// every flush-max-ms. A freed block's header is erased only after the copies that
// replaced its records are durable, so a crash at any point finds every record's latest
// copy on disk.
//
// Locking: callers hold the record's partition lock; this class takes its own mutex
// inside (partition lock, then storage mutex; never the other way round).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/record.h"
#include "common/digest.h"
#include "common/file_io.h"
#include "common/result_code.h"
#include "conf/config.h"
#include "storage/format.h"

namespace asd::storage {

class DeviceFile;

struct StorageStats {
  std::atomic<uint64_t> defrag_reads{0};         // blocks read by defrag
  std::atomic<uint64_t> defrag_bytes_written{0};  // bytes defrag rewrote
  std::atomic<uint64_t> defrag_records_moved{0};
  std::atomic<uint64_t> blocks_written{0};
  std::atomic<uint64_t> tombstones_dropped{0};
  std::atomic<uint64_t> read_errors{0};
  std::atomic<uint64_t> write_errors{0};
  std::atomic<uint64_t> cold_start_records{0};  // versions read from the device
  std::atomic<uint64_t> cold_start_bytes{0};
  std::atomic<uint64_t> cold_start_ms{0};
  std::atomic<uint64_t> cold_start_skipped{0};  // corrupt records and blocks
};

// Everything cold start and defrag see of one record copy on the device.
struct StoredRecord {
  RecordHeader header;
  RecordBody body;
  std::span<const uint8_t> bytes;  // the whole record, header included, unpadded
  StorageLoc loc;
  const DeviceFile* file = nullptr;
  uint64_t file_offset = 0;
};

class DeviceStorage {
 public:
  // Opens or creates the files through `io` (tests inject faults there). Throws
  // std::runtime_error with the file and the problem.
  DeviceStorage(std::string ns_name, const conf::DeviceStorage& cfg,
                const std::shared_ptr<common::FileIo>& io = common::posix_file_io());
  ~DeviceStorage();

  // Reads every block that may hold data with `workers` threads, calling `visit` for
  // each valid record copy of a block's current life, concurrently from the workers
  // (each call names its worker, 0..workers-1). Corrupt records and blocks are skipped
  // with a warning naming file and offset. Must run before start(), and be followed by
  // finish_cold_start().
  void cold_start(unsigned workers, const std::function<void(const StoredRecord&, unsigned worker)>& visit);
  // `live[block]`: bytes of that block's copies the index kept. Frees the blocks nothing
  // lives in and queues the sparse ones for defrag.
  void finish_cold_start(const std::vector<uint64_t>& live);
  uint32_t n_blocks() const { return n_data_blocks_; }
  // Starts the flusher and defrag threads. `relocate` is called by defrag for every copy
  // in a block being emptied: it must, under the record's partition lock, either move the
  // copy with move_record() if the index still points at it, or leave it (stale copy).
  void start(std::function<void(const StoredRecord&, uint64_t oldest_other_seq)> relocate);
  // Flushes and syncs everything, then joins the threads.
  void stop();

  void set_config(const conf::DeviceStorage& cfg);

  // Appends a new copy. Client writes fail with OutOfSpace when no block is free, and
  // with DeviceOverload when more than max-write-cache bytes wait for the flusher;
  // `reserve` writes (deletes) may use the last free blocks kept for defrag, and when
  // none is left they wait up to a second for defrag and the flusher to free one: on a
  // full device, defrag is how deletes get their room, and a delete must not fail while
  // it works.
  common::ResultCode write(const common::Digest& digest, const Record& r, std::string_view set_name, bool reserve,
                           StorageLoc* loc, uint64_t* commit_pos);
  // Defrag: appends an existing copy unchanged but for its block sequence.
  bool move_record(std::span<const uint8_t> bytes, StorageLoc* loc);
  // The index no longer refers to the copy at `loc`.
  void release(const StorageLoc& loc);
  // Loads the bins of the copy at `loc`; false (and a warning) when it cannot be read or
  // fails its checksum.
  bool read_bins(const StorageLoc& loc, const common::Digest& digest, std::vector<Bin>* bins);

  // Group commit: `done` runs (on the flusher thread, or at once) when every write up to
  // `pos` is on disk.
  void when_durable(uint64_t pos, std::function<void()> done);
  void wait_durable(uint64_t pos);

  // Sequence of the block (orders copies of one version during cold start).
  uint64_t block_seq(uint32_t block) const;
  bool commit_to_device() const { return commit_to_device_.load(std::memory_order_relaxed); }
  uint64_t total_bytes() const;
  uint64_t used_bytes() const { return used_bytes_.load(std::memory_order_relaxed); }
  // Free blocks as a percentage of all data blocks.
  uint32_t free_pct() const;
  // Free blocks plus emptied ones the flusher is about to free.
  uint32_t available_pct() const;
  size_t defrag_queue() const { return defrag_q_size_.load(std::memory_order_relaxed); }
  uint64_t defrag_writes() const;
  const std::string& first_path() const;
  StorageStats& stats() { return stats_; }

 private:
  enum class BlockState : uint8_t { Free, Current, Sealed, Used, Defrag, Freeing };
  struct Block {
    BlockState state = BlockState::Free;
    uint32_t live_bytes = 0;
    uint64_t seq = 0;
    uint64_t free_after = 0;  // Freeing: erase once this write position is durable
  };
  struct Sealed {
    uint32_t block;
    std::shared_ptr<std::string> data;
  };
  struct Waiter {
    uint64_t pos;
    std::function<void()> done;
  };

  size_t file_index(uint32_t block) const;
  DeviceFile& file_of(uint32_t block) const;
  uint64_t offset_of(uint32_t block) const;
  bool open_block();  // mu_ held
  void seal_current();
  // `reserve`: may take the reserved blocks; `wait_for_defrag`: also waits (up to a
  // second) while defrag has blocks to empty (deletes; not defrag itself).
  common::ResultCode append(std::span<const uint8_t> bytes, bool reserve, StorageLoc* loc, uint64_t* commit_pos,
                            bool wait_for_defrag = false);
  void flusher();
  void defragger();
  bool defrag_block(uint32_t block);  // false when live records could not move
  void queue_for_free(uint32_t block);  // mu_ held
  // A block in use whose live bytes changed: free it when empty, queue it for defrag
  // when under defrag-lwm-pct. mu_ held.
  void settle(uint32_t block);
  void scan_block(uint32_t block, std::span<const uint8_t> buf, const std::function<void(const StoredRecord&)>& visit,
                  bool cold);
  void cold_start_worker(unsigned worker, std::atomic<uint32_t>& next,
                         const std::vector<std::vector<std::pair<uint64_t, uint64_t>>>& extents,
                         const std::function<void(const StoredRecord&, unsigned)>& visit);
  void cold_start_run(unsigned worker, uint32_t first, uint32_t count, size_t file_index, std::vector<uint8_t>& buf,
                      const std::vector<std::vector<std::pair<uint64_t, uint64_t>>>& extents,
                      const std::function<void(const StoredRecord&, unsigned)>& visit);

  std::string ns_name_;
  std::vector<std::unique_ptr<DeviceFile>> files_;
  uint32_t block_size_;
  std::vector<uint32_t> first_block_;  // per file: its first global block number
  std::atomic<bool> commit_to_device_;
  std::atomic<uint32_t> flush_max_ms_;
  std::atomic<uint32_t> defrag_lwm_pct_;
  std::atomic<uint32_t> defrag_sleep_us_;
  std::atomic<uint64_t> max_write_cache_;

  mutable std::mutex mu_;
  std::condition_variable flusher_cv_;
  std::condition_variable durable_cv_;
  std::condition_variable defrag_cv_;
  std::vector<Block> blocks_;
  std::deque<uint32_t> free_list_;
  uint32_t n_data_blocks_ = 0;
  uint32_t current_ = StorageLoc::kNone;
  std::shared_ptr<std::string> current_data_;
  size_t current_flushed_ = 0;  // bytes of the current block already handed to the flusher
  std::vector<Sealed> sealed_;
  std::map<uint32_t, std::shared_ptr<std::string>> unwritten_;  // sealed, not yet on disk
  uint64_t unwritten_bytes_ = 0;
  std::vector<uint32_t> freeing_;
  uint64_t next_seq_ = 1;
  // More blocks than can be in flight at a crash (opened, header not yet durable).
  static constexpr uint64_t kSeqGapAfterColdStart = uint64_t(1) << 32;
  uint64_t append_pos_ = 0;   // bytes ever appended
  uint64_t durable_pos_ = 0;  // appended bytes known to be on disk
  uint64_t wanted_pos_ = 0;   // highest position someone waits for
  std::vector<Waiter> waiters_;
  std::deque<uint32_t> defrag_q_;
  bool defragging_ = false;  // mu_: the defragger holds a block taken off defrag_q_
  std::atomic<size_t> defrag_q_size_{0};
  std::atomic<uint64_t> used_bytes_{0};
  bool stopping_ = false;
  bool started_ = false;

  std::function<void(const StoredRecord&, uint64_t)> relocate_;
  std::thread flusher_thread_;
  std::thread defrag_thread_;
  StorageStats stats_;
};

}  // namespace asd::storage
