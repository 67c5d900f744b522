#pragma once
// Private to asd/cluster: the state shared by the cluster's parts (membership and
// balance in cluster.cpp, replication.cpp, migration.cpp, proxy.cpp).

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "cluster/balance.h"
#include "cluster/cluster.h"
#include "cluster/fabric.h"
#include "cluster/membership.h"
#include "cluster/node_tls.h"
#include "cluster/migrator.h"
#include "cluster/partition_table.h"
#include "cluster/peers.h"
#include "cluster/repair_queue.h"
#include "cluster/waits.h"
#include "cluster/wire.h"

namespace asd::cluster {

// A replica or proxied request that has not answered in this long has failed in a way
// the cluster has not noticed yet; the client gets a timeout (a write may be on some
// copies only).
inline constexpr uint64_t kReplyTimeoutMs = 5000;
// How long a write waits for its record's other copies (duplicate resolution).
inline constexpr uint64_t kDupResWaitMs = 1000;

// A replica write refused by a replica (a moment behind its master) is sent again after
// this long, as long as the master's role is the one the write was made under.
inline constexpr uint64_t kRetryRefusedMs = 20;

// An incoming partition migration (this node receives it).
struct Incoming {
  size_t ns_index = 0;
  uint32_t pid = 0;
  NodeId from = 0;
  MigrateKind kind = MigrateKind::Fill;
};

// Balance state of one namespace, cluster thread only.
struct NsBalance {
  Namespace* ns = nullptr;
  uint32_t rack_id = 0;
  uint32_t replication_factor = 1;
  PartitionTable table;
  std::vector<Versions> versions;        // per partition
  std::vector<uint8_t> merged;           // per partition: R[0] merged every version
  std::vector<PartitionPlan> plans;      // per partition
  std::vector<std::set<NodeId>> pending_merge;  // as R[0]: sources not finished
  std::vector<uint8_t> fill_pending;     // as a fill target: not finished
  std::vector<uint64_t> own;             // this node's version per partition (0: none)
};

// The cluster's state, in groups by owner and thread; only the cluster's own code
// (its methods, and the Cluster facade) touches it.
class Cluster::Impl {
 public:
  // Acks of replica writes not sent yet, per master, of one run of messages.
  struct PendingAcks {
    uint64_t cluster_key = 0;
    std::vector<std::pair<uint64_t, bool>> acks;  // (wait id, applied)
  };
  using AckRun = std::map<NodeId, PendingAcks>;

  Impl(NodeId self_id, const conf::Config& cfg, std::vector<Namespace*> all);

  // cluster.cpp
  void on_message(std::string_view message, const std::string& peer);
  // On a reader thread: the replica writes and acks at the head of `messages`; returns
  // how many were handled (Fabric::ReaderHandler).
  size_t on_reader_messages(const std::vector<std::string_view>& messages);
  void on_tick();
  void send_heartbeats(uint64_t now);
  void on_heartbeat(const MsgHead& h, Reader& r, const std::string& peer);
  void send_paxos(const std::vector<PaxosMessage>& out);
  void check_view();
  void send_exchange();
  void try_balance();
  void apply_plan(size_t ns_index, uint32_t pid);
  void on_partition_done(const MsgHead& h, Reader& r);
  void announce_done(size_t ns_index, uint32_t pid, uint64_t version, bool merged);
  void publish_status();
  void send_to(NodeId n, std::string message) { peers.send(n, std::move(message)); }
  void broadcast(std::string message);  // every other member
  size_t ns_index(std::string_view name) const;

  // replication.cpp
  // Any thread; the ack goes into `acks` (or, under commit-to-device, out on its own).
  void on_replica_write(const MsgHead& h, Reader& r, AckRun& acks);
  void on_proxy_reply(NodeId from, uint64_t id, std::string answer);
  // Any thread: a write's success finishes there, the rest goes to the cluster thread.
  void on_replica_ack(NodeId from, uint64_t id, bool ok);
  void on_replica_acks(const MsgHead& h, Reader& r);
  // After a run of fabric messages: one message of acks per master.
  void send_replica_acks(AckRun& acks);
  // Registers a replica wait (or a repair offer's) for the record; returns its id.
  uint64_t add_replica_wait(PendingReply wait, size_t ns_index, const common::Digest& digest, uint64_t role_key);
  // Registers a wait for the partition's replicas and sends them the record's current
  // state (partition lock held). Returns the wait's id.
  uint64_t send_replica_write(size_t ns_index, Namespace& ns, Partition& part, const common::Digest& digest,
                              PendingReply wait);
  // The body of record_message (a replica write, a repair offer); false (and counted) if
  // malformed or for an unknown namespace.
  bool read_record_message(Reader& r, uint64_t* id, size_t* ns_index, WireRecord* w);
  std::string record_message(MsgType type, uint64_t id, uint64_t key, Namespace& ns, Partition& part,
                             const common::Digest& digest);
  void finish_replica_wait(PendingReply& wait, bool ok);
  // Ends what a cluster change or a timeout ended (outside the table's lock).
  void end_waits(WaitTable::Ended ended, bool timed_out);
  void on_truncate(Reader& r);
  void on_metadata(const MsgHead& h, Reader& r);
  void send_metadata_snapshot(NodeId to);

