// Node-to-node TLS: heartbeat and fabric on TLS ports only, mutual, certificates made by
// openssl at test time. A 3-node RF2 cluster forms, replicates and migrates over TLS; a
// plaintext peer on the TLS fabric port is refused and counted; nodes whose certificate
// comes from a foreign CA or carries another name do not join; certificate files that
// cannot be used stop start-up, as does an encrypted key without its right
// key-file-password (with it, the node runs).

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/asd_node.h"
#include "support/cluster_dc.h"
#include "support/process.h"
#include "support/raw_socket.h"

namespace {

using client::Key;
using client::Value;

constexpr int64_t kRecords = 300;
const std::string kName = "node.cluster";  // ClusterDcOptions::node_tls_name

bool openssl(std::vector<std::string> args, const std::string& dir) {
  args.insert(args.begin(), "openssl");
  return support::run_tool(args, dir + "/openssl.log");
}

// A CA `ca` (ca.pem, ca.key) in `dir`, made once per name.
void make_ca(const std::string& dir, const std::string& ca) {
  REQUIRE(openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + ca, "-keyout",
                   dir + "/" + ca + ".key", "-out", dir + "/" + ca + ".pem"},
                  dir));
}

// A certificate `leaf` (leaf.pem, leaf.key) for `name` signed by CA `ca`.
void make_leaf(const std::string& dir, const std::string& ca, const std::string& leaf, const std::string& name) {
  std::string p = dir + "/" + leaf;
  support::write_file(p + ".ext", "subjectAltName=DNS:" + name + "\n");
  REQUIRE(openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", p + ".key", "-out",
                   p + ".csr"},
                  dir));
  REQUIRE(openssl({"x509", "-req", "-in", p + ".csr", "-CA", dir + "/" + ca + ".pem", "-CAkey", dir + "/" + ca + ".key",
                   "-CAcreateserial", "-days", "2", "-extfile", p + ".ext", "-out", p + ".pem"},
                  dir));
}

// The lines of a tls stanza: `leaf`'s certificate and key, verified against `ca`.
std::string stanza(const std::string& dir, const std::string& leaf, const std::string& ca) {
  return "    cert-file " + dir + "/" + leaf + ".pem\n    key-file " + dir + "/" + leaf + ".key\n    ca-file " + dir +
         "/" + ca + ".pem\n";
}

support::ClusterDcOptions tls_cluster(const std::string& name, size_t nodes, const std::string& tls_lines) {
  support::ClusterDcOptions o;
  o.name = name;
  o.nodes = nodes;
  o.run_xdr = false;
  o.node_tls = tls_lines;
  o.node_tls_name = kName;
  return o;
}

support::InfoMap stats(const support::ClusterDc& dc, size_t i) {
  return support::parse_info_map(dc.asd_info(i, "statistics"));
}

int64_t readable(client::Client& c) {
  int64_t found = 0;
  for (int64_t i = 0; i < kRecords; ++i) {
    auto r = c.get(Key("test", "tls", i));
    if (r.ok() && r.value().bins.size() == 1 && r.value().bins[0].value == Value(i)) ++found;
  }
  return found;
}

}  // namespace

