#include "storage/device_storage.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "common/clock.h"
#include "common/log.h"
#include "common/log_limit.h"
#include "storage/device_file.h"

namespace asd::storage {

using common::ResultCode;

namespace {

// Free blocks only defrag and deletes may take: without them a full device could never
// be emptied again.
constexpr size_t kReservedBlocks = 2;

std::shared_ptr<spdlog::logger> log() { return common::logger("storage"); }

}  // namespace

DeviceStorage::DeviceStorage(std::string ns_name, const conf::DeviceStorage& cfg,
                             const std::shared_ptr<common::FileIo>& io)
    : ns_name_(std::move(ns_name)),
      block_size_(uint32_t(cfg.write_block_size)),
      commit_to_device_(cfg.commit_to_device),
      flush_max_ms_(cfg.flush_max_ms),
      defrag_lwm_pct_(cfg.defrag_lwm_pct),
      defrag_sleep_us_(cfg.defrag_sleep),
      max_write_cache_(cfg.max_write_cache) {
  if (block_size_ < 1024) throw std::runtime_error("write-block-size below 1K");
  uint32_t index = 0;
  auto add = [&](const std::string& path, bool raw) {
    files_.push_back(std::make_unique<DeviceFile>(*io, path, raw, cfg.filesize, block_size_, index++, ns_name_));
    first_block_.push_back(n_data_blocks_);
    n_data_blocks_ += files_.back()->n_blocks() - 1;  // block 0 holds the file header
  };
  for (const std::string& f : cfg.files) add(f, false);
  for (const std::string& d : cfg.devices) add(d, true);
  if (files_.empty()) throw std::runtime_error("namespace " + ns_name_ + ": storage-engine device has no file");
  blocks_.resize(n_data_blocks_);
}

DeviceStorage::~DeviceStorage() { stop(); }

size_t DeviceStorage::file_index(uint32_t block) const {
  return size_t(std::upper_bound(first_block_.begin(), first_block_.end(), block) - first_block_.begin() - 1);
}

DeviceFile& DeviceStorage::file_of(uint32_t block) const { return *files_[file_index(block)]; }

uint64_t DeviceStorage::offset_of(uint32_t block) const {
  return uint64_t(block - first_block_[file_index(block)] + 1) * block_size_;
}

const std::string& DeviceStorage::first_path() const { return files_.front()->path(); }

uint64_t DeviceStorage::total_bytes() const { return uint64_t(n_data_blocks_) * block_size_; }

uint32_t DeviceStorage::free_pct() const {
  std::lock_guard lock(mu_);
  return n_data_blocks_ ? uint32_t(free_list_.size() * 100 / n_data_blocks_) : 0;
}

uint32_t DeviceStorage::available_pct() const {
  std::lock_guard lock(mu_);
  return n_data_blocks_ ? uint32_t((free_list_.size() + freeing_.size()) * 100 / n_data_blocks_) : 0;
}

uint64_t DeviceStorage::block_seq(uint32_t block) const {
  std::lock_guard lock(mu_);
  return block < blocks_.size() ? blocks_[block].seq : 0;
}

uint64_t DeviceStorage::defrag_writes() const {
  return (stats_.defrag_bytes_written.load(std::memory_order_relaxed) + block_size_ - 1) / block_size_;
}

void DeviceStorage::set_config(const conf::DeviceStorage& cfg) {
  std::lock_guard lock(mu_);
  bool sooner = cfg.flush_max_ms < flush_max_ms_;
  bool raised = cfg.defrag_lwm_pct > defrag_lwm_pct_;
  flush_max_ms_ = cfg.flush_max_ms;
  defrag_lwm_pct_ = cfg.defrag_lwm_pct;
  defrag_sleep_us_ = cfg.defrag_sleep;
  max_write_cache_ = cfg.max_write_cache;
  // Blocks are judged against the low-water mark when they lose a record; a raised mark
  // also takes in the blocks already under it, as the real server's sweep does.
  if (raised) {
    for (uint32_t block = 0; block < n_data_blocks_; ++block) {
      if (blocks_[block].state == BlockState::Used) settle(block);
    }
  }
  // The flusher may be waiting out the old, longer period.
  if (sooner) flusher_cv_.notify_all();
}

// ---- cold start -------------------------------------------------------------------------

void DeviceStorage::scan_block(uint32_t block, std::span<const uint8_t> buf,
                               const std::function<void(const StoredRecord&)>& visit, bool cold) {
  const DeviceFile& file = file_of(block);
  uint64_t base = offset_of(block);
  BlockHeader bh;
  decode_block_header(buf, &bh);
  // A damaged stretch: [bad_start, here). Reported once, when a good record follows it
  // or the block ends.
  size_t bad_start = 0;
  bool in_bad = false;
  bool garbage = false;
  auto report_bad = [&](size_t end) {
    if (in_bad && garbage && cold) {
      stats_.cold_start_skipped.fetch_add(1, std::memory_order_relaxed);
      log()->warn("corrupt data in {} at offset {} ({} bytes): no valid record there, skipped", file.path(),
                  base + bad_start, end - bad_start);
    }
    in_bad = false;
    garbage = false;
  };
  size_t off = kBlockHeaderSize;
  while (off + kRecordHeaderSize <= block_size_) {
    std::span<const uint8_t> rest = buf.subspan(off, block_size_ - off);
    RecordHeader h;
    Decode d = decode_record_header(rest, &h);
    if (d != Decode::Ok) {
      if (!in_bad) {
        in_bad = true;
        bad_start = off;
      }
      if (d != Decode::Empty) garbage = true;
      off += kRecordAlign;
      continue;
    }
    if (h.block_seq != bh.seq) {
      // Left over from this block's previous life: not data, not damage.
      report_bad(off);
      off += padded(h.length);
      continue;
    }
    report_bad(off);
    RecordBody body;
    Decode bd = decode_record_body(h, rest, &body, nullptr);
    if (bd != Decode::Ok) {
      if (cold) {
        stats_.cold_start_skipped.fetch_add(1, std::memory_order_relaxed);
        log()->warn("corrupt record in {} at offset {}: {} (digest {}), skipped", file.path(), base + off,
                    decode_name(bd), h.digest.hex());
      }
      off += padded(h.length);
      continue;
    }
    StoredRecord sr{h, body, rest.first(h.length), StorageLoc{block, uint32_t(off), uint32_t(padded(h.length))},
                    &file, base + off};
    if (cold) stats_.cold_start_records.fetch_add(1, std::memory_order_relaxed);
    visit(sr);
    off += padded(h.length);
  }
  report_bad(std::min<size_t>(off, block_size_));
}

void DeviceStorage::cold_start_worker(unsigned worker, std::atomic<uint32_t>& next,
                                      const std::vector<std::vector<std::pair<uint64_t, uint64_t>>>& extents,
                                      const std::function<void(const StoredRecord&, unsigned)>& visit) {
  // Runs of blocks per read: large sequential reads, while the other workers parse.
  const uint32_t run = std::max<uint32_t>(1, (4u << 20) / block_size_);
  std::vector<uint8_t> buf(size_t(run) * block_size_);
  while (true) {
    uint32_t claimed = next.fetch_add(run);
    if (claimed >= n_data_blocks_) return;
    uint32_t claimed_end = std::min(n_data_blocks_, claimed + run);
    // A claimed run may cross into the next file: read it piece by piece.
    for (uint32_t first = claimed; first < claimed_end;) {
      size_t f = file_index(first);
      uint32_t file_end = f + 1 < first_block_.size() ? first_block_[f + 1] : n_data_blocks_;
      uint32_t count = std::min(claimed_end, file_end) - first;
      cold_start_run(worker, first, count, f, buf, extents, visit);
      first += count;
    }
  }
}

void DeviceStorage::cold_start_run(unsigned worker, uint32_t first, uint32_t count, size_t file_index,
                                   std::vector<uint8_t>& buf,
                                   const std::vector<std::vector<std::pair<uint64_t, uint64_t>>>& extents,
                                   const std::function<void(const StoredRecord&, unsigned)>& visit) {
  DeviceFile& file = *files_[file_index];
  uint64_t offset = offset_of(first);
  uint64_t length = uint64_t(count) * block_size_;
  bool any_data = false;
  for (const auto& [from, to] : extents[file_index]) any_data |= from < offset + length && to > offset;
  if (!any_data) return;  // never written: every block free
  if (common::Status st = file.read(offset, {buf.data(), length}); !st.ok()) {
    stats_.cold_start_skipped.fetch_add(count, std::memory_order_relaxed);
    log()->warn("cannot read {} blocks ({} bytes), skipped: {}", count, length, st.message());
    return;
  }
  stats_.cold_start_bytes.fetch_add(length, std::memory_order_relaxed);
  auto visit_here = [&](const StoredRecord& sr) { visit(sr, worker); };
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t block = first + i;
    std::span<const uint8_t> data(buf.data() + size_t(i) * block_size_, block_size_);
    BlockHeader bh;
    Decode d = decode_block_header(data, &bh);
    if (d == Decode::Empty) continue;
    if (d != Decode::Ok) {
      stats_.cold_start_skipped.fetch_add(1, std::memory_order_relaxed);
      log()->warn("corrupt block header in {} at offset {}: {}, block skipped", file.path(), offset_of(block),
                  decode_name(d));
      continue;
    }
    {
      std::lock_guard lock(mu_);
      blocks_[block].state = BlockState::Used;
      blocks_[block].seq = bh.seq;
      next_seq_ = std::max(next_seq_, bh.seq + 1);
    }
    scan_block(block, data, visit_here, true);
  }
}

