// The per-DC summary of `show xdr` and the rows of nodes found through asd: exact table
// text for a three-node DC with one xdr down and one node seen down, the summary's
// counting rules, partial stats, and the JSON `dcs` array.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "xdr_report.h"
#include "xdr_summary.h"
#include "xdr_table.h"

using asadm::NodeReport;
using asadm::NodeState;

namespace {

constexpr int64_t kNow = 1'700'000'312'000;  // link_since below + 5m12s

NodeReport answering(const std::string& address, const std::string& asd_id, const std::string& dc_stats,
                     const std::string& cluster = "5E1B") {
  NodeReport node;
  node.address = address;
  node.state = NodeState::Ok;
  node.node_id = "BB9010BBC";
  node.asd_id = asd_id;
  node.cluster = cluster;
  node.statistics = asadm::parse_fields("dlog_used_pct=1.5;dlog_overwritten=0;dcs=1");
  node.rows.push_back({"DC2", "", asadm::parse_fields(dc_stats), ""});
  return node;
}

NodeReport failed(const std::string& address, const std::string& asd_id, NodeState state, const std::string& error,
                  const std::string& cluster = "5E1B") {
  NodeReport node;
  node.address = address;
  node.state = state;
  node.error = error;
  node.asd_id = asd_id;
  node.cluster = cluster;
  return node;
}

// A three-node DC as collect_xdr() returns it: A1 and A2 answer, A3's xdr is down, and A4
// (gone from the cluster) is still tracked by A1's xdr.
std::vector<NodeReport> three_node_dc() {
  const std::string common = "link=up;link_since=1700000000000;in_queue=12;in_progress=4;success=1000;not_found=2;"
                             "abandoned=0;retries=1;throughput=250.5;latency_ms=1.8;compression_ratio=2.10;"
                             "dlog_used_pct=1.5;recoveries=0;takeovers_pending=0;";
  std::vector<NodeReport> nodes;
  nodes.push_back(answering("10.0.0.1:3004", "A1", common + "lag=3;lag_p50_ms=2;lag_p99_ms=9;takeovers=1;takeover_records=1200"));
  nodes.push_back(answering("10.0.0.2:3004", "A2", common + "lag=41;lag_p50_ms=5;lag_p99_ms=7;takeovers=0;takeover_records=0"));
  nodes.push_back(failed("10.0.0.3:3004", "A3", NodeState::XdrDown,
                         "client: connect 10.0.0.3:3004: Connection refused"));
  NodeReport gone = failed("-", "A4", NodeState::SeenDown, "seen by A1, silent 12s");
  gone.seen_by.push_back({"A1", {"A4", "down", 12'000}});
  nodes.push_back(gone);
  return nodes;
}

}  // namespace

TEST_CASE("summary: a three-node DC with an xdr down and a node seen down", "[tools][asadm]") {
  std::string text = asadm::format_table(three_node_dc(), kNow);
  const std::string expected =
      "10.0.0.1:3004 (node BB9010BBC, asd A1): 1 DC, dlog used 1.5%, overwritten 0\n"
      "node           DC   ns   link      lag(s)  lag p50(ms)  lag p99(ms)  in_queue  in_prog  success  not_found  abandoned  retries"
      "  rec/s  lat_ms  compr  dlog%  tk  tk_pend  tk_rec  rcv\n"
      "10.0.0.1:3004  DC2  all  up 5m12s       3            2            9        12        4     1000          2          0        1"
      "  250.5     1.8   2.10    1.5   1        0    1200    0\n"
      "\n"
      "10.0.0.2:3004 (node BB9010BBC, asd A2): 1 DC, dlog used 1.5%, overwritten 0\n"
      "node           DC   ns   link      lag(s)  lag p50(ms)  lag p99(ms)  in_queue  in_prog  success  not_found  abandoned  retries"
      "  rec/s  lat_ms  compr  dlog%  tk  tk_pend  tk_rec  rcv\n"
      "10.0.0.2:3004  DC2  all  up 5m12s      41            5            7        12        4     1000          2          0        1"
      "  250.5     1.8   2.10    1.5   0        0       0    0\n"
      "\n"
      "10.0.0.3:3004 (asd A3)  xdr down (client: connect 10.0.0.3:3004: Connection refused)\n"
      "\n"
      "- (asd A4)  down (seen by A1, silent 12s)\n"
      "\n"
      "DC summary (lag, lag p50, lag p99: the largest over the nodes that answered; other counts: sums)\n"
      "DC   answered  down  error  lag(s)  lag p50(ms)  lag p99(ms)  in_queue  tk  tk_pend  tk_rec  rcv\n"
      "DC2         2     2      0      41            5            9        24   1        0    1200    0\n";
  CHECK(text == expected);
}

TEST_CASE("summary: which nodes count for a DC", "[tools][asadm]") {
  std::vector<NodeReport> nodes = three_node_dc();
  // Another cluster shipping to DC1 only: its nodes, up or down, are not DC2's.
  NodeReport other = answering("10.1.0.1:3004", "B1", "lag=500;in_queue=9");
  other.cluster = "77";
  other.rows[0].dc = "DC1";
  nodes.push_back(other);
  nodes.push_back(failed("10.1.0.2:3004", "B2", NodeState::XdrDown, "refused", "77"));
  // A plain xdr seed that did not answer: its cluster is unknown, so it counts everywhere.
  nodes.push_back(failed("10.9.9.9:3004", "", NodeState::Unreachable, "timeout", ""));
  // A member without xdr, and one whose DC row is an error.
  nodes.push_back(failed("10.0.0.5:3000", "A5", NodeState::XdrDisabled, "enable-xdr=false"));
  NodeReport refused = answering("10.0.0.6:3004", "A6", "");
  refused.rows[0].error = "ERROR:4:unknown dc DC2";
  nodes.push_back(refused);

  auto summaries = asadm::summarize_dcs(nodes);
  REQUIRE(summaries.size() == 2);
  const asadm::DcSummary& dc2 = summaries[0];
  CHECK(dc2.dc == "DC2");
  CHECK(dc2.answered == std::vector<std::string>{"A1", "A2"});
  CHECK(dc2.down == std::vector<std::string>{"A3", "A4", "10.9.9.9:3004"});
  CHECK(dc2.error == std::vector<std::string>{"A5", "A6"});
  CHECK(dc2.text(dc2.stats[0]) == "41");  // lag: the largest, not the sum
  const asadm::DcSummary& dc1 = summaries[1];
  CHECK(dc1.answered == std::vector<std::string>{"B1"});
  CHECK(dc1.down == std::vector<std::string>{"B2", "10.9.9.9:3004"});
  CHECK(dc1.error.empty());
  CHECK(dc1.text(dc1.stats[0]) == "500");
}

TEST_CASE("summary: stats some nodes did not send are marked partial", "[tools][asadm]") {
  std::vector<NodeReport> nodes = {
      answering("h1:3004", "A1", "lag=5;in_queue=2;takeovers=1"),
      answering("h2:3004", "A2", "lag=junk;in_queue=3"),  // an old xdr, and a bad lag
      answering("h3:3004", "A3", "lag=9;in_queue=4"),
  };
  auto summary = asadm::summarize_dcs(nodes).at(0);
  CHECK(summary.text(summary.stats[0]) == ">=9");
  CHECK(summary.text(summary.stats[1]) == "-");  // lag_p50_ms: an xdr older than the histogram
  CHECK(summary.text(summary.stats[3]) == "9");
  CHECK(summary.text(summary.stats[4]) == ">=1");
  CHECK(summary.text(summary.stats[6]) == "-");  // takeover_records: nobody sent it

  std::string text = asadm::format_table(nodes, 0);
  INFO(text);
  CHECK(text.find("\nh2:3004  DC2  all  -       junk            -            -         3") != std::string::npos);  // shown raw, not dropped
  CHECK(text.ends_with("DC2         3     0      0     >=9            -            -         9  >=1        -       -    -\n"));

  std::string json = asadm::format_json(nodes);
  INFO(json);
  CHECK(json.find("\"dcs\":[\n  {\"dc\":\"DC2\",\"answered\":3,\"down\":0,\"error\":0,\"lag\":9,\"lag_p50_ms\":null,\"lag_p99_ms\":null,\"in_queue\":9,"
                  "\"takeovers\":1,\"takeovers_pending\":null,\"takeover_records\":null,\"recoveries\":null,"
                  "\"partial\":[\"lag\",\"takeovers\"],\"answered_nodes\":[\"A1\",\"A2\",\"A3\"],"
                  "\"down_nodes\":[],\"error_nodes\":[]}\n ]}\n") != std::string::npos);
}

TEST_CASE("summary: json keeps the node objects and adds the DC summary", "[tools][asadm]") {
  std::string json = asadm::format_json(three_node_dc());
  INFO(json);
  CHECK(json.starts_with("{\"nodes\":[\n {\"node\":\"10.0.0.1:3004\",\"status\":\"ok\",\"error\":null,"
                         "\"id\":\"BB9010BBC\",\"statistics\":{"));
  CHECK(json.find("\n ],\"asd_id\":\"A1\",\"asd\":null,\"peers_error\":null,\"seen_by\":[]},") != std::string::npos);
  CHECK(json.find("{\"node\":\"10.0.0.3:3004\",\"status\":\"xdr_down\",\"error\":\"client: connect 10.0.0.3:3004: "
                  "Connection refused\",\"id\":null,\"statistics\":{},\"rows\":[],\"asd_id\":\"A3\"") !=
        std::string::npos);
  CHECK(json.find("{\"node\":\"-\",\"status\":\"seen_down\",\"error\":\"seen by A1, silent 12s\",\"id\":null,"
                  "\"statistics\":{},\"rows\":[],\"asd_id\":\"A4\",\"asd\":null,\"peers_error\":null,"
                  "\"seen_by\":[{\"node\":\"A1\",\"state\":\"down\",\"silent_ms\":12000}]}") != std::string::npos);
  CHECK(json.ends_with("\"dcs\":[\n  {\"dc\":\"DC2\",\"answered\":2,\"down\":2,\"error\":0,\"lag\":41,"
                       "\"lag_p50_ms\":5,\"lag_p99_ms\":9,\"in_queue\":24,\"takeovers\":1,\"takeovers_pending\":0,\"takeover_records\":1200,"
                       "\"recoveries\":0,\"partial\":[],\"answered_nodes\":[\"A1\",\"A2\"],"
                       "\"down_nodes\":[\"A3\",\"A4\"],\"error_nodes\":[]}\n ]}\n"));
}
