#include "service/info_commands.h"

#include <functional>
#include <map>

#include "base/namespace.h"
#include "common/log.h"
#include "conf/render.h"
#include "node.h"
#include "proto/info.h"
#include "service/info_values.h"

namespace asd {

namespace {

using Handler = std::function<std::string(Node&, const proto::InfoCommand&)>;

std::string constant(std::string value) { return value; }

const std::map<std::string, Handler, std::less<>>& handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"node", [](Node& n, auto&) { return n.node_id_hex(); }},
      {"partition-generation", [](Node& n, auto&) { return partition_generation_value(n); }},
      {"peers-generation", [](Node& n, auto&) { return peers_generation_value(n); }},
      {"rebalance-generation", [](Node&, auto&) { return constant("1"); }},
      {"cluster-generation", [](Node&, auto&) { return constant("1"); }},
      {"build", [](Node&, auto&) { return std::string(kBuildVersion); }},
      {"version", [](Node&, auto&) { return std::string(kVersionText); }},
      {"edition", [](Node&, auto&) { return std::string(kEdition); }},
      {"release", [](Node&, auto&) { return release_value(); }},
      {"features", [](Node&, auto&) { return std::string(kFeatures); }},
      {"compatibility-id", [](Node&, auto&) { return constant("11"); }},
      {"partitions", [](Node&, auto&) { return constant("4096"); }},
      {"status", [](Node&, auto&) { return constant("ok"); }},
      {"user-agent-set", [](Node&, auto&) { return constant("ok"); }},
      {"cluster-name", [](Node& n, auto&) { return cluster_name_value(n); }},
      {"cluster-stable", [](Node& n, auto& c) { return cluster_stable_value(n, c); }},
      {"cluster-size", [](Node& n, auto&) { return cluster_size_value(n); }},
      {"cluster-key", [](Node& n, auto&) { return cluster_key_value(n); }},
      {"cluster-block-nodes", [](Node& n, auto& c) { return cluster_block_value(n, c); }},
      {"peers-clear-std", [](Node& n, auto&) { return peers_value(n); }},
      {"peers-clear-alt", [](Node& n, auto&) { return peers_value(n); }},
      {"peers-tls-std", [](Node& n, auto&) { return peers_value(n); }},
      {"peers-tls-alt", [](Node& n, auto&) { return peers_value(n); }},
      {"service-clear-std", [](Node& n, auto&) { return service_value(n); }},
      {"service-clear-alt", [](Node&, auto&) { return std::string(); }},
      {"service-tls-std", [](Node&, auto&) { return std::string(); }},
      {"service-tls-alt", [](Node&, auto&) { return std::string(); }},
      {"service", [](Node& n, auto&) { return service_value(n); }},
      {"services", [](Node&, auto&) { return std::string(); }},
      {"services-alumni", [](Node&, auto&) { return std::string(); }},
      {"replicas", [](Node& n, auto&) { return replicas_value(n, true); }},
      {"replicas-all", [](Node& n, auto&) { return replicas_value(n, false); }},
      {"replicas-master", [](Node& n, auto&) { return replicas_master_value(n); }},
      {"rack-ids", [](Node& n, auto&) { return rack_ids_value(n); }},
      {"namespaces", [](Node& n, auto&) { return namespaces_value(n); }},
      {"namespace", [](Node& n, auto& c) { return namespace_value(n, c); }},
      {"sets", [](Node& n, auto& c) { return sets_value(n, c); }},
      {"statistics", [](Node& n, auto&) { return statistics_value(n); }},
      {"get-config", [](Node& n, auto& c) { return get_config_value(n, c); }},
      {"config-get", [](Node& n, auto& c) { return get_config_value(n, c); }},
      {"set-config", [](Node& n, auto& c) { return set_config_value(n, c); }},
      {"config-set", [](Node& n, auto& c) { return set_config_value(n, c); }},
      {"truncate", [](Node& n, auto& c) { return truncate_value(n, c, false); }},
      {"truncate-namespace", [](Node& n, auto& c) { return truncate_value(n, c, true); }},
      {"log-set", [](Node&, auto& c) { return log_set_value(c); }},
      {"xdr-gaps", [](Node& n, auto&) { return xdr_gaps_value(n); }},
      {"xdr-gap-ack", [](Node& n, auto& c) { return xdr_gap_ack_value(n, c); }},
      {"xdr-cluster", [](Node& n, auto&) { return xdr_cluster_value(n); }},
      {"xdr-roles", [](Node& n, auto& c) { return xdr_roles_value(n, c); }},
      {"udf-list", [](Node&, auto&) { return std::string(); }},
      {"sindex", [](Node&, auto&) { return std::string(); }},
      {"sindex-list", [](Node&, auto&) { return std::string(); }},
      {"query-show", [](Node&, auto&) { return std::string(); }},
      {"scan-show", [](Node&, auto&) { return std::string(); }},
      {"build_os", [](Node&, auto&) { return constant("debian12"); }},
      {"build_arch", [](Node&, auto&) { return constant("x86_64"); }},
      {"build_sha", [](Node&, auto&) { return constant("0"); }},
      {"build_time", [](Node&, auto&) { return std::string(__DATE__ " " __TIME__); }},
  };
  return table;
}

std::string answer_one(Node& node, const proto::InfoCommand& cmd) {
  auto it = handlers().find(cmd.name);
  if (it == handlers().end()) return "ERROR:4:unrecognized command";
  return it->second(node, cmd);
}

}  // namespace

std::string answer_info(Node& node, std::string_view body) {
  node.stats().info_requests.fetch_add(1, std::memory_order_relaxed);
  std::string out;
  if (body.empty()) {
    // The summary: these names in the real server's order (version and edition must
    // not come first, clients look for "\nversion\t").
    static const char* const kSummary[] = {"features", "node", "compatibility-id", "edition",
                                           "build_sha", "build_arch", "build_time", "build_os",
                                           "build", "version", "statistics", "services-alumni",
                                           "services", "partition-generation"};
    for (const char* name : kSummary) {
      proto::InfoCommand cmd;
      cmd.text = name;
      cmd.name = name;
      proto::append_info_answer(out, name, answer_one(node, cmd));
    }
    return out;
  }
  for (const proto::InfoCommand& cmd : proto::parse_info_request(body)) {
    proto::append_info_answer(out, cmd.text, answer_one(node, cmd));
  }
  return out;
}

}  // namespace asd
