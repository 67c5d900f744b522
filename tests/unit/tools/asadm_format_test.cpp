// asadm's rendering: exact table text, the one-line node states, JSON shape and escaping.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "xdr_report.h"
#include "xdr_table.h"

using asadm::NodeReport;
using asadm::NodeState;
using asadm::XdrRow;

namespace {

constexpr int64_t kNow = 1'700'000'312'000;  // link_since below + 5m12s

const char* kDcStats =
    "link=up;link_since=1700000000000;lag=3;in_queue=12;in_progress=4;success=1000;not_found=2;"
    "filtered_out=7;abandoned=1;lost_conflict=0;retries=5;throughput=250.5;latency_ms=1.8;"
    "lag_p50_ms=2;lag_p99_ms=14;lag_max_ms=40;compression_ratio=2.10;dlog_used_pct=1.5;dlog_overwritten=0;recoveries=0;recoveries_pending=0;"
    "takeovers=2;takeover_records=1200;takeovers_pending=1;takeovers_from_log=2;takeovers_by_scan=0;"
    "namespaces=test";

NodeReport healthy_node() {
  NodeReport node;
  node.address = "10.0.0.1:3004";
  node.state = NodeState::Ok;
  node.node_id = "A1";
  node.statistics = asadm::parse_fields("dlog_used_pct=1.5;dlog_overwritten=0;dcs=1");
  node.rows.push_back({"DC2", "", asadm::parse_fields(kDcStats), ""});
  node.rows.push_back({"DC2", "test", asadm::parse_fields("link=down;lag=0;success=9"), ""});
  return node;
}

}  // namespace

TEST_CASE("fields parse and look up", "[tools][asadm]") {
  auto fields = asadm::parse_fields("a=1;;b=;c;d=x=y");
  REQUIRE(fields.size() == 4);
  CHECK(asadm::field(fields, "a") == "1");
  CHECK(asadm::field(fields, "b").empty());
  CHECK(asadm::field(fields, "c").empty());
  CHECK(asadm::field(fields, "d") == "x=y");
  CHECK(asadm::field(fields, "zz").empty());
  CHECK(asadm::split_list("DC1;DC2;", ';') == std::vector<std::string>{"DC1", "DC2"});
  CHECK(asadm::split_list("", ',').empty());
  CHECK(asadm::is_error_answer("ERROR:4:unrecognized command"));
  CHECK(asadm::is_error_answer("error"));
  CHECK_FALSE(asadm::is_error_answer("DC1;DC2"));
}

