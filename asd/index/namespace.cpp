#include "index/namespace.h"

#include "common/clock.h"
#include "index/system_memory.h"
#include "storage/device_storage.h"

namespace asd {

Namespace::Namespace(conf::Namespace config) : name_(config.name) {
  partitions_.reserve(common::kPartitions);
  for (uint32_t i = 0; i < common::kPartitions; ++i) {
    partitions_.push_back(std::make_unique<Partition>());
  }
  data_in_memory_ = config.storage_engine == conf::StorageEngine::Memory || config.device.data_in_memory;
  set_config(std::move(config));
}

Namespace::~Namespace() {
  stopping_.store(true);
  std::vector<std::thread> builders;
  {
    std::lock_guard lock(sindex_mu_);
    builders.swap(sindex_builders_);
  }
  for (std::thread& t : builders) t.join();
  stop_storage();
}

std::shared_ptr<const conf::Namespace> Namespace::config() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

void Namespace::set_config(conf::Namespace config) {
  uint64_t pct = config.stop_writes_pct == 0 ? 100 : config.stop_writes_pct;
  stop_writes_bytes_ = config.memory_size / 100 * pct;
  if (storage_) storage_->set_config(config.device);
  auto snapshot = std::make_shared<const conf::Namespace>(std::move(config));
  std::lock_guard lock(config_mu_);
  config_ = std::move(snapshot);
}

std::optional<uint16_t> Namespace::set_id(std::string_view set_name, bool create) {
  if (set_name.empty()) return uint16_t(0);
  size_t n = n_sets_.load(std::memory_order_acquire);
  for (size_t i = 1; i <= n; ++i) {
    if (sets_[i]->name == set_name) return uint16_t(i);
  }
  if (!create) return std::nullopt;
  std::lock_guard lock(sets_mu_);
  n = n_sets_.load(std::memory_order_acquire);
  for (size_t i = 1; i <= n; ++i) {
    if (sets_[i]->name == set_name) return uint16_t(i);
  }
  if (n >= kMaxSets) return std::nullopt;
  auto stats = std::make_unique<SetStats>();
  stats->name = std::string(set_name);
  sets_[n + 1] = std::move(stats);
  n_sets_.store(n + 1, std::memory_order_release);
  return uint16_t(n + 1);
}

SetStats* Namespace::set_stats(uint16_t id) {
  if (id == 0 || id > n_sets_.load(std::memory_order_acquire)) return nullptr;
  return sets_[id].get();
}

const SetStats* Namespace::set_stats(uint16_t id) const {
  if (id == 0 || id > n_sets_.load(std::memory_order_acquire)) return nullptr;
  return sets_[id].get();
}

exp::RecordView Namespace::expression_view(const Record& record, const common::Digest& digest) const {
  exp::RecordView view;
  view.record = &record;
  view.digest = &digest;
  if (const SetStats* set = record.set_id ? set_stats(record.set_id) : nullptr) view.set_name = set->name;
  view.device_size = record.loc.valid() ? record.loc.size : 0;
  view.memory_size = data_in_memory_ ? record.memory_bytes() : 0;
  view.now_ms = common::now_cl_ms();
  return view;
}

std::vector<SetStats*> Namespace::all_sets() {
  std::vector<SetStats*> out;
  size_t n = n_sets_.load(std::memory_order_acquire);
  for (size_t i = 1; i <= n; ++i) out.push_back(sets_[i].get());
  return out;
}

bool Namespace::is_dead(const Record& r, uint32_t now_sec) {
  if (is_expired(r, now_sec)) return true;
  return r.lut <= truncate_threshold(r.set_id);
}

uint64_t Namespace::truncate_threshold(uint16_t set_id) {
  uint64_t lut = truncate_lut_.load(std::memory_order_relaxed);
  if (SetStats* s = set_stats(set_id)) lut = std::max(lut, s->truncate_lut.load(std::memory_order_relaxed));
  return lut;
}

bool Namespace::stop_writes(const conf::Namespace& cfg) const {
  if (uint64_t(stats_.memory_used_bytes.load(std::memory_order_relaxed)) >=
      stop_writes_bytes_.load(std::memory_order_relaxed)) {
    return true;
  }
  if (cfg.stop_writes_sys_memory_pct != 0) {
    std::optional<uint32_t> used = system_memory_used_pct();
    if (used && *used >= cfg.stop_writes_sys_memory_pct) return true;
  }
  if (!storage_) return false;
  uint64_t pct = cfg.stop_writes_pct == 0 ? 100 : cfg.stop_writes_pct;
  if (storage_->used_bytes() >= storage_->total_bytes() / 100 * pct) return true;
  return storage_->available_pct() < cfg.device.min_avail_pct;
}

bool Namespace::hwm_breached() const {
  std::shared_ptr<const conf::Namespace> cfg = config();
  uint64_t memory = uint64_t(stats_.memory_used_bytes.load(std::memory_order_relaxed));
  if (cfg->high_water_memory_pct != 0 && memory > cfg->memory_size / 100 * cfg->high_water_memory_pct) return true;
  return storage_ && cfg->high_water_disk_pct != 0 &&
         storage_->used_bytes() > storage_->total_bytes() / 100 * cfg->high_water_disk_pct;
}

void Namespace::account(const Record* before, const Record* after) {
  int64_t delta_bytes = 0;
  auto count = [&](const Record* r, int64_t sign) {
    if (!r) return;
    int64_t bytes = int64_t(r->memory_bytes());
    delta_bytes += sign * bytes;
    if (r->tombstone) {
      stats_.tombstones.fetch_add(sign, std::memory_order_relaxed);
      return;
    }
    stats_.objects.fetch_add(sign, std::memory_order_relaxed);
    if (SetStats* s = set_stats(r->set_id)) {
      s->objects.fetch_add(sign, std::memory_order_relaxed);
      s->memory_bytes.fetch_add(sign * bytes, std::memory_order_relaxed);
    }
  };
  count(before, -1);
  count(after, +1);
  stats_.memory_used_bytes.fetch_add(delta_bytes, std::memory_order_relaxed);
}

// ---- secondary indexes ----

std::shared_ptr<SecondaryIndex> Namespace::find_sindex(std::string_view name) const {
  for (const auto& index : *sindexes()) {
    if (index->def().name == name) return index;
  }
  return nullptr;
}

bool Namespace::add_sindex(std::shared_ptr<SecondaryIndex> index) {
  std::lock_guard lock(sindex_mu_);
  auto current = sindexes();
  for (const auto& existing : *current) {
    if (existing->def().name == index->def().name) return false;
  }
  index->attach(this);
  auto next = std::make_shared<SindexList>(*current);
  next->push_back(index);
  sindexes_.store(std::move(next));
  has_sindexes_.store(true);
  sindex_builders_.emplace_back([this, index] { build_sindex(index); });
  return true;
}

bool Namespace::drop_sindex(std::string_view name) {
  std::lock_guard lock(sindex_mu_);
  auto current = sindexes();
  auto next = std::make_shared<SindexList>();
  bool found = false;
  for (const auto& existing : *current) {
    if (existing->def().name == name) {
      existing->drop();
      found = true;
    } else {
      next->push_back(existing);
    }
  }
  if (found) {
    has_sindexes_.store(!next->empty());
    sindexes_.store(std::move(next));
  }
  return found;
}

void Namespace::update_sindexes(const common::Digest& digest, const Record* before, const Record* after) {
  // The common case, no index, costs one relaxed load on the write path. An index added
  // concurrently misses nothing: its build takes this partition's lock after this write.
  if (!has_sindexes_.load(std::memory_order_relaxed)) return;
  auto list = sindexes();
  if (list->empty()) return;
  uint32_t pid = common::partition_id(digest).value;
  for (const auto& index : *list) {
    index->update(pid, digest, before ? index->keys_of(*before, digest) : std::vector<int64_t>(),
                  after ? index->keys_of(*after, digest) : std::vector<int64_t>());
  }
}

// Writes keep every partition of the index current from its creation on; the build adds
// the records that were there before, one partition lock at a time.
void Namespace::build_sindex(const std::shared_ptr<SecondaryIndex>& index) {
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    if (stopping_.load() || index->dropped()) return;
    Partition& part = partition(pid);
    std::lock_guard lock(part.mu);
    for (const auto& [digest, record] : part.records) {
      Record loaded;
      index->update(pid, digest, {}, index->keys_of(*with_bins(digest, &record, &loaded), digest));
    }
    index->mark_built(pid);
  }
}

}  // namespace asd
