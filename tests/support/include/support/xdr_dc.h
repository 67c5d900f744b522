#pragma once
// Dc: one single-node datacenter for XDR tests = one real `asd` plus one real `xdr`
// sharing one rendered config (xdr-design.md §1), on free loopback ports, with the
// digest log and the named pipe in the DC's own temp dir.
//
// Two phases, so that DCs can point at each other before anything runs (a ring needs
// every port up front): construct every Dc (ports are picked then), wire them with
// ship_to() / add_datacenter(), then start() each (asd first, then xdr; both must
// answer `status`, xdr on its xdr-info-port). The destructor kills and reaps both.
//
// Not thread-safe, except the read-only queries (port(), xdr_stats(), connect(), info)
// which background test threads may call while the owner thread waits.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "support/asd_node.h"
#include "support/process.h"

namespace support {

// One namespace of a DC and its XDR keys (conf::Namespace names).
struct DcNamespace {
  std::string name = "test";
  // enable-xdr; unset: true when the namespace ships anywhere.
  std::optional<bool> enable_xdr;
  std::vector<std::string> remote_dcs;  // xdr-remote-datacenter, repeated
  std::optional<bool> sets_enable_xdr;
  std::map<std::string, bool> set_enable_xdr;  // set NAME { set-enable-xdr B }
  bool forward = false;                        // ns-forward-xdr-writes
  std::optional<bool> allow_xdr_writes;
  std::optional<bool> allow_nonxdr_writes;
  std::string extra;  // more lines inside namespace { }
};

struct DcOptions {
  std::string name = "DC1";  // how other DCs name this one in their `datacenter` stanza
  uint32_t src_id = 1;
  std::vector<DcNamespace> namespaces = {DcNamespace{}};
  bool forward_xdr_writes = false;  // xdr forward-xdr-writes
  std::string dlog_size = "64M";    // second word of xdr-digestlog-path (1M minimum)
  std::optional<bool> delete_shipping;  // xdr-delete-shipping-enabled
  std::optional<bool> nsup_deletes;     // xdr-nsup-deletes-enabled
  std::optional<uint32_t> hotkey_time_ms;
  std::string xdr_extra;  // more lines inside xdr { }
  bool run_xdr = true;    // false: asd only (a pure destination)
};

// An info answer `k=v;k=v` as a map; num() is -1 when the key is missing or not a number.
struct InfoMap {
  std::map<std::string, std::string> values;
  std::string raw;

  bool has(const std::string& key) const { return values.count(key) != 0; }
  std::string get(const std::string& key) const;
  double num(const std::string& key) const;
};
InfoMap parse_info_map(const std::string& text, char pair_sep = ';', char kv_sep = '=');
// One info command to 127.0.0.1:port; "ERROR:client: ..." when unreachable.
std::string info_on(uint16_t port, const std::string& command, uint32_t timeout_ms = 3000);
std::string info_on_host(const std::string& host, uint16_t port, const std::string& command,
                         uint32_t timeout_ms = 3000);
// The same on a secured server, logged in as `user` first ("" user: no login).
std::string info_as(uint16_t port, const std::string& command, const std::string& user, const std::string& password,
                    uint32_t timeout_ms = 3000);
// The last `lines` lines of a text (log tails in failure messages).
std::string last_lines(const std::string& text, size_t lines);

class Dc {
 public:
  explicit Dc(DcOptions options);  // picks ports and a temp dir; starts nothing
  ~Dc();
  Dc(const Dc&) = delete;
  Dc& operator=(const Dc&) = delete;

  // `datacenter NAME { dc-node-address-port 127.0.0.1 PORT }` in this DC's xdr stanza.
  void add_datacenter(const std::string& name, uint16_t port);
  // Declares `remote` as a datacenter (reached at via_port, e.g. a LinkProxy, when not 0)
  // and adds it to xdr-remote-datacenter of namespace `ns` (every namespace when empty).
  void ship_to(const Dc& remote, uint16_t via_port = 0, const std::string& ns = "");

  // Renders the config, starts asd then xdr, waits until both answer. Throws with the
  // daemon's log when one does not come up within 15 s.
  void start();

  const std::string& name() const { return options_.name; }
  uint32_t src_id() const { return options_.src_id; }
  uint16_t port() const { return port_; }
  uint16_t xdr_port() const { return xdr_port_; }
  const std::string& dir() const { return dir_.path(); }
  std::string pipe_path() const { return dir_.path() + "/xdr_pipe"; }
  std::string dlog_path() const { return dir_.path() + "/digestlog"; }
  std::string config_path() const;
  std::string config() const;  // the rendered text
  AsdNode& asd() { return *asd_; }

  // A client on this DC's asd (tend off).
  std::unique_ptr<client::Client> connect();
  // Info on asd's service port / on xdr's info port. "ERROR:client: ..." when unreachable.
  std::string asd_info(const std::string& command) const;
  std::string xdr_info(const std::string& command) const;
  // get-stats:context=xdr;dc=D[;namespace=N] on xdr's info port.
  InfoMap xdr_stats(const std::string& dc, const std::string& ns = "") const;
  // `statistics` on xdr's info port (totals: dlog_overwritten, pipe_garbage_bytes, ...).
  InfoMap xdr_statistics() const;
  // namespace/NS on asd (xdr_frames_queued, xdr_lost_conflict, objects, ...).
  InfoMap ns_stats(const std::string& ns = "test") const;

  // Faults. kill9 waits for the reap; restart keeps ports, config, dlog and pipe paths.
  void kill9_xdr() { xdr_.kill9(); }
  void restart_xdr();
  bool xdr_running() { return xdr_.running(); }
  void kill9_asd() { asd_->kill9(); }
  void restart_asd() { asd_->restart(); }
  void freeze_asd();  // SIGSTOP
  void thaw_asd();    // SIGCONT
  Process& xdr_process() { return xdr_; }

  std::string asd_log() const { return asd_ ? asd_->log() : std::string(); }
  std::string xdr_log() const { return read_file(xdr_log_path_); }
  // Both logs' last `lines` lines, labelled, for failure messages.
  std::string logs_tail(size_t lines = 40) const;

  static std::string xdr_binary();

 private:
  std::string render_namespaces() const;
  std::string render_xdr() const;
  void launch_xdr();

  DcOptions options_;
  TempDir dir_;
  uint16_t port_ = 0;
  uint16_t xdr_port_ = 0;
  std::vector<std::pair<std::string, uint16_t>> datacenters_;
  std::unique_ptr<AsdNode> asd_;
  std::string xdr_log_path_;
  Process xdr_;
  bool frozen_ = false;
};

using XdrNode = Dc;

// Two DCs: DC1 (src-id 1) ships `test` to DC2 (src-id 2), and back when active_active.
struct XdrPair {
  explicit XdrPair(bool active_active = false, DcOptions dc1 = {}, DcOptions dc2 = {});
  std::unique_ptr<Dc> dc1;
  std::unique_ptr<Dc> dc2;
};

}  // namespace support