TEST_CASE("durations", "[tools][asadm]") {
  CHECK(asadm::format_duration(-5) == "0s");
  CHECK(asadm::format_duration(59'999) == "59s");
  CHECK(asadm::format_duration(312'000) == "5m12s");
  CHECK(asadm::format_duration(2 * 3600'000 + 3 * 60'000) == "2h03m");
  CHECK(asadm::format_duration(4 * 86400'000LL + 2 * 3600'000) == "4d02h");
}

TEST_CASE("table for a healthy node", "[tools][asadm]") {
  std::string text = asadm::format_table({healthy_node()}, kNow);
  const std::string expected =
      "10.0.0.1:3004 (node A1): 1 DC, dlog used 1.5%, overwritten 0\n"
      "node           DC   ns    link      lag(s)  lag p50(ms)  lag p99(ms)  in_queue  in_prog  success  not_found  abandoned  retries"
      "  rec/s  lat_ms  compr  dlog%  tk  tk_pend  tk_rec  rcv\n"
      "10.0.0.1:3004  DC2  all   up 5m12s       3            2           14        12        4     1000          2          1        5"
      "  250.5     1.8   2.10    1.5   2        1    1200    0\n"
      "10.0.0.1:3004  DC2  test  down           0            -            -         -        -        9          -          -        -"
      "      -       -      -      -   -        -       -    -\n"
      "\n"
      "DC summary (lag, lag p50, lag p99: the largest over the nodes that answered; other counts: sums)\n"
      "DC   answered  down  error  lag(s)  lag p50(ms)  lag p99(ms)  in_queue  tk  tk_pend  tk_rec  rcv\n"
      "DC2         1     0      0       3            2           14        12   2        1    1200    0\n";
  CHECK(text == expected);
}

TEST_CASE("failed nodes print one line and the others still print", "[tools][asadm]") {
  NodeReport dead;
  dead.address = "10.0.0.9:3004";
  dead.error = "client: connect 10.0.0.9:3004: Connection refused";
  NodeReport asd;
  asd.address = "10.0.0.2:3000";
  asd.state = NodeState::NotXdr;
  asd.error = "not an xdr info port: dcs answered 'ERROR:4:unrecognized command'";
  NodeReport empty;
  empty.address = "10.0.0.3:3004";
  empty.state = NodeState::Ok;

  std::string text = asadm::format_table({dead, asd, empty, healthy_node()}, kNow);
  INFO(text);
  CHECK(text.starts_with("10.0.0.9:3004  unreachable (client: connect 10.0.0.9:3004: Connection refused)\n\n"
                         "10.0.0.2:3000  error (not an xdr info port: dcs answered 'ERROR:4:unrecognized command')\n\n"
                         "10.0.0.3:3004  no datacenters configured\n\n"
                         "10.0.0.1:3004 (node A1)"));
}

TEST_CASE("a row the daemon refused prints its error in place of stats", "[tools][asadm]") {
  NodeReport node = healthy_node();
  node.rows.push_back({"DC3", "", {}, "ERROR:2:unknown dc"});
  std::string text = asadm::format_table({node}, kNow);
  INFO(text);
  CHECK(text.find("\n10.0.0.1:3004  DC3  all   error: ERROR:2:unknown dc\n") != std::string::npos);
  CHECK(text.find(": 2 DCs,") != std::string::npos);
}

TEST_CASE("a link down with a reason prints the reason under the table", "[tools][asadm]") {
  NodeReport node = healthy_node();
  node.rows.push_back({"DC3", "",
                       asadm::parse_fields("link=down;link_since=1700000000000;link_reason=client: tls: handshake "
                                           "with 10.0.3.1:4333 (tls-name dc3) failed: certificate verify failed: "
                                           "unable to get local issuer certificate;lag=0"),
                       ""});
  std::string text = asadm::format_table({node}, kNow);
  INFO(text);
  CHECK(text.find("\n  DC3 link down: client: tls: handshake with 10.0.3.1:4333 (tls-name dc3) failed: certificate "
                  "verify failed: unable to get local issuer certificate\n") != std::string::npos);
  CHECK(text.find("DC2 link down") == std::string::npos);
}

TEST_CASE("a link down prints why under the table", "[tools][asadm]") {
  NodeReport node = healthy_node();
  node.rows.push_back({"DC3", "", asadm::parse_fields("link=down;link_since=1700000300000;"
                                                      "link_reason=10.0.0.9:3000 refused: invalid credential"), ""});
  std::string text = asadm::format_table({node}, kNow);
  INFO(text);
  CHECK(text.find("\n  DC3 link down: 10.0.0.9:3000 refused: invalid credential\n") != std::string::npos);
  CHECK(text.find("DC2 link down") == std::string::npos);
}

TEST_CASE("json: numbers as numbers, strings escaped, nulls for absent", "[tools][asadm]") {
  CHECK(asadm::is_json_number("0"));
  CHECK(asadm::is_json_number("-12.5e+3"));
  CHECK_FALSE(asadm::is_json_number("012"));
  CHECK_FALSE(asadm::is_json_number("1."));
  CHECK_FALSE(asadm::is_json_number("0x10"));
  CHECK_FALSE(asadm::is_json_number("inf"));
  CHECK_FALSE(asadm::is_json_number(""));
  CHECK(asadm::json_quote("a\"b\\c\nd\x01") == "\"a\\\"b\\\\c\\nd\\u0001\"");

  NodeReport dead;
  dead.address = "h:1";
  dead.error = "refused \"x\"";
  std::string json = asadm::format_json({healthy_node(), dead});
  INFO(json);
  CHECK(json.starts_with("{\"nodes\":[\n {\"node\":\"10.0.0.1:3004\",\"status\":\"ok\",\"error\":null,\"id\":\"A1\","
                         "\"statistics\":{\"dlog_used_pct\":1.5,\"dlog_overwritten\":0,\"dcs\":1},\"rows\":[\n"
                         "   {\"dc\":\"DC2\",\"ns\":null,\"error\":null,\"stats\":{\"link\":\"up\","
                         "\"link_since\":1700000000000,\"lag\":3,"));
  CHECK(json.find("\"compression_ratio\":2.10,") != std::string::npos);
  CHECK(json.find("\"namespaces\":\"test\"}") != std::string::npos);
  CHECK(json.find("{\"dc\":\"DC2\",\"ns\":\"test\",\"error\":null,\"stats\":{\"link\":\"down\",\"lag\":0,\"success\":9}}")
        != std::string::npos);
  CHECK(json.find(",\n {\"node\":\"h:1\",\"status\":\"unreachable\",\"error\":\"refused \\\"x\\\"\",\"id\":null,"
                  "\"statistics\":{},\"rows\":[],\"asd_id\":null,\"asd\":null,\"peers_error\":null,"
                  "\"seen_by\":[]}\n ],\n") != std::string::npos);
  CHECK(asadm::format_json({}) == "{\"nodes\":[],\n \"dcs\":[]}\n");
}
