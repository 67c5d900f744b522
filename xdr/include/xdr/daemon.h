#pragma once
// xdr: the cross-datacenter replication daemon of one node (`xdr --config FILE`, the
// same file as asd's).
//
// Overview
// --------
// The daemon wires the XDR modules together (xdr-design.md §1):
//
//   asd --(named pipe)--> logger::PipeReader --> logger::DigestLog
//                                                   | one cursor per DC
//                         shipper::DcShipper[dc] <--+--> remote DC's asd
//                         failover::RecoveryScanner --(lost windows: scans of local asd)
//                                                   --> DcShipper::submit_recovered
//                         failover::Takeover --(peers' progress, departures, xdr outages:
//                                              tasks from the log or partition scans)
//                                                   --> DcShipper::submit_recovered
//                                              <-- DcShipper::progress (published)
//                                              --> DcShipper::set_acting
//
// plus topology::Topology (which DC gets what; remote src-ids learned at runtime from
// each DC's `get-config:context=xdr`), LocalAsd (the shared connection to this node's
// asd) and the info port (§8). Daemon owns every component; shipper and failover never
// see each other, the lambdas given to the scanner are the only bridge.
//
// Lifecycle (Aerospike as.c style): init() builds components and takes local resources
// only (opens the digest log, binds nothing); start() starts threads in dependency
// order; stop() stops them in reverse and flushes the log. asd may be down the whole
// time: xdr retries in the background and keeps answering its info port.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "conf/config.h"

#include "logger/digest_log.h"

namespace client {
class NodeSession;
}
namespace logger {
class PipeReader;
}  // namespace logger
namespace topology {
class Topology;
}
namespace shipper {
class DcShipper;
}
namespace failover {
class RecoveryScanner;
class Takeover;
}
namespace proto {
struct InfoCommand;
}

namespace xdr {

class InfoServer;
class LocalAsd;

// Why the config cannot run xdr (empty when it can): enable-xdr off, no digest log or
// pipe path, no datacenter.
std::string check_runnable(const conf::Config& config);

class Daemon {
 public:
  explicit Daemon(conf::Config config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens the digest log and builds every component. Throws std::runtime_error on a
  // startup failure (log file I/O).
  void init();
  // Starts every thread; throws std::runtime_error when the pipe or the info port
  // cannot be opened.
  void start();
  // Reverse order; flushes the digest log. Idempotent.
  void stop();

  // One info command's answer (the info port's handler; public for tests).
  std::string answer(const proto::InfoCommand& command);

 private:
  void note_restart();
  void settle_restart();
  void log_topology() const;
  void learn_loop();
  bool learn_src_id(const conf::XdrDc& dc);
  std::string statistics() const;
  std::string dc_stats(std::string_view params) const;
  std::string set_config(std::string_view params);
  std::string set_service_config(std::string_view params);
  std::string node_id() const;

  conf::Config config_;
  std::unique_ptr<logger::DigestLog> log_;
  std::unique_ptr<logger::PipeReader> pipe_;
  std::unique_ptr<topology::Topology> topology_;
  std::unique_ptr<LocalAsd> local_;
  std::shared_ptr<client::NodeSession> local_login_;  // the info calls' login; null: asd not secured
  std::map<std::string, std::unique_ptr<shipper::DcShipper>, std::less<>> shippers_;
  std::unique_ptr<failover::RecoveryScanner> recovery_;
  std::unique_ptr<failover::Takeover> takeover_;
  std::unique_ptr<InfoServer> info_;

  struct Restart {
    uint64_t head = 0;        // the log's head at open
    uint64_t newest_lut = 0;  // of its newest entry; 0: nothing logged before
    std::map<std::string, std::vector<logger::LostWindow>> windows;  // pending at open
    uint64_t skipped = 0;     // backlog entries left to the nodes that took this one over
  };
  Restart restart_;

  std::mutex config_mu_;  // guards config_ against set-config from the info thread
  std::mutex learn_mu_;
  std::condition_variable learn_wake_;
  bool learn_stop_ = false;
  std::thread learner_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace xdr
