#include "support/cluster_dc.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/asd_node.h"

namespace support {

namespace {

std::string yes_no(bool b) { return b ? "true" : "false"; }

std::string hex(uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lX", static_cast<unsigned long>(id));
  return buf;
}

}  // namespace

ClusterDc::ClusterDc(ClusterDcOptions options) : options_(std::move(options)) {
  for (size_t i = 0; i < options_.nodes; ++i) {
    nodes_.push_back(std::make_unique<NodeProcs>());
    prepare(*nodes_.back(), i);
  }
}

ClusterDc::~ClusterDc() {
  if (frozen_) thaw();
  for (auto& n : nodes_) {
    if (n->xdr_proc.running()) n->xdr_proc.kill9();
    if (n->asd.running()) n->asd.kill9();
  }
}

void ClusterDc::prepare(NodeProcs& n, size_t index) {
  n.dir = std::make_unique<TempDir>();
  // Distinct per DC and node, readable in logs: D<src-id>0<index+1>.
  n.id = (0xDull << 12) | (uint64_t(options_.src_id) << 8) | uint64_t(index + 1);
  n.service = free_port();
  n.heartbeat = free_port();
  n.fabric = free_port();
  n.info = free_port();
  n.xdr = free_port();
  n.node_tls = options_.node_tls;
  if (!options_.service_tls_name.empty()) n.tls = free_port();
}

void ClusterDc::ship_to(const ClusterDc& remote) {
  datacenters_.push_back(Datacenter{remote.name(), remote.port(0), std::nullopt});
  for (auto& ns : options_.namespaces) {
    bool listed = false;
    for (const auto& d : ns.remote_dcs) listed = listed || d == remote.name();
    if (!listed) ns.remote_dcs.push_back(remote.name());
  }
}

void ClusterDc::ship_to_tls(const ClusterDc& remote, DcTlsLink link) {
  ship_to(remote);
  datacenters_.back().port = remote.tls_port(0);
  datacenters_.back().tls = std::move(link);
}

void ClusterDc::set_dc_tls(const std::string& remote, DcTlsLink link) {
  for (Datacenter& dc : datacenters_) {
    if (dc.name == remote) dc.tls = link;
  }
}

void ClusterDc::rewrite_configs() {
  for (size_t i = 0; i < nodes_.size(); ++i) write_file(nodes_[i]->dir->path() + "/asd.conf", render(*nodes_[i], i));
}

std::string ClusterDc::render(const NodeProcs& n, size_t index) const {
  const std::string dir = n.dir->path();
  // Every node seeds node 0; node 0 seeds node 1 (one seed is enough: heartbeats carry
  // every endpoint their sender knows).
  uint16_t seed = index == 0 ? (nodes_.size() > 1 ? nodes_[1]->heartbeat : 0) : nodes_[0]->heartbeat;
  std::string out = "service {\n  cluster-name " + options_.name + "\n  node-id " + hex(n.id) +
                    "\n  work-directory " + dir + "\n  migrate-threads 2\n" + options_.service_extra + "}\n";
  out += "logging {\n  console {\n    context any info\n  }\n}\n";
  out += options_.security;
  // Under node-to-node TLS the heartbeat and fabric ports are TLS ports, and the only ones.
  bool tls = !n.node_tls.empty();
  std::string port_key = tls ? "tls-port " : "port ";
  std::string tls_name = tls ? "    tls-name " + options_.node_tls_name + "\n" : "";
  out += "network {\n" + options_.network_extra + "  service {\n    address 127.0.0.1\n    port " +
         std::to_string(n.service) + "\n";
  if (n.tls != 0) {
    out += "    tls-port " + std::to_string(n.tls) + "\n    tls-name " + options_.service_tls_name +
           "\n    tls-authenticate-client false\n";
  }
  out += "  }\n";
  if (tls) out += "  tls " + options_.node_tls_name + " {\n" + n.node_tls + "  }\n";
  out += "  heartbeat {\n    mode mesh\n    address 127.0.0.1\n    " + port_key + std::to_string(n.heartbeat) + "\n";
  if (seed != 0) {
    out += std::string(tls ? "    tls-" : "    ") + "mesh-seed-address-port 127.0.0.1 " + std::to_string(seed) + "\n";
  }
  out += tls_name + "    interval " + std::to_string(options_.heartbeat_interval_ms) + "\n    timeout " +
         std::to_string(options_.heartbeat_timeout) + "\n  }\n";
  out += "  fabric {\n    address 127.0.0.1\n    " + port_key + std::to_string(n.fabric) + "\n" + tls_name + "  }\n";
  out += "  info {\n    port " + std::to_string(n.info) + "\n  }\n}\n";
  for (const DcNamespace& ns : options_.namespaces) {
    out += "namespace " + ns.name + " {\n  replication-factor " + std::to_string(options_.replication_factor) +
           "\n  memory-size 512M\n  default-ttl 0\n  nsup-period 1\n  storage-engine memory\n";
    bool enable = ns.enable_xdr.value_or(!ns.remote_dcs.empty());
    out += "  enable-xdr " + yes_no(enable) + "\n";
    for (const auto& dc : ns.remote_dcs) out += "  xdr-remote-datacenter " + dc + "\n";
    if (ns.allow_xdr_writes) out += "  allow-xdr-writes " + yes_no(*ns.allow_xdr_writes) + "\n";
    out += ns.extra + "}\n";
  }
  out += "xdr {\n  enable-xdr " + yes_no(options_.run_xdr) + "\n  src-id " + std::to_string(options_.src_id) + "\n";
  out += "  xdr-digestlog-path " + dir + "/digestlog " + options_.dlog_size + "\n";
  out += "  xdr-namedpipe-path " + dir + "/xdr_pipe\n";
  out += "  xdr-info-port " + std::to_string(n.xdr) + "\n";
  if (options_.delete_shipping) out += "  xdr-delete-shipping-enabled " + yes_no(*options_.delete_shipping) + "\n";
  if (options_.hotkey_time_ms) out += "  xdr-hotkey-time-ms " + std::to_string(*options_.hotkey_time_ms) + "\n";
  out += options_.xdr_extra;
  for (const Datacenter& dc : datacenters_) {
    out += "  datacenter " + dc.name + " {\n    dc-node-address-port 127.0.0.1 " + std::to_string(dc.port);
    if (dc.tls && !dc.tls->seed_tls_name.empty()) out += " " + dc.tls->seed_tls_name;
    out += "\n";
    if (dc.tls) out += "    tls-name " + dc.tls->tls_stanza + "\n";
    out += options_.datacenter_extra + "  }\n";
  }
  return out + "}\n";
}

void ClusterDc::launch_asd(NodeProcs& n) {
  const std::string dir = n.dir->path();
  n.asd.start({AsdNode::asd_binary(), "--config", dir + "/asd.conf"}, dir + "/asd.log");
  bool ready = eventually(
      [&] { return !n.asd.running() || info_as(n.service, "status", options_.user, options_.password, 500) == "ok"; },
      15000, 50);
  if (!ready || !n.asd.running()) {
    throw std::runtime_error(name() + ": asd " + hex(n.id) + " did not start; log:\n" +
                             last_lines(read_file(dir + "/asd.log"), 60));
  }
}

void ClusterDc::launch_xdr(NodeProcs& n) {
  if (!options_.run_xdr) return;
  const std::string dir = n.dir->path();
  n.xdr_proc.start({Dc::xdr_binary(), "--config", dir + "/asd.conf"}, dir + "/xdr.log");
  bool ready = eventually(
      [&] { return !n.xdr_proc.running() || info_on(n.xdr, "status", 500) == "ok"; }, 15000, 50);
  if (!ready || !n.xdr_proc.running()) {
    throw std::runtime_error(name() + ": xdr " + hex(n.id) + " did not start; log:\n" +
                             last_lines(read_file(dir + "/xdr.log"), 60));
  }
}

void ClusterDc::start() {
  for (size_t i = 0; i < nodes_.size(); ++i) write_file(nodes_[i]->dir->path() + "/asd.conf", render(*nodes_[i], i));
  for (auto& n : nodes_) launch_asd(*n);
  if (!wait_stable(nodes_.size(), 30000)) {
    throw std::runtime_error(name() + ": cluster of " + std::to_string(nodes_.size()) + " not stable in 30 s\n" +
                             logs_tail());
  }
  for (auto& n : nodes_) launch_xdr(*n);
}

uint16_t ClusterDc::port(size_t i) const { return nodes_.at(i)->service; }
uint16_t ClusterDc::fabric_port(size_t i) const { return nodes_.at(i)->fabric; }
uint16_t ClusterDc::tls_port(size_t i) const { return nodes_.at(i)->tls; }
uint16_t ClusterDc::xdr_port(size_t i) const { return nodes_.at(i)->xdr; }
pid_t ClusterDc::xdr_pid(size_t i) const { return nodes_.at(i)->xdr_proc.pid(); }
uint64_t ClusterDc::node_id(size_t i) const { return nodes_.at(i)->id; }
std::string ClusterDc::dir(size_t i) const { return nodes_.at(i)->dir->path(); }

std::vector<size_t> ClusterDc::live() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->asd.running()) out.push_back(i);
  }
  return out;
}

