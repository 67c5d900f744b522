#pragma once
// DcShipper::Impl, shared by dc_shipper.cpp (lifecycle, reader, link thread, stats) and
// ship_pump.cpp (the pumps: local batch reads, remote requests, answers). Private to the
// shipper.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/key.h"
#include "client/record.h"
#include "remote_link.h"
#include "remote_pipeline.h"
#include "shipper/dc_shipper.h"
#include "shipper/dispatcher.h"
#include "shipper/flow_control.h"
#include "shipper/link_tls.h"
#include "shipper/ship_stats.h"

namespace shipper {

// One attempt at shipping an item: final (with its outcome), a request for the remote
// (`send`), or to be retried.
struct Attempt {
  bool done = false;
  bool send = false;
  Outcome outcome = Outcome::Success;
  RetryCause cause = RetryCause::Dest;
  std::string error;
  AbandonCause abandon_cause = AbandonCause::Other;  // with outcome Abandoned
};

struct DcShipper::Impl {
  Impl(const conf::Config& config, std::string dc, logger::DigestLog& log, const topology::Topology& topology,
       LocalClientFn local, ShipperOptions options);

  // Threads.
  void link_loop();
  void pump_loop();

  // Reading the log (one pump at a time): reads the next entries, or waits a moment for
  // the log to grow; returns how many new items became ready.
  size_t read_some();
  bool acts_for(const proto::XdrFrame& f) const;  // under mu
  void commit_cursor(bool force);

  // Pump helpers. take_batch returns ready items (with room in flight); or empty with
  // `read` set when this pump is to read the log; or empty when stopping.
  std::vector<ItemPtr> take_batch(bool& read);
  void ship_batch(std::vector<ItemPtr>& items);
  // What to do with one item given its local read: a final outcome, a retry, or a
  // request for the remote (filled into `request`).
  Attempt decide(ShipItem& item, const client::BatchRecord& row, RemoteRequest& request);
  Attempt ship_record(const client::Key& key, const client::Record& record, ShipItem& item,
                      RemoteRequest& request);
  Attempt ship_delete(const client::Key& key, ShipItem& item, uint64_t lut, uint8_t origin, RemoteRequest& request);
  // Routes and encodes into `request`; a retry when the remote has no node for it.
  Attempt route(const client::Client& remote, const client::Key& key, std::string bytes, RemoteRequest& request);
  Attempt classify_remote(const RemoteAnswer& answer);
  // Final outcome or retry with backoff; releases the item's in-flight share. Any thread.
  void complete(const ItemPtr& item, const Attempt& attempt, uint64_t shipped_lut);
  // Sleeps unless stopping; false when stop() interrupted it.
  bool pause_ms(uint64_t ms);

  StatsSnapshot snapshot(std::string_view ns) const;
  void log_ticker() const;

  // Configuration, fixed at construction.
  const std::string dc;
  const ShipperOptions options;
  const uint8_t src_id;
  const bool delete_shipping;
  std::atomic<uint64_t> compression_threshold;  // set-config may change it
  logger::DigestLog& log;
  const topology::Topology& topology;
  const LocalClientFn local;
  std::atomic<uint64_t> tls_refresh_ms;  // service tls-refresh-period (set-config); 0: only at reconnects

  LinkTls link_tls;  // before link and pipeline, which use it
  RemoteLink link;
  RemotePipeline pipeline;
  ShipStats stats;
  TokenBucket bucket;

  mutable std::mutex mu;             // guards dispatcher, last_commit_ms, in-flight counts
  std::condition_variable work_cv;   // items became ready, room in flight or read-ahead, stopping
  std::condition_variable space_cv;  // entries finished (recovery submitters)
  std::condition_variable stop_cv;   // interrupts pauses
  Dispatcher dispatcher;
  uint64_t last_commit_ms = 0;
  uint64_t committed = 0;
  std::optional<uint64_t> frontier;          // LUT of the last Mark read
  std::shared_ptr<const ActingSet> acting;   // replica copies to ship (under mu)
  std::atomic<uint64_t> acting_records{0};
  std::atomic<uint64_t> abandoned_logged{0};
  size_t in_flight_records = 0;      // handed to the pipeline, not answered (under mu)
  size_t in_flight_bytes = 0;
  size_t pumps_waiting = 0;  // for room in flight or in the read-ahead (under mu)
  bool reading = false;      // a pump reads the log (under mu)

  std::atomic<bool> stopping{false};
  bool started = false;
  std::vector<std::thread> threads;
};

}  // namespace shipper
