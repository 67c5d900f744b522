#include "support/xdr_dc.h"

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace support {

namespace {

std::string yes_no(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string last_lines(const std::string& text, size_t lines) {
  size_t pos = text.size();
  size_t seen = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++seen > lines) break;
    --pos;
  }
  return text.substr(pos);
}

std::string info_on(uint16_t port, const std::string& command, uint32_t timeout_ms) {
  return info_on_host("127.0.0.1", port, command, timeout_ms);
}

std::string info_on_host(const std::string& host, uint16_t port, const std::string& command, uint32_t timeout_ms) {
  auto answer = client::Client::info_host({host, port}, {command}, timeout_ms);
  if (!answer.ok()) return "ERROR:" + answer.error().message;
  if (answer->empty()) return "";
  return answer->front().second;
}

std::string info_as(uint16_t port, const std::string& command, const std::string& user, const std::string& password,
                    uint32_t timeout_ms) {
  auto answer = client::Client::info_host({"127.0.0.1", port}, {command}, timeout_ms, nullptr, user, password);
  if (!answer.ok()) return "ERROR:" + answer.error().message;
  if (answer->empty()) return "";
  return answer->front().second;
}

std::string InfoMap::get(const std::string& key) const {
  auto it = values.find(key);
  return it == values.end() ? std::string() : it->second;
}

double InfoMap::num(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end() || it->second.empty()) return -1;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  return (end && *end == '\0') ? v : -1;
}

