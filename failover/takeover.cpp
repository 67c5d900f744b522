// Takeover, the watch thread: the local cluster view, the peers' progress, departures
// and xdr outages turned into tasks, this node's own publication, and the state file.
// The tasks run in takeover_runner.cpp.

#include "failover/takeover.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "client/client.h"
#include "common/atomic_file.h"
#include "common/clock.h"
#include "common/log.h"
#include "logger/digest_log.h"

namespace failover {

namespace {

constexpr uint64_t kLookupRetryMs = 2000;  // a peer's xdr endpoint, asked again this often
constexpr uint64_t kRegisteredKeepMs = 10 * 60 * 1000;
constexpr uint64_t kRefuseWarnEveryMs = 10000;

std::shared_ptr<spdlog::logger> takeover_log() { return common::logger("failover"); }

std::vector<std::string> namespaces_of(const std::vector<DcNs>& shipping) {
  std::set<std::string> names;
  for (const auto& [dc, ns] : shipping) names.insert(ns);
  return {names.begin(), names.end()};
}

bool contains(const std::vector<uint64_t>& ids, uint64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

uint64_t min_since(const TakeoverTask& t) {
  uint64_t m = UINT64_MAX;
  for (const auto& [pid, since] : t.since) m = std::min(m, since);
  return t.since.empty() ? 0 : m;
}

// `xdr-info-port=N` (and enable-xdr) from a peer asd's get-config:context=xdr.
std::optional<uint16_t> xdr_port_of(const std::string& config) {
  std::optional<uint16_t> port;
  bool enabled = false;
  size_t start = 0;
  while (start <= config.size()) {
    size_t end = config.find(';', start);
    if (end == std::string::npos) end = config.size();
    std::string item = config.substr(start, end - start);
    if (item == "enable-xdr=true") enabled = true;
    if (item.rfind("xdr-info-port=", 0) == 0) {
      unsigned long v = std::strtoul(item.c_str() + 14, nullptr, 10);
      if (v > 0 && v < 65536) port = uint16_t(v);
    }
    start = end + 1;
  }
  return enabled ? port : std::nullopt;
}

}  // namespace

Takeover::Takeover(TakeoverOptions options, logger::DigestLog& log, LocalClientFn local, ShipFn ship,
                   OutstandingFn outstanding, ShipInputsFn inputs, ActingFn acting)
    : options_(std::move(options)),
      log_(log),
      local_(std::move(local)),
      ship_(std::move(ship)),
      outstanding_(std::move(outstanding)),
      inputs_(std::move(inputs)),
      acting_(std::move(acting)),
      epoch_(common::now_unix_ms()) {}

Takeover::~Takeover() { stop(); }

void Takeover::init() {
  auto text = common::read_whole_file(options_.state_path);
  if (!text) throw std::runtime_error("takeover state: " + text.error().message);
  if (*text) {
    auto state = decode_state(**text);
    if (state) {
      state_ = std::move(*state);
    } else {
      std::string aside = options_.state_path + ".bad";
      std::error_code ec;
      std::filesystem::rename(options_.state_path, aside, ec);
      takeover_log()->error(
          "takeover state unreadable, set aside path={} reason={} action=start empty (a departure seen "
          "without a peer's progress is taken over from LUT 0)",
          aside, state.error().message);
    }
  }
  for (const auto& [id, p] : state_.peers) peers_[id].first_seen_ms = common::steady_ms();
  common::Status st = common::replace_file(options_.state_path, encode_state(state_));
  if (!st.ok()) throw std::runtime_error("takeover state: " + st.message());
  takeover_log()->info("takeover state loaded path={} members={} peers={} departed={} tasks={}",
                       options_.state_path, state_.members.size(), state_.peers.size(), state_.departed.size(),
                       state_.tasks.size());
}

void Takeover::start() {
  if (started_) return;
  started_ = true;
  refresh_own();
  watcher_ = std::thread([this] { watch_loop(); });
  std::set<std::string> dcs;
  for (const auto& [dc, ns] : options_.shipping) dcs.insert(dc);
  for (const std::string& dc : dcs) runners_.emplace_back([this, dc] { runner_loop(dc); });
}

void Takeover::stop() {
  if (!started_ || stopping_.exchange(true)) return;
  {
    std::lock_guard lock(mu_);  // orders the flag before any waiter's next check
  }
  wake_.notify_all();
  watcher_.join();
  for (auto& t : runners_) t.join();
  runners_.clear();
  persist(true);
}

bool Takeover::pause_ms(uint64_t ms) {
  std::unique_lock lock(mu_);
  uint64_t seen = wakeups_;
  wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping_.load() || wakeups_ != seen; });
  return !stopping_;
}

