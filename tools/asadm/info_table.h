#pragma once
// `asadm info [network|namespace|set|xdr]`: asadm's summary tables, one row per node (per
// namespace, set or DC and node), from the stats asd sends. Titles and column names are
// Aerospike asadm's; subgroups are flattened ("Objects Master").
//
//   network    "Network Information": Node, Node ID, IP, Build, Migrations,
//              Cluster Size/Key/Integrity/Principal, Client Conns, Uptime
//              (node, service-clear-std, build, edition, statistics)
//   namespace  "Namespace Usage Information": Evictions, Stop Writes, Memory Used/Used%/
//              HWM%/Stop%, Device Used/Used%/Avail%; "Namespace Object Information": Rack
//              ID, Repl Factor, Expirations, Total Records (master + prole + non-replica
//              objects + tombstones), Objects Master/Prole/Non-Replica, Tombstones, Pending
//              Migrates Tx/Rx (namespace/<ns>); each namespace ends with a total row
//   set        "Set Information": Memory Used, Total Records, Tombstones, Records Quota,
//              Disable Eviction (sets), a total row per set
//   xdr        "<DC> XDR Information" per DC: Success, Retry Connection Reset/Destination,
//              Recoveries Pending, Lag, Avg Latency (ms), Throughput (rec/s), In Queue, Link
//              (get-stats:context=xdr;dc=<DC> through asd, answered by its xdr)
// A node that did not answer is one row per table with its failure text.

#include <optional>
#include <string>
#include <vector>

#include "sheet.h"
#include "stats_collect.h"

namespace asadm {

enum class InfoSection { Network, Namespace, Set, Xdr };

// The sections named by `info`'s words (none: all four, in that order); nullopt with
// `error` set for an unknown or repeated word.
std::optional<std::vector<InfoSection>> parse_info_sections(const std::vector<std::string>& words,
                                                            std::string& error);

// What the sections need from every node.
InfoPlan info_plan(const std::vector<InfoSection>& sections);

// The tables, in section order.
std::vector<Sheet> info_sheets(const NodesReport& report, const std::vector<InfoSection>& sections);

}  // namespace asadm