void DeviceStorage::cold_start(unsigned workers, const std::function<void(const StoredRecord&, unsigned)>& visit) {
  uint64_t started = common::steady_ms();
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> extents;
  for (const auto& f : files_) extents.push_back(f->data_extents());
  std::atomic<uint32_t> next{0};
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) {
    threads.emplace_back([&, w] { cold_start_worker(w, next, extents, visit); });
  }
  cold_start_worker(0, next, extents, visit);
  for (auto& t : threads) t.join();
  stats_.cold_start_ms = common::steady_ms() - started;
}

void DeviceStorage::finish_cold_start(const std::vector<uint64_t>& live) {
  std::lock_guard lock(mu_);
  // Blocks opened just before a crash may have lost their headers while some of their
  // records reached the device; their sequences lie just above the highest header
  // found. Reopening a block under one of them would make its leftover records match
  // the new header, so sequences resume past every block that could have been in flight.
  next_seq_ += kSeqGapAfterColdStart;
  uint64_t used = 0;
  for (uint32_t block = 0; block < n_data_blocks_; ++block) {
    Block& b = blocks_[block];
    b.live_bytes = uint32_t(live[block]);
    used += live[block];
    if (b.state == BlockState::Free) free_list_.push_back(block);
    else settle(block);
  }
  used_bytes_ = used;
}

