// collect_cluster() against fake asd service ports: discovery through peers-clear-std from
// one seed, the same node reached twice, a dead peer, a peer with no address, a seed that
// is not asd, and a namespace query that fails.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster_report.h"
#include "cluster_table.h"
#include "fake_info_server.h"

using asadm::MemberState;

namespace {

client::Host local(uint16_t port) { return client::Host{"127.0.0.1", port}; }

std::string address(uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// A port nobody listens on: bind one, note it, close it.
uint16_t dead_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// One fake asd node of cluster key 5E1B with namespace test.
void make_node(tools_test::FakeInfoServer& node, const std::string& id, const std::string& peers) {
  node.set("node", id);
  node.set("peers-clear-std", peers);
  node.set("statistics",
           "cluster_size=3;cluster_key=5E1B;cluster_integrity=true;cluster_principal=A1;"
           "migrate_partitions_remaining=0");
  node.set("namespaces", "test");
  node.set("namespace/test", "master_partitions=1365;prole_partitions=1366;master_objects=7;prole_objects=8");
}

}  // namespace

TEST_CASE("collect cluster: one seed finds every member", "[tools][asadm]") {
  tools_test::FakeInfoServer a1, a2, a3;
  // Peers in the spec's form: generation, default port, [[id,tls,[addr:port]],...].
  make_node(a1, "A1",
            "7,3000,[[A2,,[127.0.0.1:" + std::to_string(a2.port()) + "]],[a3,,[127.0.0.1:" + std::to_string(a3.port()) +
                "]]]");
  make_node(a2, "A2", "7,3000,[]");
  make_node(a3, "A3", "7,3000,[]");

  auto report = asadm::collect_cluster({local(a1.port())}, 1000);
  CHECK(report.seeds == std::vector<std::string>{address(a1.port())});
  CHECK(report.problems.empty());
  REQUIRE(report.members.size() == 3);
  CHECK(report.members[0].address == address(a1.port()));
  CHECK(report.members[1].address == address(a2.port()));
  CHECK(report.members[2].node_id == "A3");  // the node's own answer, not the peer list's "a3"
  for (const auto& member : report.members) {
    INFO(member.address << " " << member.error);
    CHECK(member.state == MemberState::Ok);
    CHECK(asadm::field(member.statistics, "cluster_key") == "5E1B");
    REQUIRE(member.namespaces.size() == 1);
    CHECK(asadm::field(member.namespaces[0].fields, "prole_objects") == "8");
  }
  CHECK(a1.requests() == 3);  // peers, then statistics, then namespace/test
  CHECK(a2.requests() == 2);
  CHECK(asadm::summarize(report).lines.at(0) == "all nodes agree on cluster key 5E1B, size 3");
}

TEST_CASE("collect cluster: two seeds of one cluster, a dead peer, a peer without address", "[tools][asadm]") {
  tools_test::FakeInfoServer a1, a2;
  uint16_t gone = dead_port();
  // Both list each other and A3 (dead); A1 also lists A4, which advertises no address.
  make_node(a1, "A1",
            "7,3000,[[A2,,[127.0.0.1:" + std::to_string(a2.port()) + "]],[A3,,[127.0.0.1:" + std::to_string(gone) +
                "]],[A4,,[]]]");
  make_node(
      a2, "A2",
      "7,3000,[[A1,,[127.0.0.1:" + std::to_string(a1.port()) + "]],[A3,,[127.0.0.1:" + std::to_string(gone) + "]]]");

  auto report = asadm::collect_cluster({local(a1.port()), local(a2.port())}, 500);
  REQUIRE(report.members.size() == 4);
  CHECK(report.members[0].node_id == "A1");
  CHECK(report.members[1].node_id == "A2");
  CHECK(report.members[2].node_id == "A3");
  CHECK(report.members[2].state == MemberState::Unreachable);
  CHECK(report.members[2].address == address(gone));
  CHECK(report.members[3].node_id == "A4");
  CHECK(report.members[3].address == "-");
  CHECK(report.members[3].error == "its peers list no address for it");

  std::string text = asadm::format_cluster_table(report);
  INFO(text);
  CHECK(text.find("\n" + address(gone)) != std::string::npos);
  CHECK(text.find("WARNING: 2 of 4 nodes unreachable: " + address(gone) + ", -\n") != std::string::npos);
}

TEST_CASE("collect cluster: a dead seed is asked once and printed once", "[tools][asadm]") {
  tools_test::FakeInfoServer a1;
  uint16_t gone = dead_port();
  make_node(a1, "A1", "7,3000,[[A2,,[127.0.0.1:" + std::to_string(gone) + "]]]");
  auto report = asadm::collect_cluster({local(gone), local(a1.port())}, 500);
  REQUIRE(report.members.size() == 2);
  CHECK(report.members[0].address == address(gone));
  CHECK(report.members[0].state == MemberState::Unreachable);
  CHECK(report.members[0].node_id == "A2");  // learnt from A1's peers
  CHECK(report.members[1].state == MemberState::Ok);
}

TEST_CASE("collect cluster: an xdr port as seed, bad peers, a failing namespace", "[tools][asadm]") {
  tools_test::FakeInfoServer xdr;  // answers node and statistics, not namespaces or peers
  xdr.set("node", "X1");
  xdr.set("statistics", "dlog_used_pct=1");
  tools_test::FakeInfoServer odd;
  make_node(odd, "B1", "not a peers list");
  odd.set("namespaces", "test;gone");
  odd.set("namespace/gone", "type=unknown");

  auto report = asadm::collect_cluster({local(xdr.port()), local(odd.port())}, 1000);
  REQUIRE(report.members.size() == 2);
  CHECK(report.members[0].state == MemberState::NotAsd);
  CHECK(report.members[0].error == "not an asd service port: namespaces answered 'ERROR:4:unrecognized command'");
  CHECK(report.members[1].state == MemberState::Ok);
  REQUIRE(report.members[1].namespaces.size() == 2);
  CHECK(report.members[1].namespaces[0].error.empty());
  CHECK(report.members[1].namespaces[1].error == "type=unknown");
  REQUIRE(report.problems.size() == 2);
  CHECK(report.problems[0] == address(xdr.port()) + " did not list its peers: ERROR:4:unrecognized command");
  CHECK(report.problems[1].starts_with(address(odd.port()) + " sent unreadable peers 'not a peers list': "));
}
