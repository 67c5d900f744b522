// The namespace's side of device storage: committing versions, dropping entries, cold
// start (rebuilding the index from the device) and defrag relocation.

#include <tuple>

#include "base/namespace.h"
#include "common/clock.h"
#include "common/log.h"
#include "storage/device_storage.h"
#include "storage/ns_metadata.h"

namespace asd {

namespace {

// Which of two copies of a record is the newer version. LUT first: every stored version
// of a record gets a LUT above the one it replaces (local writes take max(now, old + 1);
// XDR writes apply only when newer), so LUT order is version order. Generation only
// breaks ties: it wraps at 64K and restarts at 1 after a delete. The block sequence
// finally prefers the later copy of one version (defrag copies).
bool newer(const storage::RecordHeader& h, uint64_t seq, const Record& cur, uint64_t cur_seq) {
  return std::tuple(h.lut, h.generation, seq) > std::tuple(cur.lut, cur.generation, cur_seq);
}

}  // namespace

common::ResultCode Namespace::commit(Partition& part, const common::Digest& digest, Record* entry, Record&& work,
                                     bool reserve, uint64_t* commit_pos) {
  if (commit_pos) *commit_pos = 0;
  if (storage_) {
    SetStats* set = set_stats(work.set_id);
    StorageLoc loc;
    uint64_t pos = 0;
    common::ResultCode rc = storage_->write(digest, work, set ? std::string_view(set->name) : std::string_view(),
                                            reserve, &loc, &pos);
    if (rc != common::ResultCode::Ok) return rc;
    if (entry) storage_->release(entry->loc);
    work.loc = loc;
    if (!data_in_memory_) {
      work.bins.clear();
      work.bins.shrink_to_fit();
    }
    if (commit_pos && storage_->commit_to_device()) *commit_pos = pos;
  }
  account(entry, &work);
  if (entry) *entry = std::move(work);
  else part.records.emplace(digest, std::move(work));
  return common::ResultCode::Ok;
}

RecordMap::iterator Namespace::erase(Partition& part, RecordMap::iterator it) {
  account(&it->second, nullptr);
  if (storage_) storage_->release(it->second.loc);
  return part.records.erase(it);
}

bool Namespace::load_bins(const common::Digest& digest, Record& r) {
  if (data_in_memory_ || !storage_) return true;
  return storage_->read_bins(r.loc, digest, &r.bins);
}

void Namespace::save_metadata() {
  if (!storage_) return;
  std::lock_guard lock(metadata_mu_);
  storage::NamespaceMetadata m;
  m.truncate_lut = truncate_lut_.load();
  for (const Eviction& e : evictions_) m.evictions.push_back({e.lut, e.void_threshold});
  for (SetStats* s : all_sets()) {
    if (uint64_t lut = s->truncate_lut.load()) m.set_truncate[s->name] = lut;
  }
  storage::save_metadata(storage::metadata_path(storage_->first_path()), m);
}

void Namespace::record_eviction(uint64_t lut, uint32_t void_threshold) {
  {
    std::lock_guard lock(metadata_mu_);
    uint32_t now = common::now_cl_sec();
    std::erase_if(evictions_, [&](const Eviction& e) { return e.void_threshold <= now; });
    evictions_.push_back({lut, void_threshold});
  }
  save_metadata();
}

bool Namespace::was_evicted(const Record& r, uint32_t now_sec) {
  if (r.void_time == 0) return false;
  std::lock_guard lock(metadata_mu_);
  for (const Eviction& e : evictions_) {
    if (e.void_threshold > now_sec && r.lut <= e.lut && r.void_time < e.void_threshold) return true;
  }
  return false;
}

void Namespace::open_storage() {
  std::shared_ptr<const conf::Namespace> cfg = config();
  if (cfg->storage_engine != conf::StorageEngine::Device) return;
  auto log = common::logger("storage");
  storage_ = std::make_unique<storage::DeviceStorage>(name_, cfg->device);
  data_in_memory_ = cfg->device.data_in_memory;

  storage::NamespaceMetadata meta = storage::load_metadata(storage::metadata_path(storage_->first_path()));
  truncate_lut_ = meta.truncate_lut;
  for (const auto& e : meta.evictions) evictions_.push_back({e.lut, e.void_threshold});
  for (const auto& [set_name, lut] : meta.set_truncate) {
    if (std::optional<uint16_t> id = set_id(set_name, true)) set_stats(*id)->truncate_lut = lut;
  }

  storage_->cold_start([&](const storage::StoredRecord& sr) {
    const storage::RecordHeader& h = sr.header;
    Partition& part = partition_of(h.digest);
    auto it = part.records.find(h.digest);
    if (it != part.records.end() &&
        !newer(h, storage_->block_seq(sr.loc.block), it->second, storage_->block_seq(it->second.loc.block))) {
      return false;
    }
    Record r;
    r.generation = h.generation;
    r.void_time = h.void_time;
    r.lut = h.lut;
    r.origin_src_id = h.origin_src_id;
    r.tombstone = h.tombstone;
    r.key.assign(sr.body.key);
    r.loc = sr.loc;
    std::optional<uint16_t> set = set_id(sr.body.set_name, true);
    r.set_id = set.value_or(0);
    if (data_in_memory_ && !h.tombstone) {
      storage::RecordBody body;
      storage::decode_record_body(h, sr.bytes, &body, &r.bins, false);
    }
    if (it != part.records.end()) {
      storage_->release(it->second.loc);
      account(&it->second, &r);
      it->second = std::move(r);
    } else {
      account(nullptr, &r);
      part.records.emplace(h.digest, std::move(r));
    }
    return true;
  });

  // The newest copies won above; those that are expired, evicted or truncated go now
  // (their older copies lost to them, so nothing older comes back).
  uint32_t now = common::now_cl_sec();
  uint64_t dropped = 0;
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    Partition& part = *partitions_[pid];
    for (auto it = part.records.begin(); it != part.records.end();) {
      const Record& r = it->second;
      if (!r.tombstone && (is_dead(r, now) || was_evicted(r, now))) {
        it = erase(part, it);
        ++dropped;
      } else {
        ++it;
      }
    }
  }
  storage::StorageStats& st = storage_->stats();
  log->info("cold start ns={} records={} bytes={} ms={} skipped={} objects={} tombstones={} dropped={}", name_,
            st.cold_start_records.load(), st.cold_start_bytes.load(), st.cold_start_ms.load(),
            st.cold_start_skipped.load(), stats_.objects.load(), stats_.tombstones.load(), dropped);
}

void Namespace::start_storage() {
  if (!storage_) return;
  storage_->start([this](const storage::StoredRecord& sr, uint64_t oldest_other_seq) {
    Partition& part = partition_of(sr.header.digest);
    std::lock_guard lock(part.mu);
    auto it = part.records.find(sr.header.digest);
    if (it == part.records.end() || it->second.loc != sr.loc) return;  // a stale copy
    Record& r = it->second;
    if (r.tombstone && sr.body.tomb_seq < oldest_other_seq) {
      // No block that could hold an older copy is left, so nothing can come back; XDR
      // namespaces keep tombstones until no delayed version can still be in flight.
      bool xdr_hold = xdr_.ship && r.lut + kTombstoneKeepMs >= common::now_cl_ms();
      if (!xdr_hold) {
        erase(part, it);
        storage_->stats().tombstones_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
    StorageLoc moved;
    if (!storage_->move_record(sr.bytes, &moved)) return;
    storage_->release(r.loc);
    r.loc = moved;
  });
}

void Namespace::stop_storage() {
  if (storage_) storage_->stop();
}

}  // namespace asd
