// The xdr info port's commands (xdr-design.md §8).

#include <algorithm>
#include <cstdio>

#include "common/clock.h"
#include "common/log.h"
#include "conf/render.h"
#include "failover/recovery_scanner.h"
#include "failover/recovery_windows.h"
#include "failover/takeover.h"
#include "logger/digest_log.h"
#include "logger/pipe_reader.h"
#include "topology/topology.h"
#include "proto/info.h"
#include "shipper/dc_shipper.h"
#include "xdr/daemon.h"

namespace xdr {

namespace {

constexpr std::string_view kBuild = "7.2.0.0";
constexpr std::string_view kUnrecognized = "ERROR:4:unrecognized command";

std::string param(std::string_view params, std::string_view key) {
  std::string_view value;
  return proto::find_info_param(params, key, &value) ? std::string(value) : std::string();
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string join_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += ';';
    out += k + "=" + v;
  }
  return out;
}

}  // namespace

std::string Daemon::answer(const proto::InfoCommand& c) {
  if (c.name == "status") return "ok";
  if (c.name == "node") return node_id();
  if (c.name == "build" || c.name == "version") return std::string(kBuild);
  if (c.name == "statistics") return statistics();
  if (c.name == "get-stats") {
    if (param(c.params, "context") != "xdr") return "ERROR:4:context must be xdr";
    return dc_stats(c.params);
  }
  if (c.name == "get-config") {
    if (param(c.params, "context") == "service") {
      std::lock_guard lock(config_mu_);
      return "tls-refresh-period=" + std::to_string(config_.service.tls_refresh_period);
    }
    if (param(c.params, "context") != "xdr") return "ERROR:4:context must be xdr or service";
    std::lock_guard lock(config_mu_);
    std::string dc = param(c.params, "dc");
    if (!dc.empty() && !config_.xdr.find_dc(dc)) return "ERROR:4:unknown dc " + dc;
    return join_pairs(conf::render_context(config_, "xdr", dc));
  }
  if (c.name == "set-config") return set_config(c.params);
  if (c.name == "xdr-progress") return takeover_->progress_answer();
  if (c.name == "dcs") {
    std::string out;
    for (const auto& [dc, s] : shippers_) out += (out.empty() ? "" : ";") + dc;
    return out;
  }
  return std::string(kUnrecognized);
}

std::string Daemon::node_id() const {
  // Stable per node: this DC's id and the info port tell the xdr processes of a host apart.
  char buf[32];
  std::snprintf(buf, sizeof buf, "BB9%02X%05X", unsigned(config_.xdr.src_id), unsigned(config_.xdr.info_port));
  return buf;
}

std::string Daemon::statistics() const {
  double used = 0;
  uint64_t overwritten = 0;
  for (const auto& [dc, s] : shippers_) {
    used = std::max(used, log_->used_pct(dc));
    overwritten += log_->overwritten(dc);
  }
  std::vector<std::pair<std::string, std::string>> out = {
      {"dlog_used_pct", pct(used)},
      {"dlog_overwritten", std::to_string(overwritten)},
      {"dlog_head", std::to_string(log_->head())},
      {"dlog_tail", std::to_string(log_->tail())},
      {"dlog_capacity", std::to_string(log_->capacity_entries())},
      {"pipe_frames", std::to_string(pipe_->frames())},
      {"pipe_garbage_bytes", std::to_string(pipe_->garbage_bytes())},
      {"asd_gaps_closed", std::to_string(recovery_->asd_gaps_closed())},
      {"peers", takeover_->peers_value()},
      {"backlog_taken_over", std::to_string(restart_.skipped)},
      {"dcs", std::to_string(shippers_.size())},
  };
  return join_pairs(out);
}

