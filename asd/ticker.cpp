#include "ticker.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "cluster/cluster.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/node_id.h"
#include "index/namespace.h"
#include "service/node_context.h"
#include "storage/device_storage.h"
#include "xdr_pipe/pipe_writer.h"

namespace asd {

Ticker::Ticker(NodeContext& node, uint32_t interval_sec) : node_(node), interval_sec_(interval_sec) {}

Ticker::~Ticker() { stop(); }

void Ticker::start() {
  last_tick_ms_ = common::steady_ms();
  thread_ = std::thread([this] { run(); });
}

void Ticker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Ticker::set_interval(uint32_t interval_sec) {
  {
    std::lock_guard lock(mu_);
    interval_sec_ = interval_sec;
  }
  cv_.notify_all();
}

void Ticker::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    uint32_t interval = interval_sec_;
    auto woken = [&] { return stopping_ || interval_sec_ != interval; };
    if (interval == 0) {
      cv_.wait(lock, woken);
      continue;
    }
    if (cv_.wait_for(lock, std::chrono::seconds(interval), woken)) continue;
    lock.unlock();
    tick();
    lock.lock();
  }
}

void Ticker::tick() {
  auto log = common::logger("info");
  uint64_t now_ms = common::steady_ms();
  double elapsed_sec = std::max<double>(0.001, double(now_ms - last_tick_ms_) / 1000.0);
  last_tick_ms_ = now_ms;

  cluster::Cluster& cluster = *node_.cluster();
  cluster::ClusterStatus status = cluster.status();
  log->info("NODE-ID {} CLUSTER-SIZE {} cluster-key {} uptime-sec {}", node_.node_id_hex(),
            std::max<size_t>(1, status.succession.size()), common::node_id_hex(status.cluster_key),
            node_.uptime_sec());
  ServiceStats& service = node_.stats();
  // Aerospike's (open,opened,closed).
  log->info("   fds: proto ({},{},{})", service.client_connections.load(), service.client_connections_opened.load(),
            service.client_connections_closed.load());
  log->info("   early-fail: demarshal {}", service.proto_errors.load());
  BatchStats& batch = node_.batch_stats();
  log->info("   batch-index: batches ({},{},{})", batch.initiate.load(), batch.complete.load(), batch.error.load());
  int64_t migrations = cluster.migrations_remaining();
  if (migrations > 0) {
    log->info("   migrations: remaining {}", migrations);
  } else {
    log->info("   migrations: complete");
  }
  if (PipeWriter* pipe = node_.xdr_pipe()) {
    log->info("   xdr-pipe: connected {} depth {} written {} dropped {}", pipe->connected(), pipe->depth(),
              pipe->written(), pipe->dropped());
  }

  const auto& namespaces = node_.namespaces();
  last_ops_.resize(namespaces.size());
  for (size_t i = 0; i < namespaces.size(); ++i) {
    Namespace& ns = *namespaces[i];
    NamespaceStats& s = ns.stats();
    const std::string& name = ns.name();
    log->info("{{{}}} objects: all {} tombstones {}", name, s.objects.load(), s.tombstones.load());
    int64_t memory = s.memory_used_bytes.load();
    uint64_t memory_size = ns.config()->memory_size;
    log->info("{{{}}} memory-usage: used-bytes {} used-pct {:.2f}", name, memory,
              memory_size ? 100.0 * double(memory) / double(memory_size) : 0.0);
    if (storage::DeviceStorage* device = ns.storage()) {
      log->info("{{{}}} device-usage: used-bytes {} avail-pct {}", name, device->used_bytes(),
                device->available_pct());
    }
    Ops ops{s.client_read_success.load() + s.client_read_not_found.load() + s.client_read_error.load(),
            s.client_write_success.load() + s.client_write_error.load(),
            s.client_delete_success.load() + s.client_delete_not_found.load() + s.client_delete_error.load()};
    // Outcomes in Aerospike's order: read (success,error,not-found), write (success,error),
    // delete (success,error,not-found); timeouts and filtered ones are not counted apart here.
    log->info("{{{}}} client: read ({},{},{}) write ({},{}) delete ({},{},{})", name, s.client_read_success.load(),
              s.client_read_error.load(), s.client_read_not_found.load(), s.client_write_success.load(),
              s.client_write_error.load(), s.client_delete_success.load(), s.client_delete_error.load(),
              s.client_delete_not_found.load());
    const Ops& last = last_ops_[i];
    log->info("{{{}}} ops/sec: read {:.1f} write {:.1f} delete {:.1f}", name,
              double(ops.reads - last.reads) / elapsed_sec, double(ops.writes - last.writes) / elapsed_sec,
              double(ops.deletes - last.deletes) / elapsed_sec);
    last_ops_[i] = ops;
  }
}

}  // namespace asd
