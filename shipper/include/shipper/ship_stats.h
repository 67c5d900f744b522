#pragma once
// Shipping statistics of one DC, in total and per namespace (xdr-design.md §8). Counters
// are relaxed atomics bumped by the reader and the workers; a snapshot reads them
// without stopping anyone, so totals may be a few events apart from each other.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "shipper/flow_control.h"
#include "shipper/lag_histogram.h"

namespace shipper {

// Why a request is retried: the remote did not answer in time, the connection failed or
// was reset, the destination answered a transient error, or the local asd was not
// readable (not a link problem).
enum class RetryCause { Timeout, ConnReset, Dest, Local };

// What a finished item counted as.
enum class Outcome { Success, NotFound, NotFoundDeleted, LostConflict, Abandoned, Filtered };

// Why a record was abandoned: the remote refuses XDR writes to the namespace (22), the
// record is bigger than the remote accepts (13), or any other final error.
enum class AbandonCause { Forbidden, TooBig, Other };

// Values as `get-stats:context=xdr;dc=D[;namespace=N]` prints them (link, lag and queue
// fields are filled by DcShipper::stats, which knows the link and the log).
struct StatsSnapshot {
  bool link_up = false;
  uint64_t link_since_ms = 0;  // unix ms of the last link state change
  std::string link_reason;     // why the link is down; empty while up
  uint64_t lag_sec = 0;
  uint64_t in_queue = 0;
  uint64_t in_progress = 0;
  uint64_t success = 0;
  uint64_t not_found = 0;
  uint64_t filtered_out = 0;
  uint64_t abandoned = 0;
  uint64_t abandoned_forbidden = 0;
  uint64_t abandoned_too_big = 0;
  uint64_t abandoned_other = 0;
  uint64_t lost_conflict = 0;
  uint64_t retries = 0;
  uint64_t retry_conn_reset = 0;
  uint64_t retry_timeout = 0;
  uint64_t retry_dest = 0;
  double throughput = 0;      // records/s over the last 5 s
  double latency_ms = 0;      // average over the last 5 s
  // Per-record lag (remote ack time - LUT, ms) over the last 10 s (LagHistogram); 0 when
  // nothing was acknowledged in that window.
  uint64_t lag_p50_ms = 0;
  uint64_t lag_p99_ms = 0;
  uint64_t lag_max_ms = 0;
  double compression_ratio = 1.0;  // sent / plain bytes of compressed requests
  uint64_t coalesced = 0;     // entries that rode along with another ship of the digest
  uint64_t tls_reloads = 0;   // TLS contexts the link loaded after start-up (link_tls.h)
};

// One set of counters (a DC total, or one namespace of it). Thread-safe.
class Counters {
 public:
  void outcome(Outcome outcome, uint64_t now_ms, uint64_t latency_ms);
  void retry(RetryCause cause);
  // Counts in `abandoned` and in the cause's counter.
  void abandoned(AbandonCause cause, uint64_t now_ms, uint64_t latency_ms);
  void compressed(uint64_t plain_bytes, uint64_t sent_bytes);
  void coalesced(uint64_t n) { coalesced_ += n; }
  // One record the remote acknowledged, lag_ms after its LUT; now_ms on the clock given
  // to snapshot().
  void record_lag(uint64_t lag_ms, uint64_t now_ms) { lag_.add(lag_ms, now_ms); }
  // Counter fields and the window rates; link, lag and queue fields stay zero.
  StatsSnapshot snapshot(uint64_t now_ms) const;

 private:
  std::atomic<uint64_t> success_{0}, not_found_{0}, filtered_out_{0}, abandoned_{0}, lost_conflict_{0};
  std::atomic<uint64_t> abandoned_forbidden_{0}, abandoned_too_big_{0}, abandoned_other_{0};
  std::atomic<uint64_t> retries_{0}, retry_conn_reset_{0}, retry_timeout_{0}, retry_dest_{0};
  std::atomic<uint64_t> plain_bytes_{0}, sent_bytes_{0}, coalesced_{0};
  SlidingWindow window_;
  LagHistogram lag_;
};

// The DC total plus one Counters per namespace, created on first use.
class ShipStats {
 public:
  Counters& total() { return total_; }
  const Counters& total() const { return total_; }
  Counters& ns(std::string_view name);
  // nullptr when nothing was counted for that namespace yet.
  const Counters* find_ns(std::string_view name) const;
  std::vector<std::string> namespaces() const;

  // Convenience: counts in the total and in the namespace.
  void outcome(std::string_view ns, Outcome outcome, uint64_t now_ms, uint64_t latency_ms);
  void retry(std::string_view ns, RetryCause cause);
  void abandoned(std::string_view ns, AbandonCause cause, uint64_t now_ms, uint64_t latency_ms);
  void compressed(std::string_view ns, uint64_t plain_bytes, uint64_t sent_bytes);
  // lag_ms = common::now_cl_ms() at the remote's acknowledgement - the record's LUT (the
  // caller clamps a negative difference to 0); now_ms as for outcome().
  void record_lag(std::string_view ns, uint64_t lag_ms, uint64_t now_ms);

 private:
  Counters total_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Counters>, std::less<>> by_ns_;
};

// `key=value;...` in §8 order for the fields a shipper owns (link..compression_ratio,
// lag_p50_ms..lag_max_ms right after latency_ms, then tls_reloads).
std::string render_stats(const StatsSnapshot& s);

}  // namespace shipper
