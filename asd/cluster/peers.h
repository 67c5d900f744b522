#pragma once
// The other nodes as the fabric reaches them: where each listens (learned from its
// heartbeats), the messages held for a member not heard from yet, and the nodes a test
// cut off. Owns its state under one lock: any thread sends, the cluster thread learns.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cluster/fabric.h"

namespace asd::cluster {

using NodeId = uint64_t;

struct Member {
  std::string heartbeat_endpoint;
  std::string fabric_endpoint;
  std::string service_host;
  uint16_t service_port = 0;
  uint16_t tls_port = 0;  // 0: the member has no TLS listener
  std::string tls_name;
};

struct PeerAddress;

class Peers {
 public:
  // Fabric messages held for a member not heard from yet, at most this many bytes each.
  static constexpr size_t kMaxUnsentBytes = 16u << 20;

  Peers(NodeId self, Transport& fabric) : self_(self), fabric_(fabric) {}

  // Sends to `n` in order with every other message to it. Dropped when `n` is this node
  // or cut off; held (up to kMaxUnsentBytes) while `n`'s endpoint is not known: a member
  // known from a peer (a Paxos proposal) before its own heartbeat said where it listens.
  void send(NodeId n, std::string message);

  // `n`'s heartbeat said where it listens: sends what was held for it. True when its
  // service endpoint changed (clients must see the new one).
  bool learn(NodeId n, const Member& m);

  // After a cluster change: drops what is held for nodes outside `members`, and the
  // fabric connections to `departed`.
  void keep_only(const std::vector<NodeId>& members, const std::vector<NodeId>& departed);

  // Every heartbeat endpoint heard of; `blocked` gets those of cut-off nodes.
  std::vector<std::string> heartbeat_endpoints(std::vector<std::string>* blocked) const;

  // The service endpoints of `nodes` (this node and those not heard from left out).
  std::vector<PeerAddress> service_addresses(const std::vector<NodeId>& nodes) const;

  bool is_blocked(NodeId n) const;
  // Fault injection for tests: all traffic to and from these nodes is dropped.
  void block(std::vector<NodeId> nodes);

 private:
  struct Unsent {
    std::deque<std::string> messages;
    size_t bytes = 0;
  };

  const NodeId self_;
  Transport& fabric_;
  mutable std::mutex mu_;
  std::map<NodeId, Member> members_;  // every node heard from
  std::set<NodeId> blocked_;
  std::map<NodeId, Unsent> unsent_;
};

}  // namespace asd::cluster
