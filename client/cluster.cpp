#include "cluster.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "client/errors.h"
#include "common/base64.h"
#include "common/clock.h"
#include "common/digest.h"
#include "common/log.h"

namespace client {

using common::ResultCode;

namespace {

// As the C client: a node that fails this many refreshes in a row leaves the view.
constexpr int kMaxFailures = 5;
constexpr auto kTendInterval = std::chrono::milliseconds(1000);

std::shared_ptr<spdlog::logger> client_log() {
  static auto logger = common::logger("client");
  return logger;
}

template <typename T>
bool parse_number(const std::string& text, T* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

bool owns_any(const Node& node) {
  for (const auto& ns : node.tend.replicas) {
    for (const auto& column : ns.columns) {
      if (std::any_of(column.begin(), column.end(), [](uint8_t b) { return b != 0; })) return true;
    }
  }
  return false;
}

}  // namespace

Cluster::Cluster(ClientConfig config) : config_(std::move(config)) {}

Cluster::~Cluster() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

common::Status Cluster::start() {
  if (config_.tls.enable && config_.tls_context) {
    tls_ = config_.tls_context;
  } else if (config_.tls.enable) {
    auto tls = TlsContext::create(config_.tls);
    if (!tls) return to_status(tls.error());
    tls_ = std::move(*tls);
  }
  tend();
  if (nodes().empty()) {
    std::string seeds;
    for (const Host& h : config_.seeds) seeds += (seeds.empty() ? "" : ",") + h.to_string();
    {
      // A seed that answered but refused the login says why better than "no seed".
      std::lock_guard lock(mu_);
      if (!login_error_.ok()) return login_error_;
    }
    // A TLS refusal is the likely cause worth naming (wrong CA, wrong tls-name).
    if (!last_seed_error_.empty()) return to_status(common::Error{ResultCode::Unavailable, last_seed_error_});
    return to_status(client_error(ResultCode::Unavailable, "no seed answered: " + seeds));
  }
  if (config_.tend) thread_ = std::thread([this] { tend_loop(); });
  return {};
}

void Cluster::tend_loop() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, kTendInterval, [this] { return stop_; })) {
    lock.unlock();
    tend();
    lock.lock();
  }
}

std::shared_ptr<Node> Cluster::validate(const Host& host, const std::string& expected_name) {
  auto conn = Connection::open(host, config_.connect_timeout_ms, tls_.get());
  if (!conn) {
    // A refused certificate is a configuration problem worth seeing, not a dead node.
    if (is_tls_error(conn.error().message)) {
      client_log()->warn("node refused host={} err={}", host.to_string(), conn.error().message);
      last_seed_error_ = conn.error().message;
    } else {
      client_log()->debug("node unreachable host={} err={}", host.to_string(), conn.error().message);
    }
    return nullptr;
  }
  uint64_t deadline = common::steady_ms() + std::max(config_.connect_timeout_ms, config_.timeout_ms);
  // A secured server answers nothing but the login before it (as the C client's
  // as_node_validate, which logs in first).
  auto session = std::make_unique<NodeSession>(config_.user, config_.password);
  if (auto st = session->admit(**conn, deadline); !st.ok()) {
    client_log()->warn("login refused host={} user={} err={}", host.to_string(), config_.user, st.message());
    std::lock_guard lock(mu_);
    login_error_ = st;
    return nullptr;
  }
  std::vector<std::string> commands{"node", "partition-generation", "build"};
  if (!config_.cluster_name.empty()) commands.push_back("cluster-name");
  auto answer = (*conn)->info(commands, deadline);
  if (!answer) {
    // Under TLSv1.3 a server refuses the client's certificate after the client finished
    // its handshake: the refusal arrives with the first answer.
    if (is_tls_error(answer.error().message)) {
      client_log()->warn("node refused host={} err={}", host.to_string(), answer.error().message);
      last_seed_error_ = answer.error().message;
    }
    client_log()->debug("node identity failed host={} err={}", host.to_string(), answer.error().message);
    if (answer.error().code == ResultCode::NotAuthenticated) {
      // A secured node and no user: connect() says so rather than "no seed answered".
      std::lock_guard lock(mu_);
      login_error_ = to_status(answer.error());
    }
    return nullptr;
  }
  auto identity = parse_node_identity(*answer, config_.cluster_name);
  if (!identity) {
    client_log()->warn("node rejected host={} err={}", host.to_string(), identity.error().message);
    return nullptr;
  }
  if (!expected_name.empty() && identity->name != expected_name) {
    client_log()->warn("peer name mismatch host={} expected={} got={}", host.to_string(), expected_name,
                identity->name);
    return nullptr;
  }
  if (build_at_least(identity->build, 8, 1, 0)) {
    // Informational only (wire-protocol.md §2.5); a failure changes nothing.
    auto ua = (*conn)->info({"user-agent-set:value=" + common::base64_encode("1,cpp-1.0,not-set")}, deadline);
    if (!ua) return nullptr;
  }
  auto node = std::make_shared<Node>(std::move(*identity), host, config_, tls_, std::move(session));
  node->adopt_tend_connection(std::move(*conn));
  return node;
}

