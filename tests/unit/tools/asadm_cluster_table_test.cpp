// `asadm show cluster` rendering from canned stats: the exact table, "-" for stats a node
// does not send yet, the summary (agreement, disagreement, unreachable, integrity,
// migrations) and the JSON shape.

#include <catch2/catch.hpp>

#include <string>

#include "cluster_report.h"
#include "cluster_table.h"

using asadm::ClusterMember;
using asadm::ClusterReport;
using asadm::MemberState;

namespace {

ClusterMember member(const std::string& address, const std::string& id, const std::string& statistics,
                     const std::string& test_stats) {
  ClusterMember out;
  out.address = address;
  out.state = MemberState::Ok;
  out.node_id = id;
  out.statistics = asadm::parse_fields(statistics);
  out.namespaces.push_back({"test", asadm::parse_fields(test_stats), ""});
  return out;
}

std::string stats(const std::string& key, int size, int remaining) {
  return "cluster_size=" + std::to_string(size) + ";cluster_key=" + key +
         ";cluster_integrity=true;cluster_principal=A1;migrate_allowed=true;migrate_partitions_remaining=" +
         std::to_string(remaining) + ";uptime=12";
}

// Three nodes after migrations: the cluster-spec stats as the lead's asd will send them.
ClusterReport healthy_cluster() {
  ClusterReport report;
  report.seeds = {"127.0.0.1:3000"};
  report.members.push_back(
      member("127.0.0.1:3000", "A1", stats("5E1B26C0D3F4", 3, 0),
             "master_partitions=1366;prole_partitions=1365;master_objects=4102;prole_objects=4087"));
  report.members.push_back(
      member("127.0.0.1:3010", "A2", stats("5E1B26C0D3F4", 3, 0),
             "master_partitions=1365;prole_partitions=1366;master_objects=4087;prole_objects=4102"));
  report.members.push_back(
      member("127.0.0.1:3020", "A3", stats("5E1B26C0D3F4", 3, 0),
             "master_partitions=1365;prole_partitions=1365;master_objects=4100;prole_objects=4100"));
  return report;
}

}  // namespace

TEST_CASE("cluster table: three nodes that agree", "[tools][asadm]") {
  // The table as an operator sees it (the leading newline is only for alignment here).
  const std::string expected = R"(
Node            Node ID  Principal  Cluster Key   Size  Integrity  Migrations  test parts M/R  test objects M/R
127.0.0.1:3000  A1       *          5E1B26C0D3F4     3  true                0       1366/1365         4102/4087
127.0.0.1:3010  A2                  5E1B26C0D3F4     3  true                0       1365/1366         4087/4102
127.0.0.1:3020  A3                  5E1B26C0D3F4     3  true                0       1365/1365         4100/4100

all nodes agree on cluster key 5E1B26C0D3F4, size 3
migrations: none remaining
)";
  CHECK("\n" + asadm::format_cluster_table(healthy_cluster()) == expected);
  auto summary = asadm::summarize(healthy_cluster());
  CHECK(summary.agree);
  CHECK(summary.cluster_key == "5E1B26C0D3F4");
  CHECK(summary.cluster_size == "3");
}

TEST_CASE("cluster table: a single node of today's asd prints '-' for stats it lacks", "[tools][asadm]") {
  ClusterReport report;
  report.seeds = {"127.0.0.1:3000"};
  report.members.push_back(member("127.0.0.1:3000", "BB9A1C2D3E4F501",
                                  "cluster_size=1;cluster_key=BB9A1C2D3E4F501;cluster_integrity=true;uptime=5",
                                  "ns_cluster_size=1;objects=10;master_objects=10;prole_objects=0"));
  report.members[0].namespaces.push_back({"bar", asadm::parse_fields("objects=0"), ""});
  const std::string expected = R"(
Node            Node ID          Principal  Cluster Key      Size  Integrity  Migrations  test parts M/R  test objects M/R  bar parts M/R  bar objects M/R
127.0.0.1:3000  BB9A1C2D3E4F501  -          BB9A1C2D3E4F501     1  true                -               -              10/0              -                -

all nodes agree on cluster key BB9A1C2D3E4F501, size 1
)";
  CHECK("\n" + asadm::format_cluster_table(report) == expected);
}

