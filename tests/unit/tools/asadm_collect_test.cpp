// collect_node() against a fake xdr info port: DC and namespace rows, error rows, a port
// that is not xdr (asd answers ERROR:4 to `dcs`), a node with no DCs, a dead port.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_info_server.h"
#include "xdr_report.h"
#include "xdr_table.h"

using asadm::NodeState;

namespace {

client::Host local(uint16_t port) { return client::Host{"127.0.0.1", port}; }

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

}  // namespace

TEST_CASE("collect: DCs, their namespaces, and a DC the daemon refuses", "[tools][asadm]") {
  tools_test::FakeInfoServer xdr;
  xdr.set("node", "XDR1");
  xdr.set("dcs", "DC2;DC3");
  xdr.set("statistics", "dlog_used_pct=2.5;dlog_overwritten=0;dcs=2");
  xdr.set("get-stats:context=xdr;dc=DC2", "link=up;lag=0;success=5;namespaces=test,users");
  xdr.set("get-stats:context=xdr;dc=DC2;namespace=test", "lag=0;success=3");
  xdr.set("get-stats:context=xdr;dc=DC2;namespace=users", "lag=1;success=2");
  // DC3's get-stats is not in the table: the daemon answers ERROR:4 for it.

  auto report = asadm::collect_node(local(xdr.port()), 1000);
  REQUIRE(report.state == NodeState::Ok);
  CHECK(report.node_id == "XDR1");
  CHECK(asadm::field(report.statistics, "dlog_used_pct") == "2.5");
  REQUIRE(report.rows.size() == 4);
  CHECK(report.rows[0].dc == "DC2");
  CHECK(report.rows[0].ns.empty());
  CHECK(report.rows[1].ns == "test");
  CHECK(asadm::field(report.rows[1].fields, "success") == "3");
  CHECK(report.rows[2].ns == "users");
  CHECK(asadm::field(report.rows[2].fields, "lag") == "1");
  CHECK(report.rows[3].dc == "DC3");
  CHECK(report.rows[3].error == "ERROR:4:unrecognized command");
  CHECK(xdr.requests() == 3);  // three round trips, whatever the number of DCs

  std::string text = asadm::format_table({report}, 0);
  INFO(text);
  CHECK(text.find("DC3  all    error: ERROR:4:unrecognized command") != std::string::npos);
}

TEST_CASE("collect: asd's service port is reported as not xdr, not a crash", "[tools][asadm]") {
  tools_test::FakeInfoServer asd;  // knows no xdr commands, like asd
  asd.set("node", "BB9");
  auto report = asadm::collect_node(local(asd.port()), 1000);
  CHECK(report.state == NodeState::NotXdr);
  CHECK(report.error == "not an xdr info port: dcs answered 'ERROR:4:unrecognized command'");
}

TEST_CASE("collect: no datacenters, and an unreachable node", "[tools][asadm]") {
  tools_test::FakeInfoServer xdr;
  xdr.set("dcs", "");
  auto empty = asadm::collect_node(local(xdr.port()), 1000);
  CHECK(empty.state == NodeState::Ok);
  CHECK(empty.rows.empty());

  auto dead = asadm::collect_node(local(dead_port()), 500);
  CHECK(dead.state == NodeState::Unreachable);
  CHECK_FALSE(dead.error.empty());

  std::string text = asadm::format_table({dead, empty}, 0);
  INFO(text);
  CHECK(text.find("  unreachable (") != std::string::npos);
  CHECK(text.ends_with(empty.address + "  no datacenters configured\n"));
}