// ---- threads ----------------------------------------------------------------------------

void DeviceStorage::start(std::function<void(const StoredRecord&, uint64_t)> relocate) {
  relocate_ = std::move(relocate);
  started_ = true;
  flusher_thread_ = std::thread([this] { flusher(); });
  defrag_thread_ = std::thread([this] { defragger(); });
}

void DeviceStorage::stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  flusher_cv_.notify_all();
  durable_cv_.notify_all();
  defrag_cv_.notify_all();
  if (defrag_thread_.joinable()) defrag_thread_.join();
  if (flusher_thread_.joinable()) flusher_thread_.join();
}

// ---- writes -----------------------------------------------------------------------------

bool DeviceStorage::open_block() {
  if (free_list_.empty()) return false;
  uint32_t block = free_list_.front();
  free_list_.pop_front();
  Block& b = blocks_[block];
  b.state = BlockState::Current;
  b.live_bytes = 0;
  b.seq = next_seq_++;
  current_ = block;
  current_data_ = std::make_shared<std::string>();
  current_data_->reserve(block_size_);
  current_data_->resize(kBlockHeaderSize);
  BlockHeader h{b.seq, block_size_, uint32_t(offset_of(block) / block_size_)};
  encode_block_header(h, reinterpret_cast<uint8_t*>(current_data_->data()));
  current_flushed_ = 0;
  return true;
}

void DeviceStorage::seal_current() {
  if (current_ == StorageLoc::kNone) return;
  current_data_->resize(block_size_, '\0');
  blocks_[current_].state = BlockState::Sealed;
  sealed_.push_back({current_, current_data_});
  unwritten_[current_] = current_data_;
  unwritten_bytes_ += block_size_;
  current_ = StorageLoc::kNone;
  current_data_.reset();
  flusher_cv_.notify_one();
}

