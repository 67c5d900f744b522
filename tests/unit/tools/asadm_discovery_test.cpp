// collect_xdr() against fake asd service ports and xdr info ports: a cluster found from one
// asd seed, members whose xdr cannot be shown, nodes reached twice, peers seen down by an
// xdr, plain xdr seeds as before, and malformed discovery answers.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fake_info_server.h"
#include "xdr_discovery.h"
#include "xdr_summary.h"
#include "xdr_table.h"

using asadm::NodeState;
using tools_test::FakeInfoServer;

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

// asd's side of one node: its xdr-cluster answer and where it says its xdr listens.
void make_asd(FakeInfoServer& asd, const std::string& id, const std::string& cluster, uint16_t xdr_port) {
  asd.set("node", id);
  asd.set("xdr-cluster", cluster);
  asd.set("get-config:context=xdr",
          "enable-xdr=true;xdr-digestlog-path=/tmp/x.dlog 1G;xdr-info-port=" + std::to_string(xdr_port));
}

// xdr's side: one DC, DC2, shipping namespace test.
void make_xdr(FakeInfoServer& xdr, const std::string& lag, const std::string& takeovers,
              const std::string& peers = "") {
  xdr.set("node", "BB9010BBC");
  xdr.set("dcs", "DC2");
  xdr.set("statistics", "dlog_used_pct=1.5;dlog_overwritten=0;peers=" + peers + ";dcs=1");
  xdr.set("get-stats:context=xdr;dc=DC2", "link=up;lag=" + lag + ";in_queue=5;takeovers=" + takeovers +
                                              ";takeover_records=100;takeovers_pending=0;recoveries=1;"
                                              "namespaces=test");
  xdr.set("get-stats:context=xdr;dc=DC2;namespace=test", "link=up;lag=" + lag + ";in_queue=5;recoveries=1");
}

// "self=A1;key=5E1B;integrity=true;members=A1,A2,...;peers=A2@127.0.0.1:P2,..."
std::string cluster_answer(const std::string& self, const std::vector<std::pair<std::string, uint16_t>>& others,
                           const std::string& extra_members = "") {
  std::string members = self, peers;
  for (const auto& [id, port] : others) {
    members += "," + id;
    peers += (peers.empty() ? "" : ",") + id + "@127.0.0.1:" + std::to_string(port);
  }
  return "self=" + self + ";key=5E1B;integrity=true;members=" + members + extra_members + ";peers=" + peers;
}

const asadm::DcStat& stat(const asadm::DcSummary& summary, const std::string& key) {
  for (const auto& s : summary.stats) {
    if (s.key == key) return s;
  }
  FAIL("no stat " << key);
  return summary.stats.front();
}

}  // namespace

TEST_CASE("discovery: one asd seed shows the xdr of every member", "[tools][asadm]") {
  FakeInfoServer a1, a2, a3, x1, x2, x3;
  make_asd(a1, "A1", cluster_answer("A1", {{"A2", a2.port()}, {"a3", a3.port()}}), x1.port());
  make_asd(a2, "A2", cluster_answer("A2", {{"A1", a1.port()}, {"A3", a3.port()}}), x2.port());
  make_asd(a3, "A3", cluster_answer("A3", {{"A1", a1.port()}, {"A2", a2.port()}}), x3.port());
  make_xdr(x1, "3", "0", "A2:up:120,A3:up:80");
  make_xdr(x2, "7", "2", "A1:up:90,A3:up:85");
  make_xdr(x3, "0", "1", "A1:up:70,A2:up:75");

  auto nodes = asadm::collect_xdr({local(a1.port())}, 1000);
  REQUIRE(nodes.size() == 3);
  const uint16_t xdr_ports[] = {x1.port(), x2.port(), x3.port()};
  const uint16_t asd_ports[] = {a1.port(), a2.port(), a3.port()};
  const char* ids[] = {"A1", "A2", "a3"};  // a3 as A1's cluster answer spells it
  for (size_t i = 0; i < 3; ++i) {
    INFO(nodes[i].address << " " << nodes[i].error);
    CHECK(nodes[i].state == NodeState::Ok);
    CHECK(nodes[i].address == address(xdr_ports[i]));
    CHECK(nodes[i].asd_address == address(asd_ports[i]));
    CHECK(nodes[i].asd_id == ids[i]);
    CHECK(nodes[i].cluster == "5E1B");
    CHECK(nodes[i].rows.size() == 2);
    CHECK(nodes[i].peers.size() == 2);
  }
  CHECK(a1.requests() == 2);  // the probe, then get-config
  CHECK(a2.requests() == 1);  // get-config only
  CHECK(x1.requests() == 3);  // as collect_node: node/dcs/statistics, DC, namespaces

  auto summaries = asadm::summarize_dcs(nodes);
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].answered.size() == 3);
  CHECK(summaries[0].text(stat(summaries[0], "lag")) == "7");  // the oldest unshipped record is on A2
  CHECK(summaries[0].text(stat(summaries[0], "in_queue")) == "15");
  CHECK(summaries[0].text(stat(summaries[0], "takeovers")) == "3");
  CHECK(summaries[0].text(stat(summaries[0], "takeover_records")) == "300");
  CHECK(summaries[0].text(stat(summaries[0], "recoveries")) == "3");

  std::string text = asadm::format_table(nodes, 0);
  INFO(text);
  CHECK(text.starts_with(address(x1.port()) + " (node BB9010BBC, asd A1): 1 DC, dlog used 1.5%, overwritten 0\n"));
  CHECK(text.ends_with("DC2         3     0      0       7            -            -        15   3        0     300    3\n"));
}

