#pragma once
// Takeover: XDR inside a multi-node DC. No acknowledged write is lost when a node dies
// (or only its xdr does): the nodes that hold the copies of its partitions ship what it
// had not shipped yet.
//
// Overview
// --------
//   - Progress (progress.h). This node publishes, on its info port (`xdr-progress`), per
//     DC, namespace and partition the LUT below which everything it is responsible for
//     has shipped; the xdr of every other member polls it (every peer_poll_ms) and keeps
//     the last good publication. Garbage, a wrong node id, or LUTs ahead of the clock are
//     refused (and logged), never trusted.
//   - Cluster view (cluster_view.h). Every cluster_poll_ms this node asks its own asd who
//     the members are and which partitions it masters; asd's roles are the truth, not any
//     client's partition map.
//   - Departure. A member missing from a balanced cluster left (its asd died, or was cut
//     off). For every (DC, namespace) this node registers a takeover task for the
//     partitions it masters now, from the departed node's progress (takeover_state.h has
//     the rule), stores it durably, and only then publishes that it registered it.
//   - xdr down. A member whose asd is in the cluster but whose xdr has not answered for
//     peer_down_ms: for the partitions where this node is the first replica, it ships the
//     node's writes itself from its replica copies (the shipper's acting set), after a
//     catch-up task from the node's progress; when that xdr answers again it stops.
//   - Execution, one thread per DC. A task ships, from this node's digest log, the
//     replica copies of its partitions newer than its since LUTs, when the log still
//     holds a Mark older than the oldest since (minus the clock skew): the log then holds
//     every copy announced since. Otherwise (the log wrapped, this node joined later) it
//     runs a partition scan of the local asd for records with LUT >= since, tombstones
//     included. Either way every record goes through the DC's shipper like a recovered
//     one; the task ends once they are all final, and is forgotten only then.
//   - State (takeover_state.h), persisted beside the digest log: a restart in the middle
//     of anything resumes it.
//
// Threads: one watch thread (local cluster, peers, registration, persistence) and one
// runner thread per DC. stop() joins them.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/host.h"
#include "failover/recovery_scanner.h"
#include "failover/takeover_state.h"

namespace logger {
class DigestLog;
}

namespace failover {

struct TakeoverOptions {
  client::Host local_asd;
  // The local cluster's login (null: not secured); its session serves every node of it.
  std::shared_ptr<client::NodeSession> local_login;
  uint8_t src_id = 0;            // this DC's id (origin of local writes)
  std::string state_path;        // the takeover state file
  std::vector<DcNs> shipping;    // every (dc, namespace) this node ships
  uint32_t cluster_poll_ms = 250;
  uint32_t peer_poll_ms = 500;
  uint32_t peer_down_ms = 3000;  // a member's xdr silent this long is down
  uint32_t info_timeout_ms = 500;
  uint32_t persist_progress_ms = 2000;  // peers' and own progress reach the file this often
  uint32_t scan_socket_timeout_ms = 30000;
};

// The shipper's side of this node's progress for one (dc, ns) (the daemon wires it).
using ShipInputsFn = std::function<OwnInputs(const std::string& dc, const std::string& ns)>;
// Replica copies to ship as this node's own: namespace -> master node -> partitions.
using ActingMap = std::map<std::string, std::map<uint64_t, PartitionSet>, std::less<>>;
using ActingFn = std::function<void(std::shared_ptr<const ActingMap>)>;

struct TakeoverStats {
  uint64_t takeovers = 0;          // tasks completed (per departure or xdr outage, per namespace)
  uint64_t takeover_records = 0;   // records they shipped
  uint64_t takeovers_pending = 0;  // tasks registered and not finished
  uint64_t takeovers_from_log = 0;
  uint64_t takeovers_by_scan = 0;
};

class Takeover {
 public:
  Takeover(TakeoverOptions options, logger::DigestLog& log, LocalClientFn local, ShipFn ship,
           OutstandingFn outstanding, ShipInputsFn inputs, ActingFn acting);
  ~Takeover();  // stop()
  Takeover(const Takeover&) = delete;
  Takeover& operator=(const Takeover&) = delete;

  // Loads the state file. A damaged file is reported and set aside (renamed *.bad):
  // peers are polled afresh, and a departure seen without their progress is taken over
  // from LUT 0. Throws std::runtime_error (startup edge) when the file cannot be written.
  void init();
  // Before start(): whether this node was taken over while it was away. True (with the
  // earliest registration, peer's clock) when every other member of the cluster has
  // published that it registered this node's departure after `newest_lut` (this log's
  // newest entry) minus the tolerated skew; nullopt otherwise, or when that cannot be
  // known within timeout_ms (asd or peers not answering). Blocks.
  std::optional<uint64_t> taken_over_since(uint64_t newest_lut, uint32_t timeout_ms);
  void start();
  void stop();

  // This node's last computed publication (the `xdr-progress` answer).
  std::string progress_answer() const;
  TakeoverStats stats(const std::string& dc) const;
  // `node:state:ms,...` (statistics): every member's xdr, up|down|unknown with the ms
  // since its last answer, then every departed node not yet forgotten, `left` with the
  // ms since it left.
  std::string peers_value() const;

 private:
  struct PeerRuntime {
    std::optional<client::Host> xdr;   // its xdr's info endpoint, once learned
    uint64_t first_seen_ms = 0;        // steady
    uint64_t last_ok_ms = 0;           // steady, 0 = never
    uint64_t last_lookup_ms = 0;       // steady: when its xdr endpoint was last asked for
    bool down = false;
    uint64_t refused = 0;              // publications refused
  };

  void watch_loop();
  void on_view(const ClusterView& view);
  // Tasks for `node` per (dc, ns), with new ids (mu_ held).
  std::vector<TakeoverTask> new_tasks(uint64_t node, const ClusterView& view, bool acting);
  void register_departure(uint64_t node, const ClusterView& view);
  void register_acting(uint64_t node, const ClusterView& view);
  void poll_peers(const ClusterView& view);
  void poll_peer(uint64_t node, const ClusterView& view);
  void update_acting(const ClusterView& view);
  void forget_confirmed(const ClusterView& view);
  void refresh_own();
  void persist(bool force);

  void runner_loop(const std::string& dc);
  bool run_task(const TakeoverTask& task);
  std::optional<uint64_t> ship_from_log(const TakeoverTask& task, bool* usable);
  std::optional<uint64_t> ship_by_scan(const TakeoverTask& task);
  bool wait_shipped(const std::string& dc);
  bool submit(const std::string& dc, const proto::XdrFrame& frame);
  bool pause_ms(uint64_t ms);

  const TakeoverOptions options_;
  logger::DigestLog& log_;
  const LocalClientFn local_;
  const ShipFn ship_;
  const OutstandingFn outstanding_;
  const ShipInputsFn inputs_;
  const ActingFn acting_;
  const uint64_t epoch_;

  std::mutex persist_mu_;  // one writer of the state file at a time
  mutable std::mutex mu_;  // guards everything below
  TakeoverState state_;
  std::map<uint64_t, PeerRuntime> peers_;
  std::optional<ClusterView> view_;
  std::map<std::string, TakeoverStats> stats_;
  std::string own_text_;
  bool dirty_ = false;          // state_ changed beyond progress: write at once
  uint64_t next_progress_persist_ms_ = 0;
  std::condition_variable wake_;
  uint64_t wakeups_ = 0;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::thread watcher_;
  std::vector<std::thread> runners_;
};

}  // namespace failover
