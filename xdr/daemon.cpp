// Daemon: building, starting and stopping the XDR components; learning remote src-ids.
// The info commands are in info_commands.cpp.

#include "xdr/daemon.h"

#include <charconv>
#include <filesystem>
#include <stdexcept>

#include "client/client.h"
#include "client/node_session.h"
#include "common/log.h"
#include "conf/dc_credentials.h"
#include "conf/xdr_local_login.h"
#include "failover/recovery_scanner.h"
#include "failover/takeover.h"
#include "info_server.h"
#include "local_asd.h"
#include "logger/digest_log.h"
#include "logger/pipe_reader.h"
#include "proto/info.h"
#include "shipper/dc_shipper.h"
#include "topology/topology.h"

namespace xdr {

namespace {

constexpr uint32_t kLearnRetryMs = 2000;
// Once every src-id is known, look again now and then: a DC may be reconfigured.
constexpr uint32_t kRelearnMs = 60000;

std::shared_ptr<spdlog::logger> xdr_log() { return common::logger("xdr"); }

// The local asd: its service address (loopback when it listens on every interface).
client::Host local_asd_host(const conf::Config& config) {
  const conf::Endpoint& service = config.network.service;
  std::string address = "127.0.0.1";
  if (!service.addresses.empty() && service.addresses.front() != "any" && service.addresses.front() != "0.0.0.0") {
    address = service.addresses.front();
  }
  return client::Host{address, uint16_t(service.port ? service.port : client::kDefaultPort)};
}

// `...;src-id=N;...` -> N, 0 when absent or malformed.
uint8_t parse_src_id(std::string_view config_text) {
  constexpr std::string_view kKey = "src-id=";
  size_t at = 0;
  while ((at = config_text.find(kKey, at)) != std::string_view::npos) {
    if (at == 0 || config_text[at - 1] == ';') break;
    at += kKey.size();
  }
  if (at == std::string_view::npos) return 0;
  std::string_view value = config_text.substr(at + kKey.size());
  value = value.substr(0, value.find(';'));
  unsigned id = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
  return ec == std::errc() && id <= 255 ? uint8_t(id) : 0;
}

}  // namespace

std::string check_runnable(const conf::Config& config) {
  const conf::Xdr& x = config.xdr;
  if (!x.enable_xdr) return "xdr { enable-xdr } is false: nothing to do";
  if (x.digestlog_path.empty() || x.digestlog_size == 0) return "xdr { xdr-digestlog-path PATH SIZE } is missing";
  if (x.namedpipe_path.empty()) return "xdr { xdr-namedpipe-path } is missing";
  if (x.info_port == 0) return "xdr { xdr-info-port } is missing";
  return {};
}

Daemon::Daemon(conf::Config config) : config_(std::move(config)) {}

Daemon::~Daemon() { stop(); }

void Daemon::init() {
  std::vector<std::string> dcs;
  for (const conf::XdrDc& dc : config_.xdr.datacenters) dcs.push_back(dc.name);
  // The 5.x-8.x form puts the digest log and the pipe under work-directory/xdr by default,
  // which nobody else creates.
  for (const std::string& path : {config_.xdr.digestlog_path, config_.xdr.namedpipe_path}) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) throw std::runtime_error("cannot create directory " + parent.string() + ": " + ec.message());
  }
  log_ = logger::DigestLog::open(config_.xdr.digestlog_path, config_.xdr.digestlog_size, dcs);
  pipe_ = std::make_unique<logger::PipeReader>(config_.xdr.namedpipe_path, *log_);
  topology_ = std::make_unique<topology::Topology>(config_);
  note_restart();
  std::string local_user;
  client::PasswordSource local_password;
  if (conf::uses_xdr_local_login(config_)) {
    local_user = std::string(conf::kXdrLocalUser);
    local_password = [path = conf::xdr_local_login_path(config_)]() -> common::Result<std::string> {
      std::string password;
      if (std::string error = conf::read_password_file(path, &password); !error.empty()) {
        return common::Result<std::string>(common::ResultCode::NotAuthenticated, "local login: " + error);
      }
      return password;
    };
    local_login_ = std::make_shared<client::NodeSession>(local_user, local_password);
  }
  local_ = std::make_unique<LocalAsd>(local_asd_host(config_), local_user, local_password);
  auto local = [l = local_.get()] { return l->get(); };
  for (const std::string& dc : dcs) {
    shippers_.emplace(dc, std::make_unique<shipper::DcShipper>(config_, dc, *log_, *topology_, local));
  }
  failover::RecoveryOptions options;
  options.local_asd = local_->host();
  options.local_login = local_login_;
  options.src_id = uint8_t(config_.xdr.src_id);
  recovery_ = std::make_unique<failover::RecoveryScanner>(
      dcs, *log_, [t = topology_.get()](const std::string& ns) { return t->dcs_for(ns); }, local,
      [this](const std::string& dc, const proto::XdrFrame& frame) {
        return shippers_.at(dc)->submit_recovered(frame);
      },
      [this](const std::string& dc) { return shippers_.at(dc)->recovered_outstanding(); }, options);
  failover::TakeoverOptions takeover;
  takeover.local_asd = local_->host();
  takeover.local_login = local_login_;
  takeover.src_id = uint8_t(config_.xdr.src_id);
  takeover.state_path = config_.xdr.digestlog_path + ".takeover";
  for (const conf::Namespace& ns : config_.namespaces) {
    for (const std::string& dc : topology_->dcs_for(ns.name)) takeover.shipping.emplace_back(dc, ns.name);
  }
  takeover_ = std::make_unique<failover::Takeover>(
      std::move(takeover), *log_, local,
      [this](const std::string& dc, const proto::XdrFrame& frame) { return shippers_.at(dc)->submit_recovered(frame); },
      [this](const std::string& dc) { return shippers_.at(dc)->recovered_outstanding(); },
      [this](const std::string& dc, const std::string& ns) {
        shipper::ShipProgress p = shippers_.at(dc)->progress(ns);
        return failover::OwnInputs{p.frontier, std::move(p.oldest), std::nullopt};
      },
      [this](std::shared_ptr<const failover::ActingMap> acting) {
        for (auto& [dc, s] : shippers_) s->set_acting(acting);
      });
  takeover_->init();
  info_ = std::make_unique<InfoServer>(uint16_t(config_.xdr.info_port),
                                       [this](const proto::InfoCommand& c) { return answer(c); });
  xdr_log()->info("xdr init src_id={} dcs={} dlog={} capacity={} head={} tail={}", config_.xdr.src_id, dcs.size(),
                  config_.xdr.digestlog_path, log_->capacity_entries(), log_->head(), log_->tail());
}

