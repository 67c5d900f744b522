#pragma once
// Cluster membership: which nodes form the cluster, agreed by all of them, and the
// cluster key that names that agreement. Transport-free: the caller feeds in heartbeats
// and consensus messages with the current time and sends out what comes back, so the
// same logic runs over sockets in asd and over a simulated network in tests.
//
// Heartbeats (every interval, to every known node) carry the sender's cluster name, its
// current cluster (key and succession list) and the nodes it hears (adjacency). A node
// is alive while heard within `timeout` intervals.
//
// The principal is the highest node id among the nodes a node hears and that hear it
// back with the same cluster name. When the principal's alive neighbourhood differs from
// its cluster's succession list, it runs one round of Paxos with the members of the new
// list as acceptors: prepare(ballot) -> promise, accept(ballot, key, list) -> accepted
// from all, then commit, on which every member adopts list and key. A node that gets no
// commit keeps its previous view; a round that stalls is retried with a higher ballot.
// A split leaves each side with its own principal and cluster; when it heals, the lower
// principal hears the higher one and yields, and the higher one proposes the union.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace asd::cluster {

using NodeId = uint64_t;

struct Heartbeat {
  NodeId from = 0;
  std::string cluster_name;
  uint64_t cluster_key = 0;
  std::vector<NodeId> succession;  // the sender's current cluster, descending
  std::vector<NodeId> adjacency;   // the nodes the sender hears
};

enum class PaxosType : uint8_t { Prepare = 1, Promise = 2, Accept = 3, Accepted = 4, Commit = 5, Nack = 6 };

struct PaxosMessage {
  PaxosType type = PaxosType::Prepare;
  NodeId from = 0;
  NodeId to = 0;
  uint64_t ballot = 0;
  uint64_t cluster_key = 0;
  std::vector<NodeId> succession;
};

struct ClusterView {
  uint64_t cluster_key = 0;        // 0: not in a cluster yet
  std::vector<NodeId> succession;  // descending node ids; the principal first
};

class Membership {
 public:
  Membership(NodeId self, std::string cluster_name, uint32_t interval_ms, uint32_t timeout_intervals);

  NodeId self() const { return self_; }
  // The heartbeat to send now.
  Heartbeat heartbeat(uint64_t now_ms) const;
  void on_heartbeat(const Heartbeat& hb, uint64_t now_ms);
  // Consensus messages to send as a result.
  std::vector<PaxosMessage> on_paxos(const PaxosMessage& m, uint64_t now_ms);
  // Periodic work: expire silent nodes, start or retry a round when principal.
  std::vector<PaxosMessage> tick(uint64_t now_ms);

  const ClusterView& view() const { return view_; }
  // Nodes heard within the timeout (self included), descending.
  std::vector<NodeId> alive(uint64_t now_ms) const;
  // Counts the views adopted so far (each one a cluster change).
  uint64_t changes() const { return changes_; }
  // Heartbeats refused for another cluster name.
  uint64_t foreign_heartbeats() const { return foreign_; }
  // A node with no seeds has nobody to wait for: it forms its own cluster at once.
  void form_alone_at_once() { orphan_wait_ms_ = 0; }

 private:
  struct Peer {
    uint64_t last_heard_ms = 0;
    Heartbeat hb;
  };
  struct Round {
    uint64_t ballot = 0;
    uint64_t cluster_key = 0;
    std::vector<NodeId> succession;
    std::vector<NodeId> promised;
    std::vector<NodeId> accepted;
    bool accepting = false;
    uint64_t started_ms = 0;
  };

  bool mutual(const Peer& p, uint64_t now_ms) const;
  std::vector<NodeId> candidates(uint64_t now_ms) const;  // whom the principal would include
  bool is_principal(uint64_t now_ms) const;
  bool members_disagree(uint64_t now_ms) const;
  bool leaves_out_live_members(const std::vector<NodeId>& proposed, uint64_t now_ms) const;
  std::vector<PaxosMessage> start_round(uint64_t now_ms);
  std::vector<PaxosMessage> to_all(PaxosType type, const Round& r) const;
  uint64_t next_ballot();
  void adopt(uint64_t key, std::vector<NodeId> succession);

  NodeId self_;
  std::string cluster_name_;
  uint64_t timeout_ms_;
  uint64_t round_timeout_ms_;
  std::map<NodeId, Peer> peers_;
  ClusterView view_;
  uint64_t changes_ = 0;
  uint64_t foreign_ = 0;
  // Acceptor state (Paxos): highest ballot promised, and what was accepted under it.
  uint64_t promised_ballot_ = 0;
  std::optional<PaxosMessage> accepted_;
  // Proposer state.
  std::optional<Round> round_;
  uint64_t ballot_counter_ = 0;
  uint64_t key_seed_;
  uint64_t first_tick_ms_ = 0;
  uint64_t orphan_wait_ms_;
  uint64_t adopted_ms_ = 0;   // when the current view was adopted
  uint64_t last_now_ms_ = 0;  // the latest time seen by tick() or on_paxos()
};

}  // namespace asd::cluster