InfoMap parse_info_map(const std::string& text, char pair_sep, char kv_sep) {
  InfoMap map;
  map.raw = text;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, pair_sep)) {
    auto eq = item.find(kv_sep);
    if (eq == std::string::npos) continue;
    map.values[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return map;
}

std::string Dc::xdr_binary() {
  if (const char* env = std::getenv("XDR_BIN")) return env;
  // Built next to asd (every program lands in <build>/bin); else the default build tree.
  std::string beside = std::filesystem::path(AsdNode::asd_binary()).parent_path() / "xdr";
  if (std::filesystem::exists(beside)) return beside;
  return XDR_BIN_DEFAULT;
}

Dc::Dc(DcOptions options) : options_(std::move(options)) {
  port_ = free_port();
  xdr_port_ = free_port();
  xdr_log_path_ = dir_.path() + "/xdr.log";
}

Dc::~Dc() {
  if (frozen_ && asd_) asd_->process().signal(SIGCONT);
  if (xdr_.running()) xdr_.kill9();
  asd_.reset();  // AsdNode's destructor kills and reaps asd
}

void Dc::add_datacenter(const std::string& name, uint16_t port) {
  for (auto& dc : datacenters_) {
    if (dc.first == name) {
      dc.second = port;
      return;
    }
  }
  datacenters_.emplace_back(name, port);
}

void Dc::ship_to(const Dc& remote, uint16_t via_port, const std::string& ns) {
  add_datacenter(remote.name(), via_port != 0 ? via_port : remote.port());
  for (auto& n : options_.namespaces) {
    if (!ns.empty() && n.name != ns) continue;
    bool listed = false;
    for (const auto& d : n.remote_dcs) listed = listed || d == remote.name();
    if (!listed) n.remote_dcs.push_back(remote.name());
  }
}

std::string Dc::render_namespaces() const {
  std::string out;
  for (const auto& n : options_.namespaces) {
    out += "namespace " + n.name + " {\n";
    out += "  replication-factor 1\n  memory-size 512M\n  default-ttl 0\n  nsup-period 1\n";
    out += "  storage-engine memory\n";
    bool enable = n.enable_xdr.value_or(!n.remote_dcs.empty());
    out += "  enable-xdr " + yes_no(enable) + "\n";
    for (const auto& dc : n.remote_dcs) out += "  xdr-remote-datacenter " + dc + "\n";
    if (n.sets_enable_xdr) out += "  sets-enable-xdr " + yes_no(*n.sets_enable_xdr) + "\n";
    if (n.forward) out += "  ns-forward-xdr-writes true\n";
    if (n.allow_xdr_writes) out += "  allow-xdr-writes " + yes_no(*n.allow_xdr_writes) + "\n";
    if (n.allow_nonxdr_writes) {
      out += "  allow-nonxdr-writes " + yes_no(*n.allow_nonxdr_writes) + "\n";
    }
    for (const auto& [set, on] : n.set_enable_xdr) {
      out += "  set " + set + " {\n    set-enable-xdr " + yes_no(on) + "\n  }\n";
    }
    out += n.extra;
    out += "}\n";
  }
  return out;
}

std::string Dc::render_xdr() const {
  const DcOptions& o = options_;
  std::string out = "xdr {\n";
  out += "  enable-xdr " + yes_no(o.run_xdr) + "\n";
  out += "  src-id " + std::to_string(o.src_id) + "\n";
  out += "  xdr-digestlog-path " + dlog_path() + " " + o.dlog_size + "\n";
  out += "  xdr-namedpipe-path " + pipe_path() + "\n";
  out += "  xdr-info-port " + std::to_string(xdr_port_) + "\n";
  if (o.forward_xdr_writes) out += "  forward-xdr-writes true\n";
  if (o.delete_shipping) out += "  xdr-delete-shipping-enabled " + yes_no(*o.delete_shipping) + "\n";
  if (o.nsup_deletes) out += "  xdr-nsup-deletes-enabled " + yes_no(*o.nsup_deletes) + "\n";
  if (o.hotkey_time_ms) out += "  xdr-hotkey-time-ms " + std::to_string(*o.hotkey_time_ms) + "\n";
  out += o.xdr_extra;
  for (const auto& [name, port] : datacenters_) {
    out += "  datacenter " + name + " {\n    dc-node-address-port 127.0.0.1 " +
           std::to_string(port) + "\n  }\n";
  }
  out += "}\n";
  return out;
}

std::string Dc::config_path() const { return asd_ ? asd_->config_path() : std::string(); }

std::string Dc::config() const { return render_namespaces() + render_xdr(); }

void Dc::start() {
  if (asd_) throw std::logic_error("Dc::start called twice");
  AsdOptions o;
  o.port = port_;
  o.namespaces = render_namespaces();
  o.extra_config = render_xdr();
  asd_ = std::make_unique<AsdNode>(o);
  if (options_.run_xdr) launch_xdr();
}

void Dc::launch_xdr() {
  std::string binary = xdr_binary();
  if (!std::filesystem::exists(binary)) {
    throw std::runtime_error("no xdr binary at " + binary + " (build it or set XDR_BIN)");
  }
  xdr_.start({binary, "--config", asd_->config_path()}, xdr_log_path_);
  bool ready = eventually(
      [&] {
        if (!xdr_.running()) return true;
        return info_on(xdr_port_, "status") == "ok";
      },
      15000, 50);
  if (!ready || !xdr_.running()) {
    throw std::runtime_error(name() + ": xdr did not start; config:\n" + config() + "\nlog:\n" +
                             last_lines(xdr_log(), 60));
  }
}

void Dc::restart_xdr() {
  if (xdr_.running()) xdr_.kill9();
  launch_xdr();
}

void Dc::freeze_asd() {
  asd_->process().signal(SIGSTOP);
  frozen_ = true;
}

void Dc::thaw_asd() {
  asd_->process().signal(SIGCONT);
  frozen_ = false;
}

std::unique_ptr<client::Client> Dc::connect() { return asd_->connect(); }

std::string Dc::asd_info(const std::string& command) const { return info_on(port_, command); }

std::string Dc::xdr_info(const std::string& command) const { return info_on(xdr_port_, command); }

InfoMap Dc::xdr_stats(const std::string& dc, const std::string& ns) const {
  std::string command = "get-stats:context=xdr;dc=" + dc;
  if (!ns.empty()) command += ";namespace=" + ns;
  return parse_info_map(xdr_info(command));
}

InfoMap Dc::xdr_statistics() const { return parse_info_map(xdr_info("statistics")); }

InfoMap Dc::ns_stats(const std::string& ns) const {
  return parse_info_map(asd_info("namespace/" + ns));
}

std::string Dc::logs_tail(size_t lines) const {
  return "---- " + name() + " asd log (tail) ----\n" + last_lines(asd_log(), lines) + "\n---- " +
         name() + " xdr log (tail) ----\n" + last_lines(xdr_log(), lines) + "\n";
}

XdrPair::XdrPair(bool active_active, DcOptions o1, DcOptions o2) {
  if (o2.name == o1.name) o2.name = "DC2";
  if (o2.src_id == o1.src_id) o2.src_id = 2;
  dc1 = std::make_unique<Dc>(o1);
  dc2 = std::make_unique<Dc>(o2);
  dc1->ship_to(*dc2);
  if (active_active) dc2->ship_to(*dc1);
  dc1->start();
  dc2->start();
}

}  // namespace support
