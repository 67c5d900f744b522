// TLS between clients and asd, with certificates made by openssl at test time
// (support/tls_material.h):
//   [tls_client]     the C++ client over TLS against a 2-node cluster: the second node is
//                    found through peers-tls-std, records go both ways; a wrong CA, a wrong
//                    tls-name and a server certificate the client blacklists are refused
//                    with OpenSSL's reason; plaintext bytes on the TLS port do not hurt asd.
//   [tls_tools]      asinfo, asbench, aql and asadm with the standard --tls-* flags and
//                    HOST:TLS-NAME:PORT hosts; an encrypted client key with
//                    --tls-keyfile-password in each of its forms.
//   [tls_reload]     tls-refresh-period: replaced certificate files are picked up by new
//                    connections (openssl s_client sees the new serial) while an open
//                    connection keeps working.
//   [tls_blacklist]  cert-blacklist: a client certificate listed by serial (and by serial
//                    and issuer) is refused in the handshake, another one is accepted.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "support/asd_node.h"
#include "support/cluster_dc.h"
#include "support/process.h"
#include "support/tls_material.h"
#include "support/xdr_dc.h"

namespace {

constexpr const char* kName = "asd.test";  // the name the server certificates carry

std::string tool(const char* env, const char* fallback) {
  const char* path = std::getenv(env);
  return path ? path : fallback;
}

// Runs `argv` to completion; the exit code and the combined output.
using Run = support::ToolRun;
Run run(const support::TempDir& dir, const std::vector<std::string>& argv, int timeout_ms = 30000) {
  return support::run_captured(dir, argv, {}, timeout_ms);
}

std::string tls_stanza(const std::string& name, const support::TlsCa::Leaf& leaf, const std::string& ca_file,
                       const std::string& extra = "") {
  return "  tls " + name + " {\n    cert-file " + leaf.cert + "\n    key-file " + leaf.key + "\n    ca-file " + ca_file +
         "\n    protocols TLSv1.2,TLSv1.3\n" + extra + "  }\n";
}

client::ClientConfig tls_config(uint16_t port, const std::string& ca_file, const std::string& tls_name = kName) {
  client::ClientConfig config;
  config.seeds = {client::Host{"127.0.0.1", port, tls_name}};
  config.tls.enable = true;
  config.tls.ca_file = ca_file;
  config.connect_timeout_ms = 2000;
  config.timeout_ms = 2000;
  return config;
}

// A single asd with a TLS listener on `tls_port` whose certificate is `leaf`.
support::AsdOptions tls_node(uint16_t tls_port, const support::TlsCa::Leaf& leaf, const std::string& ca_file,
                             const std::string& authenticate = "false", const std::string& stanza_extra = "") {
  support::AsdOptions o;
  o.network_extra = tls_stanza(kName, leaf, ca_file, stanza_extra);
  o.network_service_extra = "    tls-port " + std::to_string(tls_port) + "\n    tls-name " + kName +
                            "\n    tls-authenticate-client " + authenticate + "\n";
  return o;
}

// The serial number of the certificate a TLS server on `port` presents, as openssl prints it.
std::string served_serial(const support::TempDir& dir, uint16_t port, const std::string& ca_file) {
  std::string command = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -servername " + kName +
                        " -CAfile " + ca_file + " </dev/null 2>/dev/null | openssl x509 -noout -serial";
  Run r = run(dir, {"sh", "-c", command}, 15000);
  return r.code == 0 ? r.out : std::string();
}

}  // namespace

