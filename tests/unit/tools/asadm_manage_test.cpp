// `manage config`: asadm 2.x's words to set-config commands, every usage error, the
// server's refusal text, and the per-node result against fake nodes.

#include <catch2/catch.hpp>

#include <string>

#include "asadm_nodes.h"
#include "fake_info_server.h"
#include "manage_config.h"

namespace {

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string command(const std::string& text) {
  std::string error;
  auto change = asadm::parse_config_change(words(text), error);
  INFO(text << ": " << error);
  REQUIRE(change);
  return change->command();
}

std::string error_of(const std::string& text) {
  std::string error;
  CHECK_FALSE(asadm::parse_config_change(words(text), error));
  return error;
}

}  // namespace

TEST_CASE("manage config words become set-config commands", "[tools][asadm]") {
  CHECK(command("namespace test param default-ttl to 100") == "set-config:context=namespace;id=test;default-ttl=100");
  CHECK(command("service param proto-fd-max to 20000") == "set-config:context=service;proto-fd-max=20000");
  CHECK(command("network heartbeat param interval to 250") == "set-config:context=network;heartbeat.interval=250");
  CHECK(command("xdr param xdr-max-ship-throughput to 5000") == "set-config:context=xdr;xdr-max-ship-throughput=5000");
  CHECK(command("xdr dc DC2 param dc-connections to 8") == "set-config:context=xdr;dc=DC2;dc-connections=8");
  CHECK(command("logging file console param info to debug") == "set-config:context=logging;id=console;info=debug");
  std::string error;
  auto change = asadm::parse_config_change(words("namespace test param default-ttl to 100"), error);
  REQUIRE(change);
  CHECK(change->title == "Set Namespace test Param default-ttl to 100");
  change = asadm::parse_config_change(words("xdr dc DC2 param dc-connections to 8"), error);
  REQUIRE(change);
  CHECK(change->title == "Set XDR DC DC2 Param dc-connections to 8");
}

TEST_CASE("manage config usage errors name what is wrong", "[tools][asadm]") {
  CHECK(error_of("namespace test param default-ttl") == "missing 'to VALUE' after 'param default-ttl'");
  CHECK(error_of("namespace test param default-ttl to") == "missing the value after 'to'");
  CHECK(error_of("namespace test param to 1") == "missing the key after 'param'");
  CHECK(error_of("namespace test default-ttl to 1").rfind("missing 'param'; expected: manage config", 0) == 0);
  CHECK(error_of("namespace param default-ttl to 1") == "'namespace' needs a namespace name before 'param'");
  CHECK(error_of("service extra param a to 1") == "unexpected 'extra' after 'service'");
  CHECK(error_of("network param interval to 1") ==
        "'network' needs a sub-context (service, heartbeat, fabric or info) before 'param'");
  CHECK(error_of("network disk param interval to 1") ==
        "unknown network sub-context 'disk' (expected service, heartbeat, fabric or info)");
  CHECK(error_of("xdr DC2 param a to 1") == "unexpected 'DC2' after 'xdr' (expected dc DC)");
  CHECK(error_of("bogus param a to 1") == "unknown context 'bogus' (expected service, network, namespace, xdr or logging)");
  CHECK(error_of("service param a to 1 2") == "unexpected '2' after the value (quote a value with spaces)");
  CHECK(error_of("service param a;b to 1") == "'a;b' may not contain ';', ':', '=' or a newline");
  CHECK(error_of("param a to 1").rfind("missing context; expected:", 0) == 0);
}

TEST_CASE("refusal text is the server's reason without the error prefix", "[tools][asadm]") {
  CHECK(asadm::refusal_text("ERROR::unknown key 'x' in service") == "unknown key 'x' in service");
  CHECK(asadm::refusal_text("ERROR:4:unknown dc DC9") == "unknown dc DC9");
  CHECK(asadm::refusal_text("error") == "error");
  CHECK(asadm::refusal_text("ok") == "ok");
}

TEST_CASE("manage config sends the change to every member and reports each", "[tools][asadm]") {
  tools_test::FakeInfoServer a1, a2;
  const std::string set = "set-config:context=namespace;id=test;default-ttl=100";
  a1.set("node", "A1");
  a1.set("peers-clear-std", "1,3000,[[A2,,[127.0.0.1:" + std::to_string(a2.port()) + "]]]");
  a2.set("node", "A2");
  a2.set("peers-clear-std", "1,3000,[]");
  for (auto* node : {&a1, &a2}) node->set("namespaces", "test");
  a1.set(set, "ok");
  a2.set(set, "ERROR::'default-ttl' is above max-ttl");
  std::string error;
  auto change = asadm::parse_config_change(words("namespace test param default-ttl to 100"), error);
  REQUIRE(change);
  auto report = asadm::collect_answers({{"127.0.0.1", a1.port()}}, asadm::change_plan(*change), 1000);
  size_t refused = 0;
  asadm::Sheet sheet = asadm::change_sheet(report, *change, refused);
  CHECK(refused == 1);
  REQUIRE(sheet.rows.size() == 2);
  const auto& ok_row = sheet.rows[a1.port() < a2.port() ? 0 : 1];
  const auto& refused_row = sheet.rows[a1.port() < a2.port() ? 1 : 0];
  CHECK(ok_row.cells == std::vector<std::string>{"127.0.0.1:" + std::to_string(a1.port()), "A1", "ok"});
  CHECK(refused_row.status == "refused");
  CHECK(refused_row.cells[2] == "'default-ttl' is above max-ttl");
  CHECK(refused_row.error == "ERROR::'default-ttl' is above max-ttl");
}
