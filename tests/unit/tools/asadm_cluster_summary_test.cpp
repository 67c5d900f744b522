// `asadm summary`: the cluster and namespace blocks computed from canned node stats
// (golden text), devices counted from storage-engine entries, features from counters.

#include <catch2/catch.hpp>

#include <string>

#include "asadm_nodes.h"
#include "summary_table.h"

using asadm::NodesReport;
using tools_test::dead_node;
using tools_test::ok_node;

namespace {

NodesReport cluster() {
  const std::string stats = "cluster_size=3;migrate_partitions_remaining=0;xdr_frames_written=0";
  const std::string mem =
      "objects=10;master_objects=5;memory_used_bytes=1048576;memory-size=1073741824;replication-factor=2;"
      "client_write_success=10;client_read_success=3";
  const std::string dev =
      "objects=0;master_objects=0;memory_used_bytes=0;memory-size=1073741824;replication-factor=1;"
      "storage-engine.file=/d/a,/d/b;device_total_bytes=4294967296;device_used_bytes=1073741824;"
      "device_available_pct=75";
  NodesReport report;
  for (const char* address : {"127.0.0.1:3000", "127.0.0.1:3010"}) {
    report.nodes.push_back(ok_node(address, address[12] == '0' ? "A1" : "A2",
                                   {{"namespaces", "mem;dev"},
                                    {"statistics", stats},
                                    {"build", "7.2.0.0"},
                                    {"edition", "Aerospike Community Edition"},
                                    {"build_os", "debian12"},
                                    {"cluster-name", "demo"},
                                    {"sindex-list:", ""},
                                    {"udf-list", ""},
                                    {"namespace/mem", mem},
                                    {"namespace/dev", dev}}));
  }
  report.nodes.push_back(dead_node("127.0.0.1:3020", "A3"));
  return report;
}

}  // namespace

TEST_CASE("summary: cluster totals over the answering nodes, then one row per namespace", "[tools][asadm]") {
  asadm::SummaryReport summary = asadm::build_summary(cluster());
  CHECK_GOLDEN(asadm::format_summary_text(summary),
               "~~ Cluster Summary ~~\n"
               "Migrations                  False\n"
               "Cluster Name                demo\n"
               "Server Version              C-7.2.0.0\n"
               "OS Version                  debian12\n"
               "Cluster Size                3\n"
               "Devices Total               4\n"
               "Devices Per-Node            2\n"
               "Devices Equal Across Nodes  True\n"
               "Memory Total                4.000 GB\n"
               "Memory Used                 2.000 MB\n"
               "Memory Used%                0.05 %\n"
               "Memory Avail                3.998 GB\n"
               "Memory Avail%               99.95 %\n"
               "Device Total                8.000 GB\n"
               "Device Used                 2.000 GB\n"
               "Device Used%                25.00 %\n"
               "Device Avail                6.000 GB\n"
               "Device Avail%               75.00 %\n"
               "Replication Factors         1,2\n"
               "Master Objects              10\n"
               "Namespaces Active           1\n"
               "Namespaces Total            2\n"
               "Active Features             KVS\n"
               "127.0.0.1:3020: unreachable (client: connect 127.0.0.1:3020: Connection refused)\n"
               "\n"
               "~~ Namespace Summary ~~\n"
               "Namespace  Devices Total  Devices Per-Node  Memory Total  Memory Used%  Memory Avail%  Device Total  "
               "Device Used%  Device Avail%  Replication Factors  Master Objects\n"
               "mem                    0                 0      2.000 GB        0.10 %        99.90 %             -  "
               "           -              -                    2              10\n"
               "dev                    4                 2      2.000 GB        0.00 %       100.00 %      8.000 GB  "
               "     25.00 %        75.00 %                    1               0\n"
               "Number of rows: 2\n"
               "127.0.0.1:3020: unreachable (client: connect 127.0.0.1:3020: Connection refused)\n");
  std::string json = asadm::format_summary_json(summary);
  CHECK(json.find("\"master_objects\":10,") != std::string::npos);
  CHECK(json.find("\"cluster_size\":\"3\"") != std::string::npos);
  CHECK(json.find("\"devices_equal_across_nodes\":true") != std::string::npos);
}
