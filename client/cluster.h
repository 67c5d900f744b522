#pragma once
// The cluster view: nodes found from seeds and peers, and the partition map built from
// their `replicas` master bitmaps. A tend pass refreshes both (wire-protocol.md §2.4,
// §11.2); the background thread runs one per second. Readers take a snapshot under a
// short lock, so commands never wait for a tend pass.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "node.h"

namespace client {

// Namespace -> master node of each of the 4096 partitions (null: no owner known).
using PartitionMap = std::unordered_map<std::string, std::vector<std::shared_ptr<Node>>>;

class Cluster {
 public:
  explicit Cluster(ClientConfig config);
  ~Cluster();  // stops and joins the tend thread

  // Seeds, runs one tend pass, starts the tend thread (when configured). Unavailable when
  // no seed could be validated.
  common::Status start();

  // The partition's master, else any node. Namespace when no node lists `ns`.
  common::Result<std::shared_ptr<Node>> master(const std::string& ns, common::PartitionId pid) const;
  // Masters of every partition of `ns` (entries may be null).
  common::Result<std::vector<std::shared_ptr<Node>>> masters(const std::string& ns) const;
  std::shared_ptr<Node> any_node() const;
  std::shared_ptr<Node> node(const std::string& name) const;
  std::vector<std::shared_ptr<Node>> nodes() const;
  const ClientConfig& config() const { return config_; }

 private:
  void tend_loop();
  void tend();
  void seed();
  // Connects to `host`, checks its identity (and that it is `expected_name` when given).
  std::shared_ptr<Node> validate(const Host& host, const std::string& expected_name);
  // Adds the node unless one of that name exists. Returns false for a duplicate.
  bool add_node(const std::shared_ptr<Node>& node);
  bool refresh(Node& node, bool* map_changed);
  void refresh_peers(Node& node, uint64_t peers_generation);
  bool refresh_partitions(Node& node);
  void remove_dead_nodes(const std::vector<std::shared_ptr<Node>>& snapshot);
  void rebuild_map();

  const ClientConfig config_;
  std::shared_ptr<const TlsContext> tls_;  // set by start() when config_.tls.enable

  mutable std::mutex mu_;  // guards nodes_ and map_
  std::vector<std::shared_ptr<Node>> nodes_;
  std::shared_ptr<const PartitionMap> map_ = std::make_shared<PartitionMap>();
  common::Status login_error_;  // the last login a node refused (start() reports it)
  mutable std::atomic<size_t> next_node_{0};  // round robin for any_node()

  std::mutex tend_mu_;  // one tend pass at a time; guards every Node::tend
  std::string last_seed_error_;  // the last TLS refusal seen while validating; tend pass only
  uint64_t replicas_seq_ = 0;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace client