TEST_CASE("the client speaks TLS to a cluster and refuses certificates it should not trust", "[tls_client]") {
  support::TempDir keys;
  support::TlsCa ca(keys.path());
  auto server = ca.issue("server", kName, "1A01");
  support::TlsCa other(keys.path(), "other-ca");

  support::ClusterDcOptions o;
  o.name = "tls";
  o.nodes = 2;
  o.run_xdr = false;
  o.network_extra = tls_stanza(kName, server, ca.ca_file());
  o.service_tls_name = kName;
  support::ClusterDc dc(o);
  dc.start();

  SECTION("records over TLS, the second node found through peers-tls-std") {
    auto c = client::Client::connect(tls_config(dc.tls_port(0), ca.ca_file()));
    REQUIRE(c.ok());
    REQUIRE(support::eventually([&] { return (*c)->node_names().size() == 2; }, 10000));
    for (const auto& node : (*c)->nodes()) {
      CHECK(node.host.tls_name == kName);
      CHECK((node.host.port == dc.tls_port(0) || node.host.port == dc.tls_port(1)));
    }
    for (int64_t i = 0; i < 200; ++i) {
      REQUIRE((*c)->put(client::Key("test", "tls", i), {client::Bin("v", client::Value(i))}).ok());
    }
    for (int64_t i = 0; i < 200; ++i) {
      auto r = (*c)->get(client::Key("test", "tls", i));
      REQUIRE(r.ok());
      CHECK(r->bins.at(0).value == client::Value(i));
    }
    // The same records through the clear port: TLS changed the transport, not the data.
    auto plain = dc.connect();
    CHECK(plain->get(client::Key("test", "tls", 7)).ok());
  }

  SECTION("a CA that did not sign the server's certificate") {
    auto c = client::Client::connect(tls_config(dc.tls_port(0), other.ca_file()));
    REQUIRE_FALSE(c.ok());
    INFO(c.error().message);
    CHECK(client::is_tls_error(c.error().message));
    CHECK(c.error().message.find("certificate verify failed") != std::string::npos);
  }

  SECTION("a tls-name the certificate does not carry") {
    auto c = client::Client::connect(tls_config(dc.tls_port(0), ca.ca_file(), "someone.else"));
    REQUIRE_FALSE(c.ok());
    INFO(c.error().message);
    CHECK(c.error().message.find("tls-name someone.else") != std::string::npos);
    CHECK(c.error().message.find("mismatch") != std::string::npos);
  }

  SECTION("a server certificate in the client's cert-blacklist") {
    support::write_file(keys.path() + "/client-blacklist", "# refused\n1a01 " + ca.subject_line() + "\n");
    auto config = tls_config(dc.tls_port(0), ca.ca_file());
    config.tls.cert_blacklist = keys.path() + "/client-blacklist";
    auto c = client::Client::connect(config);
    REQUIRE_FALSE(c.ok());
    INFO(c.error().message);
    CHECK(c.error().message.find("certificate rejected") != std::string::npos);
  }

  SECTION("policy files that cannot be used") {
    auto config = tls_config(dc.tls_port(0), keys.path() + "/missing.pem");
    auto c = client::Client::connect(config);
    REQUIRE_FALSE(c.ok());
    CHECK(c.code() == common::ResultCode::Parameter);
    CHECK(c.error().message.find("client: tls: CA " + keys.path() + "/missing.pem") == 0);
  }

  SECTION("plaintext and garbage on the TLS port are refused, asd keeps serving") {
    for (int i = 0; i < 20; ++i) {
      auto answer = client::Client::info_host({"127.0.0.1", dc.tls_port(0)}, {"status"}, 500);
      CHECK_FALSE(answer.ok());
    }
    CHECK(support::info_on(dc.port(0), "status") == "ok");
    auto c = client::Client::connect(tls_config(dc.tls_port(0), ca.ca_file()));
    CHECK(c.ok());
    auto stats = support::parse_info_map(support::info_on(dc.port(0), "statistics"));
    CHECK(stats.num("tls_handshake_failures") >= 20);
  }
}