ResultCode DeviceStorage::append(std::span<const uint8_t> bytes, bool reserve, StorageLoc* loc,
                                 uint64_t* commit_pos, bool wait_for_defrag) {
  size_t size = padded(bytes.size());
  if (size > block_size_ - kBlockHeaderSize) return ResultCode::RecordTooBig;
  std::unique_lock lock(mu_);
  if (!reserve && unwritten_bytes_ > max_write_cache_.load(std::memory_order_relaxed)) {
    return ResultCode::DeviceOverload;
  }
  if (current_ == StorageLoc::kNone || current_data_->size() + size > block_size_) {
    size_t keep = reserve ? 0 : kReservedBlocks;
    // Emptied blocks are about to come back (they wait for the flusher's next sync):
    // a short wait beats failing the write on a device that is not full. A delete also
    // waits, longer, for defrag to empty a block.
    const int max_tries = wait_for_defrag ? 100 : 10;
    auto coming = [&] {
      return !freeing_.empty() || !sealed_.empty() || (wait_for_defrag && (defragging_ || !defrag_q_.empty()));
    };
    for (int tries = 0; free_list_.size() <= keep && tries < max_tries && coming(); ++tries) {
      wanted_pos_ = std::max(wanted_pos_, append_pos_);
      flusher_cv_.notify_all();
      durable_cv_.wait_for(lock, std::chrono::milliseconds(10));
    }
    if (free_list_.size() <= keep) return ResultCode::OutOfSpace;
    seal_current();
    open_block();
  }
  size_t offset = current_data_->size();
  current_data_->append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  current_data_->resize(offset + size, '\0');
  set_record_block_seq(reinterpret_cast<uint8_t*>(current_data_->data() + offset), blocks_[current_].seq);
  blocks_[current_].live_bytes += uint32_t(size);
  used_bytes_.fetch_add(size, std::memory_order_relaxed);
  append_pos_ += size;
  *loc = StorageLoc{current_, uint32_t(offset), uint32_t(size)};
  if (commit_pos) *commit_pos = append_pos_;
  return ResultCode::Ok;
}

ResultCode DeviceStorage::write(const common::Digest& digest, const Record& r, std::string_view set_name,
                                bool reserve, StorageLoc* loc, uint64_t* commit_pos) {
  thread_local std::string encoded;
  encoded.clear();
  uint64_t tomb_seq = 0;
  if (r.tombstone) {
    // Every older copy of this record sits in a block opened no later than the newest
    // one now: the tombstone may go once all blocks up to that one are gone.
    std::lock_guard lock(mu_);
    tomb_seq = next_seq_ - 1;
  }
  append_record(encoded, digest, r, set_name, 0, tomb_seq);
  ResultCode rc =
      append({reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size()}, reserve, loc, commit_pos, reserve);
  if (rc != ResultCode::Ok && rc != ResultCode::RecordTooBig) stats_.write_errors.fetch_add(1);
  return rc;
}

