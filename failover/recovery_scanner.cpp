#include "failover/recovery_scanner.h"

#include <algorithm>

#include "client/client.h"
#include "common/clock.h"
#include "common/log.h"
#include "failover/recovery_windows.h"

namespace failover {

namespace {

// Pending windows are re-read this often even without a wake-up: the digest log adds
// overwrite windows on its own.
constexpr uint64_t kIdleCheckMs = 1000;
constexpr uint64_t kRetryFirstMs = 1000;
constexpr uint64_t kRetryMaxMs = 30000;
constexpr uint32_t kInfoTimeoutMs = 1000;
constexpr uint64_t kTickerMs = 10000;

std::shared_ptr<spdlog::logger> recovery_log() { return common::logger("failover"); }

}  // namespace

proto::XdrFrame frame_of_scanned(const client::Record& rec, const std::string& ns, uint8_t local_src_id) {
  proto::XdrFrame frame;
  // A tombstone ships as a delete: the shipper reads the record first, so a newer
  // version written since ships instead.
  frame.op = rec.tombstone ? proto::XdrOp::Delete : proto::XdrOp::Write;
  frame.origin_src_id = common::SrcId(rec.origin_src_id);
  if (rec.origin_src_id != 0 && rec.origin_src_id != local_src_id) frame.flags |= proto::kXdrFlagFromXdr;
  frame.generation = uint16_t(rec.generation);
  frame.lut = rec.lut;
  frame.digest = rec.digest;
  frame.ns = rec.ns.empty() ? ns : rec.ns;
  frame.set = rec.set;
  return frame;
}

RecoveryScanner::RecoveryScanner(std::vector<std::string> dcs, logger::DigestLog& log,
                                 std::function<std::vector<std::string>(const std::string&)> dcs_for_ns,
                                 LocalClientFn local, ShipFn ship, OutstandingFn outstanding,
                                 RecoveryOptions options)
    : log_(log),
      dcs_for_ns_(std::move(dcs_for_ns)),
      local_(std::move(local)),
      ship_(std::move(ship)),
      outstanding_(std::move(outstanding)),
      options_(std::move(options)) {
  for (std::string& name : dcs) {
    auto state = std::make_unique<DcState>();
    state->name = std::move(name);
    dcs_.push_back(std::move(state));
  }
}

RecoveryScanner::~RecoveryScanner() { stop(); }

void RecoveryScanner::start() {
  if (started_) return;
  started_ = true;
  for (auto& dc : dcs_) {
    DcState* state = dc.get();
    state->thread = std::thread([this, state] { scan_loop(*state); });
  }
  poller_ = std::thread([this] { poll_loop(); });
}

void RecoveryScanner::stop() {
  if (!started_ || stopping_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);  // orders the flag before any waiter's next check
  }
  wake_.notify_all();
  for (auto& dc : dcs_) dc->thread.join();
  poller_.join();
}

bool RecoveryScanner::request(const std::string& dc, const logger::LostWindow& window) {
  if (!find(dc)) return false;
  log_.add_lost_window(dc, window);
  recovery_log()->info("recovery requested dc={} ns={} since={}", dc, window.ns, window.since_lut);
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  wake_.notify_all();
  return true;
}

uint64_t RecoveryScanner::recoveries(const std::string& dc) const {
  const DcState* state = find(dc);
  return state ? state->recoveries.load() : 0;
}

uint64_t RecoveryScanner::recoveries_pending(const std::string& dc) const {
  return find(dc) ? merge_windows(log_.lost_windows(dc)).size() : 0;
}

const RecoveryScanner::DcState* RecoveryScanner::find(const std::string& dc) const {
  for (const auto& state : dcs_) {
    if (state->name == dc) return state.get();
  }
  return nullptr;
}

bool RecoveryScanner::pause_ms(uint64_t ms) {
  std::unique_lock lock(mu_);
  uint64_t seen = wakeups_;
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load() || wakeups_ != seen; });
  return !stopping_;
}

// ---- scans ----------------------------------------------------------------------------

void RecoveryScanner::scan_loop(DcState& dc) {
  uint64_t retry_ms = kRetryFirstMs;
  while (!stopping_) {
    std::vector<logger::LostWindow> windows = merge_windows(log_.lost_windows(dc.name));
    if (windows.empty()) {
      pause_ms(kIdleCheckMs);
      continue;
    }
    bool all_done = true;
    for (const logger::LostWindow& w : windows) {
      if (stopping_ || !run_window(dc, w)) {
        all_done = false;
        break;
      }
    }
    if (all_done) {
      retry_ms = kRetryFirstMs;
      continue;
    }
    // asd down or the scan refused: the windows stay pending, try again later.
    pause_ms(retry_ms);
    retry_ms = std::min(retry_ms * 2, kRetryMaxMs);
  }
}

