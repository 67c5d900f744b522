// dlog_append_bench: the digest-log append path alone, against a raw write() reference.
//
//   dlog_append_bench [--entries 2000000] [--batch 455] [--dir /tmp] [--size BYTES] [--json]
//
// Opens a fresh digest log (one DC, "DC2", whose cursor never moves, as when its link is
// down) in a temp dir under --dir and appends --entries pipe frames through
// DigestLog::append_batch, --batch frames per call (the pipe reader's path: one call per
// 64 KiB pipe read, about 455 frames); --batch 1 uses append() per frame. Frames are
// realistic: digests of distinct keys, four namespaces of uneven weight, several sets,
// rising LUTs, some replica copies, a Mark every 10,000 frames. They are decoded before
// the clock starts, so only the append path is timed.
//
// Durability is the log's own (digest_log.h): append() writes into the page cache and
// never syncs; the log's flusher thread fdatasyncs and writes the header every 100 ms
// meanwhile. The final flush() is timed apart.
//
// Reference, same run, same dir: the same number of bytes written with plain write()
// calls of 64 KiB into a file preallocated like the log, then one fdatasync (timed
// apart). Printed: entries/s, MB/s, the ratio log / raw, and whether the target of
// 2,000,000 entries/s is met. --size smaller than the entries makes the log wrap: then
// every append also reads back the entry it overwrites (the DC had not shipped it).

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/log.h"
#include "logger/digest_log.h"
#include "proto/xdr_frame.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kHeaderArea = 32768;  // digest_log.h: entries start here
constexpr uint64_t kEntrySize = 156;
constexpr uint64_t kTarget = 2000000;
constexpr size_t kRawChunk = 64 * 1024;
constexpr size_t kFramePool = 1 << 16;  // distinct digests cycled through
constexpr uint64_t kMarkEvery = 10000;

double since_s(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Options {
  uint64_t entries = 2000000;
  size_t batch = 455;
  std::string dir = "/tmp";
  uint64_t size = 0;  // 0: room for every entry (no wrap)
  bool json = false;
};

struct Figures {
  double log_s = 0, log_flush_s = 0, raw_s = 0, raw_sync_s = 0;
  uint64_t wrapped = 0;  // entries that overwrote an older one
};

// kFramePool decoded frames cut into batches, built before the clock starts; the
// appender cycles through them (LUTs repeat per lap, which the append path ignores).
std::vector<std::vector<proto::XdrFrame>> make_batches(size_t batch) {
  static const char* kNamespaces[] = {"test", "test", "test", "users", "users", "sessions", "bar", "test"};
  static const char* kSets[] = {"demo", "profile", "", "events", "cart"};
  uint64_t lut = 450000000000;  // ms since the CL epoch, about 2024
  std::vector<std::vector<proto::XdrFrame>> batches;
  for (size_t i = 0; i < kFramePool; ++i) {
    if (i % batch == 0) batches.emplace_back().reserve(batch);
    lut += i % 4 == 0;  // several writes per ms
    if (i % kMarkEvery == kMarkEvery - 1) {
      batches.back().push_back(proto::make_mark(lut));
      continue;
    }
    proto::XdrFrame f;
    f.ns = kNamespaces[i % 8];
    f.set = kSets[(i / 8) % 5];
    f.digest = common::compute_digest(f.set, int64_t(i));
    f.lut = lut;
    f.generation = uint16_t(1 + i % 7);
    f.op = i % 50 == 0 ? proto::XdrOp::Delete : proto::XdrOp::Write;
    f.flags = i % 3 == 0 ? proto::kXdrFlagReplica : 0;
    f.master_id = common::NodeId(f.flags ? 0xA1 + i % 3 : 0);
    batches.back().push_back(std::move(f));
  }
  return batches;
}

// Appends opts.entries frames; returns the seconds the appends took.
double run_log(const Options& o, const std::string& path, uint64_t size, Figures* fig) {
  auto log = logger::DigestLog::open(path, size, {"DC2"});
  auto batches = make_batches(std::max<size_t>(o.batch, 1));
  auto t0 = Clock::now();
  for (uint64_t done = 0, next = 0; done < o.entries; ++next) {
    const auto& b = batches[next % batches.size()];
    size_t n = size_t(std::min<uint64_t>(b.size(), o.entries - done));
    if (o.batch <= 1) log->append(b[0]);
    else log->append_batch(std::span(b).first(n));
    done += n;
  }
  double secs = since_s(t0);
  auto t1 = Clock::now();
  log->flush();
  fig->log_flush_s = since_s(t1);
  fig->wrapped = log->tail();
  if (log->head() != o.entries) std::fprintf(stderr, "dlog_append_bench: head %lu != entries\n", (unsigned long)log->head());
  return secs;
}

// The reference: the same bytes by plain write() into a preallocated file.
double run_raw(const std::string& path, uint64_t bytes, Figures* fig) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("open " + path);
  if (::posix_fallocate(fd, 0, off_t(bytes)) != 0) {
    ::close(fd);
    throw std::runtime_error("posix_fallocate " + path);
  }
  std::vector<uint8_t> chunk(kRawChunk);
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = uint8_t(i * 131 + 7);
  auto t0 = Clock::now();
  for (uint64_t done = 0; done < bytes;) {
    size_t n = size_t(std::min<uint64_t>(chunk.size(), bytes - done));
    ssize_t r = ::write(fd, chunk.data(), n);
    if (r <= 0) {
      ::close(fd);
      throw std::runtime_error("write " + path);
    }
    done += uint64_t(r);
  }
  double secs = since_s(t0);
  auto t1 = Clock::now();
  ::fdatasync(fd);
  fig->raw_sync_s = since_s(t1);
  ::close(fd);
  return secs;
}