TEST_CASE("a cluster on TLS-only heartbeat and fabric forms, replicates and migrates", "[node_tls_cluster]") {
  support::TempDir keys;
  const std::string k = keys.path();
  make_ca(k, "ca");
  make_leaf(k, "ca", "node", kName);
  support::ClusterDc dc(tls_cluster("TLS", 3, stanza(k, "node", "ca")));
  dc.start();
  for (size_t i = 0; i < 3; ++i) {
    INFO(dc.logs_tail());
    CHECK(stats(dc, i).num("cluster_size") == 3);
    support::InfoMap net = support::parse_info_map(dc.asd_info(i, "get-config:context=network"));
    // No plaintext heartbeat or fabric listener: the TLS ports are the only ones.
    CHECK(net.get("heartbeat.port") == "0");
    CHECK(net.get("fabric.port") == "0");
    CHECK(net.get("fabric.tls-port") == std::to_string(dc.fabric_port(i)));
    CHECK(net.get("fabric.tls-name") == kName);
    CHECK(net.get("heartbeat.tls-name") == kName);
    CHECK(dc.asd_info(i, "set-config:context=network;fabric.tls-port=4000").find("not dynamic") != std::string::npos);
  }

  {
    auto c = dc.connect();
    for (int64_t i = 0; i < kRecords; ++i) REQUIRE(c->put(Key("test", "tls", i), {{"n", Value(i)}}).ok());
  }
  // Every write went to its replica over the TLS fabric: with node 2 gone, the records it
  // was master of are read from their copies. (Node 0 stays: a joining node seeds it.)
  dc.kill9(2);
  REQUIRE(dc.wait_stable(2, 30000));
  {
    auto c = dc.connect();
    CHECK(readable(*c) == kRecords);
  }

  // A node joining gets its partitions by migration, over TLS.
  size_t fourth = dc.add_node();
  REQUIRE(dc.wait_stable(3, 60000));
  support::InfoMap ns = support::parse_info_map(dc.asd_info(fourth, "namespace/test"));
  INFO(ns.raw);
  CHECK(ns.num("objects") > 0);
  {
    auto c = dc.connect();
    CHECK(readable(*c) == kRecords);
  }

  // A peer that speaks plaintext to the TLS fabric port is closed and counted.
  double before = stats(dc, 1).num("fabric_tls_handshake_failures");
  {
    support::RawSocket raw(dc.fabric_port(1));
    raw.send(std::string("\0\0\0\5hello", 9));
    // OpenSSL answers with an alert, then closes: read past the alert to the end.
    bool closed = false;
    for (int i = 0; i < 64 && !closed; ++i) closed = raw.closed_by_peer(5000);
    CHECK(closed);
  }
  CHECK(support::eventually([&] { return stats(dc, 1).num("fabric_tls_handshake_failures") > before; }, 5000));
  CHECK(dc.asd_log(1).find("fabric tls handshake failed") != std::string::npos);
  CHECK(stats(dc, 1).num("cluster_size") == 3);
}

TEST_CASE("nodes whose certificate has a foreign CA or another name do not join", "[node_tls_refused]") {
  support::TempDir keys;
  const std::string k = keys.path();
  make_ca(k, "ca");
  make_ca(k, "foreign");
  make_leaf(k, "ca", "node", kName);
  make_leaf(k, "foreign", "stranger", kName);      // the right name from the wrong CA
  make_leaf(k, "ca", "misnamed", "other.cluster");  // the right CA, the wrong name
  support::ClusterDc dc(tls_cluster("TLSR", 2, stanza(k, "node", "ca")));
  dc.start();

  // The stranger trusts its own CA only; the misnamed node trusts the cluster's CA.
  size_t stranger = dc.add_node(stanza(k, "stranger", "foreign"));
  size_t misnamed = dc.add_node(stanza(k, "misnamed", "ca"));
  // Both keep trying through node 0's heartbeat port; each attempt is refused.
  REQUIRE(support::eventually(
      [&] {
        return stats(dc, 0).num("heartbeat_tls_handshake_failures") >= 4 &&
               stats(dc, stranger).num("heartbeat_tls_handshake_failures") >= 1 &&
               stats(dc, misnamed).num("heartbeat_tls_handshake_failures") >= 1;
      },
      15000, 100));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // longer than a cluster change takes
  INFO(dc.logs_tail());
  CHECK(stats(dc, 0).num("cluster_size") == 2);
  CHECK(stats(dc, 1).num("cluster_size") == 2);
  CHECK(stats(dc, stranger).num("cluster_size") == 1);
  CHECK(stats(dc, misnamed).num("cluster_size") == 1);
  CHECK(dc.asd_log(0).find("heartbeat tls handshake failed") != std::string::npos);
  // OpenSSL's reasons: the stranger refuses node 0's chain (its CA is another), node 0
  // refuses the misnamed node's name. Node 0 logs a line a second for both kinds.
  auto logged = [&](const std::string& reason) {
    return support::eventually(
        [&] {
          std::string all = dc.asd_log(0) + dc.asd_log(stranger) + dc.asd_log(misnamed);
          return all.find(reason) != std::string::npos;
        },
        20000, 200);
  };
  // Node 0 sends its chain with the CA (OpenSSL completes it from ca-file), which the
  // stranger finds self-signed and not its own.
  CHECK(logged("self-signed certificate in certificate chain"));
  CHECK(logged("hostname mismatch"));
}

