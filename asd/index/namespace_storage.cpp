// The namespace's side of device storage: committing versions, dropping entries, cold
// start (rebuilding the index from the device) and defrag relocation.

#include <algorithm>
#include <thread>
#include <tuple>

#include "index/namespace.h"
#include "common/clock.h"
#include "common/log.h"
#include "storage/device_storage.h"
#include "storage/ns_metadata.h"

namespace asd {


common::ResultCode Namespace::commit(Partition& part, const common::Digest& digest, Record* entry, Record&& work,
                                     bool reserve, uint64_t* commit_pos) {
  if (commit_pos) *commit_pos = 0;
  // The indexes' old keys come from the version being replaced: without data in memory
  // its bins are read from the device first, while its copy there is still valid.
  bool indexed = has_sindexes_.load(std::memory_order_relaxed);
  Record before_loaded;
  const Record* before = indexed ? with_bins(digest, entry, &before_loaded) : nullptr;
  if (storage_) {
    SetStats* set = set_stats(work.set_id);
    StorageLoc loc;
    uint64_t pos = 0;
    common::ResultCode rc = storage_->write(digest, work, set ? std::string_view(set->name) : std::string_view(),
                                            reserve, &loc, &pos);
    if (rc != common::ResultCode::Ok) return rc;
    if (entry) storage_->release(entry->loc);
    work.loc = loc;
    if (commit_pos && storage_->commit_to_device()) *commit_pos = pos;
  }
  if (indexed) update_sindexes(digest, before, &work);
  if (storage_ && !data_in_memory_) {
    work.bins.clear();
    work.bins.shrink_to_fit();
  }
  account(entry, &work);
  if (entry) *entry = std::move(work);
  else part.records.emplace(digest, std::move(work));
  return common::ResultCode::Ok;
}

RecordMap::iterator Namespace::erase(Partition& part, RecordMap::iterator it) {
  if (has_sindexes_.load(std::memory_order_relaxed)) {
    Record loaded;
    update_sindexes(it->first, with_bins(it->first, &it->second, &loaded), nullptr);
  }
  account(&it->second, nullptr);
  if (storage_) storage_->release(it->second.loc);
  return part.records.erase(it);
}

const Record* Namespace::with_bins(const common::Digest& digest, const Record* entry, Record* loaded) {
  if (!entry || entry->tombstone || data_in_memory_ || !storage_) return entry;
  *loaded = *entry;
  // A copy that fails its checksum has no keys to remove; the query paths check every
  // candidate against the record they load, so a stale entry cannot be returned.
  if (!storage_->read_bins(entry->loc, digest, &loaded->bins)) loaded->bins.clear();
  return loaded;
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

  unsigned workers = std::clamp(std::thread::hardware_concurrency(), 2u, 8u);
  std::vector<LoadedCopies> loads(workers);
  storage_->cold_start(workers, [&](const storage::StoredRecord& sr, unsigned worker) {
    const storage::RecordHeader& h = sr.header;
    LoadedCopies& load = loads[worker];
    CopyData d;
    d.void_time = h.void_time;
    d.origin_src_id = h.origin_src_id;
    d.tombstone = h.tombstone;
    d.set_id = set_id(sr.body.set_name, true).value_or(0);
    d.loc = sr.loc;
    d.key.assign(sr.body.key);
    if (data_in_memory_ && !h.tombstone) {
      storage::RecordBody body;
      storage::decode_record_body(h, sr.bytes, &body, &d.bins, false);
    }
    load.copies.push_back(Copy{h.digest, h.lut, h.block_seq, h.generation, uint32_t(load.data.size()),
                               uint8_t(worker)});
    load.data.push_back(std::move(d));
  });
  storage::StorageStats& st = storage_->stats();
  uint64_t read_ms = st.cold_start_ms.load();
  uint64_t dropped = build_index(loads, workers);
  log->info("cold start ns={} records={} bytes={} ms={} skipped={} objects={} tombstones={} dropped={} read_ms={} "
            "index_ms={} workers={}",
            name_, st.cold_start_records.load(), st.cold_start_bytes.load(), st.cold_start_ms.load(),
            st.cold_start_skipped.load(), stats_.objects.load(), stats_.tombstones.load(), dropped, read_ms,
            st.cold_start_ms.load() - read_ms, workers);
}

uint64_t Namespace::build_index(std::vector<LoadedCopies>& loads, unsigned workers) {
  uint64_t started = common::steady_ms();
  // Group the copies by partition (counting sort), so each partition's copies sort in
  // cache and its map is built in order, without searching.
  std::vector<uint32_t> bucket_start(common::kPartitions + 1, 0);
  for (const LoadedCopies& load : loads) {
    for (const Copy& c : load.copies) ++bucket_start[common::partition_id(c.digest).value + 1];
  }
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) bucket_start[pid + 1] += bucket_start[pid];
  std::vector<Copy> copies(bucket_start.back());
  {
    std::vector<uint32_t> fill(bucket_start.begin(), bucket_start.end() - 1);
    for (LoadedCopies& load : loads) {
      for (const Copy& c : load.copies) copies[fill[common::partition_id(c.digest).value]++] = c;
      load.copies = {};
    }
  }

