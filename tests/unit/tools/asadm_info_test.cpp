// `asadm info`: the tables from canned answers (golden text), the sections' parsing, and
// the collection against fake asd nodes found from one seed.

#include <catch2/catch.hpp>

#include <string>

#include "asadm_nodes.h"
#include "fake_info_server.h"
#include "info_table.h"

using asadm::InfoSection;
using asadm::NodesReport;
using tools_test::dead_node;
using tools_test::ok_node;

namespace {

const std::string kStats1 =
    "uptime=3725;client_connections=7;cluster_size=3;cluster_key=5E1B;cluster_integrity=true;"
    "cluster_principal=A2;migrate_partitions_remaining=0";
const std::string kStats2 =
    "uptime=90;client_connections=2;cluster_size=3;cluster_key=5E1B;cluster_integrity=true;"
    "cluster_principal=A2;migrate_partitions_remaining=12";
const std::string kTest1 =
    "objects=10;tombstones=0;memory_used_bytes=2048;stop_writes=false;expired_objects=1;evicted_objects=0;"
    "master_objects=6;prole_objects=4;non_replica_objects=0;effective_replication_factor=2;"
    "migrate_tx_partitions_remaining=0;migrate_rx_partitions_remaining=0;memory-size=1048576;"
    "high-water-memory-pct=60;stop-writes-pct=90;rack-id=0";
const std::string kTest2 =
    "objects=10;tombstones=1;memory_used_bytes=1024;stop_writes=false;expired_objects=2;evicted_objects=3;"
    "master_objects=4;prole_objects=6;non_replica_objects=0;effective_replication_factor=2;"
    "migrate_tx_partitions_remaining=1;migrate_rx_partitions_remaining=2;memory-size=1048576;"
    "high-water-memory-pct=60;stop-writes-pct=90;rack-id=0";

NodesReport cluster() {
  NodesReport report;
  report.nodes.push_back(ok_node("127.0.0.1:3000", "A1",
                                 {{"namespaces", "test"},
                                  {"statistics", kStats1},
                                  {"build", "7.2.0.0"},
                                  {"edition", "Aerospike Community Edition"},
                                  {"service-clear-std", "10.0.0.1:3000"},
                                  {"namespace/test", kTest1},
                                  {"sets", "ns=test:set=demo:objects=6:tombstones=0:memory_data_bytes=600:"
                                           "stop-writes-count=0:disable-eviction=false;"}}));
  report.nodes.push_back(ok_node("127.0.0.1:3010", "A2",
                                 {{"namespaces", "test"},
                                  {"statistics", kStats2},
                                  {"build", "7.2.0.0"},
                                  {"edition", "Aerospike Community Edition"},
                                  {"service-clear-std", "10.0.0.2:3000"},
                                  {"namespace/test", kTest2},
                                  {"sets", "ns=test:set=demo:objects=4:tombstones=1:memory_data_bytes=400:"
                                           "stop-writes-count=0:disable-eviction=false;"}}));
  report.nodes.push_back(dead_node("127.0.0.1:3020", "A3"));
  return report;
}

std::string text(const NodesReport& report, InfoSection section) {
  return asadm::render_sheets_text(asadm::info_sheets(report, {section}));
}

}  // namespace

TEST_CASE("info network: one row per node, asadm's columns", "[tools][asadm]") {
  CHECK_GOLDEN(text(cluster(), InfoSection::Network),
        "~~ Network Information ~~\n"
        "Node            Node ID  IP             Build      Migrations  Cluster Size  Cluster Key  Cluster Integrity  "
        "Cluster Principal  Client Conns    Uptime\n"
        "127.0.0.1:3000  A1       10.0.0.1:3000  C-7.2.0.0           0             3  5E1B         true               "
        "A2                            7  01:02:05\n"
        "127.0.0.1:3010  A2       10.0.0.2:3000  C-7.2.0.0          12             3  5E1B         true               "
        "A2                            2  00:01:30\n"
        "127.0.0.1:3020  A3       unreachable (client: connect 127.0.0.1:3020: Connection refused)\n"
        "Number of rows: 3\n");
}

TEST_CASE("info namespace: usage and objects per node, a total per namespace", "[tools][asadm]") {
  CHECK_GOLDEN(text(cluster(), InfoSection::Namespace),
        "~~ Namespace Usage Information ~~\n"
        "Namespace  Node            Evictions  Stop Writes  Memory Used  Memory Used%  Memory HWM%  Memory Stop%  "
        "Device Used  Device Used%  Device Avail%\n"
        "test       127.0.0.1:3000          0  false           2.000 KB        0.20 %      60.00 %       90.00 %  "
        "          -             -              -\n"
        "test       127.0.0.1:3010          3  false           1.000 KB        0.10 %      60.00 %       90.00 %  "
        "          -             -              -\n"
        "test       127.0.0.1:3020  unreachable (client: connect 127.0.0.1:3020: Connection refused)\n"
        "test       total                   3  -               3.000 KB             -            -             -  "
        "          -             -              -\n"
        "Number of rows: 4\n"
        "\n"
        "~~ Namespace Object Information ~~\n"
        "Namespace  Node            Rack ID  Repl Factor  Expirations  Total Records  Objects Master  Objects Prole  "
        "Objects Non-Replica  Tombstones  Pending Migrates Tx  Pending Migrates Rx\n"
        "test       127.0.0.1:3000        0            2            1             10               6              4  "
        "                  0           0                    0                    0\n"
        "test       127.0.0.1:3010        0            2            2             11               4              6  "
        "                  0           1                    1                    2\n"
        "test       127.0.0.1:3020  unreachable (client: connect 127.0.0.1:3020: Connection refused)\n"
        "test       total                 -            -            3             21              10             10  "
        "                  0           1                    1                    2\n"
        "Number of rows: 4\n");
}