TEST_CASE("discovery: members whose xdr cannot be shown still print, the others too", "[tools][asadm]") {
  FakeInfoServer a1, a2, a4, x1;
  const uint16_t gone_xdr = dead_port();
  const uint16_t gone_asd = dead_port();
  // A2's xdr is down; A3's asd is down; A4 runs without xdr; A5 is listed with no address.
  make_asd(a1, "A1", cluster_answer("A1", {{"A2", a2.port()}, {"A3", gone_asd}, {"A4", a4.port()}}, ",A5"),
           x1.port());
  make_asd(a2, "A2", "", gone_xdr);
  a4.set("get-config:context=xdr", "enable-xdr=false;xdr-info-port=3004");
  make_xdr(x1, "4", "0");

  auto nodes = asadm::collect_xdr({local(a1.port())}, 500);
  REQUIRE(nodes.size() == 5);
  CHECK(nodes[0].state == NodeState::Ok);
  CHECK(nodes[1].state == NodeState::XdrDown);
  CHECK(nodes[1].address == address(gone_xdr));
  CHECK(nodes[1].asd_id == "A2");
  CHECK_FALSE(nodes[1].error.empty());
  CHECK(nodes[2].state == NodeState::AsdUnreachable);
  CHECK(nodes[2].address == address(gone_asd));
  CHECK(nodes[3].state == NodeState::XdrDisabled);
  CHECK(nodes[4].state == NodeState::AsdUnreachable);
  CHECK(nodes[4].address == "-");
  CHECK(nodes[4].error == "its cluster lists no address for it");

  std::string text = asadm::format_table(nodes, 0);
  INFO(text);
  CHECK(text.find("\n" + address(gone_xdr) + " (asd A2)  xdr down (" + nodes[1].error + ")\n") != std::string::npos);
  CHECK(text.find("\n" + address(gone_asd) + " (asd A3)  asd unreachable (") != std::string::npos);
  CHECK(text.find("\n" + address(a4.port()) + " (asd A4)  xdr not enabled (enable-xdr=false)\n") != std::string::npos);
  CHECK(text.find("\n- (asd A5)  asd unreachable (its cluster lists no address for it)\n") != std::string::npos);
  // A4 without xdr is a problem of the DC, not a node that is down.
  CHECK(text.ends_with("DC2         1     3      1       4            -            -         5   0        0     100    1\n"));
}

TEST_CASE("discovery: a node reached twice is listed and asked once", "[tools][asadm]") {
  FakeInfoServer a1, a2, x1, x2;
  const uint16_t gone = dead_port();
  make_asd(a1, "A1", cluster_answer("A1", {{"A2", a2.port()}, {"A3", gone}}), x1.port());
  make_asd(a2, "A2", cluster_answer("A2", {{"A1", a1.port()}, {"A3", gone}}), x2.port());
  make_xdr(x1, "1", "0");
  make_xdr(x2, "2", "0");

  // A2's xdr given directly first, then both asd seeds, then A3's dead asd port as a seed.
  auto nodes = asadm::collect_xdr({local(x2.port()), local(a1.port()), local(a2.port()), local(gone)}, 500);
  REQUIRE(nodes.size() == 3);
  CHECK(nodes[0].address == address(x2.port()));
  CHECK(nodes[0].asd_id == "A2");  // the xdr seed learnt which member it serves
  CHECK(nodes[0].state == NodeState::Ok);
  CHECK(nodes[1].asd_id == "A1");
  CHECK(nodes[2].asd_id == "A3");
  CHECK(nodes[2].state == NodeState::AsdUnreachable);
  CHECK(x2.requests() == 3);  // its probe answer served as collect_node's first round
  CHECK(a2.requests() == 2);  // probe and one get-config, though two seeds list A2
  CHECK(asadm::summarize_dcs(nodes).at(0).down == std::vector<std::string>{"A3"});
}

