#pragma once
// shipper: ships digest-log entries to one remote datacenter.
//
// Overview
// --------
// One DcShipper per DC (xdr-design.md §7). It owns:
//   - pump threads (default 2). A pump that finds nothing ready reads the log (one pump
//     at a time): entries at the DC's read position, dropping what topology filters
//     out (`filtered_out`), Marks (it notes how far in asd's time it has read: the
//     frontier) and replica copies (their master ships them; unless the master's xdr
//     is down and this node acts for it, see set_acting); the rest go to the
//     Dispatcher, which coalesces hot keys (one ship per digest at a time, which is
//     what keeps each key's versions in order) and tracks the cursor, committed about
//     every 100 ms. A pump with ready items takes up to `read_batch` of them, paced by
//     the xdr-max-ship-throughput token bucket and bounded by the in-flight limits,
//     reads their current versions from the LOCAL asd in one XDR batch read (bins +
//     LUT + origin src-id, tombstones as deletes) and hands one write (with the XDR
//     bit, that LUT and the origin src-id) or XDR delete per record to the
//     RemotePipeline;
//   - the RemotePipeline (one Boost.Asio thread): persistent connections to the remote
//     node that masters each record's partition (the remote client's map), more under
//     load, many requests in flight per connection, answers handled as they arrive.
//     Network failures and transient server errors are retried with backoff 100 ms ..
//     5 s, with the item re-read from the local asd (so a retry ships the newest
//     version); 28 (lost conflict) is final, 22 (forbidden), 13 (too big) and other
//     errors are abandoned and counted by cause. An entry leaves the log only once its
//     item is final;
//   - a link thread: connects to the remote DC (its own client::Client, seeds =
//     dc-node-address-port, whose tend thread keeps the partition map) with backoff,
//     reads the remote's `features` (zstd), looks at the link's TLS files every
//     `service { tls-refresh-period }` and at each reconnect (link_tls.h: a new
//     context for the client and the pipeline's new connections), and logs the ticker
//     line every 10 s.
// Memory is bounded: at most `max_pending` log entries read ahead, at most
// `max_in_flight` records and `max_in_flight_bytes` of requests handed to the pipeline.
// The link is `down` (with since-time) while no connection exists or after 5 consecutive
// network failures, `up` again on the first answer. Nothing here waits on another DC:
// each DcShipper has its own threads, connections and bucket.
//
// Recovery scans (failover/) feed records through submit_recovered(); the xdr daemon
// wires that, so shipper and failover never include each other.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/host.h"
#include "client/tls.h"
#include "proto/xdr_frame.h"
#include "shipper/ship_stats.h"

namespace client {
class Client;
}
namespace conf {
struct Config;
}
namespace logger {
class DigestLog;
}
namespace topology {
class Topology;
}

