#include "service/info_values.h"

#include <charconv>

#include "index/namespace.h"
#include "common/base64.h"
#include "common/clock.h"
#include "cluster/cluster.h"
#include "common/log.h"
#include "conf/render.h"
#include "security/access_control.h"
#include "service/node_context.h"
#include "storage/device_storage.h"
#include "index/truncate.h"
#include "xdr_pipe/pipe_writer.h"

namespace asd {

namespace {

std::string join_pairs(const std::vector<std::pair<std::string, std::string>>& pairs, char sep = ';') {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back(sep);
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}


}  // namespace

std::string info_param(const proto::InfoCommand& cmd, std::string_view key) {
  std::string_view v;
  return proto::find_info_param(cmd.params, key, &v) ? std::string(v) : std::string();
}

bool info_has_param(const proto::InfoCommand& cmd, std::string_view key) {
  std::string_view v;
  return proto::find_info_param(cmd.params, key, &v);
}

std::string release_value() {
  return "edition=" + std::string(kEdition) + ";version=" + std::string(kBuildVersion) +
         ";os=debian12;arch=x86_64;sha=0;ee-sha=";
}

std::string cluster_name_value(NodeContext& node) {
  const std::string& name = node.config().service.cluster_name;
  return name.empty() ? "null" : name;
}

std::string service_value(NodeContext& node) {
  const auto& service = node.config().network.service;
  std::string address = "127.0.0.1";
  if (!service.access_addresses.empty()) address = service.access_addresses.front();
  else if (!service.addresses.empty() && service.addresses.front() != "any" &&
           service.addresses.front() != "0.0.0.0") {
    address = service.addresses.front();
  }
  return address + ":" + std::to_string(node.service_port());
}

std::string service_tls_value(NodeContext& node) {
  const auto& service = node.config().network.service;
  if (service.tls_port == 0) return {};
  std::string address = "127.0.0.1";
  const auto& listen = service.tls_addresses.empty() ? service.addresses : service.tls_addresses;
  if (!service.access_addresses.empty()) address = service.access_addresses.front();
  else if (!listen.empty() && listen.front() != "any" && listen.front() != "0.0.0.0") address = listen.front();
  return address + ":" + std::to_string(service.tls_port);
}

std::string rack_ids_value(NodeContext& node) {
  std::string out;
  for (const auto& ns : node.namespaces()) {
    if (!out.empty()) out.push_back(';');
    out += ns->name() + ":" + std::to_string(ns->config()->rack_id);
  }
  return out;
}

std::string namespaces_value(NodeContext& node) {
  std::string out;
  for (const auto& ns : node.namespaces()) {
    if (!out.empty()) out.push_back(';');
    out += ns->name();
  }
  return out;
}

void add_device_stats(storage::DeviceStorage& st, std::vector<std::pair<std::string, std::string>>& kv) {
  storage::StorageStats& s = st.stats();
  uint32_t free_pct = st.free_pct();
  kv.insert(kv.end(), {
      {"device_total_bytes", std::to_string(st.total_bytes())},
      {"device_used_bytes", std::to_string(st.used_bytes())},
      {"device_free_pct", std::to_string(free_pct)},
      {"device_available_pct", std::to_string(st.available_pct())},
      {"defrag_q", std::to_string(st.defrag_queue())},
      {"defrag_reads", std::to_string(s.defrag_reads.load())},
      {"defrag_writes", std::to_string(st.defrag_writes())},
      {"defrag_records_moved", std::to_string(s.defrag_records_moved.load())},
      {"device_write_blocks", std::to_string(s.blocks_written.load())},
      {"device_read_errors", std::to_string(s.read_errors.load())},
      {"device_write_errors", std::to_string(s.write_errors.load())},
      {"tombstones_dropped", std::to_string(s.tombstones_dropped.load())},
      {"cold_start_records", std::to_string(s.cold_start_records.load())},
      {"cold_start_bytes", std::to_string(s.cold_start_bytes.load())},
      {"cold_start_ms", std::to_string(s.cold_start_ms.load())},
      {"cold_start_skipped", std::to_string(s.cold_start_skipped.load())},
  });
}

std::string namespace_value(NodeContext& node, const proto::InfoCommand& cmd) {
  if (cmd.path.empty()) return "ERROR:4:missing namespace";
  Namespace* ns = node.find_namespace(cmd.path[0]);
  if (!ns) return "type=unknown";
  auto& s = ns->stats();
  std::shared_ptr<const conf::Namespace> cfg = ns->config();
  std::vector<std::pair<std::string, std::string>> kv = {
      {"objects", std::to_string(s.objects.load())},
      {"tombstones", std::to_string(s.tombstones.load())},
      {"memory_used_bytes", std::to_string(s.memory_used_bytes.load())},
      {"memory_free_pct",
       std::to_string(cfg->memory_size ? 100 - std::min<int64_t>(100, s.memory_used_bytes.load() * 100 /
                                                                         int64_t(cfg->memory_size))
                                      : 100)},
      {"stop_writes", ns->stop_writes() ? "true" : "false"},
      {"hwm_breached", ns->hwm_breached() ? "true" : "false"},
      {"expired_objects", std::to_string(s.expired_objects.load())},
      {"evicted_objects", std::to_string(s.evicted_objects.load())},
      {"truncated_records", std::to_string(s.truncated_records.load())},
      {"client_read_success", std::to_string(s.client_read_success.load())},
      {"client_read_not_found", std::to_string(s.client_read_not_found.load())},
      {"client_write_success", std::to_string(s.client_write_success.load())},
      {"client_udf_complete", std::to_string(s.client_udf_complete.load())},
      {"client_udf_error", std::to_string(s.client_udf_error.load())},
      {"client_write_error", std::to_string(s.client_write_error.load())},
      {"client_delete_success", std::to_string(s.client_delete_success.load())},
      {"client_delete_not_found", std::to_string(s.client_delete_not_found.load())},
      {"fail_generation", std::to_string(s.fail_generation.load())},
      {"fail_record_too_big", std::to_string(s.fail_record_too_big.load())},
      {"scan_basic_complete", std::to_string(s.scan_basic_complete.load())},
      {"nsup_cycle_duration", std::to_string(s.nsup_cycle_ms.load())},
      {"xdr_frames_queued", std::to_string(s.xdr_frames_queued.load())},
      {"xdr_write_success", std::to_string(s.xdr_write_success.load())},
      {"xdr_lost_conflict", std::to_string(s.xdr_lost_conflict.load())},
      {"xdr_forbidden", std::to_string(s.xdr_forbidden.load())},
      {"client_read_filtered_out", std::to_string(s.client_read_filtered_out.load())},
      {"client_write_filtered_out", std::to_string(s.client_write_filtered_out.load())},
      {"client_delete_filtered_out", std::to_string(s.client_delete_filtered_out.load())},
      {"client_udf_filtered_out", std::to_string(s.client_udf_filtered_out.load())},
  };
  add_namespace_cluster_stats(node, *ns, kv);
  if (storage::DeviceStorage* st = ns->storage()) add_device_stats(*st, kv);
  for (auto& pair : conf::render_context(node.config(), "namespace", ns->name())) kv.push_back(pair);
  return join_pairs(kv);
}

std::string sets_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string out;
  for (const auto& ns : node.namespaces()) {
    if (!cmd.path.empty() && cmd.path[0] != ns->name()) continue;
    for (SetStats* set : ns->all_sets()) {
      if (cmd.path.size() > 1 && cmd.path[1] != set->name) continue;
      out += "ns=" + ns->name() + ":set=" + set->name + ":objects=" + std::to_string(set->objects.load()) +
             ":tombstones=0:memory_data_bytes=" + std::to_string(set->memory_bytes.load()) +
             ":truncate_lut=" + std::to_string(set->truncate_lut.load()) +
             ":stop-writes-count=0:disable-eviction=false;";
    }
  }
  if (!cmd.path.empty() && !node.find_namespace(cmd.path[0])) return "ns_type=unknown";
  return out;
}