TEST_CASE("asinfo, asbench, aql and asadm take the standard TLS flags", "[tls_tools]") {
  support::TempDir keys;
  support::TlsCa ca(keys.path());
  auto server = ca.issue("server", kName, "2B02");
  support::TlsCa other(keys.path(), "other-ca");
  uint16_t tls_port = support::free_port();
  support::AsdNode node(tls_node(tls_port, server, ca.ca_file()));
  const std::string host = std::string("127.0.0.1:") + kName + ":" + std::to_string(tls_port);
  support::TempDir out;

  // asinfo: HOST:TLS-NAME:PORT, and --tls-name with a separate port.
  Run status = run(out, {tool("ASINFO_BIN", ASINFO_BIN_DEFAULT), "-h", host, "--tls-enable", "--tls-cafile",
                         ca.ca_file(), "-v", "status"});
  CHECK(status.code == 0);
  CHECK(status.out == "ok\n");
  Run named = run(out, {tool("ASINFO_BIN", ASINFO_BIN_DEFAULT), "-h", "127.0.0.1", "-p", std::to_string(tls_port),
                        "--tls-enable", "--tls-name", kName, "--tls-cafile", ca.ca_file(), "--tls-protocols",
                        "-all +TLSv1.3", "-v", "build"});
  CHECK(named.code == 0);
  Run refused = run(out, {tool("ASINFO_BIN", ASINFO_BIN_DEFAULT), "-h", host, "--tls-enable", "--tls-cafile",
                          other.ca_file(), "-v", "status"});
  CHECK(refused.code == 1);
  CHECK(refused.out.find("certificate verify failed") != std::string::npos);

  // asbench: inserts over TLS, then reads them back; every connection shook hands.
  Run insert = run(out, {tool("ASBENCH_BIN", ASBENCH_BIN_DEFAULT), "-h", host, "--tls-enable", "--tls-cafile",
                         ca.ca_file(), "-n", "test", "-s", "bench", "-k", "500", "-w", "I", "-z", "4", "-q"});
  INFO(insert.out);
  CHECK(insert.code == 0);
  CHECK(insert.out.find("errors none") != std::string::npos);
  CHECK(insert.out.find("connect 4 tls connections") != std::string::npos);
  auto c = node.connect();
  CHECK(c->get(client::Key("test", "bench", int64_t(499))).ok());
  Run bench_refused = run(out, {tool("ASBENCH_BIN", ASBENCH_BIN_DEFAULT), "-h", host, "--tls-enable",
                                "--tls-cafile", other.ca_file(), "-k", "10", "-w", "I", "-q"});
  CHECK(bench_refused.code != 0);

  // aql and asadm: a query and the cluster view over TLS.
  Run aql = run(out, {tool("AQL_BIN", AQL_BIN_DEFAULT), "-h", host, "--tls-enable", "--tls-cafile", ca.ca_file(),
                      "-c", "select * from test.bench where PK = 3"});
  INFO(aql.out);
  CHECK(aql.code == 0);
  CHECK(aql.out.find("1 row in set") != std::string::npos);
  Run asadm = run(out, {tool("ASADM_BIN", ASADM_BIN_DEFAULT), "-h", host, "--tls-enable", "--tls-cafile",
                        ca.ca_file(), "show", "cluster"});
  INFO(asadm.out);
  CHECK(asadm.code == 0);
  CHECK(asadm.out.find(std::to_string(tls_port)) != std::string::npos);

  // An encrypted client key for a node that requires client certificates: its password
  // given as file:, env:, the word itself, or -- the flag alone -- a line of standard
  // input; none, or a wrong one, is refused naming the key.
  auto client_leaf = ca.issue("client", "tools.client", "2B03");
  const std::string locked = ca.encrypted_key(client_leaf, "tool secret");
  support::write_file(keys.path() + "/tool-password", "tool secret\n");
  uint16_t mutual_port = support::free_port();
  support::AsdNode mutual(tls_node(mutual_port, server, ca.ca_file(), "any"));
  const std::string asinfo = tool("ASINFO_BIN", ASINFO_BIN_DEFAULT);
  const std::vector<std::string> with_key = {"-h", std::string("127.0.0.1:") + kName + ":" + std::to_string(mutual_port),
                                             "--tls-enable", "--tls-cafile", ca.ca_file(), "--tls-certfile",
                                             client_leaf.cert, "--tls-keyfile", locked, "-v", "status"};
  auto status_with = [&](std::vector<std::string> prefix, std::vector<std::string> extra, const std::string& input = {}) {
    prefix.insert(prefix.end(), with_key.begin(), with_key.end());
    prefix.insert(prefix.end(), extra.begin(), extra.end());
    return support::run_captured(out, prefix, input, 30000);
  };
  Run from_file = status_with({asinfo}, {"--tls-keyfile-password", "file:" + keys.path() + "/tool-password"});
  INFO(from_file.out);
  CHECK(from_file.out == "ok\n");
  CHECK(status_with({asinfo}, {"--tls-keyfile-password", "tool secret"}).out == "ok\n");
  CHECK(status_with({"env", "TOOL_KEY_PASSWORD=tool secret", asinfo}, {"--tls-keyfile-password", "env:TOOL_KEY_PASSWORD"})
            .out == "ok\n");
  CHECK(status_with({asinfo}, {"--tls-keyfile-password"}, "tool secret\n").out == "ok\n");
  Run none = status_with({asinfo}, {});
  CHECK(none.code == 1);
  CHECK(none.out.find(locked + " is encrypted: give its password") != std::string::npos);
  Run wrong = status_with({asinfo}, {"--tls-keyfile-password", "not it"});
  CHECK(wrong.code == 1);
  CHECK(wrong.out.find(locked + ": the password does not decrypt it") != std::string::npos);
}