bool Cluster::add_node(const std::shared_ptr<Node>& node) {
  std::lock_guard lock(mu_);
  for (const auto& n : nodes_) {
    if (n->name() == node->name()) return false;
  }
  nodes_.push_back(node);
  client_log()->info("node added name={} host={} build={}", node->name(), node->host().to_string(), node->build());
  return true;
}

void Cluster::seed() {
  last_seed_error_.clear();
  for (const Host& host : config_.seeds) {
    if (auto node = validate(host, {})) add_node(node);
  }
}

void Cluster::tend() {
  std::lock_guard tend_lock(tend_mu_);
  if (nodes().empty()) seed();
  bool map_changed = false;
  // By index: peers found during this pass are appended and refreshed in the same pass,
  // so connect() returns with the whole cluster and its partition map.
  for (size_t i = 0;; ++i) {
    std::shared_ptr<Node> node;
    {
      std::lock_guard lock(mu_);
      if (i >= nodes_.size()) break;
      node = nodes_[i];
    }
    refresh(*node, &map_changed);
  }
  size_t before = nodes().size();
  remove_dead_nodes(nodes());
  if (map_changed || nodes().size() != before) rebuild_map();
}

bool Cluster::refresh(Node& node, bool* map_changed) {
  auto answer = node.tend_info({"node", "peers-generation", "partition-generation"});
  uint64_t peers_generation = 0;
  int64_t partition_generation = 0;
  if (!answer || answer->size() != 3 || !parse_number((*answer)[1].second, &peers_generation) ||
      !parse_number((*answer)[2].second, &partition_generation)) {
    ++node.tend.failures;
    client_log()->debug("node refresh failed name={} failures={}", node.name(), node.tend.failures);
    return false;
  }
  if ((*answer)[0].second != node.name()) {
    // A restarted process with a new id is a different node: drop this one at once.
    client_log()->warn("node name changed host={} was={} now={}", node.host().to_string(), node.name(),
                (*answer)[0].second);
    node.tend.failures = kMaxFailures;
    return false;
  }
  node.tend.failures = 0;
  if (peers_generation != node.tend.peers_generation) refresh_peers(node, peers_generation);
  if (partition_generation != node.tend.partition_generation && refresh_partitions(node)) {
    *map_changed = true;
  }
  return true;
}

void Cluster::refresh_peers(Node& node, uint64_t peers_generation) {
  const char* command = tls_ ? "peers-tls-std" : "peers-clear-std";
  auto answer = node.tend_info({command});
  if (!answer || answer->size() != 1) return;
  auto peers = parse_peers((*answer)[0].second);
  if (!peers) {
    client_log()->warn("bad peers node={} err={}", node.name(), peers.error().message);
    return;
  }
  bool all_valid = true;
  std::vector<std::string> names;
  for (const Peer& peer : peers->peers) {
    names.push_back(peer.node_name);
    if (this->node(peer.node_name)) continue;
    bool added = false;
    for (Host host : peer.hosts) {
      host.tls_name = peer.tls_name;
      if (auto fresh = validate(host, peer.node_name)) {
        add_node(fresh);
        added = true;
        break;
      }
    }
    all_valid = all_valid && added;
  }
  node.tend.peer_names = std::move(names);
  // Keep the old generation until every listed peer answered, so the next pass retries.
  if (all_valid) node.tend.peers_generation = peers_generation;
}

