// DcShipper: lifecycle, the log reader, the link thread and statistics. The workers and
// the ship of one record are in ship_worker.cpp.

#include "shipper/dc_shipper.h"

#include <algorithm>

#include "client/client.h"
#include "common/clock.h"
#include "common/log.h"
#include "conf/config.h"
#include "dc_shipper_impl.h"
#include "logger/digest_log.h"
#include "topology/topology.h"

namespace shipper {

namespace {

// How long a pump waits for the log to grow before looking at its other work again (an
// append wakes it at once; the other pump handles retries meanwhile).
constexpr uint32_t kIdleReadMs = 20;

std::shared_ptr<spdlog::logger> ship_log() { return common::logger("shipper"); }

}  // namespace

// With TLS, a seed's certificate must carry the seed line's third word, else the DC's
// tls-name (the stanza's name, which is how a single-name deployment spells it).
std::vector<client::Host> dc_seeds(const conf::Config& config, const std::string& dc) {
  std::vector<client::Host> seeds;
  if (const conf::XdrDc* d = config.xdr.find_dc(dc)) {
    for (const conf::HostPort& hp : d->nodes) {
      std::string tls_name = d->tls_name.empty() ? std::string() : (hp.tls_name.empty() ? d->tls_name : hp.tls_name);
      seeds.push_back(client::Host{hp.host, uint16_t(hp.port), std::move(tls_name)});
    }
  }
  return seeds;
}

// The DC's tls-name names a `network { tls NAME { } }` stanza (the loader checked): its CA
// verifies the remote nodes, its certificate answers a remote that asks for one.
client::TlsPolicy dc_tls_policy(const conf::Config& config, const std::string& dc) {
  client::TlsPolicy policy;
  const conf::XdrDc* d = config.xdr.find_dc(dc);
  const conf::TlsSpec* spec = d && !d->tls_name.empty() ? config.network.find_tls(d->tls_name) : nullptr;
  if (!spec) return policy;
  policy.enable = true;
  policy.ca_file = spec->ca_file;
  policy.ca_path = spec->ca_path;
  policy.cert_file = spec->cert_file;
  policy.key_file = spec->key_file;
  policy.key_file_password = spec->key_file_password;
  policy.protocols = spec->protocols;
  policy.cipher_suite = spec->cipher_suite;
  policy.cert_blacklist = spec->cert_blacklist;
  return policy;
}

uint64_t lag_seconds(uint64_t now_cl_ms, std::optional<uint64_t> oldest_lut) {
  if (!oldest_lut || *oldest_lut >= now_cl_ms) return 0;
  return (now_cl_ms - *oldest_lut) / 1000;
}

DcShipper::Impl::Impl(const conf::Config& config, std::string dc_name, logger::DigestLog& digest_log,
                      const topology::Topology& topo, LocalClientFn local_fn, ShipperOptions opts)
    : dc(std::move(dc_name)),
      options(opts),
      src_id(uint8_t(config.xdr.src_id)),
      delete_shipping(config.xdr.delete_shipping_enabled),
      compression_threshold(config.xdr.compression_threshold),
      log(digest_log),
      topology(topo),
      local(std::move(local_fn)),
      tls_refresh_ms(uint64_t(config.service.tls_refresh_period) * 1000),
      link_tls(dc, dc_tls_policy(config, dc)),
      link(dc, dc_seeds(config, dc), opts.connect_timeout_ms, opts.remote_timeout_ms, opts.link_down_after, link_tls,
           config.xdr.find_dc(dc) ? *config.xdr.find_dc(dc) : conf::XdrDc{}),
      pipeline(dc, PipelineOptions{.max_conns_per_node = opts.max_conns_per_node,
                                   .timeout_ms = opts.remote_timeout_ms,
                                   .connect_timeout_ms = opts.connect_timeout_ms,
                                   .tls = link_tls.enabled() ? std::function([this] { return link_tls.current(); })
                                                             : nullptr,
                                   .admission = [this](const client::Host& host) {
                                     std::shared_ptr<client::Client> remote = link.client();
                                     return remote ? remote->admission(host) : std::string();
                                   }}),
      bucket(config.xdr.max_ship_throughput),
      dispatcher(config.xdr.hotkey_time_ms, digest_log.cursor(dc)) {
  committed = dispatcher.committed();
}

DcShipper::DcShipper(const conf::Config& config, std::string dc, logger::DigestLog& log,
                     const topology::Topology& topology, LocalClientFn local, ShipperOptions options)
    : impl_(std::make_unique<Impl>(config, std::move(dc), log, topology, std::move(local), options)) {}

DcShipper::~DcShipper() { stop(); }

void DcShipper::start() {
  Impl& s = *impl_;
  if (s.started) return;
  s.started = true;
  ship_log()->info("dc shipper start dc={} cursor={} pumps={} max_in_flight={}", s.dc, s.dispatcher.committed(),
                   s.options.pumps, s.options.max_in_flight);
  s.pipeline.start();
  s.threads.emplace_back([&s] { s.link_loop(); });
  for (size_t i = 0; i < s.options.pumps; ++i) s.threads.emplace_back([&s] { s.pump_loop(); });
}

void DcShipper::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopping.exchange(true)) return;
  {
    // Taking the mutex orders the flag before any waiter's next check.
    std::lock_guard lock(s.mu);
  }
  s.work_cv.notify_all();
  s.space_cv.notify_all();
  s.stop_cv.notify_all();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  // What is still on the wire is answered "stopping" and stays pending in the log.
  s.pipeline.stop();
  s.commit_cursor(true);
  ship_log()->info("dc shipper stop dc={} cursor={}", s.dc, s.committed);
}

