#pragma once
// The cluster engine of one node: heartbeats and membership over the fabric, the
// partition balance every node computes alike, replication of writes to replicas,
// migration of partitions after a change, and proxying of requests to the node that
// serves a partition. See balance.h for the rules and fabric.h for the transport.
//
// Threads: the cluster thread (fabric.h) runs heartbeats, consensus, exchanges and the
// balance, and applies incoming replica writes and migrated records; `migrate-threads`
// workers send partitions; a few proxy workers run requests proxied here. Service
// threads call replicate() and proxy(), which only queue messages.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "proto/frame.h"
#include "transaction/completion.h"

namespace conf {
struct Service;
}

namespace asd {

class Node;
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
  std::atomic<uint64_t> cluster_changes{0};
  std::atomic<uint64_t> heartbeats_received{0};
  std::atomic<uint64_t> fabric_bad_messages{0};
};

struct PeerAddress {
  NodeId id = 0;
  std::string host;
  uint16_t port = 0;
};

struct ClusterStatus {
  uint64_t cluster_key = 0;
  std::vector<NodeId> succession;  // descending; the principal first
  bool integrity = false;          // every member agrees and the balance has run
  std::vector<PeerAddress> peers;  // the other members' service endpoints
  uint64_t peers_generation = 0;
};

class Cluster {
 public:
  explicit Cluster(Node& node);
  ~Cluster();

  // Binds the heartbeat and fabric ports (throws std::runtime_error naming the endpoint)
  // and starts the threads.
  void start();
  void stop();

  NodeId self() const;
  // The dynamic service keys the cluster uses: migrate-threads, migrate-max-num-incoming.
  void apply_service_config(const conf::Service& service);

  // With the partition lock held, after a write or delete changed the record: sends its
  // new state to the partition's other copies. nullptr when there are none; else the
  // completion finishes when every copy has it (or its node left the cluster).
  CompletionPtr replicate(Namespace& ns, Partition& part, const common::Digest& digest);

  // Before a write, without the partition lock: waits (up to 1 s) until this node's role
  // for the partition belongs to the current cluster, and while the partition's copies
  // are not merged yet, merges the record's other copies into this one (duplicate
  // resolution). False: the write must not go ahead (the client gets a timeout).
  bool prepare_write(Namespace& ns, Partition& part, const common::Digest& digest);

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

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cluster
}  // namespace asd
