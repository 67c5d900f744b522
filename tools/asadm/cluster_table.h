#pragma once
// Rendering of a ClusterReport for `asadm show cluster`. Pure functions of their input, so
// the unit tests pin the exact text.
//
// Table, one row per member, then the summary:
//   Node            Node ID  Principal  Cluster Key   Size  Integrity  Migrations  test parts M/R  test objects M/R
//   127.0.0.1:3000  A1       *          5E1B26C0D3F4     3  true                0       1366/1365         4102/4087
//   127.0.0.1:3010  A2                  5E1B26C0D3F4     3  true                0       1365/1366         4087/4102
//   127.0.0.1:3020  A3       unreachable (client: connect 127.0.0.1:3020: Connection refused)
//
//   all nodes agree on cluster key 5E1B26C0D3F4, size 3
//   WARNING: 1 of 3 nodes unreachable: 127.0.0.1:3020
// "Migrations" is migrate_partitions_remaining; each namespace adds "parts M/R"
// (master_partitions/prole_partitions) and "objects M/R" (master_objects/prole_objects).
// A value the node did not send prints "-", so a node that does not know a stat yet still
// prints. Namespaces are the union over all members, in first-seen order.
//
// JSON: one object:
//   {"seeds":["127.0.0.1:3000"],
//    "nodes":[{"node":"127.0.0.1:3000","status":"ok|unreachable|error","error":null|"...",
//              "id":"A1","principal":true|false|null,"cluster_key":"5E1B..."|null,
//              "cluster_size":3|null,"cluster_integrity":true|null,
//              "migrate_partitions_remaining":0|null,
//              "namespaces":{"test":{"error":null,"master_partitions":1366,"prole_partitions":1365,
//                                    "master_objects":4102,"prole_objects":4087}}}],
//    "summary":{"agree":true,"cluster_key":"5E1B..."|null,"cluster_size":3|null,
//               "lines":["all nodes agree on cluster key 5E1B..., size 3"]}}
// An absent stat is null; numbers print as numbers.

#include <string>
#include <vector>

#include "cluster_report.h"

namespace asadm {

// What the members say about the cluster as a whole.
struct ClusterSummary {
  bool agree = false;              // every answering member reports the same cluster_key
  std::string cluster_key;         // that key, when they agree
  std::string cluster_size;        // the size they report, when they agree on it too
  std::vector<std::string> lines;  // the agreement line first, then "WARNING: ..." lines
};

ClusterSummary summarize(const ClusterReport& report);

std::string format_cluster_table(const ClusterReport& report);

std::string format_cluster_json(const ClusterReport& report);

}  // namespace asadm