void DcShipper::skip_to(uint64_t seq) {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (seq > 0) s.dispatcher.add_done(seq - 1);
    s.committed = std::max(s.committed, s.dispatcher.committed());
  }
  s.log.commit_cursor(s.dc, seq);
}

bool DcShipper::submit_recovered(const proto::XdrFrame& frame, uint32_t wait_ms) {
  Impl& s = *impl_;
  topology::RecordOrigin origin{frame.ns, frame.set, frame.origin_src_id.value,
                                (frame.flags & proto::kXdrFlagFromXdr) != 0};
  if (!s.topology.should_ship(origin, s.dc).ship) {
    s.stats.outcome(frame.ns, Outcome::Filtered, common::steady_ms(), 0);
    return true;
  }
  std::unique_lock lock(s.mu);
  bool room = s.space_cv.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] {
    return s.stopping || s.dispatcher.recovered_outstanding() < s.options.max_recovered;
  });
  if (!room || s.stopping) return false;
  if (s.dispatcher.add_recovered(frame, common::steady_ms())) s.work_cv.notify_one();
  return true;
}

uint64_t DcShipper::recovered_outstanding() const {
  std::lock_guard lock(impl_->mu);
  return impl_->dispatcher.recovered_outstanding();
}

StatsSnapshot DcShipper::stats() const { return impl_->snapshot({}); }
StatsSnapshot DcShipper::stats(std::string_view ns) const { return impl_->snapshot(ns); }
void DcShipper::set_max_throughput(uint64_t records_per_sec) { impl_->bucket.set_rate(records_per_sec); }

void DcShipper::set_compression_threshold(uint64_t bytes) { impl_->compression_threshold.store(bytes); }

void DcShipper::set_tls_refresh_ms(uint64_t ms) {
  impl_->tls_refresh_ms.store(ms);
}

void DcShipper::set_hotkey_ms(uint32_t ms) {
  std::lock_guard lock(impl_->mu);
  impl_->dispatcher.set_hotkey_ms(ms);
}

ShipProgress DcShipper::progress(std::string_view ns) const {
  ShipProgress p;
  p.oldest.assign(common::kPartitions, UINT64_MAX);
  std::lock_guard lock(impl_->mu);
  p.frontier = impl_->frontier;
  impl_->dispatcher.lower_to_pending(ns, p.oldest);
  return p;
}

void DcShipper::set_acting(std::shared_ptr<const ActingSet> acting) {
  std::lock_guard lock(impl_->mu);
  impl_->acting = std::move(acting);
}

uint64_t DcShipper::acting_records() const { return impl_->acting_records.load(); }
const std::string& DcShipper::dc() const { return impl_->dc; }
bool DcShipper::link_up() const { return impl_->link.up(); }

// ---- reader ------------------------------------------------------------------------

size_t DcShipper::Impl::read_some() {
  uint64_t from;
  {
    std::lock_guard lock(mu);
    from = dispatcher.next_seq();
  }
  std::vector<logger::Entry> entries = log.read(from, options.read_batch);
  if (entries.empty()) {
    log.wait_for_entry(from, kIdleReadMs);
    return 0;
  }
  const uint64_t now = common::steady_ms();
  size_t woke = 0;
  std::lock_guard lock(mu);
  for (const logger::Entry& e : entries) {
    const proto::XdrFrame& f = e.frame;
    if (f.is_mark()) {
      frontier = std::max(frontier.value_or(0), f.lut);
      dispatcher.add_done(e.seq);
      continue;
    }
    // The master's xdr ships; a replica's copy is kept for a takeover, unless this node
    // acts for a master whose xdr is down.
    bool skip = f.op == proto::XdrOp::Evict;
    if (!skip && (f.flags & proto::kXdrFlagReplica)) {
      skip = !acts_for(f);
      if (!skip) acting_records.fetch_add(1, std::memory_order_relaxed);
    }
    if (!skip) {
      topology::RecordOrigin origin{f.ns, f.set, f.origin_src_id.value, (f.flags & proto::kXdrFlagFromXdr) != 0};
      auto decision = topology.should_ship(origin, dc);
      if (!decision.ship) {
        stats.outcome(f.ns, Outcome::Filtered, now, 0);
        skip = true;
      }
    }
    if (skip) dispatcher.add_done(e.seq);
    else if (dispatcher.add_entry(e.seq, f, now)) ++woke;
  }
  return woke;
}

