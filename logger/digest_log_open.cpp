// DigestLog::open: create, recover after a crash, or start fresh after a resize.
// Startup edge: failures throw std::runtime_error with the path and the reason.

#include <algorithm>
#include <random>
#include <set>
#include <stdexcept>

#include "common/log.h"
#include "log_format.h"
#include "logger/digest_log.h"

namespace logger {

using detail::DcState;
using detail::EntryCheck;
using detail::HeaderState;
using detail::kEntriesOffset;
using detail::kEntrySize;
using detail::kHeaderCopySize;

namespace {

constexpr uint64_t kScanChunk = 256;  // entries per pread while recovering the tail

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error("digest log " + path + ": " + why);
}

template <typename T>
T must(common::Result<T> r, const std::string& path) {
  if (!r.ok()) fail(path, r.error().message);
  return std::move(*r);
}

void must(const common::Status& st, const std::string& path) {
  if (!st.ok()) fail(path, st.message());
}

void validate_dcs(const std::string& path, const std::vector<std::string>& dcs) {
  if (dcs.size() > detail::kMaxDcs)
    fail(path, "too many datacenters (" + std::to_string(dcs.size()) + ", at most 32)");
  std::set<std::string> seen;
  for (const auto& dc : dcs) {
    if (dc.empty() || dc.size() > detail::kMaxNameLen)
      fail(path, "datacenter name '" + dc + "' must be 1..31 bytes");
    if (!seen.insert(dc).second) fail(path, "datacenter '" + dc + "' listed twice");
  }
}

uint64_t new_log_id() {
  std::random_device rd;
  uint64_t id = 0;
  while (id == 0) id = uint64_t(rd()) << 32 | rd();
  return id;
}

std::unique_ptr<HeaderState> fresh_state(uint64_t size) {
  auto s = std::make_unique<HeaderState>();
  s->file_size = size;
  s->capacity = detail::capacity_for(size);
  s->log_id = new_log_id();
  return s;
}

struct Loaded {
  HeaderState state;
  int slot;
};

// The valid copy with the highest generation. `all_zero` tells a creation that never
// wrote its header (the file is ours, just empty) from a foreign or damaged file.
std::optional<Loaded> read_header(common::File& file, const std::string& path, bool* all_zero) {
  std::vector<uint8_t> buf(2 * kHeaderCopySize);
  size_t got = must(file.pread(0, buf.data(), buf.size()), path);
  std::fill(buf.begin() + long(got), buf.end(), 0);
  *all_zero = std::all_of(buf.begin(), buf.end(), [](uint8_t b) { return b == 0; });
  std::optional<Loaded> best;
  for (int slot = 0; slot < 2; ++slot) {
    auto s = detail::decode_header(buf.data() + slot * kHeaderCopySize);
    if (!s) {
      const uint8_t* copy = buf.data() + slot * kHeaderCopySize;
      // A never-written copy (a log flushed once so far) is not worth a warning.
      if (!std::all_of(copy, copy + kHeaderCopySize, [](uint8_t b) { return b == 0; }))
        common::logger("logger")->warn("dlog header copy invalid path={} offset={}", path,
                                       slot * kHeaderCopySize);
      continue;
    }
    if (!best || s->generation > best->state.generation) best = Loaded{std::move(*s), slot};
  }
  return best;
}

void check_format(const std::string& path, const HeaderState& s) {
  if (s.version != detail::kFormatVersion)
    fail(path, "format version " + std::to_string(s.version) + " is not supported (this build reads 1 and 2)");
  if (s.entry_size != kEntrySize || s.header_copy_size != kHeaderCopySize ||
      s.capacity != detail::capacity_for(s.file_size) || s.capacity < detail::kMinEntries)
    fail(path, "header geometry is inconsistent (entry size, header size or capacity)");
}

void note_namespace(HeaderState& s, const std::string& ns) {
  if (std::find(s.namespaces.begin(), s.namespaces.end(), ns) == s.namespaces.end())
    s.namespaces.push_back(ns);
}

// Finds entries appended after the last header write: forward from head while the
// checksum is good and the seq is the next one. The first damaged entry is a torn
// write (power cut mid-append) and ends the log.
void recover_tail(common::File& file, HeaderState& s, const std::string& path) {
  const uint64_t cap = s.capacity;
  uint64_t head = s.head;
  std::vector<uint8_t> buf(kScanChunk * kEntrySize);
  bool done = false;
  for (uint64_t scanned = 0; scanned < cap && !done;) {
    uint64_t slot = head % cap;
    uint64_t run = std::min({kScanChunk, cap - slot, cap - scanned});
    uint64_t offset = kEntriesOffset + slot * kEntrySize;
    size_t got = must(file.pread(offset, buf.data(), run * kEntrySize), path);
    if (got < run * kEntrySize) fail(path, "short read while recovering the tail");
    for (uint64_t i = 0; i < run && !done; ++i) {
      proto::XdrFrame frame;
      switch (detail::check_entry(s.log_id, head, buf.data() + i * kEntrySize, &frame)) {
        case EntryCheck::Valid:
          if (!frame.is_mark()) note_namespace(s, frame.ns);
          ++head;
          break;
        case EntryCheck::Corrupt:
          common::logger("logger")->warn("dlog torn entry cut path={} offset={} seq={}", path,
                                         offset + i * kEntrySize, head);
          done = true;
          break;
        case EntryCheck::Empty:
        case EntryCheck::Stale:
          done = true;
          break;
      }
    }
    scanned += run;
  }
  if (head == s.head) return;
  common::logger("logger")->info("dlog recovered unflushed entries path={} from={} to={}", path,
                                 s.head, head);
  uint64_t new_tail = head > cap ? std::max(s.tail, head - cap) : s.tail;
  if (new_tail > s.tail) {
    // The log wrapped after the last header write, so what it overwrote is unknown:
    // a DC that had not shipped it recovers every namespace in full.
    for (auto& dc : s.dcs) {
      if (dc.cursor >= new_tail) continue;
      common::logger("logger")->warn(
          "dlog overwrite not in header dc={} lost_entries={} action=recover all namespaces",
          dc.name, new_tail - dc.cursor);
      dc.overwritten += new_tail - dc.cursor;
      dc.cursor = new_tail;
      for (const auto& ns : s.namespaces) dc.lost[ns] = 0;
    }
    s.tail = new_tail;
  }
  s.head = head;
}

// Keeps the configured DCs in the configured order: known ones keep their state, new
// ones start at the head (nothing old to ship), removed ones are dropped.
void reconcile_dcs(HeaderState& s, const std::vector<std::string>& names, const std::string& path) {
  std::vector<DcState> next;
  for (const auto& name : names) {
    auto it = std::find_if(s.dcs.begin(), s.dcs.end(), [&](const DcState& d) { return d.name == name; });
    if (it != s.dcs.end()) {
      next.push_back(std::move(*it));
      continue;
    }
    common::logger("logger")->info("dlog dc added path={} dc={} cursor={}", path, name, s.head);
    next.push_back(DcState{name, s.head, 0, {}});
  }
  for (const auto& d : s.dcs)
    if (!d.name.empty() && std::find(names.begin(), names.end(), d.name) == names.end())
      common::logger("logger")->info("dlog dc removed path={} dc={}", path, d.name);
  s.dcs = std::move(next);
}

// The configured size changed: the ring cannot be re-slotted in place, so start fresh
// and turn whatever was pending into full-namespace recovery windows.
std::unique_ptr<HeaderState> resize(common::File& file, Loaded& old, uint64_t actual, uint64_t size,
                                    const std::string& path) {
  const bool old_format = old.state.version == 1;
  // Entries of the current format only: a version 1 log's namespaces come from its header.
  if (!old_format && actual == old.state.file_size) recover_tail(file, old.state, path);
  common::logger("logger")->warn(
      "dlog {} path={} old={} new={} action=fresh log, lost windows since 0 for {} "
      "namespaces", old_format ? "format 1 replaced" : "size changed", path, old.state.file_size, size,
      old.state.namespaces.size());
  auto s = fresh_state(size);
  s->generation = old.state.generation;  // the next header write outranks both old copies
  s->namespaces = old.state.namespaces;
  for (auto& dc : old.state.dcs) {
    for (const auto& ns : s->namespaces) dc.lost[ns] = 0;
    dc.cursor = 0;
    s->dcs.push_back(std::move(dc));
  }
  // Cut to the header area first: the old entries vanish (they would otherwise look like
  // entries to a later tail scan) while the old headers survive a crash right here.
  must(file.allocate(kEntriesOffset), path);
  must(file.allocate(size), path);
  return s;
}

}  // namespace

