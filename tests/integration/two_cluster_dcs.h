#pragma once
// The two DCs of the multi-node XDR scenarios (xdr_cluster_test.cpp, xdr_pipeline_test.cpp):
// DC1 is 3 nodes RF2 with asd + xdr each (options as given), DC2 is 2 nodes RF2, asd
// only, and DC1 ships its namespaces (test by default) to DC2. Started by the constructor.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "support/cluster_dc.h"

namespace xdr_cluster_test {

struct TwoDcs {
  std::unique_ptr<support::ClusterDc> dc1;
  std::unique_ptr<support::ClusterDc> dc2;

  // `dc2_namespaces`: DC2's namespaces when not just `test` with defaults.
  explicit TwoDcs(support::ClusterDcOptions o1 = {}, std::vector<support::DcNamespace> dc2_namespaces = {}) {
    o1.name = "DC1";
    o1.src_id = 1;
    support::ClusterDcOptions o2;
    o2.name = "DC2";
    o2.src_id = 2;
    o2.nodes = 2;
    o2.run_xdr = false;
    if (!dc2_namespaces.empty()) o2.namespaces = std::move(dc2_namespaces);
    dc1 = std::make_unique<support::ClusterDc>(o1);
    dc2 = std::make_unique<support::ClusterDc>(o2);
    dc1->ship_to(*dc2);
    dc2->start();
    dc1->start();
  }

  std::string logs() const { return dc1->logs_tail() + dc2->logs_tail(); }
};

// Sums a counter of the DC2 shipper over every live node of DC1.
inline double sum_stat(support::ClusterDc& dc, const std::string& key) {
  double total = 0;
  for (size_t i : dc.live()) total += std::max(0.0, dc.xdr_stats(i, "DC2").num(key));
  return total;
}

// The DC2 shipper statistics of every live node of DC1, one line each.
inline std::string all_stats(support::ClusterDc& dc) {
  std::string out;
  for (size_t i : dc.live()) out += "node " + std::to_string(i) + ": " + dc.xdr_stats(i, "DC2").raw + "\n";
  return out;
}

}  // namespace xdr_cluster_test
