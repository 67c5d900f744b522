#include "service/info_commands.h"

#include <functional>
#include <map>

#include "index/namespace.h"
#include "common/log.h"
#include "conf/render.h"
#include "service/node_context.h"
#include "proto/info.h"
#include "security/access_control.h"
#include "security/privilege.h"
#include "security/session.h"
#include "service/info_values.h"

namespace asd {

namespace {

using Handler = std::function<std::string(NodeContext&, const proto::InfoCommand&)>;

std::string constant(std::string value) { return value; }

const std::map<std::string, Handler, std::less<>>& handlers() {
  static const std::map<std::string, Handler, std::less<>> table = {
      {"node", [](NodeContext& n, auto&) { return n.node_id_hex(); }},
      {"partition-generation", [](NodeContext& n, auto&) { return partition_generation_value(n); }},
      {"peers-generation", [](NodeContext& n, auto&) { return peers_generation_value(n); }},
      {"rebalance-generation", [](NodeContext& n, auto&) { return rebalance_generation_value(n); }},
      {"cluster-generation", [](NodeContext& n, auto&) { return cluster_generation_value(n); }},
      {"build", [](NodeContext&, auto&) { return std::string(kBuildVersion); }},
      {"version", [](NodeContext&, auto&) { return std::string(kVersionText); }},
      {"edition", [](NodeContext&, auto&) { return std::string(kEdition); }},
      {"release", [](NodeContext&, auto&) { return release_value(); }},
      {"features", [](NodeContext&, auto&) { return std::string(kFeatures); }},
      {"compatibility-id", [](NodeContext&, auto&) { return constant("11"); }},
      {"partitions", [](NodeContext&, auto&) { return constant("4096"); }},
      {"status", [](NodeContext&, auto&) { return constant("ok"); }},
      {"user-agent-set", [](NodeContext&, auto&) { return constant("ok"); }},
      {"cluster-name", [](NodeContext& n, auto&) { return cluster_name_value(n); }},
      {"cluster-stable", [](NodeContext& n, auto& c) { return cluster_stable_value(n, c); }},
      {"cluster-size", [](NodeContext& n, auto&) { return cluster_size_value(n); }},
      {"cluster-key", [](NodeContext& n, auto&) { return cluster_key_value(n); }},
      {"cluster-block-nodes",
       [](NodeContext& n, auto& c) {
         // A fault hook: any client on the service port could cut the node off its
         // cluster, so it exists only where the operator enabled fault injection.
         if (!n.config().service.enable_fault_injection) return std::string("ERROR:4:unrecognized command");
         return cluster_block_value(n, c);
       }},
      {"peers-clear-std", [](NodeContext& n, auto&) { return peers_value(n, false); }},
      {"peers-clear-alt", [](NodeContext& n, auto&) { return peers_value(n, false); }},
      {"peers-tls-std", [](NodeContext& n, auto&) { return peers_value(n, true); }},
      {"peers-tls-alt", [](NodeContext& n, auto&) { return peers_value(n, true); }},
      {"service-clear-std", [](NodeContext& n, auto&) { return service_value(n); }},
      {"service-clear-alt", [](NodeContext&, auto&) { return std::string(); }},
      {"service-tls-std", [](NodeContext& n, auto&) { return service_tls_value(n); }},
      {"service-tls-alt", [](NodeContext&, auto&) { return std::string(); }},
      {"service", [](NodeContext& n, auto&) { return service_value(n); }},
      {"services", [](NodeContext&, auto&) { return std::string(); }},
      {"services-alumni", [](NodeContext&, auto&) { return std::string(); }},
      {"replicas", [](NodeContext& n, auto&) { return replicas_value(n, true); }},
      {"replicas-all", [](NodeContext& n, auto&) { return replicas_value(n, false); }},
      {"replicas-master", [](NodeContext& n, auto&) { return replicas_master_value(n); }},
      {"rack-ids", [](NodeContext& n, auto&) { return rack_ids_value(n); }},
      {"namespaces", [](NodeContext& n, auto&) { return namespaces_value(n); }},
      {"namespace", [](NodeContext& n, auto& c) { return namespace_value(n, c); }},
      {"sets", [](NodeContext& n, auto& c) { return sets_value(n, c); }},
      {"statistics", [](NodeContext& n, auto&) { return statistics_value(n); }},
      {"udf-put", [](NodeContext& n, auto& c) { return udf_put_value(n, c); }},
      {"udf-get", [](NodeContext& n, auto& c) { return udf_get_value(n, c); }},
      {"udf-list", [](NodeContext& n, auto&) { return udf_list_value(n); }},
      {"udf-remove", [](NodeContext& n, auto& c) { return udf_remove_value(n, c); }},
      {"get-config", [](NodeContext& n, auto& c) { return get_config_value(n, c); }},
      {"config-get", [](NodeContext& n, auto& c) { return get_config_value(n, c); }},
      {"set-config", [](NodeContext& n, auto& c) { return set_config_value(n, c); }},
      {"config-set", [](NodeContext& n, auto& c) { return set_config_value(n, c); }},
      {"truncate", [](NodeContext& n, auto& c) { return truncate_value(n, c, false); }},
      {"truncate-namespace", [](NodeContext& n, auto& c) { return truncate_value(n, c, true); }},
      {"log-set", [](NodeContext&, auto& c) { return log_set_value(c); }},
      {"xdr-gaps", [](NodeContext& n, auto&) { return xdr_gaps_value(n); }},
      {"xdr-gap-ack", [](NodeContext& n, auto& c) { return xdr_gap_ack_value(n, c); }},
      {"xdr-cluster", [](NodeContext& n, auto&) { return xdr_cluster_value(n); }},
      {"xdr-roles", [](NodeContext& n, auto& c) { return xdr_roles_value(n, c); }},
      {"sindex", [](NodeContext& n, auto& c) { return sindex_value(n, c); }},
      {"sindex-list", [](NodeContext& n, auto& c) { return sindex_list_value(n, c); }},
      {"sindex-create", [](NodeContext& n, auto& c) { return sindex_create_value(n, c); }},
      {"sindex-delete", [](NodeContext& n, auto& c) { return sindex_delete_value(n, c); }},
      {"sindex-exists", [](NodeContext& n, auto& c) { return sindex_exists_value(n, c); }},
      {"sindex-stat", [](NodeContext& n, auto& c) { return sindex_stat_value(n, c); }},
      {"query-show", [](NodeContext& n, auto& c) { return job_show_value(n, c); }},
      {"scan-show", [](NodeContext& n, auto& c) { return job_show_value(n, c); }},
      {"query-abort", [](NodeContext& n, auto& c) { return job_abort_value(n, c); }},
      {"scan-abort", [](NodeContext& n, auto& c) { return job_abort_value(n, c); }},
      {"build_os", [](NodeContext&, auto&) { return constant("debian12"); }},
      {"build_arch", [](NodeContext&, auto&) { return constant("x86_64"); }},
      {"build_sha", [](NodeContext&, auto&) { return constant("0"); }},
      {"build_time", [](NodeContext&, auto&) { return std::string(__DATE__ " " __TIME__); }},
  };
  return table;
}

// What an info command needs beyond being authenticated, as the real server's command
// table has it (thr_info.c); a command missing here needs nothing more. README
// "Users and roles" lists them.
uint32_t info_permission(std::string_view name) {
  static const std::map<std::string_view, uint32_t, std::less<>> table = {
      {"set-config", security::kPermSetConfig},     {"config-set", security::kPermSetConfig},
      {"log-set", security::kPermLoggingCtrl},      {"truncate", security::kPermTruncate},
      {"truncate-namespace", security::kPermTruncate}, {"udf-put", security::kPermUdfAdmin},
      {"udf-remove", security::kPermUdfAdmin},      {"sindex-create", security::kPermSindexAdmin},
      {"sindex-delete", security::kPermSindexAdmin}, {"sindex-exists", security::kPermSindexAdmin},
      {"query-abort", security::kPermQueryAdmin},   {"scan-abort", security::kPermQueryAdmin},
      {"cluster-block-nodes", security::kPermServiceCtrl}, {"xdr-gap-ack", security::kPermServiceCtrl},
  };
  auto it = table.find(name);
  return it == table.end() ? security::kPermNone : it->second;
}

// Ok, or the error line the real server answers (append_security_error). Permitted
// administration goes to the audit log (report-sys-admin).
std::string check_info(const security::Session& session, const proto::InfoCommand& cmd) {
  uint32_t needed = info_permission(cmd.name);
  if (needed == security::kPermNone) return {};
  std::string_view ns;
  std::string_view set;
  if (needed == security::kPermTruncate) {
    proto::find_info_param(cmd.params, "namespace", &ns);
    proto::find_info_param(cmd.params, "set", &set);
  }
  common::ResultCode result = session.check(needed, ns, set, cmd.name);
  if (result == common::ResultCode::NotAuthenticated) return "ERROR:80:not authenticated";
  if (result != common::ResultCode::Ok) {
    return "ERROR:81:role violation - requires permission '" + std::string(security::permission_name(needed)) + "'";
  }
  session.access().audit().sys_admin(result, session.peer(), session.user(), cmd.name, cmd.params);
  return {};
}

std::string answer_one(NodeContext& node, const proto::InfoCommand& cmd, const security::Session* session) {
  if (session) {
    if (std::string refused = check_info(*session, cmd); !refused.empty()) return refused;
  }
  if (is_xdr_command(cmd)) return forward_to_xdr(node, cmd);
  auto it = handlers().find(cmd.name);
  if (it == handlers().end()) return "ERROR:4:unrecognized command";
  return it->second(node, cmd);
}

}  // namespace

std::string answer_info(NodeContext& node, std::string_view body, const security::Session* session) {
  node.stats().info_requests.fetch_add(1, std::memory_order_relaxed);
  std::string out;
  // The whole request is refused, as the real server does before reading it, when the
  // connection never logged in or its user's password changed since.
  if (session && session->check(security::kPermNone, {}, {}, "info request") == common::ResultCode::NotAuthenticated) {
    return "ERROR:80:not authenticated\n";
  }
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
      proto::append_info_answer(out, name, answer_one(node, cmd, session));
    }
    return out;
  }
  for (const proto::InfoCommand& cmd : proto::parse_info_request(body)) {
    proto::append_info_answer(out, cmd.text, answer_one(node, cmd, session));
  }
  return out;
}

}  // namespace asd
