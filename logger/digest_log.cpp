// DigestLog at run time: append with overwrite, read, cursors, lost windows, and the
// flusher. Opening, recovery and resizing live in digest_log_open.cpp.

#include "logger/digest_log.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "common/rate_limit.h"
#include "log_format.h"

namespace logger {

using detail::DcState;
using detail::EntryCheck;
using detail::kEntriesOffset;
using detail::kEntrySize;
using detail::kHeaderCopySize;

namespace {

constexpr auto kFlushInterval = std::chrono::milliseconds(100);
// Entries encoded and written per pwrite at most (640 KiB): bounds the append buffer and
// how long one append_batch holds the log mutex against cursor commits and readers.
constexpr uint64_t kMaxChunkEntries = 4096;

common::RateLimit g_write_warn{std::chrono::seconds(10)};
common::RateLimit g_read_warn{std::chrono::seconds(10)};
common::RateLimit g_flush_warn{std::chrono::seconds(10)};

DcState* find_dc(detail::HeaderState& s, const std::string& name) {
  for (auto& dc : s.dcs)
    if (dc.name == name) return &dc;
  return nullptr;
}

void merge_window(DcState& dc, const std::string& ns, uint64_t since) {
  auto [it, inserted] = dc.lost.emplace(ns, since);
  if (!inserted) it->second = std::min(it->second, since);
  ++dc.lost_revision[ns];
}

uint64_t revision_of(const DcState& dc, const std::string& ns) {
  auto it = dc.lost_revision.find(ns);
  return it == dc.lost_revision.end() ? 0 : it->second;
}

}  // namespace

DigestLog::DigestLog(std::string path, std::unique_ptr<common::File> file,
                     std::unique_ptr<detail::HeaderState> state, int good_header_slot)
    : path_(std::move(path)),
      file_(std::move(file)),
      capacity_(state->capacity),
      log_id_(state->log_id),
      state_(std::move(state)),
      good_header_slot_(good_header_slot) {
  flusher_ = std::thread([this] { flusher_loop(); });
}

DigestLog::~DigestLog() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  flusher_.join();
  flush();
}

uint64_t DigestLog::append(const proto::XdrFrame& frame) {
  return append_batch(std::span<const proto::XdrFrame>(&frame, 1));
}

uint64_t DigestLog::append_batch(std::span<const proto::XdrFrame> frames) {
  uint64_t first;
  {
    std::lock_guard lk(mu_);
    first = state_->head;
    while (!frames.empty()) {
      size_t n = size_t(std::min<uint64_t>({frames.size(), kMaxChunkEntries, capacity_}));
      append_chunk_locked(frames.first(n));
      frames = frames.subspan(n);
    }
  }
  appended_.notify_all();
  return first;
}

bool DigestLog::wait_for_entry(uint64_t seq, uint32_t timeout_ms) const {
  std::unique_lock lk(mu_);
  return appended_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return state_->head > seq; });
}

void DigestLog::append_chunk_locked(std::span<const proto::XdrFrame> frames) {
  // At most capacity_ entries, so every victim overwritten below is older than every
  // seq of this chunk: it is still on disk when overwrite_oldest_locked reads it.
  detail::HeaderState& s = *state_;
  const uint64_t first = s.head;
  const size_t n = frames.size();
  if (append_buf_.size() < n * kEntrySize) append_buf_.resize(n * kEntrySize);
  uint8_t* buf = append_buf_.data();
  for (size_t i = 0; i < n; ++i) {
    const proto::XdrFrame& frame = frames[i];
    uint64_t seq = first + i;
    if (seq - s.tail == capacity_) overwrite_oldest_locked();
    if (frame.is_mark()) latest_mark_ = MarkPos{seq, frame.lut};
    else note_namespace_locked(frame.ns);
    detail::encode_entry(log_id_, seq, frame, buf + i * kEntrySize);
  }
  // One pwrite per contiguous run of slots: two when the chunk crosses the ring's end.
  for (size_t done = 0; done < n;) {
    uint64_t slot = (first + done) % capacity_;
    size_t run = size_t(std::min<uint64_t>(n - done, capacity_ - slot));
    auto st = file_->pwrite(kEntriesOffset + slot * kEntrySize, buf + done * kEntrySize,
                            run * kEntrySize);
    if (!st.ok()) {
      // The seqs are still consumed (readers skip the bad slots); every DC is told to
      // recover each namespace from its smallest LUT in the run instead.
      for (size_t i = done; i < done + run; ++i)
        if (!frames[i].is_mark())
          for (auto& dc : s.dcs) merge_window(dc, frames[i].ns, frames[i].lut);
      uint64_t held = 0;
      if (g_write_warn.allow(&held))
        common::logger("logger")->error(
            "dlog append failed seq={} count={} ns={} err={} suppressed={}", first + done, run,
            frames[done].ns, st.message(), held);
    }
    done += run;
  }
  s.head = first + n;
  dirty_ = true;
}

