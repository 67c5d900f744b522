// Discovery value parsers: node identity, peers (IPv6, empty lists), replicas bitmaps,
// info errors, host strings (wire-protocol.md §2.3-§2.5).

#include <catch2/catch.hpp>

#include "client/cluster_info.h"
#include "common/base64.h"

using client::Host;
using common::ResultCode;

namespace {

std::string bitmap_with(std::initializer_list<uint32_t> pids) {
  std::string raw(client::kBitmapBytes, '\0');
  for (uint32_t pid : pids) raw[pid / 8] = char(uint8_t(raw[pid / 8]) | (0x80 >> (pid % 8)));
  return common::base64_encode(raw);
}

}  // namespace

TEST_CASE("node identity is checked positionally", "[client]") {
  client::InfoAnswer ok{{"node", "BB9020011AC4202"}, {"partition-generation", "1"}, {"build", "8.1.2.0"}};
  auto id = client::parse_node_identity(ok, "");
  REQUIRE(id.ok());
  CHECK(id->name == "BB9020011AC4202");
  CHECK(id->partition_generation == 1);

  auto not_ready = ok;
  not_ready[1].second = "-1";
  CHECK_FALSE(client::parse_node_identity(not_ready, "").ok());
  auto long_name = ok;
  long_name[0].second = std::string(20, 'A');
  CHECK_FALSE(client::parse_node_identity(long_name, "").ok());
  auto old = ok;
  old[2].second = "4.9.0.2";
  CHECK_FALSE(client::parse_node_identity(old, "").ok());
  CHECK_FALSE(client::parse_node_identity(ok, "prod").ok());  // cluster-name line missing
  auto named = ok;
  named.push_back({"cluster-name", "prod"});
  CHECK(client::parse_node_identity(named, "prod").ok());
  CHECK_FALSE(client::parse_node_identity(named, "qa").ok());
}

TEST_CASE("build comparisons", "[client]") {
  CHECK(client::build_at_least("8.1.2.0", 8, 1, 0));
  CHECK(client::build_at_least("7.2.0", 6, 0, 0));
  CHECK_FALSE(client::build_at_least("7.2.0.0", 8, 1, 0));
  CHECK(client::build_at_least("4.9.0.3", 4, 9, 0, 3));
  CHECK_FALSE(client::build_at_least("garbage", 1, 0, 0));
}

TEST_CASE("peers: empty list and default port", "[client]") {
  auto single = client::parse_peers("1,3000,[]");
  REQUIRE(single.ok());
  CHECK(single->generation == 1);
  CHECK(single->default_port == 3000);
  CHECK(single->peers.empty());

  auto no_port = client::parse_peers("4,,[[BB9030011AC4202,,[10.0.0.6]]]");
  REQUIRE(no_port.ok());
  CHECK(no_port->default_port == 3000);
  REQUIRE(no_port->peers.size() == 1);
  CHECK(no_port->peers[0].hosts == std::vector<Host>{Host{"10.0.0.6", 3000}});
}

TEST_CASE("peers: two nodes, explicit ports, tls names", "[client]") {
  auto peers = client::parse_peers(
      "5,3100,[[BB9030011AC4202,,[10.0.0.6]],[BB9040011AC4202,tls1,[10.0.0.7:3200,host.example]]]");
  REQUIRE(peers.ok());
  CHECK(peers->generation == 5);
  REQUIRE(peers->peers.size() == 2);
  CHECK(peers->peers[0].node_name == "BB9030011AC4202");
  CHECK(peers->peers[0].tls_name.empty());
  CHECK(peers->peers[0].hosts == std::vector<Host>{Host{"10.0.0.6", 3100}});
  CHECK(peers->peers[1].tls_name == "tls1");
  CHECK(peers->peers[1].hosts == std::vector<Host>{Host{"10.0.0.7", 3200}, Host{"host.example", 3100}});
}

TEST_CASE("peers: IPv6 hosts", "[client]") {
  auto peers = client::parse_peers("7,3000,[[A1,,[[::1]:3101,[2001:db8::5]]],[A2,,[]]]");
  REQUIRE(peers.ok());
  REQUIRE(peers->peers.size() == 2);
  CHECK(peers->peers[0].hosts == std::vector<Host>{Host{"::1", 3101}, Host{"2001:db8::5", 3000}});
  CHECK(peers->peers[0].hosts[0].to_string() == "[::1]:3101");
  CHECK(peers->peers[1].hosts.empty());
}

TEST_CASE("peers: malformed values are errors", "[client]") {
  for (const char* bad : {"", "x,3000,[]", "1,3000,", "1,3000,[", "1,3000,[[A,,[h]]", "1,3000,[[,,[h]]]",
                          "1,3000,[]junk", "1,99999,[]", "1,3000,[[A,,[[::1]:x]]]"}) {
    INFO(bad);
    CHECK(client::parse_peers(bad).code() == ResultCode::ServerError);
  }
}

