#pragma once
// ClusterDc: one multi-node datacenter for XDR tests: N nodes on loopback, each a real
// `asd` and a real `xdr` sharing one rendered config (own ports, node id, temp dir with
// the config, logs, work directory, digest log and named pipe), forming one mesh
// cluster (every node seeds node 0's heartbeat port; node 0 seeds node 1's).
//
// Two phases like Dc (xdr_dc.h): construct (ports are picked), wire with ship_to(),
// then start(): every asd, a wait until `cluster-stable:size=N` on each, then every xdr.
// Nodes can be killed (-9), restarted on the same ports and files, frozen, stopped
// cleanly, and added later. The destructor kills and reaps everything it started.
//
// Not thread-safe, except the read-only queries (ports, info, connect) that background
// test threads may call while the owner thread waits.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "support/process.h"
#include "support/xdr_dc.h"

namespace support {

struct ClusterDcOptions {
  std::string name = "DC1";
  uint32_t src_id = 1;
  size_t nodes = 3;
  uint32_t replication_factor = 2;
  std::vector<DcNamespace> namespaces = {DcNamespace{}};
  std::string dlog_size = "64M";
  std::optional<bool> delete_shipping;
  std::optional<uint32_t> hotkey_time_ms;
  std::string xdr_extra;
  bool run_xdr = true;  // false: asd only (a pure destination DC)
  uint32_t heartbeat_interval_ms = 150;
  uint32_t heartbeat_timeout = 10;  // intervals
  std::string service_extra;        // lines added inside service { }
  // Node-to-node TLS: the lines of a `tls <node_tls_name> { }` stanza (cert-file,
  // key-file, ca-file) every node gets, its heartbeat and fabric then on TLS ports only
  // (tls-port, tls-name, tls-mesh-seed-address-port). Empty: plaintext.
  std::string node_tls;
  std::string node_tls_name = "node.cluster";
  // TLS: lines inside network { } (`tls NAME { ... }` stanzas, for the listener and for
  // XDR links), and when `service_tls_name` is set each node also serves TLS on its own
  // tls-port with that stanza (tls-authenticate-client false), next to the clear port.
  std::string network_extra;
  std::string service_tls_name;
  // A secured DC: the top-level `security { }` text, and the user its own helpers
  // (info, connect, readiness checks) log in as.
  std::string security;
  std::string user;
  std::string password;
  // Lines added inside every `datacenter NAME { }` this DC ships to (credentials, TLS).
  std::string datacenter_extra;
};

// How a DC reaches a remote one over TLS (ClusterDc::ship_to_tls).
struct DcTlsLink {
  std::string tls_stanza;     // the datacenter's tls-name: a stanza of this DC's network_extra
  std::string seed_tls_name;  // third word of the seed line; empty: none (the stanza's name applies)
};

class ClusterDc {
 public:
  explicit ClusterDc(ClusterDcOptions options);
  ~ClusterDc();
  ClusterDc(const ClusterDc&) = delete;
  ClusterDc& operator=(const ClusterDc&) = delete;

  // `datacenter <remote> { dc-node-address-port 127.0.0.1 <its node 0 service port> }`
  // (one seed: the shipper's client finds the other nodes), listed in every namespace.
  void ship_to(const ClusterDc& remote);
  // The same over TLS: the seed is the remote's node 0 tls-port. Changing `link` later
  // (set_dc_tls) and restarting the xdr daemons models an operator fixing the config.
  void ship_to_tls(const ClusterDc& remote, DcTlsLink link);
  void set_dc_tls(const std::string& remote, DcTlsLink link);
  // Rewrites every node's config (after set_dc_tls; takes effect at the next restart).
  void rewrite_configs();

  // Starts every node; throws (with the logs) when a daemon does not come up or the
  // cluster is not stable within 30 s.
  void start();

  const std::string& name() const { return options_.name; }
  size_t size() const { return nodes_.size(); }
  uint16_t port(size_t i) const;
  uint16_t fabric_port(size_t i) const;  // the TLS one under node_tls
  uint16_t tls_port(size_t i) const;  // 0 without service_tls_name
  uint16_t xdr_port(size_t i) const;
  pid_t xdr_pid(size_t i) const;  // -1 when not running
  uint64_t node_id(size_t i) const;
  std::string dir(size_t i) const;
  // Indexes of the nodes whose asd runs now.
  std::vector<size_t> live() const;

  // Faults and changes. kill9 kills asd and xdr of node i and waits for the reaps.
  void kill9(size_t i);
  void kill9_asd(size_t i);
  void kill9_xdr(size_t i);
  // Starts the node's asd (if not running) and xdr (if not running) again, same files.
  void restart(size_t i);
  void restart_xdr(size_t i);
  // SIGTERM xdr then asd, waiting for both: the node leaves cleanly.
  void stop_node(size_t i);
  // SIGSTOP / SIGCONT of every running process of every node.
  void freeze();
  void thaw();
  // SIGSTOP / SIGCONT of node i's asd alone: it keeps its sockets open and answers
  // nothing, as a hung node does.
  void freeze_asd(size_t i);
  void thaw_asd(size_t i);
  // A new node (asd + xdr) joining through node 0's heartbeat; returns its index.
  // `node_tls`: this node's own tls stanza lines instead of the options' (a foreign
  // certificate), when the cluster runs node-to-node TLS.
  size_t add_node(const std::optional<std::string>& node_tls = std::nullopt);

  // `cluster-stable:size=N` answered with one key by every running asd within timeout.
  bool wait_stable(size_t expected_size, int timeout_ms = 30000);

  // A cluster client (tend on) seeded with every live node.
  std::unique_ptr<client::Client> connect();
  std::string asd_info(size_t i, const std::string& command) const;
  std::string xdr_info(size_t i, const std::string& command) const;
  InfoMap xdr_stats(size_t i, const std::string& dc, const std::string& ns = "") const;
  // The logs' last lines of every node, labelled, for failure messages.
  std::string logs_tail(size_t lines = 30) const;
  std::string xdr_log(size_t i) const;
  std::string asd_log(size_t i) const;

 private:
  struct NodeProcs {
    std::unique_ptr<TempDir> dir;
    uint64_t id = 0;
    uint16_t service = 0, heartbeat = 0, fabric = 0, info = 0, xdr = 0, tls = 0;
    std::string node_tls;  // stanza lines; empty: plaintext heartbeat and fabric
    Process asd;
    Process xdr_proc;
  };

  void prepare(NodeProcs& n, size_t index);
  std::string render(const NodeProcs& n, size_t index) const;
  void launch_asd(NodeProcs& n);
  void launch_xdr(NodeProcs& n);

  ClusterDcOptions options_;
  struct Datacenter {
    std::string name;
    uint16_t port = 0;
    std::optional<DcTlsLink> tls;
  };
  std::vector<Datacenter> datacenters_;
  std::vector<std::unique_ptr<NodeProcs>> nodes_;
  bool frozen_ = false;
};

}  // namespace support