void DigestLog::overwrite_oldest_locked() {
  detail::HeaderState& s = *state_;
  uint64_t victim = s.tail;
  s.tail = victim + 1;
  bool anyone_needs_it = std::any_of(s.dcs.begin(), s.dcs.end(),
                                     [&](const DcState& dc) { return dc.cursor <= victim; });
  if (!anyone_needs_it) return;
  uint8_t buf[kEntrySize];
  proto::XdrFrame frame;
  auto r = file_->pread(kEntriesOffset + (victim % capacity_) * kEntrySize, buf, kEntrySize);
  bool known = r.ok() && *r == kEntrySize &&
               detail::check_entry(log_id_, victim, buf, &frame) == EntryCheck::Valid;
  for (auto& dc : s.dcs) {
    if (dc.cursor > victim) continue;
    dc.cursor = s.tail;
    if (known && frame.is_mark()) continue;  // a Mark carries no record: nothing lost
    dc.overwritten += 1;
    if (known) {
      merge_window(dc, frame.ns, frame.lut);
    } else {
      // The victim is unreadable, so its namespace is unknown: recover them all.
      for (const auto& ns : s.namespaces) merge_window(dc, ns, 0);
    }
  }
}

void DigestLog::note_namespace_locked(const std::string& ns) {
  // Nearly every frame repeats the previous namespace: skip the search then.
  if (!last_ns_.empty() && ns == last_ns_) return;
  last_ns_ = ns;
  auto& known = state_->namespaces;
  if (std::find(known.begin(), known.end(), ns) == known.end()) known.push_back(ns);
}

std::vector<Entry> DigestLog::read(uint64_t from, size_t max) const {
  uint64_t tail, head;
  {
    std::lock_guard lk(mu_);
    tail = state_->tail;
    head = state_->head;
  }
  from = std::max(from, tail);
  if (from >= head || max == 0) return {};
  uint64_t n = std::min<uint64_t>(max, head - from);
  std::vector<uint8_t> buf(n * kEntrySize);
  // At most two preads: up to the end of the ring, then from its start.
  uint64_t done = 0;
  while (done < n) {
    uint64_t slot = (from + done) % capacity_;
    uint64_t run = std::min(n - done, capacity_ - slot);
    auto r = file_->pread(kEntriesOffset + slot * kEntrySize, buf.data() + done * kEntrySize,
                          run * kEntrySize);
    if (!r.ok() || *r != run * kEntrySize) {
      uint64_t held = 0;
      if (g_read_warn.allow(&held))
        common::logger("logger")->warn("dlog read failed path={} seq={} err={} suppressed={}",
                                       path_, from + done, r.ok() ? "short read" : r.error().message,
                                       held);
      n = done;
      break;
    }
    done += run;
  }
  std::vector<Entry> out;
  out.reserve(n);
  uint64_t bad_seq = 0;
  size_t bad = 0;
  for (uint64_t i = 0; i < n; ++i) {
    Entry e{from + i, {}};
    if (detail::check_entry(log_id_, e.seq, buf.data() + i * kEntrySize, &e.frame) ==
        EntryCheck::Valid) {
      out.push_back(std::move(e));
    } else if (bad++ == 0) {
      bad_seq = e.seq;
    }
  }
  if (bad > 0 && bad_seq >= this->tail()) {
    // Not merely overwritten while we read: damaged on disk (or a failed append).
    uint64_t held = 0;
    if (g_read_warn.allow(&held))
      common::logger("logger")->warn("dlog bad entries skipped path={} first_seq={} count={} suppressed={}",
                                     path_, bad_seq, bad, held);
  }
  return out;
}

uint64_t DigestLog::head() const {
  std::lock_guard lk(mu_);
  return state_->head;
}

uint64_t DigestLog::tail() const {
  std::lock_guard lk(mu_);
  return state_->tail;
}

uint64_t DigestLog::cursor(const std::string& dc) const {
  std::lock_guard lk(mu_);
  const DcState* d = find_dc(*state_, dc);
  return d ? d->cursor : state_->head;
}

void DigestLog::commit_cursor(const std::string& dc, uint64_t seq) {
  std::lock_guard lk(mu_);
  DcState* d = find_dc(*state_, dc);
  if (!d) {
    common::logger("logger")->warn("dlog commit for unknown dc={}", dc);
    return;
  }
  seq = std::min(seq, state_->head);
  if (seq > d->cursor) {
    d->cursor = seq;
    dirty_ = true;
  }
}