std::string statistics_value(NodeContext& node) {
  auto& s = node.stats();
  int64_t objects = 0;
  for (const auto& ns : node.namespaces()) objects += ns->stats().objects.load();
  std::vector<std::pair<std::string, std::string>> kv = {
      {"uptime", std::to_string(node.uptime_sec())},
      {"objects", std::to_string(objects)},
      {"client_connections", std::to_string(s.client_connections.load())},
      {"client_connections_opened", std::to_string(s.client_connections_opened.load())},
      {"client_connections_closed", std::to_string(s.client_connections_closed.load())},
      {"client_connections_refused", std::to_string(s.client_connections_refused.load())},
      {"tls_handshake_failures", std::to_string(s.tls_handshake_failures.load())},
      {"proto_errors", std::to_string(s.proto_errors.load())},
      {"info_requests", std::to_string(s.info_requests.load())},
      {"compressed_requests", std::to_string(s.compressed_requests.load())},
      {"batch_index_initiate", std::to_string(node.batch_stats().initiate.load())},
      {"batch_index_complete", std::to_string(node.batch_stats().complete.load())},
      {"batch_index_error", std::to_string(node.batch_stats().error.load())},
      {"current_time", std::to_string(common::now_cl_sec())},
  };
  if (PipeWriter* pipe = node.xdr_pipe()) {
    kv.emplace_back("xdr_pipe_connected", pipe->connected() ? "true" : "false");
    kv.emplace_back("xdr_queue_depth", std::to_string(pipe->depth()));
    kv.emplace_back("xdr_frames_written", std::to_string(pipe->written()));
    kv.emplace_back("xdr_frames_dropped", std::to_string(pipe->dropped()));
  }
  add_cluster_statistics(node, kv);
  return join_pairs(kv);
}