bool DeviceStorage::move_record(std::span<const uint8_t> bytes, StorageLoc* loc) {
  thread_local std::string copy;
  copy.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (append({reinterpret_cast<const uint8_t*>(copy.data()), copy.size()}, true, loc, nullptr) !=
      ResultCode::Ok) {
    return false;
  }
  stats_.defrag_bytes_written.fetch_add(loc->size, std::memory_order_relaxed);
  stats_.defrag_records_moved.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void DeviceStorage::queue_for_free(uint32_t block) {
  Block& b = blocks_[block];
  b.state = BlockState::Freeing;
  b.free_after = append_pos_;
  freeing_.push_back(block);
  wanted_pos_ = std::max(wanted_pos_, append_pos_);
  flusher_cv_.notify_one();
}

void DeviceStorage::settle(uint32_t block) {
  Block& b = blocks_[block];
  if (b.live_bytes == 0) {
    queue_for_free(block);
  } else if (uint64_t(b.live_bytes) * 100 < uint64_t(defrag_lwm_pct_) * block_size_) {
    b.state = BlockState::Defrag;
    defrag_q_.push_back(block);
    defrag_q_size_ = defrag_q_.size();
    defrag_cv_.notify_one();
  }
}

void DeviceStorage::release(const StorageLoc& loc) {
  if (!loc.valid()) return;
  std::lock_guard lock(mu_);
  Block& b = blocks_[loc.block];
  b.live_bytes -= std::min(b.live_bytes, loc.size);
  used_bytes_.fetch_sub(loc.size, std::memory_order_relaxed);
  if (b.state == BlockState::Used) settle(loc.block);
}

// ---- reads ------------------------------------------------------------------------------

bool DeviceStorage::read_bins(const StorageLoc& loc, const common::Digest& digest, std::vector<Bin>* bins) {
  thread_local std::vector<uint8_t> buf;
  buf.resize(loc.size);
  bool in_memory = false;
  {
    std::lock_guard lock(mu_);
    const std::string* data = nullptr;
    if (loc.block == current_) data = current_data_.get();
    else if (auto it = unwritten_.find(loc.block); it != unwritten_.end()) data = it->second.get();
    if (data && loc.offset + loc.size <= data->size()) {
      std::copy_n(data->data() + loc.offset, loc.size, buf.begin());
      in_memory = true;
    }
  }
  DeviceFile& file = file_of(loc.block);
  uint64_t at = offset_of(loc.block) + loc.offset;
  if (!in_memory) {
    if (common::Status st = file.read(at, buf); !st.ok()) {
      stats_.read_errors.fetch_add(1);
      // Clients reading a damaged region would otherwise log once per read; read_errors counts them all.
      static common::LimitedLog limit{std::chrono::seconds(1)};
      limit.warn(log(), "cannot read record: {}", st.message());
      return false;
    }
  }
  RecordHeader h;
  RecordBody body;
  Decode d = decode_record_header(buf, &h);
  if (d == Decode::Ok && h.digest != digest) d = Decode::BadMagic;
  if (d == Decode::Ok) d = decode_record_body(h, buf, &body, bins);
  if (d != Decode::Ok) {
    stats_.read_errors.fetch_add(1);
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.warn(log(), "corrupt record in {} at offset {}: {}", file.path(), at, decode_name(d));
    return false;
  }
  return true;
}

// ---- durability -------------------------------------------------------------------------

void DeviceStorage::when_durable(uint64_t pos, std::function<void()> done) {
  {
    std::lock_guard lock(mu_);
    if (durable_pos_ < pos) {
      waiters_.push_back({pos, std::move(done)});
      wanted_pos_ = std::max(wanted_pos_, pos);
      flusher_cv_.notify_one();
      return;
    }
  }
  done();
}

void DeviceStorage::wait_durable(uint64_t pos) {
  std::unique_lock lock(mu_);
  wanted_pos_ = std::max(wanted_pos_, pos);
  flusher_cv_.notify_one();
  durable_cv_.wait(lock, [&] { return durable_pos_ >= pos || stopping_; });
}

void DeviceStorage::flusher() {
  const std::vector<uint8_t> zeros(kBlockHeaderSize, 0);
  uint64_t last_sync = common::steady_ms();
  std::unique_lock lock(mu_);
  while (true) {
    uint64_t now = common::steady_ms();
    uint64_t period = std::max<uint32_t>(1, flush_max_ms_.load(std::memory_order_relaxed));
    bool timer = now >= last_sync + period;
    bool want = wanted_pos_ > durable_pos_;
    // Emptied blocks go back to the free list at the next sync: don't make them wait for
    // the timer when nothing else is written.
    bool free_due = !freeing_.empty();
    if (sealed_.empty() && !want && !timer && !free_due && !stopping_) {
      flusher_cv_.wait_for(lock, std::chrono::milliseconds(last_sync + period - now));
      continue;
    }
    std::vector<Sealed> sealed = std::move(sealed_);
    sealed_.clear();
    uint32_t tail_block = current_;
    size_t tail_offset = current_flushed_;
    std::string tail;
    if (current_ != StorageLoc::kNone && current_data_->size() > current_flushed_) {
      tail.assign(*current_data_, current_flushed_);
      current_flushed_ = current_data_->size();
    }
    uint64_t target = append_pos_;
    bool sync = timer || want || free_due || stopping_;
    std::vector<uint32_t> to_free;
    if (sync) {
      for (uint32_t block : freeing_) {
        if (blocks_[block].free_after <= target) to_free.push_back(block);
      }
    }
    bool last_round = stopping_;
    lock.unlock();

    // The first failure is the one logged; later ones in the round usually repeat it.
    common::Status failure;
    auto check = [&](common::Status st) {
      if (!st.ok() && failure.ok()) failure = std::move(st);
    };
    std::vector<Sealed> failed;
    for (const Sealed& s : sealed) {
      const auto* p = reinterpret_cast<const uint8_t*>(s.data->data());
      common::Status st = file_of(s.block).write(offset_of(s.block), {p, s.data->size()});
      if (st.ok()) {
        stats_.blocks_written.fetch_add(1, std::memory_order_relaxed);
      } else {
        check(std::move(st));
        failed.push_back(s);
      }
    }
    if (!tail.empty()) {
      check(file_of(tail_block).write(offset_of(tail_block) + tail_offset,
                                      {reinterpret_cast<const uint8_t*>(tail.data()), tail.size()}));
    }
    if (sync && failure.ok()) {
      for (auto& f : files_) check(f->sync());
    }
    if (sync && failure.ok() && !to_free.empty()) {
      for (uint32_t block : to_free) check(file_of(block).write(offset_of(block), zeros));
      for (auto& f : files_) check(f->sync());
    }
    bool ok = failure.ok();

    std::vector<Waiter> ready;
    lock.lock();
    for (const Sealed& s : sealed) {
      if (std::find_if(failed.begin(), failed.end(), [&](const Sealed& x) { return x.block == s.block; }) !=
          failed.end()) {
        continue;
      }
      unwritten_.erase(s.block);
      unwritten_bytes_ -= block_size_;
      blocks_[s.block].state = BlockState::Used;
      settle(s.block);
    }
    if (!ok) {
      stats_.write_errors.fetch_add(1, std::memory_order_relaxed);
      for (Sealed& s : failed) sealed_.push_back(std::move(s));
      if (tail_block == current_) current_flushed_ = std::min(current_flushed_, tail_offset);
      log()->error("device write failed, retrying: {}", failure.message());
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      lock.lock();
      if (last_round) break;
      continue;
    }
    if (sync) {
      durable_pos_ = std::max(durable_pos_, target);
      last_sync = now;
      for (uint32_t block : to_free) {
        blocks_[block].state = BlockState::Free;
        blocks_[block].seq = 0;
        free_list_.push_back(block);
        freeing_.erase(std::find(freeing_.begin(), freeing_.end(), block));
      }
      auto split = std::partition(waiters_.begin(), waiters_.end(), [&](const Waiter& w) { return w.pos > durable_pos_; });
      std::move(split, waiters_.end(), std::back_inserter(ready));
      waiters_.erase(split, waiters_.end());
    }
    durable_cv_.notify_all();
    if (!ready.empty()) {
      lock.unlock();
      for (Waiter& w : ready) w.done();
      lock.lock();
    }
    if (last_round) break;
  }
}

void DeviceStorage::defragger() {
  while (true) {
    uint32_t block;
    {
      std::unique_lock lock(mu_);
      defrag_cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_ || !defrag_q_.empty(); });
      if (stopping_) return;
      if (defrag_q_.empty()) continue;
      block = defrag_q_.front();
      defrag_q_.pop_front();
      defrag_q_size_ = defrag_q_.size();
      defragging_ = true;
    }
    const bool emptied = defrag_block(block);
    {
      std::lock_guard lock(mu_);
      defragging_ = false;
    }
    if (!emptied) {
      // Nowhere to move the records to yet: let deletes and the flusher free a block.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (uint32_t us = defrag_sleep_us_.load(std::memory_order_relaxed)) {
      std::this_thread::sleep_for(std::chrono::microseconds(us));
    }
  }
}