TEST_CASE("cluster table: a split, an unreachable node, lost integrity, migrations", "[tools][asadm]") {
  ClusterReport report = healthy_cluster();
  // A1 alone on one side, A2 (principal of the other side) and A3 migrating on the other.
  report.members[0].statistics = asadm::parse_fields(stats("11AA", 1, 0));
  report.members[1].statistics = asadm::parse_fields(
      "cluster_size=2;cluster_key=22BB;cluster_integrity=false;cluster_principal=A2;migrate_partitions_remaining=40");
  report.members[2].statistics = asadm::parse_fields(
      "cluster_size=2;cluster_key=22BB;cluster_integrity=true;cluster_principal=A2;migrate_partitions_remaining=2");
  report.members[2].namespaces[0] = {"test", {}, "ERROR::unknown namespace"};
  ClusterMember dead;
  dead.address = "127.0.0.1:3030";
  dead.node_id = "A4";
  dead.error = "client: connect 127.0.0.1:3030: Connection refused";
  report.members.push_back(dead);
  ClusterMember xdr;
  xdr.address = "127.0.0.1:3004";
  xdr.state = MemberState::NotAsd;
  xdr.error = "not an asd service port: namespaces answered 'ERROR:4:unrecognized command'";
  report.members.push_back(xdr);
  report.problems.push_back("127.0.0.1:3004 did not list its peers: ERROR:4:unrecognized command");

  std::string text = asadm::format_cluster_table(report);
  INFO(text);
  CHECK(text.find("\n127.0.0.1:3000  A1       *          11AA            1  true                0") !=
        std::string::npos);
  CHECK(text.find("\n127.0.0.1:3010  A2       *          22BB            2  false              40") !=
        std::string::npos);
  CHECK(text.find("\n127.0.0.1:3020  A3                  22BB            2  true                2               -"
                  "                 -\n") != std::string::npos);
  CHECK(text.find("\n127.0.0.1:3030  A4       unreachable (client: connect 127.0.0.1:3030: Connection refused)\n") !=
        std::string::npos);
  CHECK(text.find("\n127.0.0.1:3004  -        error (not an asd service port: namespaces answered "
                  "'ERROR:4:unrecognized command')\n") != std::string::npos);
  CHECK(
      text.ends_with("\n\n"
                     "WARNING: nodes disagree on the cluster key: 11AA (size 1) on A1; 22BB (size 2) on A2, A3\n"
                     "migrations: 42 partitions remaining\n"
                     "WARNING: 1 of 5 nodes unreachable: 127.0.0.1:3030\n"
                     "WARNING: not an asd service port: 127.0.0.1:3004\n"
                     "WARNING: cluster_integrity false on A2\n"
                     "WARNING: namespace test on A3: ERROR::unknown namespace\n"
                     "WARNING: 127.0.0.1:3004 did not list its peers: ERROR:4:unrecognized command\n"));
  CHECK_FALSE(asadm::summarize(report).agree);
}