TEST_CASE("replicas: single node, all partitions", "[client]") {
  std::string all = std::string(682, '/') + "8=";
  auto parsed = client::parse_replicas("test:0,1," + all);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 1);
  const auto& ns = (*parsed)[0];
  CHECK(ns.ns == "test");
  CHECK(ns.regime == 0);
  CHECK(ns.replication_factor == 1);
  REQUIRE(ns.columns.size() == 1);
  for (uint32_t pid : {0u, 1u, 492u, 4095u}) CHECK(ns.owns(0, pid));
  CHECK_FALSE(ns.owns(1, 0));
}

TEST_CASE("replicas: bit order, replica columns, several namespaces", "[client]") {
  std::string zero = std::string(682, 'A') + "A=";
  std::string value = "test:0,2," + bitmap_with({0, 9, 4095}) + "," + bitmap_with({1}) + ";bar:3,1," + zero;
  auto parsed = client::parse_replicas(value);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  const auto& test = (*parsed)[0];
  CHECK(test.owns(0, 0));
  CHECK(test.owns(0, 9));
  CHECK(test.owns(0, 4095));
  CHECK_FALSE(test.owns(0, 1));
  CHECK_FALSE(test.owns(0, 8));
  CHECK(test.owns(1, 1));
  const auto& bar = (*parsed)[1];
  CHECK(bar.regime == 3);
  CHECK_FALSE(bar.owns(0, 0));

  // Columns beyond 3 are accepted but not kept; a trailing ';' is fine.
  std::string rf4 = "big:0,4," + zero + "," + zero + "," + zero + "," + zero + ";";
  auto four = client::parse_replicas(rf4);
  REQUIRE(four.ok());
  CHECK((*four)[0].columns.size() == 3);
  CHECK(client::parse_replicas("").ok());
}

TEST_CASE("replicas: malformed values discard the update", "[client]") {
  std::string all = std::string(682, '/') + "8=";
  const std::vector<std::string> bad_values{
      "test:0,1," + all.substr(1), "test:0,2," + all, "test:0,1," + all + ",extra", ":0,1," + all,
      "test:x,1," + all, "test:0,0", "test", "test:0,1," + std::string(684, '*'),
      std::string(32, 'n') + ":0,1," + all};
  for (const std::string& bad : bad_values) {
    INFO(bad.substr(0, 40));
    CHECK(client::parse_replicas(bad).code() == ResultCode::ServerError);
  }
}

TEST_CASE("info error values", "[client]") {
  CHECK(client::parse_info_error("ok").ok());
  auto unknown = client::parse_info_error("ERROR:4:unrecognized command");
  CHECK(unknown.code() == ResultCode::Parameter);
  CHECK(unknown.message() == "unrecognized command");
  CHECK(client::parse_info_error("ERROR::something").code() == ResultCode::ServerError);
  CHECK(client::parse_info_error("FAIL:201:no index").code() == ResultCode::SindexNotFound);
}

TEST_CASE("host strings", "[client]") {
  CHECK(Host::parse("127.0.0.1") == Host{"127.0.0.1", 3000});
  CHECK(Host::parse("localhost:3100") == Host{"localhost", 3100});
  CHECK(Host::parse("[::1]:4000") == Host{"::1", 4000});
  CHECK(Host::parse("[::1]") == Host{"::1", 3000});
  CHECK(Host::parse("::1", 3001) == Host{"::1", 3001});
  CHECK_FALSE(Host::parse(""));
  CHECK_FALSE(Host::parse("a:0"));
  CHECK_FALSE(Host::parse("a:70000"));
  CHECK_FALSE(Host::parse("[::1"));
  CHECK((Host{"10.0.0.1", 3000}.to_string()) == "10.0.0.1:3000");
}

TEST_CASE("host strings with a TLS name, as the tools write them", "[client]") {
  CHECK(Host::parse_with_tls_name("10.0.0.1:asd.example:4333") == Host{"10.0.0.1", 4333, "asd.example"});
  CHECK(Host::parse_with_tls_name("[::1]:asd.example:4333") == Host{"::1", 4333, "asd.example"});
  CHECK(Host::parse_with_tls_name("node1:4333", 3000) == Host{"node1", 4333});
  CHECK(Host::parse_with_tls_name("node1") == Host{"node1", 3000});
  // Bare IPv6 literals are not mistaken for HOST:NAME:PORT.
  CHECK(Host::parse_with_tls_name("::1", 3001) == Host{"::1", 3001});
  CHECK(Host::parse_with_tls_name("fe80::1:2") == Host{"fe80::1:2", 3000});
  CHECK_FALSE(Host::parse_with_tls_name(""));
  CHECK_FALSE(Host::parse_with_tls_name("a:name:70000"));
}