// What the previous run of this xdr left behind: where its log ended and the lost
// windows still pending. Nothing is decided yet: see settle_restart().
void Daemon::note_restart() {
  restart_.head = log_->head();
  if (restart_.head == 0) return;  // never logged anything: asd still holds what it queued
  std::vector<logger::Entry> last = log_->read(restart_.head - 1, 1);
  if (last.empty()) return;
  restart_.newest_lut = last.front().frame.lut;
  for (const std::string& dc : log_->dcs()) restart_.windows[dc] = log_->lost_windows(dc);
}

// Frames that were in the pipe (or read but not yet logged) when the previous xdr process
// ended die with it: asd's next write finds no reader and the kernel discards the pipe's
// contents. So every restart, clean or kill -9, re-ships everything written since shortly
// before the newest logged entry. Duplicates lose the LUT check at the remote (28) and
// cost nothing else; the slack covers frames queued slightly out of LUT order.
//
// Unless the cluster took this node over while it was gone (its asd left the cluster,
// and every member registered that departure after this log's newest entry): then the
// other nodes own everything this node had not shipped (takeover.h), and shipping its
// backlog, its pending windows and the gaps its previous asd left would only repeat
// their work, a duplicate storm. It is skipped and counted instead.
void Daemon::settle_restart() {
  constexpr uint64_t kSlackMs = 5000;
  constexpr uint32_t kCheckMs = 5000;
  if (restart_.newest_lut == 0) return;
  std::optional<uint64_t> taken = takeover_->taken_over_since(restart_.newest_lut, kCheckMs);
  if (taken) {
    for (auto& [dc, s] : shippers_) {
      uint64_t skipped = restart_.head - std::min(restart_.head, log_->cursor(dc));
      restart_.skipped += skipped;
      s->skip_to(restart_.head);
      for (const logger::LostWindow& w : restart_.windows[dc]) log_->ack_lost_window(dc, w);
      xdr_log()->info("restart: taken over while away dc={} backlog_skipped={} windows_dropped={}", dc, skipped,
                      restart_.windows[dc].size());
    }
    recovery_->skip_gaps_before(*taken);
    return;
  }
  uint64_t lut = restart_.newest_lut;
  uint64_t since = lut > kSlackMs ? lut - kSlackMs : 0;
  for (const conf::Namespace& ns : config_.namespaces) {
    if (!ns.enable_xdr) continue;
    for (const std::string& dc : topology_->dcs_for(ns.name)) {
      log_->add_lost_window(dc, logger::LostWindow{ns.name, since});
    }
  }
  xdr_log()->info("xdr restart recovery window since={} (newest logged lut={})", since, lut);
}

