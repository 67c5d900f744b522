#pragma once
// Values of the info commands that need more than a constant. Formats follow the real
// server byte for byte where clients parse them (wire-protocol §2.5, §2.8).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/info.h"

namespace asd {

class NodeContext;

inline constexpr std::string_view kBuildVersion = "7.2.0.0";
inline constexpr std::string_view kEdition = "Aerospike Community Edition";
inline constexpr std::string_view kVersionText = "Aerospike Community Edition build 7.2.0.0";
inline constexpr std::string_view kFeatures =
    "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;peers;pipelining;"
    "pquery;pscans;query-show;replicas;replicas-all;replicas-master;replicas-max;sindex-exists;"
    "truncate-namespace;udf;zstd-compression";

// One parameter of a command's `k=v;...` list ("" when absent), and whether it is there.
std::string info_param(const proto::InfoCommand& cmd, std::string_view key);
bool info_has_param(const proto::InfoCommand& cmd, std::string_view key);

std::string release_value();
std::string cluster_name_value(NodeContext& node);
std::string cluster_key_value(NodeContext& node);
// peers-clear-* (tls false) and peers-tls-* (tls true: the peers' TLS listeners and names).
std::string peers_value(NodeContext& node, bool tls);
std::string service_value(NodeContext& node);
// service-tls-std: the TLS listener's address:port, empty without one.
std::string service_tls_value(NodeContext& node);
std::string replicas_value(NodeContext& node, bool with_regime);
std::string replicas_master_value(NodeContext& node);
// info_cluster.cpp
std::string peers_generation_value(NodeContext& node);
std::string partition_generation_value(NodeContext& node);
// How many clusters this node has been part of, and how many balances it has done: each
// real membership change (and each balance) counts once.
std::string cluster_generation_value(NodeContext& node);
std::string rebalance_generation_value(NodeContext& node);
std::string cluster_size_value(NodeContext& node);
std::string cluster_stable_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string cluster_block_value(NodeContext& node, const proto::InfoCommand& cmd);
class Namespace;
void add_cluster_statistics(NodeContext& node, std::vector<std::pair<std::string, std::string>>& kv);
void add_namespace_cluster_stats(NodeContext& node, Namespace& ns, std::vector<std::pair<std::string, std::string>>& kv);
std::string rack_ids_value(NodeContext& node);
std::string namespaces_value(NodeContext& node);
std::string namespace_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string sets_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string statistics_value(NodeContext& node);
std::string get_config_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string set_config_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string truncate_value(NodeContext& node, const proto::InfoCommand& cmd, bool whole_namespace);
std::string log_set_value(const proto::InfoCommand& cmd);
std::string xdr_gaps_value(NodeContext& node);
// XDR commands sent to asd, answered by the node's xdr (info_xdr_forward.cpp).
bool is_xdr_command(const proto::InfoCommand& cmd);
std::string forward_to_xdr(NodeContext& node, const proto::InfoCommand& cmd);
// Background jobs (info_jobs.cpp).
std::string job_show_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string job_abort_value(NodeContext& node, const proto::InfoCommand& cmd);
// UDF modules (info_udf.cpp).
std::string udf_put_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string udf_get_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string udf_list_value(NodeContext& node);
std::string udf_remove_value(NodeContext& node, const proto::InfoCommand& cmd);
// Secondary indexes (info_sindex.cpp).
std::string sindex_create_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string sindex_delete_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string sindex_list_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string sindex_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string sindex_exists_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string sindex_stat_value(NodeContext& node, const proto::InfoCommand& cmd);
std::string xdr_gap_ack_value(NodeContext& node, const proto::InfoCommand& cmd);
// info_xdr_cluster.cpp
std::string xdr_cluster_value(NodeContext& node);
std::string xdr_roles_value(NodeContext& node, const proto::InfoCommand& cmd);

}  // namespace asd