bool RecoveryScanner::run_window(DcState& dc, const logger::LostWindow& w) {
  std::shared_ptr<client::Client> local = local_();
  if (!local) return false;
  recovery_log()->info("recovery scan start dc={} ns={} since={}", dc.name, w.ns, w.since_lut);
  const uint64_t start = common::steady_ms();
  dc.scanning = true;
  client::ScanPolicy policy;
  policy.xdr = true;
  if (w.since_lut > 0) policy.since_lut = w.since_lut;
  policy.socket_timeout_ms = options_.scan_socket_timeout_ms;
  uint64_t records = 0;
  bool stopped = false;
  auto on_record = [&](const client::Record& rec) {
    if (stopping_) {
      stopped = true;
      return false;
    }
    proto::XdrFrame frame = frame_of_scanned(rec, w.ns, options_.src_id);
    while (!ship_(dc.name, frame)) {
      if (stopping_) {
        stopped = true;
        return false;
      }
    }
    ++records;
    return true;
  };
  common::Status st = local->scan(w.ns, "", on_record, policy);
  bool ok = st.ok() && !stopped && wait_shipped(dc.name);
  dc.scanning = false;
  if (!ok) {
    if (!stopped && !stopping_) {
      recovery_log()->warn("recovery scan failed dc={} ns={} since={} records={} err={}", dc.name, w.ns,
                           w.since_lut, records, st.message());
    }
    return false;
  }
  log_.ack_lost_window(dc.name, w);
  ++dc.recoveries;
  recovery_log()->info("recovery scan done dc={} ns={} since={} records={} ms={}", dc.name, w.ns, w.since_lut,
                       records, common::steady_ms() - start);
  return true;
}

bool RecoveryScanner::wait_shipped(const std::string& dc) {
  // The window is done only when its records are final at the shipper, so a crash
  // before then repeats the scan instead of losing records.
  while (outstanding_(dc) > 0) {
    if (!pause_ms(50)) return false;
  }
  return true;
}

// ---- asd pipe gaps ----------------------------------------------------------------------

void RecoveryScanner::poll_loop() {
  uint64_t next_ticker = common::steady_ms() + kTickerMs;
  while (pause_ms(options_.gap_poll_ms)) {
    poll_gaps();
    if (common::steady_ms() < next_ticker) continue;
    next_ticker = common::steady_ms() + kTickerMs;
    for (const auto& dc : dcs_) {
      recovery_log()->info("recovery ticker dc={} recoveries={} recoveries_pending={} scanning={} asd_gaps_closed={}",
                           dc->name, dc->recoveries.load(), recoveries_pending(dc->name), dc->scanning.load(),
                           gaps_closed_.load());
    }
  }
}

void RecoveryScanner::poll_gaps() {
  auto answer = client::Client::info_host(options_.local_asd, {"xdr-gaps"}, kInfoTimeoutMs, nullptr,
                                          options_.local_login.get());
  if (!answer || answer->empty()) return;  // asd down: the gaps wait for it
  const std::string& value = answer->front().second;
  if (value.rfind("ERROR", 0) == 0) return;  // an asd without pipe gap support
  std::vector<logger::LostWindow> gaps = parse_gaps(value);
  if (gaps.empty()) return;
  for (const logger::LostWindow& gap : gaps) {
    if (gap.since_lut < skip_gaps_before_) {
      recovery_log()->info("asd gap covered by the takeover of this node ns={} since={}", gap.ns, gap.since_lut);
      continue;
    }
    for (const std::string& dc : dcs_for_ns_(gap.ns)) {
      if (find(dc)) log_.add_lost_window(dc, gap);
    }
  }
  // Durable before asd forgets the gap: from here on a restart still scans it.
  log_.flush();
  for (const logger::LostWindow& gap : gaps) {
    auto ack = client::Client::info_host(options_.local_asd, {gap_ack_command(gap)}, kInfoTimeoutMs, nullptr,
                                           options_.local_login.get());
    if (!ack || ack->empty()) return;  // acked at the next poll; the window merges
    ++gaps_closed_;
    recovery_log()->info("asd gap closed ns={} since={}", gap.ns, gap.since_lut);
  }
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  wake_.notify_all();
}

}  // namespace failover