std::string Takeover::progress_answer() const {
  std::lock_guard lock(mu_);
  return own_text_;
}

TakeoverStats Takeover::stats(const std::string& dc) const {
  std::lock_guard lock(mu_);
  TakeoverStats s;
  if (auto it = stats_.find(dc); it != stats_.end()) s = it->second;
  s.takeovers_pending = uint64_t(std::count_if(state_.tasks.begin(), state_.tasks.end(),
                                               [&](const TakeoverTask& t) { return t.dc == dc; }));
  return s;
}

std::string Takeover::peers_value() const {
  std::lock_guard lock(mu_);
  const uint64_t now = common::steady_ms();
  std::string out;
  for (const auto& [id, rt] : peers_) {
    if (!out.empty()) out += ',';
    uint64_t silent = now - (rt.last_ok_ms ? rt.last_ok_ms : rt.first_seen_ms);
    out += node_hex(id) + ":" + (rt.down ? "down" : (rt.last_ok_ms ? "up" : "unknown")) + ":" + std::to_string(silent);
  }
  // Nodes that left the cluster and whose takeover is not yet registered everywhere.
  const uint64_t now_cl = common::now_cl_ms();
  for (const DepartedNode& d : state_.departed) {
    if (!out.empty()) out += ',';
    out += node_hex(d.node) + ":left:" + std::to_string(now_cl - std::min(now_cl, d.detected_ms));
  }
  return out;
}