std::unique_ptr<DigestLog> DigestLog::open(const std::string& path, uint64_t size,
                                           const std::vector<std::string>& dcs) {
  return open(path, size, dcs, common::posix_file_io());
}

std::unique_ptr<DigestLog> DigestLog::open(const std::string& path, uint64_t size,
                                           const std::vector<std::string>& dcs,
                                           std::shared_ptr<common::FileIo> io) {
  validate_dcs(path, dcs);
  if (detail::capacity_for(size) < detail::kMinEntries)
    fail(path, "size " + std::to_string(size) + " is too small (at least " +
                   std::to_string(kEntriesOffset + detail::kMinEntries * kEntrySize) + " bytes)");
  std::unique_ptr<common::File> file = must(io->open(path, common::OpenMode::Create), path);
  uint64_t actual = must(file->size(), path);
  std::unique_ptr<HeaderState> state;
  int slot = 1;  // the next header write goes to copy A
  bool all_zero = true;
  std::optional<Loaded> loaded;
  if (actual > 0) loaded = read_header(*file, path, &all_zero);
  if (!loaded) {
    if (!all_zero)
      fail(path, "not a digest log, or both header copies are damaged; move the file away "
                 "to start a fresh log (pending shipments will then need a rewind)");
    state = fresh_state(size);
    must(file->allocate(size), path);
    common::logger("logger")->info("dlog created path={} size={} capacity={}", path, size,
                                   state->capacity);
  } else {
    slot = loaded->slot;
    // A version 1 log (136-byte frames) cannot be read in place: replaced like a resize.
    const bool old_format = loaded->state.version == 1;
    if (!old_format) check_format(path, loaded->state);
    if (old_format || loaded->state.file_size != size) {
      state = resize(*file, *loaded, actual, size, path);
    } else if (actual != size) {
      fail(path, "file is " + std::to_string(actual) + " bytes but its header says " +
                     std::to_string(size) + ": truncated or extended outside xdr");
    } else {
      state = std::make_unique<HeaderState>(std::move(loaded->state));
      recover_tail(*file, *state, path);
    }
  }
  reconcile_dcs(*state, dcs, path);
  common::logger("logger")->info("dlog open path={} capacity={} head={} tail={} dcs={}", path,
                                 state->capacity, state->head, state->tail, state->dcs.size());
  std::unique_ptr<DigestLog> log(new DigestLog(path, std::move(file), std::move(state), slot));
  // The recovered or new state is durable before anything ships from it.
  must(log->write_header(), path);
  return log;
}

}  // namespace logger