void ClusterDc::kill9(size_t i) {
  nodes_.at(i)->xdr_proc.kill9();
  nodes_.at(i)->asd.kill9();
}

void ClusterDc::kill9_asd(size_t i) { nodes_.at(i)->asd.kill9(); }
void ClusterDc::kill9_xdr(size_t i) { nodes_.at(i)->xdr_proc.kill9(); }

void ClusterDc::restart(size_t i) {
  NodeProcs& n = *nodes_.at(i);
  if (!n.asd.running()) launch_asd(n);
  if (!n.xdr_proc.running()) launch_xdr(n);
}

void ClusterDc::restart_xdr(size_t i) {
  NodeProcs& n = *nodes_.at(i);
  if (n.xdr_proc.running()) n.xdr_proc.kill9();
  launch_xdr(n);
}

void ClusterDc::stop_node(size_t i) {
  NodeProcs& n = *nodes_.at(i);
  for (Process* p : {&n.xdr_proc, &n.asd}) {
    if (!p->running()) continue;
    p->signal(SIGTERM);
    if (p->wait(15000) < 0) p->kill9();
  }
}

void ClusterDc::freeze() {
  for (auto& n : nodes_) {
    n->asd.signal(SIGSTOP);
    n->xdr_proc.signal(SIGSTOP);
  }
  frozen_ = true;
}

