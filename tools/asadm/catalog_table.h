#pragma once
// `show sindex` and `show udfs`: the cluster's catalogs, one row per secondary index or
// UDF module. Both are cluster-wide metadata, so every node should list the same rows;
// identical rows from several nodes print once, and a node that lists an index or module
// differently (e.g. its index is still building: state WO) adds its own row.
//
//   sindex  `sindex-list:`  "Secondary Indexes": Index Name, Namespace, Set, Bin, Bin
//           Type, Index Type, State (sorted by index name, namespace, set)
//   udfs    `udf-list`      "UDF Modules": Filename, Hash, Type (sorted by filename)
// Nodes that did not answer are listed under the table.

#include "sheet.h"
#include "stats_collect.h"

namespace asadm {

enum class Catalog { Sindex, Udfs };

InfoPlan catalog_plan(Catalog catalog);

Sheet catalog_sheet(const NodesReport& report, Catalog catalog);

}  // namespace asadm