TEST_CASE("replaced certificate files serve new connections after tls-refresh-period", "[tls_reload]") {
  support::TempDir keys;
  support::TlsCa ca(keys.path());
  auto first = ca.issue("first", kName, "3C01");
  auto second = ca.issue("second", kName, "3C02");
  // The listener reads these paths; the test overwrites them with the second certificate.
  support::TlsCa::Leaf live{keys.path() + "/live.pem", keys.path() + "/live.key"};
  support::write_file(live.cert, support::read_file(first.cert));
  support::write_file(live.key, support::read_file(first.key));
  uint16_t tls_port = support::free_port();
  support::AsdNode node(tls_node(tls_port, live, ca.ca_file()));
  support::TempDir out;

  CHECK(served_serial(out, tls_port, ca.ca_file()) == "serial=3C01\n");
  auto open = client::Client::connect(tls_config(tls_port, ca.ca_file()));
  REQUIRE(open.ok());
  REQUIRE((*open)->put(client::Key("test", "reload", int64_t(1)), {client::Bin("v", client::Value(int64_t(1)))}).ok());

  CHECK(support::info_on(node.port(), "set-config:context=service;tls-refresh-period=1") == "ok");
  CHECK(support::info_on(node.port(), "get-config:context=service").find("tls-refresh-period=1") != std::string::npos);
  // A half-written rotation (new certificate, old key) keeps the old context in use.
  support::write_file(live.cert, support::read_file(second.cert));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(served_serial(out, tls_port, ca.ca_file()) == "serial=3C01\n");
  support::write_file(live.key, support::read_file(second.key));
  CHECK(support::eventually([&] { return served_serial(out, tls_port, ca.ca_file()) == "serial=3C02\n"; }, 10000, 300));
  CHECK(node.log().find("tls reload failed tls=asd.test") != std::string::npos);
  CHECK(node.log().find("tls reloaded tls=asd.test") != std::string::npos);

  // The client opened before the reload goes on (pooled connections shook hands with the
  // first certificate); a new one verifies the second.
  CHECK((*open)->get(client::Key("test", "reload", int64_t(1))).ok());
  auto fresh = client::Client::connect(tls_config(tls_port, ca.ca_file()));
  CHECK(fresh.ok());
  // tls keys themselves are not dynamic: set-config says how certificates change.
  std::string answer = support::info_on(node.port(), "set-config:context=network;tls[0].cert-file=/x");
  CHECK(answer.find("tls-refresh-period") != std::string::npos);
}

TEST_CASE("cert-blacklist refuses listed client certificates in the handshake", "[tls_blacklist]") {
  support::TempDir keys;
  support::TlsCa ca(keys.path());
  auto server = ca.issue("server", kName, "4D00");
  auto listed = ca.issue("listed", "client.one", "4D01");
  auto listed_with_issuer = ca.issue("listed2", "client.two", "4D02");
  auto allowed = ca.issue("allowed", "client.three", "4D03");
  // A serial alone, a serial with its issuer, and a serial of another issuer (not ours).
  support::write_file(keys.path() + "/blacklist", "# revoked client certificates\n4D01\n04d02 " + ca.subject_line() +
                                                      "\n4D03 /CN=someone-else\n");
  uint16_t tls_port = support::free_port();
  support::AsdNode node(
      tls_node(tls_port, server, ca.ca_file(), "any", "    cert-blacklist " + keys.path() + "/blacklist\n"));

  auto with_cert = [&](const support::TlsCa::Leaf& leaf) {
    auto config = tls_config(tls_port, ca.ca_file());
    config.tls.cert_file = leaf.cert;
    config.tls.key_file = leaf.key;
    return client::Client::connect(config);
  };
  CHECK(with_cert(allowed).ok());
  auto refused = with_cert(listed);
  REQUIRE_FALSE(refused.ok());
  INFO(refused.error().message);
  CHECK(client::is_tls_error(refused.error().message));
  CHECK_FALSE(with_cert(listed_with_issuer).ok());
  CHECK(support::eventually(
      [&] { return node.log().find("client certificate refused subject=/CN=client.one reason=\"listed in "
                                   "cert-blacklist\"") != std::string::npos; },
      3000));
  CHECK(support::info_on(node.port(), "status") == "ok");
}