TEST_CASE("cluster summary: size mismatch, missing keys, nobody answering", "[tools][asadm]") {
  ClusterReport report = healthy_cluster();
  report.members.pop_back();  // the cluster still says 3, only two answered
  CHECK(asadm::summarize(report).lines.at(2) == "WARNING: cluster_size is 3 but 2 nodes answered");

  report = healthy_cluster();
  report.members[2].statistics = asadm::parse_fields("cluster_size=3");
  CHECK(asadm::summarize(report).lines.at(0) ==
        "WARNING: nodes disagree on the cluster key: 5E1B26C0D3F4 (size 3) on A1, A2; no key on A3");

  report = healthy_cluster();
  report.members[1].statistics = asadm::parse_fields(stats("5E1B26C0D3F4", 2, 0));
  auto summary = asadm::summarize(report);
  CHECK(summary.lines.at(0) == "all nodes agree on cluster key 5E1B26C0D3F4, size -");
  CHECK(summary.lines.at(1) == "WARNING: nodes report different cluster sizes: 3 on A1, A3; 2 on A2");

  for (auto& m : report.members) m.statistics.clear();
  CHECK(asadm::summarize(report).lines == std::vector<std::string>{"cluster key unknown: no node reports cluster_key"});

  ClusterMember dead;
  dead.address = "10.0.0.1:3000";
  dead.error = "timeout";
  ClusterReport nobody;
  nobody.members.push_back(dead);
  CHECK(asadm::summarize(nobody).lines ==
        std::vector<std::string>{"WARNING: no node answered", "WARNING: 1 of 1 nodes unreachable: 10.0.0.1:3000"});
  CHECK(asadm::format_cluster_table(nobody) ==
        "Node           Node ID  Principal  Cluster Key  Size  Integrity  Migrations\n"
        "10.0.0.1:3000  -        unreachable (timeout)\n"
        "\n"
        "WARNING: no node answered\n"
        "WARNING: 1 of 1 nodes unreachable: 10.0.0.1:3000\n");
}

TEST_CASE("cluster json: numbers, booleans, nulls for absent stats", "[tools][asadm]") {
  ClusterReport report = healthy_cluster();
  report.members.resize(1);
  report.members[0].namespaces.push_back({"bar", {}, "type=unknown"});
  ClusterMember dead;
  dead.address = "127.0.0.1:3010";
  dead.node_id = "A2";
  dead.error = "refused";
  report.members.push_back(dead);
  std::string json = asadm::format_cluster_json(report);
  INFO(json);
  CHECK(json ==
        "{\"seeds\":[\"127.0.0.1:3000\"],\n"
        " \"nodes\":[\n"
        "  {\"node\":\"127.0.0.1:3000\",\"status\":\"ok\",\"error\":null,\"id\":\"A1\",\"principal\":true,"
        "\"cluster_key\":\"5E1B26C0D3F4\",\"cluster_size\":3,\"cluster_integrity\":true,"
        "\"migrate_partitions_remaining\":0,\"namespaces\":{"
        "\"test\":{\"error\":null,\"master_partitions\":1366,\"prole_partitions\":1365,"
        "\"master_objects\":4102,\"prole_objects\":4087},"
        "\"bar\":{\"error\":\"type=unknown\",\"master_partitions\":null,\"prole_partitions\":null,"
        "\"master_objects\":null,\"prole_objects\":null}}},\n"
        "  {\"node\":\"127.0.0.1:3010\",\"status\":\"unreachable\",\"error\":\"refused\",\"id\":\"A2\","
        "\"principal\":null,\"cluster_key\":null,\"cluster_size\":null,\"cluster_integrity\":null,"
        "\"migrate_partitions_remaining\":null,\"namespaces\":{}}\n"
        " ],\n"
        " \"summary\":{\"agree\":true,\"cluster_key\":\"5E1B26C0D3F4\",\"cluster_size\":3,\"lines\":["
        "\"all nodes agree on cluster key 5E1B26C0D3F4, size 3\","
        "\"migrations: none remaining\","
        "\"WARNING: cluster_size is 3 but 1 node answered\","
        "\"WARNING: 1 of 2 nodes unreachable: 127.0.0.1:3010\","
        "\"WARNING: namespace bar on A1: type=unknown\"]}}\n");
  // A numeric-looking cluster key stays a string.
  report.members[0].statistics = asadm::parse_fields("cluster_key=1234;cluster_size=1");
  CHECK(asadm::format_cluster_json(report).find("\"cluster_key\":\"1234\"") != std::string::npos);
  CHECK(asadm::format_cluster_json({}) ==
        "{\"seeds\":[],\n \"nodes\":[],\n \"summary\":{\"agree\":false,\"cluster_key\":null,"
        "\"cluster_size\":null,\"lines\":[\"WARNING: no node answered\"]}}\n");
}