bool Cluster::refresh_partitions(Node& node) {
  auto answer = node.tend_info({"partition-generation", "replicas"});
  int64_t generation = 0;
  if (!answer || answer->size() != 2 || !parse_number((*answer)[0].second, &generation)) return false;
  auto replicas = parse_replicas((*answer)[1].second);
  if (!replicas) {
    client_log()->warn("bad replicas node={} err={}", node.name(), replicas.error().message);
    return false;
  }
  node.tend.partition_generation = generation;
  node.tend.replicas = std::move(*replicas);
  node.tend.replicas_seq = ++replicas_seq_;
  return true;
}

void Cluster::remove_dead_nodes(const std::vector<std::shared_ptr<Node>>& snapshot) {
  std::vector<std::string> listed;
  for (const auto& n : snapshot) listed.insert(listed.end(), n->tend.peer_names.begin(), n->tend.peer_names.end());
  auto dead = [&](const std::shared_ptr<Node>& n) {
    if (n->tend.failures >= kMaxFailures) return true;
    // The C client's rule: in a multi-node view, a node no peer lists and that owns no
    // partition has left the cluster.
    bool is_listed = std::find(listed.begin(), listed.end(), n->name()) != listed.end();
    return snapshot.size() > 1 && !is_listed && !owns_any(*n);
  };
  std::lock_guard lock(mu_);
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    if (dead(*it)) {
      client_log()->warn("node removed name={} host={} failures={}", (*it)->name(), (*it)->host().to_string(),
                  (*it)->tend.failures);
      it = nodes_.erase(it);
    } else {
      ++it;
    }
  }
}

void Cluster::rebuild_map() {
  auto snapshot = nodes();
  std::sort(snapshot.begin(), snapshot.end(),
            [](const auto& a, const auto& b) { return a->tend.replicas_seq < b->tend.replicas_seq; });
  auto map = std::make_shared<PartitionMap>();
  std::unordered_map<std::string, std::vector<uint32_t>> regimes;
  // Later readings overwrite earlier ones; a lower regime never overrides a higher one.
  for (const auto& node : snapshot) {
    for (const NamespaceReplicas& ns : node->tend.replicas) {
      auto& masters = (*map)[ns.ns];
      auto& regime = regimes[ns.ns];
      masters.resize(common::kPartitions);
      regime.resize(common::kPartitions, 0);
      for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
        if (ns.owns(0, pid) && ns.regime >= regime[pid]) {
          masters[pid] = node;
          regime[pid] = ns.regime;
        }
      }
    }
  }
  std::lock_guard lock(mu_);
  map_ = std::move(map);
}

common::Result<std::shared_ptr<Node>> Cluster::master(const std::string& ns, common::PartitionId pid) const {
  std::shared_ptr<const PartitionMap> map;
  {
    std::lock_guard lock(mu_);
    if (nodes_.empty()) return client_error(ResultCode::Unavailable, "no node in the cluster view");
    map = map_;
  }
  auto it = map->find(ns);
  if (it == map->end()) return client_error(ResultCode::Namespace, "namespace '" + ns + "' not in any node's replicas");
  if (it->second[pid.value]) return it->second[pid.value];
  if (auto node = any_node()) return node;
  return client_error(ResultCode::Unavailable, "no node for partition " + std::to_string(pid.value));
}

common::Result<std::vector<std::shared_ptr<Node>>> Cluster::masters(const std::string& ns) const {
  std::lock_guard lock(mu_);
  if (nodes_.empty()) return client_error(ResultCode::Unavailable, "no node in the cluster view");
  auto it = map_->find(ns);
  if (it == map_->end()) return client_error(ResultCode::Namespace, "namespace '" + ns + "' not in any node's replicas");
  return it->second;
}

std::shared_ptr<Node> Cluster::any_node() const {
  std::lock_guard lock(mu_);
  if (nodes_.empty()) return nullptr;
  // Rotate so node-agnostic commands (info, fallbacks) spread over the cluster.
  return nodes_[next_node_++ % nodes_.size()];
}

std::shared_ptr<Node> Cluster::node(const std::string& name) const {
  std::lock_guard lock(mu_);
  for (const auto& n : nodes_) {
    if (n->name() == name) return n;
  }
  return nullptr;
}

std::vector<std::shared_ptr<Node>> Cluster::nodes() const {
  std::lock_guard lock(mu_);
  return nodes_;
}

}  // namespace client
