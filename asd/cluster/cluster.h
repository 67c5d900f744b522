#pragma once
// The cluster engine of one node: heartbeats and membership over the fabric, the
// partition balance every node computes alike, replication of writes to replicas,
// migration of partitions after a change, and proxying of requests to the node that
// serves a partition. See balance.h for the rules and fabric.h for the transport.
//
// Threads: the cluster thread (fabric.h) runs heartbeats, consensus, exchanges and the
// balance, and applies incoming replica writes and migrated records; `migrate-threads`
// workers send partitions; a few proxy workers run requests proxied here. Service
// threads call replicate(), prepare_write() and proxy(), which only queue messages and
// hand back a completion: nothing here blocks a service thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "proto/frame.h"
#include "cluster/completion.h"

namespace boost::asio {
class io_context;
}

namespace asd::smd {
class MetadataStore;
struct Item;
}

namespace conf {
struct Config;
struct Service;
}

namespace asd {

class Namespace;
struct Partition;

namespace cluster {

using NodeId = uint64_t;

struct ClusterStats {
  std::atomic<uint64_t> migrate_records_transmitted{0};
  std::atomic<uint64_t> migrate_records_received{0};
  std::atomic<uint64_t> migrate_partitions_sent{0};
  std::atomic<uint64_t> migrate_partitions_received{0};
  std::atomic<int64_t> migrate_tx_remaining{0};
  std::atomic<int64_t> migrate_rx_remaining{0};
  std::atomic<uint64_t> replica_writes_sent{0};
  std::atomic<uint64_t> replica_writes_applied{0};
  std::atomic<uint64_t> replica_write_timeouts{0};
  std::atomic<uint64_t> replica_writes_refused{0};  // client writes failed by a refusing replica
  std::atomic<uint64_t> replica_write_retries{0};   // sent again after a replica refused
  std::atomic<uint64_t> re_repl_success{0};         // records whose copies a repair made equal
  std::atomic<uint64_t> re_repl_error{0};           // repairs given up
  std::atomic<int64_t> re_repl_pending{0};
  std::atomic<uint64_t> dupres_requests{0};   // writes that fetched other copies first
  std::atomic<uint64_t> dupres_timeouts{0};
  std::atomic<uint64_t> writes_role_stale{0};  // refused: the balance of a new cluster did not come
  std::atomic<uint64_t> proxy_initiated{0};
  std::atomic<uint64_t> proxy_complete{0};
  std::atomic<uint64_t> proxy_error{0};
  std::atomic<uint64_t> cluster_changes{0};  // clusters this node joined (info cluster-generation)
  std::atomic<uint64_t> rebalances{0};       // partition balances done (info rebalance-generation)
  std::atomic<uint64_t> heartbeats_received{0};
  std::atomic<uint64_t> fabric_bad_messages{0};
  // Node-to-node TLS handshakes refused or broken (a plaintext peer on a TLS port, a
  // foreign CA, a wrong name), per link.
  std::atomic<uint64_t> heartbeat_tls_handshake_failures{0};
  std::atomic<uint64_t> fabric_tls_handshake_failures{0};
};

struct PeerAddress {
  NodeId id = 0;
  std::string host;
  uint16_t port = 0;
  uint16_t tls_port = 0;  // 0: no TLS listener
  std::string tls_name;
};

struct ClusterStatus {
  uint64_t cluster_key = 0;
  std::vector<NodeId> succession;  // descending; the principal first
  bool integrity = false;          // every member agrees and the balance has run
  std::vector<PeerAddress> peers;  // the other members' service endpoints
  uint64_t peers_generation = 0;
};

// Runs a request another node proxied here, as if a client sent it (the layer that
// serves clients registers it: the cluster sits below it). `reply` gets the whole answer
// (complete protos) once, from any thread; the handler must not block.
using ProxyHandler = std::function<void(proto::ProtoType type, std::string body, uint8_t hops,
                                        std::function<void(std::string answer)> reply)>;

// How long a write may wait for a new cluster's balance or its record's other copies.
inline constexpr uint64_t kWriteGateMs = 1000;

// What prepare_write() decides for a write.
struct WriteGate {
  enum class State : uint8_t { Go, Refuse, Wait };
  State state = State::Go;
  // With Wait: finishes when the write may be tried again (ok) or must give up (not ok).
  CompletionPtr ready;
};

class Cluster {
 public:
  // `config` and `namespaces` outlive the cluster. Loads the heartbeat's and fabric's
  // TLS certificates, if any: throws std::runtime_error naming a file it cannot use.
  Cluster(NodeId self, const conf::Config& config, std::vector<Namespace*> namespaces);
  ~Cluster();

  // Before start(): where requests proxied to this node go.
  void set_proxy_handler(ProxyHandler handler);
  // Before start(): the node's system metadata. Items from other nodes are merged into
  // it; at every cluster change each member sends the others its whole set, so a node
  // that joins, returns or missed a change gets what the others hold.
  void set_metadata(smd::MetadataStore* store);

  // Binds the heartbeat and fabric ports (throws std::runtime_error naming the endpoint)
  // and starts the threads. With `readers` (the service threads' loops, stopped before
  // this cluster is), fabric connections are read there: replica writes are applied and
  // acks handled on those threads, and only the rest goes to the cluster thread.
  void start(std::vector<boost::asio::io_context*> readers = {});
  void stop();

  NodeId self() const;
  // The dynamic service keys the cluster uses: migrate-threads, migrate-max-num-incoming.
  void apply_service_config(const conf::Service& service);

  // With the partition lock held, after a write or delete changed the record: sends its
  // new state to the partition's other copies. nullptr when there are none; else the
  // completion finishes when every copy has it (or its node left the cluster).
  CompletionPtr replicate(Namespace& ns, Partition& part, const common::Digest& digest);

  // Before a write, without the partition lock. Go: this node's role for the partition
  // belongs to the current cluster and the record needs no duplicate resolution. Wait:
  // the balance of a new cluster has not run yet, or the partition's copies are not
  // merged and the record's other copies were requested (duplicate resolution); try
  // again once `ready` finishes ok. Refuse: `deadline_ms` (steady clock, set by the
  // first try, 1 s after it) passed or the copies did not come; the client gets a
  // timeout.
  WriteGate prepare_write(Namespace& ns, Partition& part, const common::Digest& digest, uint64_t deadline_ms);

  // Sends a client request to `target`; the completion carries its answer.
  CompletionPtr proxy(NodeId target, proto::ProtoType type, std::string_view body, uint8_t hops);

  ClusterStatus status() const;
  // Bumped whenever a partition of this node changes role; clients refetch `replicas`.
  uint64_t partition_generation() const;
  // Partitions this node has still to send or receive.
  int64_t migrations_remaining() const;
  ClusterStats& stats();

  // Fault injection for tests: drop all traffic to and from these nodes (a cut link).
  void block_nodes(std::vector<NodeId> nodes);

  // Applies truncate / truncate-namespace on every other member too.
  void broadcast_truncate(std::string_view ns, std::string_view set, uint64_t lut);
  // Sends a metadata change made on this node to every other member.
  void broadcast_metadata(const smd::Item& item);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cluster
}  // namespace asd