std::vector<LostWindow> DigestLog::lost_windows(const std::string& dc) const {
  std::lock_guard lk(mu_);
  std::vector<LostWindow> out;
  if (const DcState* d = find_dc(*state_, dc))
    for (const auto& [ns, since] : d->lost) out.push_back({ns, since, revision_of(*d, ns)});
  return out;
}

std::vector<LostWindow> DigestLog::take_lost_windows(const std::string& dc) {
  std::lock_guard lk(mu_);
  std::vector<LostWindow> out;
  if (DcState* d = find_dc(*state_, dc)) {
    for (const auto& [ns, since] : d->lost) out.push_back({ns, since, revision_of(*d, ns)});
    if (!d->lost.empty()) dirty_ = true;
    d->lost.clear();
  }
  return out;
}

void DigestLog::ack_lost_window(const std::string& dc, const LostWindow& w) {
  std::lock_guard lk(mu_);
  DcState* d = find_dc(*state_, dc);
  if (!d) return;
  auto it = d->lost.find(w.ns);
  if (it != d->lost.end() && it->second == w.since_lut && revision_of(*d, w.ns) == w.revision) {
    d->lost.erase(it);
    dirty_ = true;
  }
}

void DigestLog::add_lost_window(const std::string& dc, const LostWindow& w) {
  std::lock_guard lk(mu_);
  DcState* d = find_dc(*state_, dc);
  if (!d) {
    common::logger("logger")->warn("dlog lost window for unknown dc={} ns={}", dc, w.ns);
    return;
  }
  note_namespace_locked(w.ns);
  merge_window(*d, w.ns, w.since_lut);
  dirty_ = true;
}

uint64_t DigestLog::capacity_entries() const { return capacity_; }

std::optional<DigestLog::MarkPos> DigestLog::latest_mark() const {
  std::lock_guard lk(mu_);
  return latest_mark_;
}

std::optional<DigestLog::MarkPos> DigestLog::find_mark_before(uint64_t lut) const {
  constexpr uint64_t kChunk = 4096;
  uint64_t end = head();
  while (end > tail()) {
    uint64_t from = end > kChunk ? end - kChunk : 0;
    from = std::max(from, tail());
    std::vector<Entry> chunk = read(from, size_t(end - from));
    for (auto it = chunk.rbegin(); it != chunk.rend(); ++it) {
      if (it->frame.is_mark() && it->frame.lut <= lut) return MarkPos{it->seq, it->frame.lut};
    }
    end = from;
  }
  return std::nullopt;
}

double DigestLog::used_pct(const std::string& dc) const {
  std::lock_guard lk(mu_);
  const DcState* d = find_dc(*state_, dc);
  uint64_t pending = d ? state_->head - d->cursor : 0;
  return double(pending) * 100.0 / double(capacity_);
}

uint64_t DigestLog::overwritten(const std::string& dc) const {
  std::lock_guard lk(mu_);
  const DcState* d = find_dc(*state_, dc);
  return d ? d->overwritten : 0;
}

std::vector<std::string> DigestLog::dcs() const {
  std::lock_guard lk(mu_);
  std::vector<std::string> out;
  for (const auto& dc : state_->dcs) out.push_back(dc.name);
  return out;
}

void DigestLog::flush() {
  common::Status st = write_header();
  if (st.ok()) return;
  uint64_t held = 0;
  if (g_flush_warn.allow(&held))
    common::logger("logger")->error("dlog flush failed path={} err={} suppressed={}", path_,
                                    st.message(), held);
}

common::Status DigestLog::write_header() {
  std::lock_guard fl(flush_mu_);
  std::vector<uint8_t> header(kHeaderCopySize);
  size_t unpersisted;
  {
    std::lock_guard lk(mu_);
    state_->generation += 1;
    unpersisted = detail::encode_header(*state_, header.data());
    dirty_ = false;
  }
  // Entries first: the header about to be written names them (its head), so they must
  // be on disk before it is. The copy that is good now is never the one overwritten.
  int slot = 1 - good_header_slot_;
  common::Status st = file_->sync();
  if (st.ok()) st = file_->pwrite(uint64_t(slot) * kHeaderCopySize, header.data(), header.size());
  if (st.ok()) st = file_->sync();
  if (!st.ok()) {
    std::lock_guard lk(mu_);
    dirty_ = true;  // try again on the next tick
    return st;
  }
  good_header_slot_ = slot;
  uint64_t held = 0;
  if (unpersisted > 0 && g_flush_warn.allow(&held))
    common::logger("logger")->warn(
        "dlog lost windows kept in memory only path={} count={} reason=namespace table full",
        path_, unpersisted);
  return st;
}

void DigestLog::flusher_loop() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    wake_.wait_for(lk, kFlushInterval, [this] { return stop_; });
    if (stop_ || !dirty_) continue;
    lk.unlock();
    flush();
    lk.lock();
  }
}

}  // namespace logger
