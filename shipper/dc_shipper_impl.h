#pragma once
// DcShipper::Impl, shared by dc_shipper.cpp (lifecycle, reader, link thread, stats) and
// ship_worker.cpp (the workers and one record's ship). Private to the shipper.

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
#include "shipper/dc_shipper.h"
#include "shipper/dispatcher.h"
#include "shipper/flow_control.h"
#include "shipper/ship_stats.h"

namespace shipper {

// One attempt at shipping an item: final (with its outcome) or to be retried.
struct Attempt {
  bool done = false;
  Outcome outcome = Outcome::Success;
  RetryCause cause = RetryCause::Dest;
  std::string error;
};

struct DcShipper::Impl {
  Impl(const conf::Config& config, std::string dc, logger::DigestLog& log, const topology::Topology& topology,
       LocalClientFn local, ShipperOptions options);

  // Threads.
  void reader_loop();
  void link_loop();
  void worker_loop();

  // Reader helpers.
  void read_some();
  bool acts_for(const proto::XdrFrame& f) const;  // under mu
  void commit_cursor(bool force);

  // One item from start to final outcome, retrying; nullopt when stopping first.
  std::optional<Outcome> ship_item(const ShipItem& item);
  // `tries`: the attempts before this one (a stale local read is retried a few times).
  Attempt attempt(const ShipItem& item, uint32_t tries);
  Attempt ship_record(const client::Key& key, const client::Record& record, const ShipItem& item);
  Attempt ship_delete(const client::Key& key, const ShipItem& item, uint64_t lut, uint8_t origin);
  Attempt classify_remote(common::ResultCode code, const std::string& message);
  void throttle();
  // Sleeps unless stopping; false when stop() interrupted it.
  bool pause_ms(uint64_t ms);

  StatsSnapshot snapshot(std::string_view ns) const;
  void log_ticker() const;

  // Configuration, fixed at construction.
  const std::string dc;
  const ShipperOptions options;
  const uint8_t src_id;
  const bool delete_shipping;
  const uint64_t compression_threshold;
  logger::DigestLog& log;
  const topology::Topology& topology;
  const LocalClientFn local;

  RemoteLink link;
  ShipStats stats;
  TokenBucket bucket;

  mutable std::mutex mu;             // guards dispatcher, last_commit_ms
  std::condition_variable work_cv;   // items became ready, or stopping
  std::condition_variable space_cv;  // entries finished (reader, recovery submitters)
  std::condition_variable stop_cv;   // interrupts pauses
  Dispatcher dispatcher;
  uint64_t last_commit_ms = 0;
  uint64_t committed = 0;
  std::optional<uint64_t> frontier;          // LUT of the last Mark read
  std::shared_ptr<const ActingSet> acting;   // replica copies to ship (under mu)
  std::atomic<uint64_t> acting_records{0};

  std::atomic<bool> stopping{false};
  bool started = false;
  std::vector<std::thread> threads;
};

}  // namespace shipper
