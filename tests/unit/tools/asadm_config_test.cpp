// `show config` / `show statistics`: the words, the keys x nodes tables (golden text and
// JSON), `like` filtering, and the collection from fake asd nodes.

#include <catch2/catch.hpp>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <sstream>
#include <string>

#include "asadm_nodes.h"
#include "config_table.h"
#include "fake_info_server.h"

using asadm::KeysKind;
using asadm::NodesReport;
using tools_test::dead_node;
using tools_test::ok_node;

namespace {

const std::string kTestConfig = "replication-factor=2;memory-size=1073741824;default-ttl=0;max-ttl=315360000";

NodesReport cluster() {
  NodesReport report;
  report.nodes.push_back(ok_node("127.0.0.1:3000", "A1",
                                 {{"namespaces", "test"},
                                  {"get-config:context=namespace;id=test", kTestConfig},
                                  {"sets", "ns=test:set=demo:objects=6:disable-eviction=false;"}}));
  report.nodes.push_back(ok_node("127.0.0.1:3010", "A2",
                                 {{"namespaces", "test"},
                                  {"get-config:context=namespace;id=test",
                                   "replication-factor=2;memory-size=1073741824;default-ttl=100;max-ttl=315360000"},
                                  {"sets", "ns=test:set=demo:objects=4:disable-eviction=false;"}}));
  report.nodes.push_back(dead_node("127.0.0.1:3020", "A3"));
  return report;
}

asadm::KeysRequest request(KeysKind kind, const std::vector<std::string>& words) {
  std::string error;
  auto parsed = asadm::parse_keys_request(kind, words, error);
  INFO(error);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("show config words: context, like patterns, and what is refused", "[tools][asadm]") {
  auto all = request(KeysKind::Config, {});
  CHECK(all.contexts == std::vector<std::string>{"service", "network", "namespace", "xdr"});
  CHECK_FALSE(all.explicit_context);
  auto like = request(KeysKind::Statistics, {"like", "client", "proxy"});
  CHECK(like.contexts.size() == 4);
  CHECK(like.likes == std::vector<std::string>{"client", "proxy"});
  auto ns = request(KeysKind::Config, {"namespace", "like", "ttl"});
  CHECK(ns.contexts == std::vector<std::string>{"namespace"});
  CHECK(ns.explicit_context);

  std::string error;
  CHECK_FALSE(asadm::parse_keys_request(KeysKind::Config, {"set"}, error));
  CHECK(error == "show config: unknown context 'set' (expected service, network, namespace or xdr)");
  CHECK_FALSE(asadm::parse_keys_request(KeysKind::Statistics, {"namespace", "like"}, error));
  CHECK(error == "show statistics: 'like' needs at least one pattern");
  CHECK_FALSE(asadm::parse_keys_request(KeysKind::Config, {"namespace", "ttl"}, error));
  CHECK(error == "show config: unexpected 'ttl' (expected like PATTERN)");
}

TEST_CASE("like keeps the keys containing any pattern", "[tools][asadm]") {
  CHECK(asadm::key_matches("default-ttl", {"ttl"}));
  CHECK(asadm::key_matches("default-ttl", {"memory", "default"}));
  CHECK_FALSE(asadm::key_matches("default-ttl", {"TTL"}));  // case-sensitive, as asadm
  CHECK_FALSE(asadm::key_matches("default-ttl", {"d.f"}));  // a substring, not a regex
  CHECK(asadm::key_matches("anything", {}));
}

TEST_CASE("show config namespace like ttl: keys x nodes, the dead node under the table", "[tools][asadm]") {
  auto sections = asadm::keys_sections(cluster(), request(KeysKind::Config, {"namespace", "like", "ttl"}));
  CHECK_GOLDEN(asadm::format_keys_text(sections),
               "~~ test Namespace Configuration ~~\n"
               "Node         127.0.0.1:3000  127.0.0.1:3010  127.0.0.1:3020\n"
               "default-ttl  0               100             -\n"
               "max-ttl      315360000       315360000       -\n"
               "Number of rows: 2\n"
               "127.0.0.1:3020: unreachable (client: connect 127.0.0.1:3020: Connection refused)\n");
  std::istringstream in(asadm::format_keys_json(sections));
  boost::property_tree::ptree tree;
  boost::property_tree::read_json(in, tree);
  const auto& section = tree.get_child("sections").front().second;
  CHECK(section.get<std::string>("context") == "namespace");
  CHECK(section.get<std::string>("id") == "test");
  const auto& first = section.get_child("nodes").front().second;
  CHECK(first.get<std::string>("node_id") == "A1");
  CHECK(first.get<int>("values.max-ttl") == 315360000);
  CHECK(first.get_child("values").size() == 2);
  CHECK(section.get_child("nodes").back().second.get<std::string>("status") == "unreachable");
}

TEST_CASE("show statistics set: one table per set", "[tools][asadm]") {
  auto sections = asadm::keys_sections(cluster(), request(KeysKind::Statistics, {"set", "like", "obj"}));
  CHECK_GOLDEN(asadm::format_keys_text(sections),
               "~~ test demo Set Statistics ~~\n"
               "Node     127.0.0.1:3000  127.0.0.1:3010  127.0.0.1:3020\n"
               "objects  6               4               -\n"
               "Number of rows: 1\n"
               "127.0.0.1:3020: unreachable (client: connect 127.0.0.1:3020: Connection refused)\n");
}

TEST_CASE("show config xdr: the xdr and DC configs through asd; off nodes say why", "[tools][asadm]") {
  tools_test::FakeInfoServer a1;
  a1.set("node", "A1");
  a1.set("peers-clear-std", "1,3000,[]");
  a1.set("namespaces", "test");
  a1.set("get-config:context=xdr", "enable-xdr=true;xdr-info-port=3004");
  a1.set("get-config:context=namespace;id=test", "default-ttl=0;xdr-remote-datacenter=DC2,DC3");
  a1.set("get-config:context=xdr;dc=DC2", "dc-node-address-port=10.0.0.9 3000");
  a1.set("get-config:context=xdr;dc=DC3", "ERROR:4:unknown dc DC3");
  auto req = request(KeysKind::Config, {"xdr"});
  NodesReport report = asadm::collect_answers({{"127.0.0.1", a1.port()}}, asadm::keys_plan(req), 1000);
  auto sections = asadm::keys_sections(report, req);
  REQUIRE(sections.size() == 3);
  CHECK(sections[0].title == "XDR Configuration");
  CHECK(sections[1].title == "DC2 DC Configuration");
  CHECK(asadm::field(sections[1].columns[0].values, "dc-node-address-port") == "10.0.0.9 3000");
  CHECK(sections[2].columns[0].status == "error");
  CHECK(sections[2].columns[0].error == "ERROR:4:unknown dc DC3");
  CHECK(a1.requests() == 4);  // discovery, first round, namespace configs, DC configs
}