  // duplicates.cpp
  void on_dupres_request(const MsgHead& h, Reader& r);
  void on_dupres_response(const MsgHead& h, Reader& r);
  void release_role_waits();  // each looks again (a tick passed, or the balance ran)

  // repair.cpp
  void queue_repair(size_t ns_index, const common::Digest& digest, uint32_t attempt);
  void publish_repairs();  // re_repl_pending: queued and in flight
  void retry_refused(uint64_t now);
  void run_repairs(uint64_t now);
  void on_repair_offer(const MsgHead& h, Reader& r);

  // migration.cpp
  void queue_migration(size_t ns_index, uint32_t pid, NodeId dest, MigrateKind kind, uint64_t version);
  bool run_task(MigrateTask& t);
  void on_migrate_start(const MsgHead& h, Reader& r);
  void on_migrate_records(const MsgHead& h, Reader& r);
  void on_migrate_end(const MsgHead& h, Reader& r);
  void on_migrate_answer(const MsgHead& h, Reader& r, bool start_ack);

  // proxy.cpp
  void on_proxy_request(const MsgHead& h, Reader& r);

 private:
  friend class Cluster;

  const conf::Config& config;
  NodeId self = 0;
  std::vector<Namespace*> namespaces;  // fixed at construction
  ProxyHandler proxy_handler;
  smd::MetadataStore* metadata = nullptr;  // set before start
  std::atomic<uint32_t> max_incoming{4};  // migrate-max-num-incoming (dynamic)
  std::unique_ptr<NodeTls> heartbeat_tls;  // null: no TLS on that link; they outlive the fabric
  std::unique_ptr<NodeTls> fabric_tls;
  Fabric fabric;
  Peers peers{self, fabric};
  ClusterStats stats;
  std::string cluster_name;
  uint32_t interval_ms = 150;
  std::string advertised_host;  // empty: peers use the address they see us at
  uint16_t heartbeat_port = 0;  // 0: no plaintext listener (TLS only)
  uint16_t fabric_port = 0;
  uint16_t heartbeat_tls_port = 0;  // 0: no TLS listener
  uint16_t fabric_tls_port = 0;
  std::string service_host;
  uint16_t service_port = 0;
  uint16_t tls_port = 0;  // the service's TLS listener (0: none), and the name it presents
  std::string tls_name;

  // ---- cluster thread only ----
  Membership membership;
  std::set<std::string> heartbeat_targets;  // seeds and every heartbeat endpoint learned
  uint64_t last_heartbeat_ms = 0;
  uint64_t current_key = 0;
  std::vector<NodeId> succession;
  bool balanced = false;
  std::map<uint64_t, std::map<NodeId, std::string>> exchanges;  // key -> node -> body
  std::vector<std::string> early_dones;  // PartitionDone messages ahead of the balance
  uint64_t last_exchange_ms = 0;
  std::vector<NsBalance> balance;
  std::map<std::pair<NodeId, uint64_t>, Incoming> incoming;  // (sender, its task id) -> migration
  std::set<std::tuple<size_t, uint32_t, NodeId, uint8_t>> queued;  // migrations queued this key
  bool dirty_roles = false;
  std::map<NodeId, uint64_t> metadata_sent;  // member -> cluster key it got our whole set under

  // ---- shared ----
  mutable std::mutex status_mu;
  ClusterStatus status;  // under status_mu
  std::atomic<uint64_t> partition_generation{1};
  std::atomic<uint64_t> key_now{0};  // current_key, for other threads
  // current_key once its balance has given every partition its role, 0 before: replica
  // writes are accepted under this key only (read on reader threads too).
  std::atomic<uint64_t> accept_key{0};

  // ---- replica, proxy, duplicate resolution and role waits (own lock) ----
  WaitTable waits;

  // ---- acks of replica writes not sent yet ----
  AckRun pending_acks;  // of the messages the cluster thread handles

  // ---- records whose copies may differ, cluster thread only ----
  RepairQueue repairs;

  // ---- outgoing migrations (own lock and threads) ----
  Migrator migrator;
};

// Wire record <-> index, with the partition lock held. `merge`: keep the local copy when
// it wins under the namespace's conflict-resolution policy (migration); otherwise the
// incoming state replaces it (a replica write from the master). Returns the commit
// position to wait for under commit-to-device (0 otherwise). A copy that changed this one
// is announced to xdr; `from` is the node that sent it.
uint64_t apply_wire_record(Namespace& ns, Partition& part, const WireRecord& w, bool merge, NodeId from);
// The record's current state (bins loaded from the device when not in memory).
WireRecord wire_record_of(Namespace& ns, Partition& part, const common::Digest& digest);

uint64_t steady_now_ms();

}  // namespace asd::cluster