bool DeviceStorage::defrag_block(uint32_t block) {
  uint64_t oldest_other = UINT64_MAX;
  {
    std::lock_guard lock(mu_);
    if (blocks_[block].live_bytes == 0) {
      queue_for_free(block);
      return true;
    }
    for (uint32_t other = 0; other < n_data_blocks_; ++other) {
      if (other != block && blocks_[other].state != BlockState::Free) {
        oldest_other = std::min(oldest_other, blocks_[other].seq);
      }
    }
  }
  thread_local std::vector<uint8_t> buf;
  buf.resize(block_size_);
  DeviceFile& file = file_of(block);
  if (common::Status st = file.read(offset_of(block), buf); !st.ok()) {
    log()->warn("defrag cannot read a block, block kept: {}", st.message());
    std::lock_guard lock(mu_);
    blocks_[block].state = BlockState::Used;
    return true;
  }
  stats_.defrag_reads.fetch_add(1, std::memory_order_relaxed);
  scan_block(block, buf, [&](const StoredRecord& sr) { relocate_(sr, oldest_other); }, false);
  std::lock_guard lock(mu_);
  if (blocks_[block].live_bytes == 0) {
    queue_for_free(block);
    return true;
  }
  // Something could not move (no room): try again later.
  blocks_[block].state = BlockState::Defrag;
  defrag_q_.push_back(block);
  defrag_q_size_ = defrag_q_.size();
  return false;
}

}  // namespace asd::storage