TEST_CASE("discovery: peers an xdr sees down print as seen down, once", "[tools][asadm]") {
  FakeInfoServer a1, a2, x1, x2;
  make_asd(a1, "A1", cluster_answer("A1", {{"A2", a2.port()}}), x1.port());
  make_asd(a2, "A2", cluster_answer("A2", {{"A1", a1.port()}}), x2.port());
  // A4 left the cluster (asd no longer lists it) but both xdrs still track it; A2 is up.
  make_xdr(x1, "1", "0", "A2:up:100,A4:down:12000,A5:unknown:3000");
  make_xdr(x2, "2", "0", "A1:up:100,0a4:unknown:4000");

  auto nodes = asadm::collect_xdr({local(a1.port())}, 1000);
  REQUIRE(nodes.size() == 4);
  CHECK(nodes[2].state == NodeState::SeenDown);
  CHECK(nodes[2].asd_id == "A4");
  REQUIRE(nodes[2].seen_by.size() == 2);
  CHECK(nodes[2].seen_by[1].node == "A2");
  CHECK(nodes[3].asd_id == "A5");

  std::string text = asadm::format_table(nodes, 0);
  INFO(text);
  CHECK(text.find("\n- (asd A4)  down (seen by A1, silent 12s; seen by A2 as unknown, silent 4s)\n") !=
        std::string::npos);
  CHECK(text.find("\n- (asd A5)  unknown (seen by A1, silent 3s)\n") != std::string::npos);
  CHECK(text.ends_with("DC2         2     2      0       2            -            -        10   0        0     200    2\n"));
}

TEST_CASE("discovery: plain xdr seeds work as before, and unusable seeds say why", "[tools][asadm]") {
  FakeInfoServer x1, nothing, bad_cluster;
  make_xdr(x1, "3", "0");
  bad_cluster.set("node", "A1");
  bad_cluster.set("xdr-cluster", "members=A1");  // no self
  const uint16_t gone = dead_port();

  auto nodes = asadm::collect_xdr({local(x1.port()), local(nothing.port()), local(bad_cluster.port()), local(gone)},
                                  500);
  REQUIRE(nodes.size() == 4);
  auto alone = asadm::collect_node(local(x1.port()), 500);
  CHECK(nodes[0].state == NodeState::Ok);
  CHECK(nodes[0].rows.size() == alone.rows.size());
  CHECK(nodes[0].statistics == alone.statistics);
  CHECK(nodes[0].asd_id.empty());
  CHECK(nodes[1].state == NodeState::NotXdr);
  CHECK(nodes[1].error ==
        "neither an xdr info port nor an asd service port: dcs answered 'ERROR:4:unrecognized command', "
        "xdr-cluster 'ERROR:4:unrecognized command'");
  CHECK(nodes[2].state == NodeState::Error);
  CHECK(nodes[2].error == "asd sent an unreadable xdr-cluster: no node id in self= of 'members=A1'");
  CHECK(nodes[3].state == NodeState::Unreachable);
  CHECK(nodes[3].address == address(gone));
  // Plain seeds belong to no known cluster: their trouble counts for every DC.
  auto summary = asadm::summarize_dcs(nodes).at(0);
  CHECK(summary.down.size() == 1);
  CHECK(summary.error.size() == 2);
}

TEST_CASE("discovery: an asd seed without xdr-cluster uses peers-clear-std", "[tools][asadm]") {
  FakeInfoServer a1, a2, x1, x2;
  a1.set("node", "A1");
  a1.set("statistics", "cluster_key=77;cluster_size=2");
  a1.set("peers-clear-std", "3,3000,[[A2,,[127.0.0.1:" + std::to_string(a2.port()) + "]]]");
  a1.set("get-config:context=xdr", "enable-xdr=true;xdr-info-port=" + std::to_string(x1.port()));
  a2.set("get-config:context=xdr", "enable-xdr=true;xdr-info-port=" + std::to_string(x2.port()));
  make_xdr(x1, "1", "0");
  make_xdr(x2, "1", "0");

  auto nodes = asadm::collect_xdr({local(a1.port())}, 1000);
  REQUIRE(nodes.size() == 2);
  CHECK(nodes[0].asd_id == "A1");
  CHECK(nodes[1].asd_id == "A2");
  CHECK(nodes[1].address == address(x2.port()));
  CHECK(nodes[1].cluster == "77");
}