namespace shipper {

// The remote DC's seeds and TLS policy, as its shipper connects: each seed's tls-name is
// its `node-address-port` third word, else the DC's tls-name; the policy (enable false
// without a tls-name) takes CA, certificate, key, protocols, ciphers and cert-blacklist
// from the `network { tls NAME { } }` stanza the DC's tls-name names.
std::vector<client::Host> dc_seeds(const conf::Config& config, const std::string& dc);
client::TlsPolicy dc_tls_policy(const conf::Config& config, const std::string& dc);

// The shared connection to the local asd, or nullptr while asd is unreachable. Called
// from worker threads; must be thread-safe and must not block long.
using LocalClientFn = std::function<std::shared_ptr<client::Client>()>;

// Where shipping stands for one namespace (failover/ publishes it to the cluster peers).
struct ShipProgress {
  // LUT of the last Mark the reader passed: every frame asd queued before it has been
  // read. nullopt until the first Mark of this run.
  std::optional<uint64_t> frontier;
  // Per partition (kPartitions slots): LUT of the oldest entry read and not yet final;
  // UINT64_MAX when none waits.
  std::vector<uint64_t> oldest;
};

// Replica copies to ship as this node's own: namespace -> master node id -> partitions
// (kPartitions flags) where this node is the first replica while that master's xdr is
// down.
using ActingSet = std::map<std::string, std::map<uint64_t, std::vector<bool>>, std::less<>>;

struct ShipperOptions {
  size_t pumps = 2;                  // threads doing local batch reads
  size_t read_batch = 256;           // log entries per read, records per local batch read
  size_t max_pending = 20000;        // log entries read ahead and not yet done
  size_t max_in_flight = 4096;       // records handed to the pipeline and not answered
  size_t max_in_flight_bytes = 64ull << 20;  // their request bytes
  size_t max_conns_per_node = 16;    // pipelined connections per remote node, opened under load
  size_t max_recovered = 4096;       // recovery records queued before submit blocks
  uint32_t local_timeout_ms = 1000;
  uint32_t remote_timeout_ms = 2000;
  uint32_t connect_timeout_ms = 1000;
  uint32_t link_down_after = 5;      // consecutive network failures
  uint32_t ticker_ms = 10000;
  uint32_t commit_every_ms = 100;
};

class DcShipper {
 public:
  // Copies what it needs from `config`. `log` and `topology` must outlive the shipper.
  // No threads, no I/O until start().
  DcShipper(const conf::Config& config, std::string dc, logger::DigestLog& log,
            const topology::Topology& topology, LocalClientFn local, ShipperOptions options = {});
  ~DcShipper();  // stop()
  DcShipper(const DcShipper&) = delete;
  DcShipper& operator=(const DcShipper&) = delete;

  void start();
  // Joins every thread and commits the cursor. Unfinished items stay in the log.
  void stop();
  // Before start(): entries below `seq` are someone else's to ship (this node was taken
  // over while away); the cursor moves past them.
  void skip_to(uint64_t seq);

  // Ships one record found by a recovery scan (frame from its ns/set/digest/LUT/origin).
  // Waits up to wait_ms while max_recovered records are queued; false when not taken
  // (still full, or stopping), so the caller can check its own stop flag and try again.
  // A record topology filters out counts as `filtered_out` and is taken. Thread-safe.
  bool submit_recovered(const proto::XdrFrame& frame, uint32_t wait_ms = 100);
  // Recovery records submitted and not yet final.
  uint64_t recovered_outstanding() const;

  // DC totals, with link, lag, in_queue and in_progress filled. Thread-safe.
  StatsSnapshot stats() const;
  // One namespace of this DC; zeros for a namespace nothing was counted for.
  StatsSnapshot stats(std::string_view ns) const;

  // xdr-max-ship-throughput at runtime (0 = unlimited).
  void set_max_throughput(uint64_t records_per_sec);
  // xdr-compression-threshold at runtime (0 = never): records shipped from now on.
  void set_compression_threshold(uint64_t bytes);
  // xdr-hotkey-time-ms at runtime: writes read from the log from now on.
  void set_hotkey_ms(uint32_t ms);
  // tls-refresh-period at runtime (0 = only when the link reconnects): the next check of
  // the link's TLS files comes this long after the last one.
  void set_tls_refresh_ms(uint64_t ms);

  // The frontier and the oldest waiting entry per partition of `ns`. Thread-safe.
  ShipProgress progress(std::string_view ns) const;
  // Replaces the acting set (nullptr or empty: ship no replica copies). Applies to the
  // entries read from now on. Thread-safe.
  void set_acting(std::shared_ptr<const ActingSet> acting);
  // Replica copies shipped under an acting set.
  uint64_t acting_records() const;

  const std::string& dc() const;
  bool link_up() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Seconds from now back to the oldest unshipped LUT (both ms since the CL epoch), 0 when
// nothing waits or the clock is behind the LUT.
uint64_t lag_seconds(uint64_t now_cl_ms, std::optional<uint64_t> oldest_lut);

}  // namespace shipper