std::optional<uint64_t> Takeover::taken_over_since(uint64_t newest_lut, uint32_t timeout_ms) {
  const std::vector<std::string> namespaces = namespaces_of(options_.shipping);
  const uint64_t start = common::steady_ms();
  const uint64_t after = newest_lut > kMaxClockSkewMs ? newest_lut - kMaxClockSkewMs : 0;
  while (common::steady_ms() < start + timeout_ms) {
    auto view = fetch_cluster_view(options_.local_asd, options_.local_login.get(), namespaces, options_.info_timeout_ms);
    if (view && view->integrity) {
      {
        std::lock_guard lock(mu_);
        view_ = *view;
      }
      bool all = true;
      uint64_t earliest = UINT64_MAX;
      for (uint64_t m : view->members) {
        if (m == view->self) continue;
        poll_peer(m, *view);
        std::lock_guard lock(mu_);
        auto peer = state_.peers.find(m);
        const PeerRuntime& rt = peers_[m];
        if (peer == state_.peers.end() || rt.last_ok_ms < start) {
          all = false;  // not heard from yet this run
          continue;
        }
        auto reg = std::find_if(peer->second.registered.begin(), peer->second.registered.end(),
                                [&](const Registration& r) { return r.node == view->self && r.at_ms >= after; });
        if (reg == peer->second.registered.end()) return std::nullopt;  // it did not take this node over
        earliest = std::min(earliest, reg->at_ms);
      }
      if (view->members.size() <= 1) return std::nullopt;  // alone: nobody took over
      if (all) {
        takeover_log()->info("this node was taken over while away (every member registered it since {})", after);
        return earliest;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  takeover_log()->info("could not learn whether this node was taken over while away: shipping its own backlog");
  return std::nullopt;
}

// ---- the watch thread -----------------------------------------------------------------

void Takeover::watch_loop() {
  const std::vector<std::string> namespaces = namespaces_of(options_.shipping);
  uint64_t next_peers = 0;
  uint64_t view_failures = 0;
  while (!stopping_) {
    auto view = fetch_cluster_view(options_.local_asd, options_.local_login.get(), namespaces, options_.info_timeout_ms);
    if (view) {
      view_failures = 0;
      on_view(*view);
    } else if (view_failures++ % 40 == 0) {
      takeover_log()->warn("local cluster view unavailable host={} err={}", options_.local_asd.to_string(),
                           view.error().message);
    }
    persist(false);
    if (common::steady_ms() >= next_peers) {
      std::optional<ClusterView> current;
      {
        std::lock_guard lock(mu_);
        current = view_;
      }
      if (current) {
        poll_peers(*current);
        update_acting(*current);
        forget_confirmed(*current);
        persist(false);
      }
      next_peers = common::steady_ms() + options_.peer_poll_ms;
    }
    refresh_own();
    pause_ms(options_.cluster_poll_ms);
  }
}

void Takeover::on_view(const ClusterView& view) {
  bool registered = false;
  {
    std::lock_guard lock(mu_);
    if (state_.self != view.self) {
      if (state_.self != 0) {
        takeover_log()->warn("local asd node id changed old={} new={} action=forget the old cluster",
                             node_hex(state_.self), node_hex(view.self));
        state_.members.clear();
        state_.peers.clear();
        peers_.clear();
      }
      state_.self = view.self;
      dirty_ = true;
    }
    view_ = view;
    // Departures count only in a balanced cluster whose roles this node has: it must
    // know which partitions it masters now.
    bool roles_known = std::all_of(options_.shipping.begin(), options_.shipping.end(),
                                   [&](const DcNs& k) { return view.roles.count(k.second) != 0; });
    if (!view.integrity || !roles_known) return;
    std::vector<uint64_t> gone;
    for (uint64_t m : state_.members) {
      if (m != view.self && !view.is_member(m)) gone.push_back(m);
    }
    for (uint64_t m : gone) register_departure(m, view);
    registered = !gone.empty();
    for (uint64_t m : view.members) {
      if (m == view.self || contains(state_.members, m)) continue;
      takeover_log()->info("cluster member joined node={}", node_hex(m));
      peers_[m].first_seen_ms = common::steady_ms();
    }
    if (state_.members != view.members) {
      state_.members = view.members;
      dirty_ = true;
    }
    if (registered) ++wakeups_;
  }
  if (registered) {
    wake_.notify_all();
    persist(true);  // durable before the next publication says it is registered
  }
}

std::vector<TakeoverTask> Takeover::new_tasks(uint64_t node, const ClusterView& view, bool acting) {
  std::optional<NodeProgress> progress;
  if (auto it = state_.peers.find(node); it != state_.peers.end()) progress = it->second;
  const uint64_t now = common::now_cl_ms();
  std::vector<TakeoverTask> tasks;
  for (const DcNs& key : options_.shipping) {
    auto roles = view.roles.find(key.second);
    if (roles == view.roles.end()) continue;
    // A departure: the partitions this node masters now. An xdr outage: those where
    // this node is the node's first replica.
    const PartitionSet* partitions = &roles->second.master;
    if (acting) {
      auto mine = roles->second.replica_of.find(node);
      if (mine == roles->second.replica_of.end()) continue;
      partitions = &mine->second;
    }
    TakeoverTask t;
    t.since = takeover_since(key, *partitions, node, progress, state_.departed);
    if (t.since.empty()) continue;
    t.id = state_.next_task_id++;
    t.dc = key.first;
    t.ns = key.second;
    t.departed = node;
    t.acting = acting;
    t.registered_ms = now;
    takeover_log()->info("takeover registered task={} node={} reason={} dc={} ns={} partitions={} since={}", t.id,
                         node_hex(node), acting ? "xdr down" : "left", t.dc, t.ns, t.since.size(), min_since(t));
    tasks.push_back(std::move(t));
  }
  return tasks;
}

void Takeover::register_departure(uint64_t node, const ClusterView& view) {
  std::vector<TakeoverTask> tasks = new_tasks(node, view, false);
  size_t partitions = 0;
  for (const TakeoverTask& t : tasks) partitions += t.since.size();
  std::optional<NodeProgress> progress;
  if (auto it = state_.peers.find(node); it != state_.peers.end()) progress = it->second;
  takeover_log()->warn("cluster member left node={} progress={} tasks={} partitions={}", node_hex(node),
                       progress ? "known" : "unknown: taking over from LUT 0", tasks.size(), partitions);
  const uint64_t now = common::now_cl_ms();
  state_.tasks.insert(state_.tasks.end(), tasks.begin(), tasks.end());
  state_.departed.push_back(DepartedNode{node, now, view.members, {view.self}, progress});
  state_.registered.push_back(Registration{node, now});
  state_.peers.erase(node);
  peers_.erase(node);
  dirty_ = true;
}

void Takeover::register_acting(uint64_t node, const ClusterView& view) {
  std::vector<TakeoverTask> tasks = new_tasks(node, view, true);
  state_.tasks.insert(state_.tasks.end(), tasks.begin(), tasks.end());
  ++wakeups_;
  dirty_ = true;
}

void Takeover::poll_peers(const ClusterView& view) {
  for (uint64_t m : view.members) {
    if (m == view.self || stopping_) continue;
    poll_peer(m, view);
  }
}

void Takeover::poll_peer(uint64_t node, const ClusterView& view) {
  const uint64_t now = common::steady_ms();
  std::optional<client::Host> xdr;
  bool lookup = false;
  {
    std::lock_guard lock(mu_);
    PeerRuntime& rt = peers_[node];
    if (rt.first_seen_ms == 0) rt.first_seen_ms = now;
    xdr = rt.xdr;
    lookup = !xdr && now >= rt.last_lookup_ms + kLookupRetryMs;
    if (lookup) rt.last_lookup_ms = now;
  }
  if (lookup) {
    auto service = view.services.find(node);
    if (service == view.services.end()) {
      takeover_log()->warn("no service address for member node={} in the local asd's view (xdr-cluster peers)",
                           node_hex(node));
    } else {
      auto answer = client::Client::info_host(service->second, {"get-config:context=xdr"}, options_.info_timeout_ms,
                                                nullptr, options_.local_login.get());
      if (answer && !answer->empty()) {
        if (auto port = xdr_port_of(answer->front().second)) {
          xdr = client::Host{service->second.address, *port};
          std::lock_guard lock(mu_);
          peers_[node].xdr = xdr;
          takeover_log()->info("peer xdr found node={} xdr={}", node_hex(node), xdr->to_string());
        }
      }
    }
  }
  std::optional<NodeProgress> accepted;
  std::string refusal;
  if (xdr) {
    auto answer = client::Client::info_host(*xdr, {"xdr-progress"}, options_.info_timeout_ms);
    if (answer && !answer->empty() && answer->front().second.rfind("ERROR", 0) != 0) {
      auto p = decode_progress(answer->front().second, common::now_cl_ms());
      if (!p) refusal = p.error().message;
      else if (p->node != node) refusal = "published by node " + node_hex(p->node);
      else accepted = std::move(*p);
    }
  }
  std::lock_guard lock(mu_);
  PeerRuntime& rt = peers_[node];
  if (!refusal.empty()) {
    if (rt.refused++ == 0 || now >= rt.last_ok_ms + kRefuseWarnEveryMs) {
      takeover_log()->warn("peer progress refused node={} reason={} refused={}", node_hex(node), refusal, rt.refused);
    }
  }
  if (accepted) {
    state_.peers[node] = std::move(*accepted);
    rt.last_ok_ms = now;
    if (rt.down) {
      rt.down = false;
      takeover_log()->info("peer xdr back node={} action=stop acting for it", node_hex(node));
    }
    return;
  }
  uint64_t last = rt.last_ok_ms ? rt.last_ok_ms : rt.first_seen_ms;
  if (!rt.down && now >= last + options_.peer_down_ms && view.is_member(node) && view.integrity) {
    rt.down = true;
    rt.xdr.reset();  // it may come back elsewhere
    takeover_log()->warn("peer xdr down node={} silent_ms={} action=ship its partitions' copies", node_hex(node),
                         now - last);
    register_acting(node, view);
  }
}

void Takeover::update_acting(const ClusterView& view) {
  auto map = std::make_shared<ActingMap>();
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, rt] : peers_) {
      if (!rt.down || !view.is_member(id)) continue;
      for (const auto& [ns, roles] : view.roles) {
        auto mine = roles.replica_of.find(id);
        if (mine != roles.replica_of.end()) (*map)[ns][id] = mine->second;
      }
    }
  }
  acting_(std::move(map));
}

