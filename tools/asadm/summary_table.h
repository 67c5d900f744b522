#pragma once
// `asadm summary`: asadm's cluster summary, computed from the nodes' stats (no license
// fields: this server has none). Two blocks:
//
//   ~~~~~~~~~~~~~ Cluster Summary ~~~~~~~~~~~~~
//   Migrations                  False
//   Cluster Name                cluster-demo
//   Server Version              C-7.2.0.0
//   OS Version                  debian12
//   Cluster Size                3
//   Devices Total               0
//   ...
//   ~~~~~~~~~~~~ Namespace Summary ~~~~~~~~~~~~
//   Namespace  Devices Total  Devices Per-Node  Memory Total  Memory Used%  ...
//
// Cluster items, in asadm's order: Migrations (any migrate_partitions_remaining > 0),
// Cluster Name, Server Version, OS Version (build_os), Cluster Size (each distinct value
// once, comma-separated), Devices Total / Per-Node / Equal Across Nodes (storage-engine
// file and device entries), Memory Total / Used / Used% / Avail / Avail% (namespaces'
// memory-size and memory_used_bytes), Device Total / Used / Used% / Avail / Avail% (only
// when some namespace stores on a device), Replication Factors, Master Objects,
// Namespaces Active (holding records) / Total, Active Features (KVS, Scan, SINDEX, UDF,
// XDR, from counters and catalogs). Namespace rows carry the same per namespace.
// Nodes that did not answer are listed under both blocks and left out of the sums.
//
// JSON: {"cluster":{"migrations":false,"cluster_name":"...",...,"active_features":"KVS"},
//        "namespaces":<sheet>,"notes":[...]}; sizes in bytes, percentages as numbers.

#include <string>
#include <vector>

#include "sheet.h"
#include "stats_collect.h"

namespace asadm {

struct SummaryItem {
  std::string title;  // "Memory Used%"
  std::string key;    // "memory_used_pct"
  std::string raw;    // as JSON gets it (a number when numeric)
  CellFormat format = CellFormat::Plain;
};

struct SummaryReport {
  std::vector<SummaryItem> cluster;
  Sheet namespaces;
  std::vector<std::string> notes;
};

InfoPlan summary_plan();

SummaryReport build_summary(const NodesReport& report);

std::string format_summary_text(const SummaryReport& summary);
std::string format_summary_json(const SummaryReport& summary);

}  // namespace asadm
