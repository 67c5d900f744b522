#pragma once
// Runtime state of one namespace: its 4096 partitions, set registry, counters and the
// (dynamically changeable) configuration. Thread-safe: partitions carry their own locks,
// the set registry has one, counters are atomics.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/digest.h"
#include "common/result_code.h"
#include "conf/config.h"
#include "index/partition.h"
#include "index/sindex.h"

namespace asd {

class PipeWriter;
namespace storage {
class DeviceStorage;
}

// How a namespace takes part in XDR (from the namespace's and the xdr stanza's config).
struct XdrPolicy {
  bool ship = false;              // announce writes to xdr
  bool ship_deletes = true;       // xdr-delete-shipping-enabled
  bool ship_nsup_deletes = false; // xdr-nsup-deletes-enabled
  bool forward = false;           // forward-xdr-writes or ns-forward-xdr-writes
  uint8_t local_src_id = 0;       // this DC's src-id: origin of local client writes
  uint64_t node_id = 0;           // this node: the master id of what it announces as master
  PipeWriter* pipe = nullptr;
};

struct SetStats {
  std::string name;
  std::atomic<int64_t> objects{0};
  std::atomic<int64_t> memory_bytes{0};
  std::atomic<uint64_t> truncate_lut{0};  // records of this set at or below this LUT are gone
};

struct NamespaceStats {
  std::atomic<int64_t> objects{0};
  std::atomic<int64_t> tombstones{0};
  std::atomic<int64_t> memory_used_bytes{0};
  std::atomic<uint64_t> expired_objects{0};
  std::atomic<uint64_t> evicted_objects{0};
  std::atomic<uint64_t> truncated_records{0};
  std::atomic<uint64_t> client_read_success{0};
  std::atomic<uint64_t> client_read_not_found{0};
  std::atomic<uint64_t> client_read_error{0};
  std::atomic<uint64_t> client_write_success{0};
  std::atomic<uint64_t> client_write_error{0};
  std::atomic<uint64_t> client_delete_success{0};
  std::atomic<uint64_t> client_delete_not_found{0};
  std::atomic<uint64_t> client_delete_error{0};
  std::atomic<uint64_t> client_udf_complete{0};
  std::atomic<uint64_t> client_udf_error{0};
  std::atomic<uint64_t> client_unavailable{0};  // a partition this node does not serve
  // Records a filter expression (field 43) turned away, by transaction kind.
  std::atomic<uint64_t> client_read_filtered_out{0};
  std::atomic<uint64_t> client_write_filtered_out{0};
  std::atomic<uint64_t> client_delete_filtered_out{0};
  std::atomic<uint64_t> client_udf_filtered_out{0};
  std::atomic<uint64_t> batch_sub_read_success{0};
  std::atomic<uint64_t> batch_sub_read_not_found{0};
  std::atomic<uint64_t> scan_basic_complete{0};
  std::atomic<uint64_t> stop_writes_count{0};
  std::atomic<uint64_t> fail_record_too_big{0};
  std::atomic<uint64_t> fail_generation{0};
  std::atomic<uint64_t> fail_key_busy{0};
  std::atomic<uint64_t> nsup_cycle_ms{0};
  std::atomic<uint64_t> xdr_frames_queued{0};
  std::atomic<uint64_t> xdr_write_success{0};
  std::atomic<uint64_t> xdr_lost_conflict{0};
  std::atomic<uint64_t> xdr_forbidden{0};
};

// Cold start: the record copies one worker read from the device, before the index is
// built from the newest of each.
struct CopyData {
  uint32_t void_time = 0;
  uint8_t origin_src_id = 0;
  bool tombstone = false;
  uint16_t set_id = 0;
  StorageLoc loc;
  std::string key;
  std::vector<Bin> bins;  // data-in-memory only
};
struct Copy {
  common::Digest digest;
  uint64_t lut = 0;
  uint64_t seq = 0;  // of the block holding the copy
  uint16_t generation = 0;
  uint32_t data = 0;  // index into the worker's CopyData
  uint8_t worker = 0;
};
struct LoadedCopies {
  std::vector<Copy> copies;
  std::vector<CopyData> data;
};

class Namespace {
 public:
  static constexpr size_t kMaxSets = 1023;

  explicit Namespace(conf::Namespace config);
  ~Namespace();

  const std::string& name() const { return name_; }
  // Snapshot of the current config (may change through set-config); cheap to take on
  // every transaction.
  std::shared_ptr<const conf::Namespace> config() const;
  void set_config(conf::Namespace config);

  Partition& partition(uint32_t pid) { return *partitions_[pid]; }
  Partition& partition_of(const common::Digest& d) { return *partitions_[common::partition_id(d).value]; }

  // Set id for a name, creating it when `create` (0 when the name is empty). nullopt when
  // the set does not exist and create is false, or when the set table is full.
  std::optional<uint16_t> set_id(std::string_view set_name, bool create);
  // Set by id; nullptr for 0 or an unknown id.
  SetStats* set_stats(uint16_t id);
  const SetStats* set_stats(uint16_t id) const;
  // What an expression (a filter, an expression index) sees of a record: its set's name,
  // its sizes on the device and in memory, and the clock.
  exp::RecordView expression_view(const Record& record, const common::Digest& digest) const;
  std::vector<SetStats*> all_sets();

  NamespaceStats& stats() { return stats_; }