TEST_CASE("info set: one row per set and node, a total per set", "[tools][asadm]") {
  CHECK_GOLDEN(text(cluster(), InfoSection::Set),
        "~~ Set Information ~~\n"
        "Namespace  Set   Node            Memory Used  Total Records  Tombstones  Records Quota  Disable Eviction\n"
        "test       demo  127.0.0.1:3000        600 B              6           0              0  false\n"
        "test       demo  127.0.0.1:3010        400 B              4           1              0  false\n"
        "test       demo  127.0.0.1:3020  unreachable (client: connect 127.0.0.1:3020: Connection refused)\n"
        "test       demo  total                1000 B             10           1              -  -\n"
        "Number of rows: 4\n");
}

TEST_CASE("info xdr: a table per DC from the stats asd forwards; xdr off is a reason", "[tools][asadm]") {
  NodesReport report;
  report.nodes.push_back(ok_node("127.0.0.1:3000", "A1",
                                 {{"namespaces", "test"},
                                  {"get-config:context=xdr", "enable-xdr=true;xdr-info-port=3004"},
                                  {"get-config:context=namespace;id=test", "xdr-remote-datacenter=DC2"},
                                  {"get-stats:context=xdr;dc=DC2",
                                   "link=up;lag=65;in_queue=4;success=120;retry_conn_reset=1;retry_dest=0;"
                                   "throughput=12.5;latency_ms=3.0;recoveries_pending=0"}}));
  report.nodes.push_back(ok_node("127.0.0.1:3010", "A2",
                                 {{"namespaces", "test"},
                                  {"get-config:context=xdr", "ERROR:4:xdr is not enabled on this node"}}));
  CHECK(asadm::all_xdr_dcs(report) == std::vector<std::string>{"DC2"});
  CHECK_GOLDEN(text(report, InfoSection::Xdr),
        "~~ DC2 XDR Information ~~\n"
        "Node            Node ID  Success  Retry Connection Reset  Retry Destination  Recoveries Pending  "
        "Lag (hh:mm:ss)  Avg Latency (ms)  Throughput (rec/s)  In Queue  Link\n"
        "127.0.0.1:3000  A1           120                       1                  0                   0  "
        "      00:01:05               3.0                12.5         4  up\n"
        "127.0.0.1:3010  A2       error (ERROR:4:xdr is not enabled on this node)\n"
        "total           -            120                       1                  0                   0  "
        "             -                 -               12.50         4  -\n"
        "Number of rows: 3\n");
}

TEST_CASE("info sections: none means all, unknown or repeated words are refused", "[tools][asadm]") {
  std::string error;
  auto all = asadm::parse_info_sections({}, error);
  REQUIRE(all);
  CHECK(all->size() == 4);
  auto two = asadm::parse_info_sections({"set", "network"}, error);
  REQUIRE(two);
  CHECK(*two == std::vector<InfoSection>{InfoSection::Set, InfoSection::Network});
  CHECK_FALSE(asadm::parse_info_sections({"nodes"}, error));
  CHECK(error == "unknown info section 'nodes' (expected network, namespace, set or xdr)");
  CHECK_FALSE(asadm::parse_info_sections({"set", "set"}, error));
  CHECK(error == "info section 'set' given twice");
}

TEST_CASE("info namespace collects namespace/<ns> from every member found from one seed", "[tools][asadm]") {
  tools_test::FakeInfoServer a1, a2;
  a1.set("node", "A1");
  a1.set("peers-clear-std", "1,3000,[[A2,,[127.0.0.1:" + std::to_string(a2.port()) + "]]]");
  a2.set("node", "A2");
  a2.set("peers-clear-std", "1,3000,[]");
  for (auto* node : {&a1, &a2}) {
    node->set("namespaces", "test;bar");
    node->set("namespace/test", kTest1);
    node->set("namespace/bar", "type=unknown");
  }
  auto sections = std::vector<InfoSection>{InfoSection::Namespace};
  NodesReport report = asadm::collect_answers({{"127.0.0.1", a1.port()}}, asadm::info_plan(sections), 1000);
  REQUIRE(report.nodes.size() == 2);
  CHECK(a1.requests() == 3);  // discovery, then node + namespaces, then both namespace/<ns>
  auto sheets = asadm::info_sheets(report, sections);
  REQUIRE(sheets.size() == 2);
  const auto& rows = sheets[1].rows;
  REQUIRE(rows.size() == 6);  // test: 2 nodes + total; bar: 2 error rows + total
  CHECK(rows[2].status == "total");
  CHECK(rows[2].cells[6] == "12");  // master objects: 6 + 6
  CHECK(rows[3].status == "error");
  CHECK(rows[3].error == "type=unknown");
}