TEST_CASE("discovery: malformed get-config and xdr answers are error rows", "[tools][asadm]") {
  FakeInfoServer a1, a2, a3, x1, x3;
  make_asd(a1, "A1", cluster_answer("A1", {{"A2", a2.port()}, {"A3", a3.port()}}), x1.port());
  a2.set("get-config:context=xdr", "enable-xdr=true;xdr-info-port=70000");
  make_asd(a3, "A3", "", x3.port());
  make_xdr(x1, "1", "0", "A2:up");  // an unreadable peers view
  make_xdr(x3, "1", "0");
  x3.set("get-stats:context=xdr;dc=DC2", "ERROR:4:unknown dc DC2");

  auto nodes = asadm::collect_xdr({local(a1.port())}, 1000);
  REQUIRE(nodes.size() == 3);
  CHECK(nodes[0].peers_error == "unreadable peers entry 'A2:up'");
  CHECK(nodes[1].state == NodeState::Error);
  CHECK(nodes[1].error == "its asd's get-config:context=xdr is unreadable: xdr-info-port is '70000'");
  CHECK(nodes[2].state == NodeState::Ok);
  CHECK(nodes[2].rows.at(0).error == "ERROR:4:unknown dc DC2");

  std::string text = asadm::format_table(nodes, 0);
  INFO(text);
  CHECK(text.find("overwritten 0, peer view unreadable (unreadable peers entry 'A2:up')\n") != std::string::npos);
  CHECK(text.ends_with("DC2         1     0      2       1            -            -         5   0        0     100    1\n"));
}

TEST_CASE("discovery parsers refuse what they cannot read", "[tools][asadm]") {
  auto cluster = asadm::parse_xdr_cluster("self=a1;key=5E;members=A1,b2;peers=B2@[::1]:3000,C3@10.0.0.3:3010");
  REQUIRE(cluster);
  REQUIRE(cluster->members.size() == 2);  // C3 is a peer, not a member
  CHECK(cluster->members[0].id == "a1");
  CHECK_FALSE(cluster->members[0].service);
  CHECK(cluster->members[1].service == client::Host{"::1", 3000});
  for (const char* bad : {"", "self=", "self=zz", "self=A1;members=A1,x-y", "self=A1;peers=A2", "self=A1;peers=A2@h",
                          "self=A1;peers=A2@:3000", "self=A1;peers=A2@h:0", "self=A1;peers=A2@h:65536",
                          "self=A1;peers=@h:1", "self=12345678901234567"}) {
    INFO(bad);
    CHECK_FALSE(asadm::parse_xdr_cluster(bad));
  }

  auto on = asadm::parse_xdr_config("a=1;enable-xdr=true;xdr-info-port=3104");
  REQUIRE(on);
  CHECK(on->port == 3104);
  CHECK_FALSE(asadm::parse_xdr_config("enable-xdr=false;xdr-info-port=junk")->enabled);
  for (const char* bad : {"", "xdr-info-port=3004", "enable-xdr=yes;xdr-info-port=3004", "enable-xdr=true",
                          "enable-xdr=true;xdr-info-port=", "enable-xdr=true;xdr-info-port=-1"}) {
    INFO(bad);
    CHECK_FALSE(asadm::parse_xdr_config(bad));
  }

  auto peers = asadm::parse_peer_view("A2:up:10,A3:down:0,A4:unknown:99,A5:left:1200");
  REQUIRE(peers);
  REQUIRE(peers->size() == 4);
  CHECK((*peers)[3].state == "left");
  CHECK((*peers)[1].state == "down");
  CHECK((*peers)[2].silent_ms == 99);
  CHECK(asadm::parse_peer_view("")->empty());
  for (const char* bad : {"A2", "A2:up", "A2:sideways:1", "A2:up:x", "A2:up:1:2", ":up:1", "A2:up:-1"}) {
    INFO(bad);
    CHECK_FALSE(asadm::parse_peer_view(bad));
  }

  CHECK(asadm::node_id_key("0a1") == "A1");
  CHECK(asadm::node_id_key("not-hex") == "NOT-HEX");
  CHECK(asadm::node_id_key("").empty());
}