void Takeover::forget_confirmed(const ClusterView& view) {
  std::lock_guard lock(mu_);
  if (!view.integrity) return;
  for (auto it = state_.departed.begin(); it != state_.departed.end();) {
    DepartedNode& d = *it;
    uint64_t since = d.detected_ms > kRegistrationSlackMs ? d.detected_ms - kRegistrationSlackMs : 0;
    bool all = true;
    for (uint64_t s : d.survivors) {
      if (s == state_.self || contains(d.confirmed, s)) continue;
      auto peer = state_.peers.find(s);
      if (peer != state_.peers.end() && peer->second.registered_since(d.node, since)) {
        d.confirmed.push_back(s);
        dirty_ = true;
        continue;
      }
      if (view.is_member(s)) all = false;  // a survivor still alive and silent on it
    }
    if (all) {
      takeover_log()->info("departed node forgotten node={} (every survivor registered it)", node_hex(d.node));
      it = state_.departed.erase(it);
      dirty_ = true;
    } else {
      ++it;
    }
  }
  const uint64_t now = common::now_cl_ms();
  size_t before = state_.registered.size();
  std::erase_if(state_.registered, [&](const Registration& r) { return r.at_ms + kRegisteredKeepMs < now; });
  if (state_.registered.size() != before) dirty_ = true;
}