bool DcShipper::Impl::acts_for(const proto::XdrFrame& f) const {
  if (!acting) return false;
  auto ns = acting->find(f.ns);
  if (ns == acting->end()) return false;
  auto it = ns->second.find(f.master_id.value);
  return it != ns->second.end() && it->second[common::partition_id(f.digest).value];
}

void DcShipper::Impl::commit_cursor(bool force) {
  uint64_t now = common::steady_ms();
  uint64_t c;
  {
    std::lock_guard lock(mu);
    if (!force && now < last_commit_ms + options.commit_every_ms) return;
    last_commit_ms = now;
    c = dispatcher.committed();
    if (c <= committed && !force) return;
    committed = std::max(committed, c);
  }
  log.commit_cursor(dc, c);
}

// ---- link and ticker -----------------------------------------------------------------

void DcShipper::Impl::link_loop() {
  uint64_t next_ticker = common::steady_ms() + options.ticker_ms;
  uint64_t next_connect = 0;
  uint64_t last_tls_check = common::steady_ms();
  while (!stopping) {
    uint64_t now = common::steady_ms();
    const uint64_t refresh_ms = tls_refresh_ms.load();
    if (link_tls.enabled() && refresh_ms != 0 && now >= last_tls_check + refresh_ms) {
      // Changed TLS files: a new client for the link now, new pipeline connections from
      // now on (link_tls.h).
      if (link_tls.refresh()) {
        link.renew();
        next_connect = now;
      }
      last_tls_check = now;
    }
    if (now >= next_connect) next_connect = now + link.maintain();
    if (now >= next_ticker) {
      log_ticker();
      next_ticker = now + options.ticker_ms;
    }
    pause_ms(std::min<uint64_t>(100, std::max<uint64_t>(1, next_connect - std::min(next_connect, now))));
  }
}

bool DcShipper::Impl::pause_ms(uint64_t ms) {
  std::unique_lock lock(mu);
  stop_cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping.load(); });
  return !stopping;
}

// ---- statistics -------------------------------------------------------------------------

StatsSnapshot DcShipper::Impl::snapshot(std::string_view ns) const {
  const uint64_t now = common::steady_ms();
  StatsSnapshot s;
  if (ns.empty()) {
    s = stats.total().snapshot(now);
  } else if (const Counters* c = stats.find_ns(ns)) {
    s = c->snapshot(now);
  }
  s.link_up = link.up();
  s.link_since_ms = link.since_ms();
  if (!s.link_up) s.link_reason = link.reason();
  s.tls_reloads = link_tls.reloads();
  std::optional<uint64_t> oldest;
  uint64_t next_seq, cursor;
  {
    std::lock_guard lock(mu);
    oldest = dispatcher.oldest_pending_lut(ns);
    next_seq = dispatcher.next_seq();
    cursor = dispatcher.committed();
    s.in_progress = ns.empty() ? dispatcher.in_flight() : dispatcher.in_flight(ns);
    if (!ns.empty()) s.in_queue = dispatcher.pending_entries(ns);
  }
  if (ns.empty()) {
    uint64_t head = log.head();
    cursor = std::max(cursor, log.tail());
    s.in_queue = head > cursor ? head - cursor : 0;
    // Nothing read yet but the log has more: the oldest waits at the read position.
    if (!oldest && next_seq < head) {
      auto next = log.read(next_seq, 1);
      if (!next.empty()) oldest = next.front().frame.lut;
    }
  }
  s.lag_sec = lag_seconds(common::now_cl_ms(), oldest);
  return s;
}

void DcShipper::Impl::log_ticker() const {
  StatsSnapshot s = snapshot({});
  ship_log()->info(
      "dc ticker dc={} link={} lag={} in_queue={} in_progress={} success={} not_found={} filtered_out={} "
      "abandoned={} lost_conflict={} retries={} throughput={:.1f} latency_ms={:.1f} lag_p50_ms={} lag_p99_ms={} "
      "compression_ratio={:.3f} dlog_used_pct={:.2f} cursor={}",
      dc, s.link_up ? "up" : "down", s.lag_sec, s.in_queue, s.in_progress, s.success, s.not_found, s.filtered_out,
      s.abandoned, s.lost_conflict, s.retries, s.throughput, s.latency_ms, s.lag_p50_ms, s.lag_p99_ms,
      s.compression_ratio, log.used_pct(dc), log.cursor(dc));
}

}  // namespace shipper
