#pragma once
// The per-DC summary of `show xdr`: one line per destination DC over every node listed.
// Pure functions of the node reports.
//
// A DC's lag is the largest `lag` among the nodes whose DC row answered: lag is the age of
// a node's oldest unshipped record, so the largest is the age of the DC's oldest one.
// lag_p50_ms and lag_p99_ms are also the largest over the nodes: not the DC's own
// percentile (the nodes' histograms are not sent), but never below it.
// in_queue, takeovers, takeovers_pending, takeover_records and recoveries are summed.
// A node counts for a DC when:
//   - it answered with a row for that DC: `answered`, or `error` when the row is an error;
//   - it is down (unreachable, xdr down, asd unreachable, seen down) or answered something
//     unusable (not xdr, error, xdr disabled), and some answering node of its cluster ships
//     to that DC, or its cluster is unknown (a plain xdr seed): `down` / `error`.
// A node that answered without that DC does not count (it belongs to a cluster that does
// not ship there, e.g. the other side of an active-active pair).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "xdr_report.h"

namespace asadm {

// One aggregated DC-level stat.
struct DcStat {
  const char* key;     // the get-stats field
  bool max = false;    // largest value, else the sum
  uint64_t value = 0;
  size_t reported = 0;  // answering nodes that sent the field as a number
};

struct DcSummary {
  std::string dc;
  std::vector<std::string> answered;  // labels (node_label), in node order
  std::vector<std::string> down;
  std::vector<std::string> error;
  // lag, lag_p50_ms, lag_p99_ms, in_queue, takeovers, takeovers_pending, takeover_records,
  // recoveries
  std::vector<DcStat> stats;

  // The stat's value as text: "-" when no node sent it, ">=N" when only some of the
  // answering nodes did (the true value is at least N), else N.
  std::string text(const DcStat& stat) const;
  bool partial(const DcStat& stat) const { return stat.reported < answered.size(); }
};

// DCs in first-seen order over the nodes' rows.
std::vector<DcSummary> summarize_dcs(const std::vector<NodeReport>& nodes);

}  // namespace asadm
