// set-config on asd changes behaviour or refuses (docs: README "Configuration reference",
// column dynamic): proto-fd-max closes client connections past the limit at once, log
// levels change the log, several keys apply all or nothing, keys read only at start-up
// are refused, and xdr settings go to the node's xdr (none here: an error says so).

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "proto/frame.h"
#include "support/asd_node.h"
#include "support/process.h"
#include "support/raw_socket.h"
#include "support/xdr_dc.h"

namespace {

std::string info(client::Client& c, const std::string& command) {
  auto answer = c.info(command);
  REQUIRE(answer.ok());
  return *answer;
}

std::string status_request() {
  std::string out;
  size_t at = proto::begin_proto(out, proto::ProtoType::Info);
  out += "status\n";
  proto::end_proto(out, at);
  return out;
}

// A raw client connection that answers `status` (not closed on arrival).
bool served(uint16_t port) {
  support::RawSocket s(port);
  if (!s.send(status_request())) return false;
  auto answer = s.recv_proto(3000);
  return answer && answer->find("ok") != std::string::npos;
}

int64_t stat(client::Client& c, const std::string& name) {
  return int64_t(support::parse_info_map(info(c, "statistics")).num(name));
}

}  // namespace

TEST_CASE("proto-fd-max set at run time closes client connections past it", "[set_config_live]") {
  support::AsdNode node;
  auto c = node.connect();
  int64_t open = stat(*c, "client_connections");
  REQUIRE(info(*c, "set-config:context=service;proto-fd-max=" + std::to_string(open + 2)) == "ok");
  CHECK(info(*c, "get-config:context=service").find("proto-fd-max=" + std::to_string(open + 2)) != std::string::npos);
  std::vector<std::unique_ptr<support::RawSocket>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<support::RawSocket>(node.port()));
    REQUIRE(held.back()->send(status_request()));
    REQUIRE(held.back()->recv_proto(3000));
  }
  support::RawSocket refused(node.port());
  CHECK(refused.closed_by_peer(3000));
  CHECK(stat(*c, "client_connections_refused") >= 1);
  REQUIRE(info(*c, "set-config:context=service;proto-fd-max=15000") == "ok");
  CHECK(served(node.port()));
}

TEST_CASE("a shorter nsup-period set at run time takes effect from the last pass", "[set_config_live]") {
  support::AsdNode node({.namespaces = "namespace test {\n  replication-factor 1\n  memory-size 64M\n"
                                       "  nsup-period 3600\n  storage-engine memory\n}\n"});
  auto c = node.connect();
  client::WritePolicy p;
  p.ttl = 1;
  REQUIRE(c->put(client::Key("test", "s", 1), {{"v", client::Value(int64_t(1))}}, p).ok());
  auto stats = [&] { return support::parse_info_map(info(*c, "namespace/test")); };
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  // Expired, but no pass due for an hour: the record is still in the index.
  CHECK(stats().num("objects") == 1);
  REQUIRE(info(*c, "set-config:context=namespace;id=test;nsup-period=1") == "ok");
  CHECK(support::eventually([&] { return stats().num("objects") == 0; }, 5000, 100));
  CHECK(stats().num("expired_objects") == 1);
}

TEST_CASE("log levels set with set-config change what asd logs", "[set_config_live]") {
  support::AsdNode node;
  auto c = node.connect();
  REQUIRE(info(*c, "set-config:context=logging;id=console;any=warning") == "ok");
  REQUIRE(info(*c, "set-config:context=service;batch-max-requests=4001") == "ok");
  REQUIRE(info(*c, "set-config:context=logging;id=console;any=info") == "ok");
  REQUIRE(info(*c, "set-config:context=service;batch-max-requests=4002") == "ok");
  CHECK(support::eventually([&] { return node.log().find("batch-max-requests=4002") != std::string::npos; }, 5000));
  // The info line of the change made at level warning never reached the log.
  CHECK(node.log().find("batch-max-requests=4001") == std::string::npos);
}

TEST_CASE("service pidfile holds asd's process id while it runs", "[set_config_live]") {
  support::AsdNode node({.service_extra = "  pidfile {dir}/asd.pid\n"});
  std::string path = node.dir() + "/asd.pid";
  // Written right after the service port opens, so just after asd first answers.
  std::string want = std::to_string(node.process().pid()) + "\n";
  CHECK(support::eventually([&] { return support::read_file(path) == want; }, 5000));
  CHECK(node.terminate() == 0);
  CHECK(!std::filesystem::exists(path));
}