void Daemon::start() {
  started_ = true;
  pipe_->start();                                      // frames from asd into the digest log
  local_->start();                                     // connection to the local asd, retried
  learner_ = std::thread([this] { learn_loop(); });    // remote src-ids, retried until known
  log_topology();                                      // the graph in force, for operators
  settle_restart();                                    // the previous run's backlog: ours or taken over
  for (auto& [dc, s] : shippers_) s->start();          // one shipper per DC
  recovery_->start();                                  // lost windows -> recovery scans
  takeover_->start();                                  // cluster peers -> takeovers
  info_->start();                                      // info port, last: answers mean ready
  xdr_log()->info("xdr started info_port={}", config_.xdr.info_port);
}

void Daemon::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  info_->stop();                                       // no more commands
  takeover_->stop();                                   // before the shippers it feeds
  recovery_->stop();
  for (auto& [dc, s] : shippers_) s->stop();           // commit cursors
  {
    std::lock_guard lock(learn_mu_);
    learn_stop_ = true;
  }
  learn_wake_.notify_all();
  if (learner_.joinable()) learner_.join();            // src-id learner
  local_->stop();                                      // local asd connection
  pipe_->stop();                                       // no more frames
  log_->flush();                                       // cursors and entries durable
  xdr_log()->info("xdr stopped head={} tail={}", log_->head(), log_->tail());
}

// ---- remote src-ids -------------------------------------------------------------------

void Daemon::log_topology() const {
  std::string text = topology_->describe();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) xdr_log()->info("topology {}", text.substr(start, end - start));
    start = end + 1;
  }
}

void Daemon::learn_loop() {
  bool relearn = false;
  for (;;) {
    bool all_known = true;
    // A copy: set-config may change the config meanwhile (under config_mu_).
    std::vector<conf::XdrDc> datacenters;
    {
      std::lock_guard lock(config_mu_);
      datacenters = config_.xdr.datacenters;
    }
    for (const conf::XdrDc& dc : datacenters) {
      if (topology_->src_id_of(dc.name) != 0 && !relearn) continue;
      if (!learn_src_id(dc) && topology_->src_id_of(dc.name) == 0) all_known = false;
    }
    relearn = all_known;
    std::unique_lock lock(learn_mu_);
    learn_wake_.wait_for(lock, std::chrono::milliseconds(all_known ? kRelearnMs : kLearnRetryMs),
                         [&] { return learn_stop_; });
    if (learn_stop_) return;
  }
}

bool Daemon::learn_src_id(const conf::XdrDc& dc) {
  std::shared_ptr<const client::TlsContext> tls;
  std::vector<client::Host> seeds;
  // A secured remote answers info only after a login, as the DC's credentials allow
  // (a file that cannot be read leaves the src-id unknown; the link reports the file).
  conf::DcCredentials login;
  if (conf::logs_in(dc) && !conf::read_dc_credentials(dc, &login).empty()) return false;
  {
    std::lock_guard lock(config_mu_);
    seeds = shipper::dc_seeds(config_, dc.name);
    if (auto policy = shipper::dc_tls_policy(config_, dc.name); policy.enable) {
      // The shipper's link reports a policy that cannot be loaded; here it only means
      // the src-id stays unknown until the files are fixed.
      auto made = client::TlsContext::create(policy);
      if (!made) return false;
      tls = *made;
    }
  }
  for (const client::Host& host : seeds) {
    auto answer = client::Client::info_host(host, {"get-config:context=xdr"}, 1000, tls.get(), login.user,
                                            login.password);
    if (!answer || answer->empty()) continue;
    uint8_t id = parse_src_id(answer->front().second);
    if (id == 0) continue;
    uint8_t before = topology_->src_id_of(dc.name);
    if (!topology_->learn_src_id(dc.name, id)) continue;
    if (before != id) xdr_log()->info("dc src-id learned dc={} src_id={} node={}", dc.name, id, host.to_string());
    return true;
  }
  return false;
}

}  // namespace xdr
