#pragma once
// failover: recovery scans, which re-ship what the digest log cannot.
//
// Overview
// --------
// A LostWindow (namespace, since-LUT) means "records of ns with LUT >= since may not
// have shipped to this DC". Windows come from three places:
//   - the digest log, when an overwrite passed a DC's cursor (it records them itself);
//   - the local asd's pipe queue overflow: a poller asks `xdr-gaps` every second, stores
//     each gap as a window for every DC of that namespace, then `xdr-gap-ack`s it;
//   - operators: `set-config:context=xdr;dc=D;namespace=N;action=add;rewind=S|all`.
// All of them are stored with DigestLog::add_lost_window, so a window survives an xdr
// restart until its scan completes: one scan thread per DC takes the DC's pending
// windows (DigestLog::lost_windows), runs a partition scan of the local asd for records
// with LUT >= since (XDR bit: each record carries its LUT and origin src-id), hands each
// record to that DC's shipper through ShipFn, waits until the shipper has finished all
// of them, and only then acks the window (ack_lost_window: a window merged meanwhile to
// an earlier since stays pending and is scanned again). `recoveries` counts completed
// scans, `recoveries_pending` the windows still waiting.
//
// Threads: one scan thread per DC (a dead DC's slow shipping never holds up another DC's
// recovery) and one gap poller. stop() joins them; a scan cut short stays pending.
// failover never includes shipper/: the xdr daemon wires ShipFn and OutstandingFn.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/host.h"
#include "logger/digest_log.h"
#include "proto/xdr_frame.h"

namespace client {
class Client;
class NodeSession;
struct Record;
}

namespace failover {

// Hands one recovered record to the DC's shipper; may wait briefly, returns false when
// not taken (full or stopping): the scanner retries while it is not stopping.
using ShipFn = std::function<bool(const std::string& dc, const proto::XdrFrame& frame)>;
// Recovered records handed to the DC's shipper and not yet final.
using OutstandingFn = std::function<uint64_t(const std::string& dc)>;
// The shared connection to the local asd, or nullptr while it is unreachable.
using LocalClientFn = std::function<std::shared_ptr<client::Client>()>;

struct RecoveryOptions {
  client::Host local_asd;                 // gaps are per node: asked of this node only
  std::shared_ptr<client::NodeSession> local_login;  // null: the local asd is not secured
  uint8_t src_id = 0;                     // this DC's id (origin of local writes)
  uint32_t gap_poll_ms = 1000;
  uint32_t scan_socket_timeout_ms = 30000;
};

// A record found by an XDR scan, as the shipper takes it: a write of that digest with
// the record's LUT and origin (FromXdr when another DC wrote it, for topology's
// forwarding rule); a tombstone becomes a delete.
proto::XdrFrame frame_of_scanned(const client::Record& record, const std::string& ns, uint8_t local_src_id);

class RecoveryScanner {
 public:
  // `log` must outlive the scanner. `dcs_for_ns` names the DCs a namespace ships to
  // (topology's dcs_for), so a gap becomes one window per DC. No threads until start().
  RecoveryScanner(std::vector<std::string> dcs, logger::DigestLog& log,
                  std::function<std::vector<std::string>(const std::string& ns)> dcs_for_ns,
                  LocalClientFn local, ShipFn ship, OutstandingFn outstanding, RecoveryOptions options);
  ~RecoveryScanner();  // stop()
  RecoveryScanner(const RecoveryScanner&) = delete;
  RecoveryScanner& operator=(const RecoveryScanner&) = delete;

  void start();
  void stop();

  // Stores a window for `dc` (persisted at the log's next header write) and wakes its
  // scan thread. False for a DC this scanner does not serve. Thread-safe.
  bool request(const std::string& dc, const logger::LostWindow& window);

  // asd gaps with a since below `lut` are acknowledged without a scan: they were left
  // by a previous run of this node that the cluster has taken over since (takeover.h).
  void skip_gaps_before(uint64_t lut) { skip_gaps_before_ = lut; }

  uint64_t recoveries(const std::string& dc) const;          // completed scans
  uint64_t recoveries_pending(const std::string& dc) const;  // windows not yet done
  uint64_t asd_gaps_closed() const { return gaps_closed_.load(); }

 private:
  struct DcState {
    std::string name;
    std::atomic<uint64_t> recoveries{0};
    std::atomic<bool> scanning{false};
    std::thread thread;
  };

  void scan_loop(DcState& dc);
  // Runs one window to completion; false when it failed or was stopped (stays pending).
  bool run_window(DcState& dc, const logger::LostWindow& window);
  bool wait_shipped(const std::string& dc);
  void poll_loop();
  void poll_gaps();
  // Sleeps unless stopping or woken; false when stopping.
  bool pause_ms(uint64_t ms);
  const DcState* find(const std::string& dc) const;

  logger::DigestLog& log_;
  const std::function<std::vector<std::string>(const std::string&)> dcs_for_ns_;
  const LocalClientFn local_;
  const ShipFn ship_;
  const OutstandingFn outstanding_;
  const RecoveryOptions options_;

  std::vector<std::unique_ptr<DcState>> dcs_;
  std::atomic<uint64_t> gaps_closed_{0};
  std::atomic<uint64_t> skip_gaps_before_{0};

  std::mutex mu_;
  std::condition_variable wake_;
  uint64_t wakeups_ = 0;  // bumped by request(): a scan thread rechecks its windows
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  std::thread poller_;
};

}  // namespace failover