TEST_CASE("asd listens on every service address, and the info port where network.info says", "[set_config_live]") {
  support::AsdNode node({.service_address = "127.0.0.1\n127.0.0.2", .info_extra = "    address 127.0.0.3\n"});
  CHECK(support::info_on(node.port(), "status") == "ok");
  CHECK(support::info_on_host("127.0.0.2", node.port(), "status") == "ok");
  CHECK(support::info_on_host("127.0.0.3", node.info_port(), "status") == "ok");
  CHECK(support::info_on_host("127.0.0.1", node.info_port(), "status").rfind("ERROR:client", 0) == 0);
}

TEST_CASE("set-config applies all its keys or none; static keys are refused",
          "[set_config_live]") {
  support::AsdNode node;
  auto c = node.connect();
  std::string before = info(*c, "get-config:context=namespace;id=test");
  CHECK(info(*c, "set-config:context=namespace;id=test;default-ttl=100;max-record-size=bogus").rfind("ERROR::", 0) == 0);
  CHECK(info(*c, "get-config:context=namespace;id=test") == before);
  CHECK(info(*c, "set-config:context=namespace;id=test;enable-xdr=true").find("is not dynamic") != std::string::npos);
  CHECK(info(*c, "set-config:context=service;service-threads=2").find("is not dynamic") != std::string::npos);
  CHECK(info(*c, "set-config:context=network;heartbeat.interval=200").find("is not dynamic") != std::string::npos);
  // This node runs no xdr: xdr settings sent to asd say so (integration_xdr_via_asd has one).
  CHECK(info(*c, "set-config:context=xdr;xdr-max-ship-throughput=10") == "ERROR:4:xdr is not enabled on this node");
  CHECK(info(*c, "get-config:context=namespace;id=test") == before);
  REQUIRE(info(*c, "set-config:context=namespace;id=test;default-ttl=100;max-record-size=64K") == "ok");
  std::string after = info(*c, "get-config:context=namespace;id=test");
  CHECK(after.find("default-ttl=100") != std::string::npos);
  CHECK(after.find("max-record-size=65536") != std::string::npos);
}

TEST_CASE("stop-writes-sys-memory-pct set at run time stops and restarts client writes", "[set_config_live]") {
  support::AsdNode node;
  auto c = node.connect();
  client::Key key("test", "s", "sysmem");
  REQUIRE(c->put(key, {{"a", client::Value(1)}}).ok());
  // Any running machine uses more than 1% of its memory.
  REQUIRE(info(*c, "set-config:context=namespace;id=test;stop-writes-sys-memory-pct=1") == "ok");
  CHECK(c->put(key, {{"a", client::Value(2)}}).code() == common::ResultCode::OutOfSpace);
  CHECK(support::parse_info_map(info(*c, "namespace/test")).get("stop_writes") == "true");
  REQUIRE(info(*c, "set-config:context=namespace;id=test;stop-writes-sys-memory-pct=0") == "ok");
  CHECK(c->put(key, {{"a", client::Value(3)}}).ok());
}

TEST_CASE("set-config takes the Aerospike 7/8 names of namespace keys", "[set_config_live]") {
  support::AsdNode node;
  auto c = node.connect();
  REQUIRE(info(*c, "set-config:context=namespace;id=test;reject-non-xdr-writes=true") == "ok");
  CHECK(support::parse_info_map(info(*c, "get-config:context=namespace;id=test")).get("allow-nonxdr-writes") == "false");
  CHECK(c->put(client::Key("test", "s", "x"), {{"a", client::Value(1)}}).code() == common::ResultCode::Forbidden);
  REQUIRE(info(*c, "set-config:context=namespace;id=test;reject-non-xdr-writes=false") == "ok");
  CHECK(c->put(client::Key("test", "s", "x"), {{"a", client::Value(1)}}).ok());
  REQUIRE(info(*c, "set-config:context=namespace;id=test;data-size=2G") == "ok");
  CHECK(support::parse_info_map(info(*c, "get-config:context=namespace;id=test")).get("memory-size") == "2147483648");
}
