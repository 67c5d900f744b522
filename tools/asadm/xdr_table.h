#pragma once
// Rendering of NodeReports for `asadm show xdr` / `watch xdr`. Pure functions of their
// input (the clock is a parameter), so the unit tests pin the exact text.
//
// Table, per node (a blank line between nodes):
//   127.0.0.1:3004 (node A1): 2 DCs, dlog used 12.5%, overwritten 0
//   node            DC   ns    link         lag(s)  in_queue  ...  dlog%
//   127.0.0.1:3004  DC2  all   up 5m12s          0         0  ...    1.5
//   127.0.0.1:3004  DC2  test  up 5m12s          0         0  ...    1.5
// "all" is the DC as a whole; a missing field prints "-". A node that failed prints one
// line, `HOST:PORT  unreachable (<error>)` or `HOST:PORT  error (<error>)`, and a node
// without DCs `HOST:PORT  no datacenters configured`.
//
// JSON: one array, one object per node:
//   {"node":"127.0.0.1:3004","status":"ok|unreachable|error","error":null|"...",
//    "id":"A1","statistics":{...},"rows":[{"dc":"DC2","ns":null|"test","error":null,
//    "stats":{"link":"up","lag":0,...}}]}
// Values that are JSON numbers print as numbers, true/false as booleans, the rest as
// strings.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "xdr_report.h"

namespace asadm {

// now_ms: wall clock (unix ms) used to print how long a link has been up or down.
std::string format_table(const std::vector<NodeReport>& nodes, int64_t now_ms);

std::string format_json(const std::vector<NodeReport>& nodes);

// "3s", "5m12s", "2h03m", "4d02h"; negative durations (clock skew) print as "0s".
std::string format_duration(int64_t ms);

}  // namespace asadm