void Takeover::refresh_own() {
  // The shipper's side first, outside the lock; then the tasks and registrations in one
  // critical section, so a publication never says "registered" without the tasks' LUTs.
  std::map<DcNs, OwnInputs> inputs;
  for (const DcNs& key : options_.shipping) {
    OwnInputs in = inputs_(key.first, key.second);
    for (const logger::LostWindow& w : log_.lost_windows(key.first)) {
      if (w.ns == key.second) in.window_since = std::min(in.window_since.value_or(UINT64_MAX), w.since_lut);
    }
    inputs.emplace(key, std::move(in));
  }
  std::lock_guard lock(mu_);
  NodeProgress p;
  p.node = state_.self != 0 ? state_.self : 1;
  p.epoch = epoch_;
  p.stamped_ms = common::now_cl_ms();
  p.registered = state_.registered;
  for (const auto& [key, in] : inputs) {
    std::vector<const TakeoverTask*> tasks;
    for (const TakeoverTask& t : state_.tasks) {
      if (t.dc == key.first && t.ns == key.second) tasks.push_back(&t);
    }
    const PartitionLuts* previous = nullptr;
    if (state_.own) {
      auto it = state_.own->luts.find(key);
      if (it != state_.own->luts.end()) previous = &it->second;
    }
    p.luts[key] = compose_progress(in, tasks, previous);
  }
  // Until asd has said who this node is, publish nothing peers could pin on a node.
  own_text_ = state_.self != 0 ? encode_progress(p) : std::string("ERROR:4:node id not known yet");
  state_.own = std::move(p);
}

void Takeover::persist(bool force) {
  std::lock_guard file_lock(persist_mu_);  // the watch thread and the runners both write it
  std::string text;
  {
    std::lock_guard lock(mu_);
    uint64_t now = common::steady_ms();
    if (!force && !dirty_ && now < next_progress_persist_ms_) return;
    text = encode_state(state_);
    dirty_ = false;
    next_progress_persist_ms_ = now + options_.persist_progress_ms;
  }
  common::Status st = common::replace_file(options_.state_path, text);
  if (st.ok()) return;
  std::lock_guard lock(mu_);
  dirty_ = true;
  takeover_log()->error("takeover state not written path={} err={}", options_.state_path, st.message());
}

}  // namespace failover