  uint32_t now = common::now_cl_sec();
  std::vector<Eviction> evictions;
  {
    std::lock_guard lock(metadata_mu_);
    evictions = evictions_;
  }
  auto evicted = [&](const CopyData& d, uint64_t lut) {
    if (d.void_time == 0) return false;
    for (const Eviction& e : evictions) {
      if (e.void_threshold > now && lut <= e.lut && d.void_time < e.void_threshold) return true;
    }
    return false;
  };

  std::atomic<uint32_t> next_pid{0};
  std::atomic<uint64_t> dropped{0};
  std::vector<std::vector<uint64_t>> live(workers, std::vector<uint64_t>(storage_->n_blocks(), 0));
  // What account() would add, summed per worker and applied once: shared counters
  // bounced between cores for every record would cost more than the rest of the load.
  struct Tally {
    int64_t objects = 0;
    int64_t tombstones = 0;
    int64_t bytes = 0;
    std::vector<std::pair<int64_t, int64_t>> sets = std::vector<std::pair<int64_t, int64_t>>(kMaxSets + 1);
    void add(const Record& r) {
      int64_t b = int64_t(r.memory_bytes());
      bytes += b;
      if (r.tombstone) {
        ++tombstones;
        return;
      }
      ++objects;
      sets[r.set_id].first += 1;
      sets[r.set_id].second += b;
    }
  };
  std::vector<Tally> tallies(workers);
  auto work = [&](unsigned w) {
    for (uint32_t pid = next_pid++; pid < common::kPartitions; pid = next_pid++) {
      auto first = copies.begin() + bucket_start[pid];
      auto last = copies.begin() + bucket_start[pid + 1];
      // Descending digests (the map's order), newest copy of each digest first.
      std::sort(first, last, [](const Copy& a, const Copy& b) {
        if (a.digest != b.digest) return a.digest > b.digest;
        return std::tuple(a.lut, a.generation, a.seq) > std::tuple(b.lut, b.generation, b.seq);
      });
      Partition& part = *partitions_[pid];
      std::lock_guard lock(part.mu);
      for (auto it = first; it != last; ++it) {
        if (it != first && it->digest == (it - 1)->digest) continue;  // an older copy
        CopyData& d = loads[it->worker].data[it->data];
        Record r;
        r.generation = it->generation;
        r.void_time = d.void_time;
        r.lut = it->lut;
        r.origin_src_id = d.origin_src_id;
        r.tombstone = d.tombstone;
        r.set_id = d.set_id;
        // The newest copy decides: an expired, evicted or truncated newest version
        // takes its older copies with it.
        if (!r.tombstone && (is_dead(r, now) || evicted(d, it->lut))) {
          dropped.fetch_add(1, std::memory_order_relaxed);
          continue;
        }
        r.key = std::move(d.key);
        r.bins = std::move(d.bins);
        r.loc = d.loc;
        live[w][r.loc.block] += r.loc.size;
        tallies[w].add(r);
        part.records.emplace_hint(part.records.end(), it->digest, std::move(r));
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  for (unsigned w = 1; w < workers; ++w) {
    for (size_t b = 0; b < live[0].size(); ++b) live[0][b] += live[w][b];
  }
  for (const Tally& t : tallies) {
    stats_.objects += t.objects;
    stats_.tombstones += t.tombstones;
    stats_.memory_used_bytes += t.bytes;
    for (uint16_t id = 1; id <= kMaxSets; ++id) {
      SetStats* set = t.sets[id].first ? set_stats(id) : nullptr;
      if (!set) continue;
      set->objects += t.sets[id].first;
      set->memory_bytes += t.sets[id].second;
    }
  }
  storage_->finish_cold_start(live[0]);
  storage_->stats().cold_start_ms.fetch_add(common::steady_ms() - started);
  return dropped.load();
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