void print_text(const Options& o, uint64_t size, const Figures& f) {
  double mb = double(o.entries * kEntrySize) / 1e6;
  double log_rate = double(o.entries) / f.log_s, raw_rate = double(o.entries) / f.raw_s;
  std::printf("digest log append: %lu entries of %lu bytes, %s, log file %lu bytes%s\n",
              (unsigned long)o.entries, (unsigned long)kEntrySize,
              o.batch <= 1 ? "append() per entry" : ("append_batch() of " + std::to_string(o.batch)).c_str(),
              (unsigned long)size, f.wrapped ? " (wraps)" : "");
  std::printf("fsync policy: append writes to the page cache, never syncs; flusher fdatasyncs entries + header every 100 ms\n");
  std::printf("  log append      %6.3f s  %11.0f entries/s  %8.1f MB/s   (final flush %.3f s)\n", f.log_s,
              log_rate, mb / f.log_s, f.log_flush_s);
  std::printf("  raw write() 64K %6.3f s  %11.0f entries/s  %8.1f MB/s   (fdatasync %.3f s)\n", f.raw_s,
              raw_rate, mb / f.raw_s, f.raw_sync_s);
  std::printf("  ratio log / raw %.2f\n", log_rate / raw_rate);
  std::printf("  target >= 2,000,000 entries/s: %s\n", log_rate >= double(kTarget) ? "met" : "NOT met");
}

void print_json(const Options& o, uint64_t size, const Figures& f) {
  double mb = double(o.entries * kEntrySize) / 1e6;
  double log_rate = double(o.entries) / f.log_s, raw_rate = double(o.entries) / f.raw_s;
  std::printf(
      "{\"entries\":%lu,\"entry_bytes\":%lu,\"batch\":%lu,\"log_size\":%lu,\"wrapped\":%lu,"
      "\"fsync_policy\":\"page cache on append; fdatasync + header every 100 ms by the flusher\","
      "\"log_s\":%.4f,\"log_entries_per_s\":%.0f,\"log_mb_per_s\":%.1f,\"log_flush_s\":%.4f,"
      "\"raw_s\":%.4f,\"raw_entries_per_s\":%.0f,\"raw_mb_per_s\":%.1f,\"raw_sync_s\":%.4f,"
      "\"ratio\":%.3f,\"target_entries_per_s\":%lu,\"target_met\":%s}\n",
      (unsigned long)o.entries, (unsigned long)kEntrySize, (unsigned long)o.batch, (unsigned long)size,
      (unsigned long)f.wrapped, f.log_s, log_rate, mb / f.log_s, f.log_flush_s, f.raw_s, raw_rate,
      mb / f.raw_s, f.raw_sync_s, log_rate / raw_rate, (unsigned long)kTarget,
      log_rate >= double(kTarget) ? "true" : "false");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"dlog_append_bench: digest-log append rate against raw write() in the same dir"};
  app.add_option("-n,--entries", o.entries, "entries to append")->check(CLI::Range(uint64_t(1), uint64_t(1) << 40));
  app.add_option("-b,--batch", o.batch, "entries per append_batch() call; 1 = append() per entry");
  app.add_option("-d,--dir", o.dir, "directory for the temp dir holding both files");
  app.add_option("-s,--size", o.size, "log file size in bytes (default: room for every entry)");
  app.add_flag("--json", o.json, "print one JSON line");
  CLI11_PARSE(app, argc, argv);

  uint64_t size = o.size ? o.size : kHeaderArea + o.entries * kEntrySize;
  std::string tmpl = o.dir + "/dlog_append_bench_XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    std::fprintf(stderr, "dlog_append_bench: cannot create a temp dir under %s\n", o.dir.c_str());
    return 1;
  }
  Figures fig;
  int rc = 0;
  common::set_log_level("any", "warning");
  try {
    // Warm-up, untimed: the same bytes written once and deleted, so that neither timed
    // run is the first to fault in fresh page-cache memory (on a VM that first touch
    // costs several times the copy and would go against whichever run comes first).
    Figures warm;
    run_raw(tmpl + "/warm", o.entries * kEntrySize, &warm);
    std::filesystem::remove(tmpl + "/warm");
    fig.log_s = run_log(o, tmpl + "/dlog", size, &fig);
    std::filesystem::remove(tmpl + "/dlog");
    fig.raw_s = run_raw(tmpl + "/raw", o.entries * kEntrySize, &fig);
    if (o.json) print_json(o, size, fig);
    else print_text(o, size, fig);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dlog_append_bench: %s\n", e.what());
    rc = 1;
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return rc;
}