TEST_CASE("heartbeat or fabric TLS material that cannot be used stops start-up", "[node_tls_startup]") {
  support::TempDir keys;
  const std::string k = keys.path();
  make_ca(k, "ca");
  make_leaf(k, "ca", "node", kName);
  auto start = [&](const std::string& tls_lines, const std::string& link) {
    support::AsdNode probe;
    std::string cfg = support::read_file(probe.config_path());
    probe.terminate();
    support::TempDir dir;
    for (size_t at = cfg.find(probe.dir()); at != std::string::npos; at = cfg.find(probe.dir(), at)) {
      cfg.replace(at, probe.dir().size(), dir.path());
    }
    std::string port = std::to_string(support::free_port());
    cfg.replace(cfg.find("network {\n"), 10, "network {\n  tls t {\n" + tls_lines + "  }\n");
    std::string head = "  " + link + " {\n";
    cfg.replace(cfg.find(head), head.size(), head + "    tls-port " + port + "\n    tls-name t\n");
    support::write_file(dir.path() + "/asd.conf", cfg);
    support::Process p;
    p.start({support::AsdNode::asd_binary(), "--config", dir.path() + "/asd.conf"}, dir.path() + "/out.log");
    int status = p.wait(3000);
    return std::make_pair(status, support::read_file(dir.path() + "/out.log"));
  };
  auto refused = [&](const std::string& tls_lines, const std::string& link, const std::string& reason) {
    auto [status, out] = start(tls_lines, link);
    INFO(out);
    CHECK(status == 1);
    CHECK(out.find(reason) != std::string::npos);
  };
  refused("    cert-file " + k + "/none.pem\n    key-file " + k + "/node.key\n    ca-file " + k + "/ca.pem\n", "fabric",
          "tls t: cert-file " + k + "/none.pem: ");
  refused("    cert-file " + k + "/node.pem\n    key-file " + k + "/node.key\n    ca-file " + k + "/node.key\n",
          "heartbeat", "tls t: ca-file " + k + "/node.key: ");

  // An encrypted key: refused without key-file-password or with a wrong one, named.
  REQUIRE(openssl({"pkey", "-in", k + "/node.key", "-out", k + "/locked.key", "-aes256", "-passout", "pass:open sesame"},
                  k));
  support::write_file(k + "/right-password", "open sesame\n");
  support::write_file(k + "/wrong-password", "close sesame\n");
  const std::string locked = "    cert-file " + k + "/node.pem\n    key-file " + k + "/locked.key\n    ca-file " + k +
                             "/ca.pem\n";
  refused(locked, "fabric", "tls t: key-file " + k + "/locked.key is encrypted: give its password (key-file-password)");
  refused(locked + "    key-file-password " + k + "/wrong-password\n", "heartbeat",
          "tls t: key-file " + k + "/locked.key: the password does not decrypt it");
  refused(locked + "    key-file-password " + k + "/missing-password\n", "fabric",
          "tls t: key-file-password file " + k + "/missing-password cannot be read");
  {
    auto [status, out] = start(locked + "    key-file-password " + k + "/right-password\n", "fabric");
    INFO(out);
    CHECK(status == -1);  // running: the key decrypted
  }

  auto [status, out] = start(stanza(k, "node", "ca"), "fabric");
  INFO(out);
  CHECK(status == -1);  // still running
}