void ClusterDc::thaw() {
  for (auto& n : nodes_) {
    n->asd.signal(SIGCONT);
    n->xdr_proc.signal(SIGCONT);
  }
  frozen_ = false;
}

namespace {

// Whether every thread of `pid` is stopped: SIGSTOP takes effect when each thread next
// runs, which on a busy machine can be after kill() returned.
bool all_threads_stopped(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", ec);
  if (ec) return false;
  for (const auto& task : tasks) {
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    size_t paren = line.rfind(')');
    if (paren == std::string::npos || paren + 2 >= line.size()) return false;
    char state = line[paren + 2];
    if (state != 'T' && state != 't') return false;
  }
  return true;
}

}  // namespace

void ClusterDc::freeze_asd(size_t i) {
  Process& asd = nodes_.at(i)->asd;
  asd.signal(SIGSTOP);
  frozen_ = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!all_threads_stopped(asd.pid())) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("asd of node " + std::to_string(i) + " did not stop");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void ClusterDc::thaw_asd(size_t i) { nodes_.at(i)->asd.signal(SIGCONT); }

size_t ClusterDc::add_node(const std::optional<std::string>& node_tls) {
  nodes_.push_back(std::make_unique<NodeProcs>());
  size_t index = nodes_.size() - 1;
  NodeProcs& n = *nodes_.back();
  prepare(n, index);
  if (node_tls) n.node_tls = *node_tls;
  write_file(n.dir->path() + "/asd.conf", render(n, index));
  launch_asd(n);
  launch_xdr(n);
  return index;
}

bool ClusterDc::wait_stable(size_t expected_size, int timeout_ms) {
  const std::string command = "cluster-stable:size=" + std::to_string(expected_size);
  return eventually(
      [&] {
        std::string key;
        for (size_t i : live()) {
          std::string answer = info_as(nodes_[i]->service, command, options_.user, options_.password, 1000);
          if (answer.empty() || answer.rfind("ERROR", 0) == 0) return false;
          if (!key.empty() && key != answer) return false;
          key = answer;
        }
        return !key.empty();
      },
      timeout_ms, 200);
}

std::unique_ptr<client::Client> ClusterDc::connect() {
  client::ClientConfig config;
  for (size_t i : live()) config.seeds.push_back({"127.0.0.1", nodes_[i]->service});
  config.timeout_ms = 5000;
  config.user = options_.user;
  config.password = [password = options_.password]() -> common::Result<std::string> { return password; };
  auto c = client::Client::connect(config);
  if (!c.ok()) throw std::runtime_error(name() + ": connect failed: " + c.error().message);
  return std::move(*c);
}

std::string ClusterDc::asd_info(size_t i, const std::string& command) const {
  return info_as(nodes_.at(i)->service, command, options_.user, options_.password);
}

std::string ClusterDc::xdr_info(size_t i, const std::string& command) const {
  return info_on(nodes_.at(i)->xdr, command);
}

InfoMap ClusterDc::xdr_stats(size_t i, const std::string& dc, const std::string& ns) const {
  std::string command = "get-stats:context=xdr;dc=" + dc;
  if (!ns.empty()) command += ";namespace=" + ns;
  return parse_info_map(xdr_info(i, command));
}

std::string ClusterDc::xdr_log(size_t i) const { return read_file(nodes_.at(i)->dir->path() + "/xdr.log"); }
std::string ClusterDc::asd_log(size_t i) const { return read_file(nodes_.at(i)->dir->path() + "/asd.log"); }

std::string ClusterDc::logs_tail(size_t lines) const {
  std::string out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    out += "---- " + name() + " node " + hex(nodes_[i]->id) + " asd log (tail) ----\n" + last_lines(asd_log(i), lines);
    if (options_.run_xdr) {
      out += "---- " + name() + " node " + hex(nodes_[i]->id) + " xdr log (tail) ----\n" + last_lines(xdr_log(i), lines);
    }
  }
  return out;
}

}  // namespace support
