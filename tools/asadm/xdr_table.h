#pragma once
// Rendering of NodeReports for `asadm show xdr` / `watch xdr`. Pure functions of their
// input (the clock is a parameter), so the unit tests pin the exact text.
//
// Table, per node (a blank line between nodes), then a summary line per DC:
//   127.0.0.1:3004 (node A1, asd 1A2B): 2 DCs, dlog used 12.5%, overwritten 0
//   node            DC   ns    link      lag(s)  lag p50(ms)  lag p99(ms)  in_queue  ...  tk  tk_pend  tk_rec  rcv
//   127.0.0.1:3004  DC2  all   up 5m12s       0            2            4         0  ...   1        0     120    0
//   127.0.0.1:3004  DC2  test  up 5m12s       0            2            4         0  ...   -        -       -    0
//
//   127.0.0.1:3014 (asd 1A2C)  xdr down (client: connect 127.0.0.1:3014: Connection refused)
//
//   - (asd 1A2D)  down (seen by 1A2B, silent 12s)
//
//   DC summary (lag, lag p50, lag p99: the largest over the nodes that answered; other counts: sums)
//   DC   answered  down  error  lag(s)  lag p50(ms)  lag p99(ms)  in_queue  tk  tk_pend  tk_rec  rcv
//   DC2         1     2      0       0            2            4         0   1        0     120    0
// "all" is the DC as a whole; a missing field prints "-". lag(s) is the age of the oldest
// unshipped record; lag p50(ms) / p99(ms) are percentiles of the per-record lag (remote
// ack - LUT) over the last 10 s. The takeover columns are DC-level
// (tk = takeovers, tk_pend = takeovers_pending, tk_rec = takeover_records, rcv =
// recoveries). "(asd ID)" follows the address of a node found through asd. A node
// without a table prints one line, `ADDRESS  <state> (<why>)`, the state one of:
// unreachable, error, xdr down, asd unreachable, xdr not enabled, and for nodes known
// only from other xdrs' `peers`, down or unknown; a node without DCs prints
// `ADDRESS  no datacenters configured`. The DC summary (xdr_summary.h) prints when any
// node has a DC; a summary value ">=N" means some answering node did not send it.
//
// JSON: one object:
//   {"nodes":[{"node":"127.0.0.1:3004","status":"ok|unreachable|error|xdr_down|
//              asd_unreachable|xdr_disabled|seen_down","error":null|"...",
//              "id":"A1","statistics":{...},"rows":[{"dc":"DC2","ns":null|"test",
//              "error":null,"stats":{"link":"up","lag":0,...}}],
//              "asd_id":null|"1A2B","asd":null|"HOST:PORT","peers_error":null|"...",
//              "seen_by":[{"node":"1A2B","state":"down","silent_ms":12000}]}],
//    "dcs":[{"dc":"DC2","answered":1,"down":2,"error":0,"lag":0|null,"lag_p50_ms":2|null,
//            "lag_p99_ms":4|null,"in_queue":0|null,
//            "takeovers":1|null,"takeovers_pending":0|null,"takeover_records":120|null,
//            "recoveries":0|null,"partial":["takeovers"],"answered_nodes":[...],
//            "down_nodes":[...],"error_nodes":[...]}]}
// Each node object keeps the fields of the former top-level array, in the same order.
// Values that are JSON numbers print as numbers, true/false as booleans, the rest as
// strings; a summary stat no node sent is null, one only some sent is listed in partial.

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