  // Set once at start-up, before the service port opens.
  void set_xdr_policy(const XdrPolicy& policy) { xdr_ = policy; }
  const XdrPolicy& xdr_policy() const { return xdr_; }

  // Namespace-wide truncate threshold (truncate-namespace): records at or below are gone.
  std::atomic<uint64_t>& truncate_lut() { return truncate_lut_; }

  // True when a record is logically gone (expired or truncated) and must read as absent.
  bool is_dead(const Record& r, uint32_t now_sec);
  // Records of that set with a LUT at or below this are truncated (0 = none). New
  // writes get a LUT above it, so a write in the same millisecond as a truncate survives.
  uint64_t truncate_threshold(uint16_t set_id);

  // True while client writes must be refused: memory use at stop-writes-pct of
  // memory-size, device use at stop-writes-pct of its size, or free device blocks under
  // min-avail-pct.
  bool stop_writes() const { return stop_writes(*config()); }
  bool stop_writes(const conf::Namespace& cfg) const;
  // Above high-water-memory-pct or high-water-disk-pct: nsup evicts.
  bool hwm_breached() const;
  void account(const Record* before, const Record* after);

  // ---- storage ----
  // Device namespaces: opens the files and rebuilds the index from them (cold start).
  // Throws std::runtime_error on unusable files (start-up is a process edge).
  void open_storage();
  void start_storage();
  void stop_storage();
  storage::DeviceStorage* storage() { return storage_.get(); }
  // Whether the index holds the bins (memory namespaces, or data-in-memory true).
  bool data_in_memory() const { return data_in_memory_; }
  // Makes `work` the record's stored version: writes it to the device first (device
  // namespaces), then replaces `entry` or inserts. On a device error nothing changes.
  // `reserve`: deletes may use the blocks kept back for defrag. `commit_pos` receives
  // the device position to wait for under commit-to-device (0 otherwise).
  common::ResultCode commit(Partition& part, const common::Digest& digest, Record* entry, Record&& work,
                            bool reserve, uint64_t* commit_pos);
  // Drops an entry from the index and frees its device copy.
  RecordMap::iterator erase(Partition& part, RecordMap::iterator it);
  // Loads the bins of a record whose index entry holds none (data-in-memory false).
  bool load_bins(const common::Digest& digest, Record& r);
  // `entry` with its bins: itself when the index holds them, else a copy in *loaded
  // with the bins read from the device (none when that copy fails its checksum).
  const Record* with_bins(const common::Digest& digest, const Record* entry, Record* loaded);
  // An eviction pass at `lut` removed every evictable record with a void time below
  // `void_threshold`; persisted so a cold start leaves their older copies out too.
  void record_eviction(uint64_t lut, uint32_t void_threshold);
  // Persists truncate thresholds and the eviction void time next to the data files, so
  // a cold start does not bring back what was truncated or evicted. No-op in memory.
  void save_metadata();

  // ---- secondary indexes (index/sindex.h) ----
  using SindexList = std::vector<std::shared_ptr<SecondaryIndex>>;
  // The current indexes; a write reads the list once (lock-free).
  std::shared_ptr<const SindexList> sindexes() const { return sindexes_.load(); }
  std::shared_ptr<SecondaryIndex> find_sindex(std::string_view name) const;
  // Adds the index (maintained by every write from now on) and builds it over the
  // existing records in the background, one partition lock at a time. False when one of
  // that name exists already.
  bool add_sindex(std::shared_ptr<SecondaryIndex> index);
  // Removes it; false when there is none of that name.
  bool drop_sindex(std::string_view name);

 private:
  std::string name_;
  mutable std::mutex config_mu_;
  std::shared_ptr<const conf::Namespace> config_;
  std::vector<std::unique_ptr<Partition>> partitions_;
  std::mutex sets_mu_;
  std::array<std::unique_ptr<SetStats>, kMaxSets + 1> sets_{};
  std::atomic<size_t> n_sets_{0};
  NamespaceStats stats_;
  XdrPolicy xdr_;
  std::atomic<uint64_t> truncate_lut_{0};
  std::atomic<uint64_t> stop_writes_bytes_{0};
  struct Eviction {
    uint64_t lut;
    uint32_t void_threshold;
  };
  std::vector<Eviction> evictions_;  // guarded by metadata_mu_

  // Keeps the newest copy of each record (highest LUT, then generation, then block
  // sequence: every write raises the LUT past the copy it replaces, while generations
  // wrap and restart after a delete), minus the expired, evicted and truncated. Returns
  // how many records were left out for that.
  uint64_t build_index(std::vector<LoadedCopies>& loads, unsigned workers);
  std::unique_ptr<storage::DeviceStorage> storage_;
  bool data_in_memory_ = true;
  std::mutex metadata_mu_;

  // Under the partition's lock: a record of `digest` changes from `before` (nullptr:
  // none) to `after` (nullptr: gone); every index follows.
  void update_sindexes(const common::Digest& digest, const Record* before, const Record* after);
  void build_sindex(const std::shared_ptr<SecondaryIndex>& index);
  std::atomic<std::shared_ptr<const SindexList>> sindexes_{std::make_shared<const SindexList>()};
  std::atomic<bool> has_sindexes_{false};
  std::mutex sindex_mu_;  // serialises add and drop (the list itself is swapped whole)
  std::vector<std::thread> sindex_builders_;  // under sindex_mu_; joined by the destructor
  std::atomic<bool> stopping_{false};
};

}  // namespace asd