std::string Daemon::dc_stats(std::string_view params) const {
  std::string dc = param(params, "dc");
  auto it = shippers_.find(dc);
  if (it == shippers_.end()) return "ERROR:4:unknown dc " + dc;
  std::string ns = param(params, "namespace");
  shipper::StatsSnapshot s = ns.empty() ? it->second->stats() : it->second->stats(ns);
  std::string out = shipper::render_stats(s);
  out += ";dlog_used_pct=" + pct(log_->used_pct(dc));
  out += ";dlog_overwritten=" + std::to_string(log_->overwritten(dc));
  out += ";recoveries=" + std::to_string(recovery_->recoveries(dc));
  out += ";recoveries_pending=" + std::to_string(recovery_->recoveries_pending(dc));
  if (ns.empty()) {
    failover::TakeoverStats t = takeover_->stats(dc);
    out += ";takeovers=" + std::to_string(t.takeovers);
    out += ";takeover_records=" + std::to_string(t.takeover_records + it->second->acting_records());
    out += ";takeovers_pending=" + std::to_string(t.takeovers_pending);
    out += ";takeovers_from_log=" + std::to_string(t.takeovers_from_log);
    out += ";takeovers_by_scan=" + std::to_string(t.takeovers_by_scan);
  }
  if (ns.empty()) {
    // The namespaces shipping to this DC, so tools can ask for each one's row.
    std::string names;
    for (const conf::Namespace& n : config_.namespaces) {
      const std::vector<std::string>& dcs = topology_->dcs_for(n.name);
      if (std::find(dcs.begin(), dcs.end(), dc) == dcs.end()) continue;
      if (!names.empty()) names += ',';
      names += n.name;
    }
    out += ";namespaces=" + names;
  }
  return out;
}

// `context=xdr;dc=D;namespace=N;action=add;rewind=S|all` asks for a recovery scan;
// `context=xdr[;dc=D];KEY=VALUE` changes a dynamic xdr key;
// `context=service;tls-refresh-period=S` how often the DC links' TLS files are checked.
std::string Daemon::set_config(std::string_view params) {
  if (param(params, "context") == "service") return set_service_config(params);
  if (param(params, "context") != "xdr") return "ERROR:4:context must be xdr or service";
  std::string dc = param(params, "dc");
  std::string action = param(params, "action");
  if (!action.empty()) {
    std::string ns = param(params, "namespace");
    if (action != "add" || ns.empty()) return "ERROR:4:expected action=add;namespace=N;rewind=SECONDS|all";
    auto since = failover::rewind_since(param(params, "rewind"), common::now_cl_ms());
    if (!since) return "ERROR:4:rewind must be SECONDS or all";
    if (!recovery_->request(dc, logger::LostWindow{ns, *since})) return "ERROR:4:unknown dc " + dc;
    return "ok";
  }
  if (!param(params, "namespace").empty()) {
    // The 5.x form sets shipping per DC and namespace; here one value serves them all.
    return "ERROR:4:xdr settings are not kept per namespace here: set xdr-max-ship-throughput, "
           "xdr-compression-threshold or xdr-hotkey-time-ms without dc= and namespace= (they apply to every DC)";
  }
  std::lock_guard lock(config_mu_);
  // All keys or none: checked on a copy, committed together.
  conf::Config next = config_;
  std::vector<std::pair<std::string, std::string>> changed;
  for (const auto& [key, value] : proto::parse_info_params(params)) {
    if (key == "context" || key == "dc") continue;
    conf::Result error = conf::apply_dynamic(next, "xdr", dc, key, value);
    if (!error.empty()) return "ERROR:4:" + error;
    changed.emplace_back(key, value);
  }
  config_ = std::move(next);
  for (const auto& [key, value] : changed) {
    common::logger("xdr")->info("config changed key={} value={} dc={}", key, value, dc);
  }
  for (auto& [name, s] : shippers_) {
    s->set_max_throughput(config_.xdr.max_ship_throughput);
    s->set_compression_threshold(config_.xdr.compression_threshold);
    s->set_hotkey_ms(config_.xdr.hotkey_time_ms);
  }
  return "ok";
}

// Of the service context only the key xdr acts on; asd's other service keys are asd's.
std::string Daemon::set_service_config(std::string_view params) {
  std::lock_guard lock(config_mu_);
  conf::Config next = config_;
  bool any = false;
  for (const auto& [key, value] : proto::parse_info_params(params)) {
    if (key == "context") continue;
    if (key != "tls-refresh-period") {
      return "ERROR:4:xdr takes only tls-refresh-period in context service; set " + std::string(key) + " on asd";
    }
    conf::Result error = conf::apply_dynamic(next, "service", "", key, value);
    if (!error.empty()) return "ERROR:4:" + error;
    any = true;
  }
  if (!any) return "ERROR:4:expected tls-refresh-period=SECONDS";
  config_ = std::move(next);
  common::logger("xdr")->info("config changed key=tls-refresh-period value={}", config_.service.tls_refresh_period);
  for (auto& [name, s] : shippers_) s->set_tls_refresh_ms(uint64_t(config_.service.tls_refresh_period) * 1000);
  return "ok";
}

}  // namespace xdr
