#pragma once
// The asd node: owns the namespaces and the background threads, and is what the
// service and info layers act on. Lifecycle: construct (config only), init() (local
// resources), start() (threads, sockets), stop() (joins everything).

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.h"

namespace asd {

class Namespace;
class Server;
namespace cluster {
class Cluster;
}
class Nsup;
class PipeWriter;

struct NodeStats {
  std::atomic<int64_t> client_connections{0};
  std::atomic<uint64_t> client_connections_opened{0};
  std::atomic<uint64_t> client_connections_closed{0};
  std::atomic<uint64_t> proto_errors{0};
  std::atomic<uint64_t> info_requests{0};
  std::atomic<uint64_t> batch_index_initiate{0};
  std::atomic<uint64_t> batch_index_complete{0};
  std::atomic<uint64_t> batch_index_error{0};
  std::atomic<uint64_t> compressed_requests{0};
};

class Node {
 public:
  explicit Node(conf::Config config);
  ~Node();

  void init();
  // Binds the service (and info) ports; throws std::runtime_error when a port can't be
  // bound (a startup failure, reported by main).
  void start();
  void stop();

  uint64_t node_id() const { return node_id_; }
  const std::string& node_id_hex() const { return node_id_hex_; }
  const conf::Config& config() const { return config_; }
  conf::Config& mutable_config() { return config_; }
  uint16_t service_port() const;

  Namespace* find_namespace(std::string_view name);
  const std::vector<std::unique_ptr<Namespace>>& namespaces() const { return namespaces_; }

  NodeStats& stats() { return stats_; }
  // The pipe to xdr, or nullptr when XDR is off.
  PipeWriter* xdr_pipe() { return pipe_.get(); }
  uint64_t uptime_sec() const;
  // The cluster engine; null before start().
  cluster::Cluster* cluster() { return cluster_.get(); }
  // A node id as clients and logs show it: upper-case hex.
  static std::string hex_id(uint64_t id);

 private:
  conf::Config config_;
  uint64_t node_id_ = 0;
  std::string node_id_hex_;
  uint64_t start_ms_ = 0;
  std::vector<std::unique_ptr<Namespace>> namespaces_;
  NodeStats stats_;
  std::unique_ptr<cluster::Cluster> cluster_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Nsup> nsup_;
  std::unique_ptr<PipeWriter> pipe_;
};

}  // namespace asd
