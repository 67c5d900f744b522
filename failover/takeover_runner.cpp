// Takeover, the runner threads (one per DC): each registered task ships, from the digest
// log or by a partition scan of the local asd, what the departed node (or the node whose
// xdr is down) had not shipped, and ends once the shipper has finished every record.

#include <algorithm>

#include "client/client.h"
#include "common/clock.h"
#include "common/log.h"
#include "failover/takeover.h"
#include "logger/digest_log.h"

namespace failover {

namespace {

constexpr uint64_t kReadChunk = 1024;
constexpr uint64_t kRetryFirstMs = 1000;
constexpr uint64_t kRetryMaxMs = 30000;
// How long a task waits for a Mark newer than its registration (asd down, or no xdr
// pipe traffic) before it scans instead.
constexpr uint64_t kBarrierWaitMs = 10000;

std::shared_ptr<spdlog::logger> takeover_log() { return common::logger("failover"); }

uint64_t min_since(const TakeoverTask& t) {
  uint64_t m = UINT64_MAX;
  for (const auto& [pid, since] : t.since) m = std::min(m, since);
  return t.since.empty() ? 0 : m;
}

// Whether a replica copy in the log is one this task ships.
bool wanted(const TakeoverTask& task, const proto::XdrFrame& f) {
  if (f.is_mark() || !(f.flags & proto::kXdrFlagReplica) || f.op == proto::XdrOp::Evict || f.ns != task.ns) {
    return false;
  }
  auto it = task.since.find(common::partition_id(f.digest).value);
  if (it == task.since.end()) return false;
  // A write that came from another DC carries that DC's LUT, which may be older than any
  // since: the log's order (it arrived after the Mark) is what counts for it.
  return (f.flags & proto::kXdrFlagFromXdr) || f.lut >= it->second;
}

}  // namespace

void Takeover::runner_loop(const std::string& dc) {
  uint64_t retry_ms = kRetryFirstMs;
  while (!stopping_) {
    std::optional<TakeoverTask> task;
    {
      std::lock_guard lock(mu_);
      for (const TakeoverTask& t : state_.tasks) {
        if (t.dc == dc) {
          task = t;
          break;
        }
      }
    }
    if (!task) {
      pause_ms(1000);
      continue;
    }
    if (run_task(*task)) {
      retry_ms = kRetryFirstMs;
      {
        std::lock_guard lock(mu_);
        std::erase_if(state_.tasks, [&](const TakeoverTask& t) { return t.id == task->id; });
        dirty_ = true;
      }
      persist(true);
      continue;
    }
    if (!pause_ms(retry_ms)) break;
    retry_ms = std::min(retry_ms * 2, kRetryMaxMs);
  }
}

bool Takeover::run_task(const TakeoverTask& task) {
  const uint64_t start = common::steady_ms();
  if (task.since.empty()) return true;
  bool from_log = false;
  std::optional<uint64_t> records = ship_from_log(task, &from_log);
  if (!from_log && !stopping_) records = ship_by_scan(task);
  if (!records || !wait_shipped(task.dc)) {
    if (!stopping_) takeover_log()->warn("takeover task failed task={} dc={} ns={} (retried)", task.id, task.dc, task.ns);
    return false;
  }
  {
    std::lock_guard lock(mu_);
    TakeoverStats& s = stats_[task.dc];
    ++s.takeovers;
    s.takeover_records += *records;
    ++(from_log ? s.takeovers_from_log : s.takeovers_by_scan);
  }
  takeover_log()->info("takeover done task={} departed={} dc={} ns={} acting={} partitions={} since={} records={} "
                       "source={} ms={}",
                       task.id, node_hex(task.departed), task.dc, task.ns, task.acting, task.since.size(),
                       min_since(task), *records, from_log ? "log" : "scan", common::steady_ms() - start);
  return true;
}

// From the digest log, when it holds a Mark older than the oldest since (minus the clock
// skew between the departed node, whose clock stamped the LUTs, and this node's asd,
// whose clock stamped the Mark): every replica copy announced since then follows that
// Mark. The read ends at the first Mark stamped after the task was registered, so every
// copy this node's asd had applied by then is included. *usable is false when the log
// cannot prove that (no such Mark, or the ring overwrote the range while reading): the
// caller scans instead.
std::optional<uint64_t> Takeover::ship_from_log(const TakeoverTask& task, bool* usable) {
  *usable = false;
  uint64_t since = min_since(task);
  auto first = log_.find_mark_before(since > kMaxClockSkewMs ? since - kMaxClockSkewMs : 0);
  if (!first) return std::nullopt;
  const uint64_t waited_from = common::steady_ms();
  std::optional<logger::DigestLog::MarkPos> last;
  for (;;) {
    last = log_.latest_mark();
    if (last && last->lut > task.registered_ms) break;
    if (common::steady_ms() > waited_from + kBarrierWaitMs) return std::nullopt;
    if (!pause_ms(100)) return std::nullopt;
  }
  uint64_t records = 0;
  uint64_t pos = first->seq;
  while (pos < last->seq) {
    if (stopping_) {
      *usable = true;
      return std::nullopt;
    }
    if (log_.tail() > pos) return std::nullopt;  // overwritten under us
    const uint64_t n = std::min(kReadChunk, last->seq - pos);
    std::vector<logger::Entry> entries = log_.read(pos, size_t(n));
    // Overwritten under us, or a damaged entry (read() leaves it out): not provable.
    if (log_.tail() > pos || entries.size() != n) return std::nullopt;
    for (const logger::Entry& e : entries) {
      if (e.seq >= last->seq) break;
      if (!wanted(task, e.frame)) continue;
      proto::XdrFrame frame = e.frame;
      frame.flags &= uint8_t(~proto::kXdrFlagReplica);
      if (!submit(task.dc, frame)) {
        *usable = true;
        return std::nullopt;
      }
      ++records;
    }
    pos += n;
  }
  *usable = true;
  return records;
}

// A partition scan of the local asd: every record (and tombstone) of the task's
// partitions with LUT >= its since. The client sends each partition to its master.
std::optional<uint64_t> Takeover::ship_by_scan(const TakeoverTask& task) {
  std::shared_ptr<client::Client> local = local_();
  if (!local) return std::nullopt;
  client::ScanPolicy policy;
  policy.xdr = true;
  uint64_t since = min_since(task);
  if (since > 0) policy.since_lut = since;
  for (const auto& [pid, lut] : task.since) policy.partitions.push_back(uint16_t(pid));
  policy.socket_timeout_ms = options_.scan_socket_timeout_ms;
  uint64_t records = 0;
  bool stopped = false;
  common::Status st = local->scan(task.ns, "", [&](const client::Record& rec) {
    auto it = task.since.find(common::partition_id(rec.digest).value);
    if (it == task.since.end() || rec.lut < it->second) return true;
    if (!submit(task.dc, frame_of_scanned(rec, task.ns, options_.src_id))) {
      stopped = true;
      return false;
    }
    ++records;
    return true;
  }, policy);
  if (!st.ok() || stopped) {
    if (!stopped) {
      takeover_log()->warn("takeover scan failed task={} ns={} records={} err={}", task.id, task.ns, records,
                           st.message());
    }
    return std::nullopt;
  }
  return records;
}

bool Takeover::submit(const std::string& dc, const proto::XdrFrame& frame) {
  while (!ship_(dc, frame)) {
    if (stopping_) return false;
  }
  return true;
}

bool Takeover::wait_shipped(const std::string& dc) {
  while (outstanding_(dc) > 0) {
    if (!pause_ms(50)) return false;
  }
  return true;
}

}  // namespace failover