std::string get_config_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string context = info_param(cmd, "context");
  if (context.empty()) context = "service";
  std::string id = info_param(cmd, "id");
  if (id.empty() && context == "xdr") id = info_param(cmd, "dc");
  if (context == "namespace" && !node.find_namespace(id)) return "ERROR:20:namespace not found";
  auto pairs = conf::render_context(node.config(), context, id);
  if (pairs.empty() && context != "xdr") return "ERROR:4:invalid context";
  return join_pairs(pairs);
}

// All or nothing: every key is applied to a copy first, and the node's config changes
// only when all of them are valid. Then what the change reaches is told: the namespace's
// snapshot, the cluster and ticker (service), the log levels (logging), access control
// (security: tps-weight). context=xdr never
// gets here: the node's xdr answers it (info_xdr_forward.cpp).
std::string set_config_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string context = info_param(cmd, "context");
  std::string id = info_param(cmd, "id");
  std::vector<std::pair<std::string, std::string>> changed;
  std::string error = node.change_config([&](conf::Config& updated) -> std::string {
    for (auto& [k, v] : proto::parse_info_params(cmd.params)) {
      if (k == "context" || k == "id") continue;
      if (std::string e = conf::apply_dynamic(updated, context, id, k, v); !e.empty()) return e;
      changed.emplace_back(k, v);
    }
    return changed.empty() ? "no key to set" : "";
  });
  if (!error.empty()) return "ERROR::" + error;
  if (context == "namespace") {
    if (Namespace* ns = node.find_namespace(id)) {
      if (const conf::Namespace* config = node.config().find_namespace(id)) ns->set_config(*config);
    }
  }
  if (context == "service" && node.cluster()) node.cluster()->apply_service_config(node.config().service);
  if (context == "service") node.service_config_changed();
  if (context == "security") {
    if (security::AccessControl* access = node.access_control()) access->set_tps_weight(node.config().security.tps_weight);
  }
  if (context == "logging") {
    for (const auto& [log_context, level] : conf::ordered_log_levels(node.config().logging)) {
      common::set_log_level(log_context, level);
    }
  }
  for (const auto& [k, v] : changed) common::logger("info")->info("set-config context={} id={} {}={}", context, id, k, v);
  return "ok";
}

std::string truncate_value(NodeContext& node, const proto::InfoCommand& cmd, bool whole_namespace) {
  std::string ns_name = info_param(cmd, "namespace");
  Namespace* ns = node.find_namespace(ns_name);
  if (!ns) return "ERROR:20:namespace not found";
  std::string set_name = info_param(cmd, "set");
  if (!whole_namespace && set_name.empty()) return "ERROR:4:missing set";
  uint64_t lut_cl_ms = common::now_cl_ms();
  if (info_has_param(cmd, "lut")) {
    // lut= is nanoseconds since the Unix epoch.
    std::string text = info_param(cmd, "lut");
    uint64_t unix_ns = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), unix_ns);
    if (ec != std::errc() || ptr != text.data() + text.size()) return "ERROR:4:bad lut";
    uint64_t unix_ms = unix_ns / 1000000;
    if (unix_ms < common::kClEpochUnixSec * 1000) return "ERROR:4:lut before CL epoch";
    lut_cl_ms = std::min(lut_cl_ms, unix_ms - common::kClEpochUnixSec * 1000);
  }
  common::Status st = truncate_records(*ns, whole_namespace ? std::string() : set_name, lut_cl_ms);
  if (!st.ok()) return "ERROR:" + std::to_string(int(st.code())) + ":" + st.message();
  // As the real server does through its system metadata: every member truncates.
  if (node.cluster()) node.cluster()->broadcast_truncate(ns->name(), whole_namespace ? std::string() : set_name, lut_cl_ms);
  return "ok";
}

std::string log_set_value(const proto::InfoCommand& cmd) {
  // log-set:id=0;<context>=<level>  (Aerospike's syntax)
  for (auto& [k, v] : proto::parse_info_params(cmd.params)) {
    if (k == "id") continue;
    if (!common::set_log_level(k, v)) return "ERROR:4:bad level";
  }
  return "ok";
}

}  // namespace asd

namespace asd {

std::string xdr_gaps_value(NodeContext& node) {
  PipeWriter* pipe = node.xdr_pipe();
  return pipe ? pipe->gaps_value() : std::string();
}

std::string xdr_gap_ack_value(NodeContext& node, const proto::InfoCommand& cmd) {
  PipeWriter* pipe = node.xdr_pipe();
  if (!pipe) return "ERROR:4:xdr is not enabled";
  std::string ns = info_param(cmd, "namespace");
  std::string since_text = info_param(cmd, "since");
  uint64_t since = 0;
  auto [ptr, ec] = std::from_chars(since_text.data(), since_text.data() + since_text.size(), since);
  if (ns.empty() || ec != std::errc() || ptr != since_text.data() + since_text.size()) {
    return "ERROR:4:expected namespace=<ns>;since=<lut>";
  }
  pipe->ack_gap(ns, since);
  return "ok";
}

}  // namespace asd
