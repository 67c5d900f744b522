// XDR over TLS between two multi-node DCs. DC2's nodes serve TLS (next to the clear port
// the harness uses); DC1's datacenter stanza seeds DC2's TLS port with the name its
// certificate carries and names a `tls` stanza of DC1 holding the CA. Every key is
// encrypted (key-file-password in a file), so asd's listener and xdr's client decrypt them:
//   [xdr_tls]           records written in DC1 arrive in DC2 over TLS, record by record;
//                       the shipper found DC2's second node through peers-tls-std.
//   [xdr_tls_wrong_ca]  the stanza's CA did not sign DC2's certificate: the link is down
//                       with the handshake's reason in the xdr stats, nothing ships and
//                       nothing is lost; the datacenter switched to the right stanza and
//                       xdr restarted, DC2 converges with every record.
//   [xdr_tls_reload]    the same wrong CA, in a file DC1 rewrites in place with
//                       tls-refresh-period 1: an xdr started while the file does not load
//                       stays down (no plaintext), the right CA written brings every link
//                       up by itself, no restart, and DC2 converges; both CAs written
//                       replace the running links' clients without a break (not while
//                       set-config has put xdr's tls-refresh-period at 0); the wrong CA
//                       alone takes them down.

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "support/cluster_dc.h"
#include "support/process.h"
#include "support/seeder.h"
#include "support/tls_material.h"
#include "two_cluster_dcs.h"

namespace {

constexpr const char* kDc2Name = "dc2.example";

// Every key here is encrypted, its password in `password_file` (key-file-password): DC2's
// listener and DC1's xdr client both decrypt theirs.
std::string stanza(const std::string& name, const support::TlsCa::Leaf& leaf, const std::string& ca_file,
                   const std::string& password_file) {
  return "  tls " + name + " {\n    cert-file " + leaf.cert + "\n    key-file " + leaf.key +
         "\n    key-file-password " + password_file + "\n    ca-file " + ca_file + "\n  }\n";
}

struct TlsDcs {
  support::TempDir keys;
  support::TlsCa ca{keys.path()};
  support::TlsCa other{keys.path(), "other-ca"};
  // The `rotating` stanza's ca-file: the other CA's certificate until a test rewrites it.
  std::string link_ca = keys.path() + "/link-ca.pem";
  std::unique_ptr<support::ClusterDc> dc1;
  std::unique_ptr<support::ClusterDc> dc2;

  // DC1 ships over the `link_stanza` stanza: `right` (the CA that signed DC2), `wrong` or
  // `rotating`; `dc1_service` goes into DC1's service stanza.
  explicit TlsDcs(const std::string& link_stanza, const std::string& dc1_service = "") {
    support::write_file(link_ca, support::read_file(other.ca_file()));
    auto dc2_cert = ca.issue("dc2", kDc2Name, "5E01");
    auto dc1_cert = ca.issue("dc1", "dc1.example", "5E02");
    const std::string password_file = keys.path() + "/key-password";
    support::write_file(password_file, "dc key secret\n");
    dc2_cert.key = ca.encrypted_key(dc2_cert, "dc key secret");
    dc1_cert.key = ca.encrypted_key(dc1_cert, "dc key secret");
    support::ClusterDcOptions o2;
    o2.name = "DC2";
    o2.src_id = 2;
    o2.nodes = 2;
    o2.run_xdr = false;
    o2.network_extra = stanza(kDc2Name, dc2_cert, ca.ca_file(), password_file);
    o2.service_tls_name = kDc2Name;
    support::ClusterDcOptions o1;
    o1.name = "DC1";
    o1.src_id = 1;
    o1.nodes = 2;
    o1.network_extra = stanza("right", dc1_cert, ca.ca_file(), password_file) +
                       stanza("wrong", dc1_cert, other.ca_file(), password_file) +
                       stanza("rotating", dc1_cert, link_ca, password_file);
    o1.service_extra = dc1_service;
    dc1 = std::make_unique<support::ClusterDc>(o1);
    dc2 = std::make_unique<support::ClusterDc>(o2);
    dc1->ship_to_tls(*dc2, support::DcTlsLink{link_stanza, kDc2Name});
    dc2->start();
    dc1->start();
  }

  std::string logs() const { return dc1->logs_tail() + dc2->logs_tail(); }
};

// Every live DC1 node's link to DC2 is down with `reason` in its stats.
bool links_down_with(TlsDcs& dcs, const std::string& reason, int timeout_ms) {
  return support::eventually(
      [&] {
        for (size_t i : dcs.dc1->live()) {
          auto stats = dcs.dc1->xdr_stats(i, "DC2");
          if (stats.get("link") != "down" || stats.get("link_reason").find(reason) == std::string::npos) return false;
        }
        return true;
      },
      timeout_ms, 200);
}

// Records 0..299 written in DC1 while its stanza's CA did not sign DC2: every link goes
// down with the handshake's reason and nothing reaches DC2.
void expect_refused(TlsDcs& dcs, support::Seeder& seeder, client::Client& c1) {
  REQUIRE(seeder.write_range(c1, 0, 300, 1) == 0);
  bool reported = links_down_with(dcs, "certificate verify failed", 15000);
  INFO(xdr_cluster_test::all_stats(*dcs.dc1) << dcs.logs());
  REQUIRE(reported);
  CHECK(xdr_cluster_test::sum_stat(*dcs.dc1, "success") == 0);
  auto c2 = dcs.dc2->connect();
  CHECK(support::Seeder::version_of(*c2, seeder.key(0)) == -1);
}

support::DcDiff converge(TlsDcs& dcs, const std::string& set, int timeout_ms) {
  auto c1 = dcs.dc1->connect();
  auto c2 = dcs.dc2->connect();
  support::DcDiff diff;
  support::eventually(
      [&] {
        diff = support::compare_dcs(*c1, *c2, "test", set, 5, "DC1", "DC2");
        return diff.equal();
      },
      timeout_ms, 500);
  return diff;
}

}  // namespace

TEST_CASE("XDR ships to a remote DC over TLS", "[xdr_tls]") {
  TlsDcs dcs("right");
  support::Seeder seeder("test", "tls");
  auto c1 = dcs.dc1->connect();
  REQUIRE(seeder.write_range(*c1, 0, 400, 1) == 0);
  REQUIRE(seeder.remove_range(*c1, 0, 400, 10) == 0);
  auto diff = converge(dcs, "tls", 30000);
  INFO(diff.summary() << xdr_cluster_test::all_stats(*dcs.dc1) << dcs.logs());
  CHECK(diff.equal());
  CHECK(diff.b_records == 360);
  for (size_t i : dcs.dc1->live()) {
    auto stats = dcs.dc1->xdr_stats(i, "DC2");
    CHECK(stats.get("link") == "up");
    CHECK_FALSE(stats.has("link_reason"));
  }
  CHECK(xdr_cluster_test::sum_stat(*dcs.dc1, "success") >= 400);
  // The shipper's client followed peers-tls-std: it logged both DC2 nodes at their TLS ports.
  std::string log = dcs.dc1->xdr_log(0);
  CHECK(log.find(":" + std::to_string(dcs.dc2->tls_port(0))) != std::string::npos);
  CHECK(log.find(":" + std::to_string(dcs.dc2->tls_port(1))) != std::string::npos);
}

TEST_CASE("XDR with a CA that did not sign the remote: link down with the reason, nothing lost",
          "[xdr_tls_wrong_ca]") {
  TlsDcs dcs("wrong");
  support::Seeder seeder("test", "wrongca");
  auto c1 = dcs.dc1->connect();
  expect_refused(dcs, seeder, *c1);

  // The operator points the datacenter at the right stanza and restarts xdr: the backlog
  // in the digest log ships, with the records written meanwhile.
  REQUIRE(seeder.write_range(*c1, 300, 400, 1) == 0);
  dcs.dc1->set_dc_tls("DC2", support::DcTlsLink{"right", kDc2Name});
  dcs.dc1->rewrite_configs();
  for (size_t i : dcs.dc1->live()) {
    dcs.dc1->kill9_xdr(i);
    dcs.dc1->restart_xdr(i);
  }
  auto diff = converge(dcs, "wrongca", 30000);
  INFO(diff.summary());
  CHECK(diff.equal());
  CHECK(diff.b_records == 400);
}

TEST_CASE("XDR picks up a rewritten CA file without a restart", "[xdr_tls_reload]") {
  TlsDcs dcs("rotating", "  tls-refresh-period 1\n");
  support::Seeder seeder("test", "reload");
  auto c1 = dcs.dc1->connect();
  expect_refused(dcs, seeder, *c1);

  // The file caught half-written: node 0 keeps the CA it has; node 1's xdr, restarted
  // now, has none, and its pipeline must not fall back to plaintext later.
  support::write_file(dcs.link_ca, "-----BEGIN CERTIFICATE-----\nMIIB\n");
  dcs.dc1->kill9_xdr(1);
  dcs.dc1->restart_xdr(1);
  {
    bool reported = support::eventually(
        [&] {
          auto stats = dcs.dc1->xdr_stats(1, "DC2");
          return stats.get("link") == "down" && stats.get("link_reason").find("client: tls: CA") != std::string::npos;
        },
        15000, 200);
    bool kept = support::eventually(
        [&] { return dcs.dc1->xdr_log(0).find("dc tls reload failed dc=DC2") != std::string::npos; }, 5000, 200);
    INFO(xdr_cluster_test::all_stats(*dcs.dc1) << dcs.logs());
    CHECK(reported);
    CHECK(kept);
    CHECK(dcs.dc1->xdr_stats(0, "DC2").get("link_reason").find("certificate verify failed") != std::string::npos);
  }

  // The right CA, written in place: every link comes up by itself and the backlog ships.
  REQUIRE(seeder.write_range(*c1, 300, 400, 1) == 0);
  support::write_file(dcs.link_ca, support::read_file(dcs.ca.ca_file()));
  auto diff = converge(dcs, "reload", 30000);
  INFO(diff.summary() << xdr_cluster_test::all_stats(*dcs.dc1) << dcs.logs());
  CHECK(diff.equal());
  CHECK(diff.b_records == 400);
  CHECK(xdr_cluster_test::sum_stat(*dcs.dc1, "abandoned") == 0);
  for (size_t i : dcs.dc1->live()) {
    auto stats = dcs.dc1->xdr_stats(i, "DC2");
    CHECK(stats.get("link") == "up");
    CHECK(stats.num("tls_reloads") >= 1);
    CHECK(dcs.dc1->xdr_log(i).find("dc tls reloaded dc=DC2") != std::string::npos);
  }

  // tls-refresh-period is dynamic on xdr: at 0 a changed file waits while the links are
  // up; set back to 1 s, the next check picks it up.
  std::map<size_t, uint64_t> reloads;
  for (size_t i : dcs.dc1->live()) {
    CHECK(dcs.dc1->xdr_info(i, "set-config:context=service;tls-refresh-period=0") == "ok");
    CHECK(dcs.dc1->xdr_info(i, "get-config:context=service") == "tls-refresh-period=0");
    CHECK(dcs.dc1->xdr_info(i, "set-config:context=service;proto-fd-max=10").rfind("ERROR:4:", 0) == 0);
    reloads[i] = dcs.dc1->xdr_stats(i, "DC2").num("tls_reloads");
  }
  support::write_file(dcs.link_ca, support::read_file(dcs.ca.ca_file()) + support::read_file(dcs.other.ca_file()));
  std::this_thread::sleep_for(std::chrono::seconds(3));
  for (size_t i : dcs.dc1->live()) {
    auto stats = dcs.dc1->xdr_stats(i, "DC2");
    CHECK(stats.num("tls_reloads") == reloads[i]);
    CHECK(stats.get("link") == "up");
    CHECK(dcs.dc1->xdr_info(i, "set-config:context=service;tls-refresh-period=1") == "ok");
  }

  // Checked every second again while up. Both CAs in the file: each link's client is
  // replaced by one made with them, the link stays up and shipping goes on.
  {
    bool replaced = support::eventually(
        [&] {
          for (size_t i : dcs.dc1->live()) {
            if (dcs.dc1->xdr_log(i).find("dc client replaced dc=DC2") == std::string::npos) return false;
            if (dcs.dc1->xdr_stats(i, "DC2").num("tls_reloads") <= reloads[i]) return false;
          }
          return true;
        },
        10000, 200);
    INFO(xdr_cluster_test::all_stats(*dcs.dc1) << dcs.logs());
    CHECK(replaced);
    REQUIRE(seeder.write_range(*c1, 400, 450, 1) == 0);
    auto more = converge(dcs, "reload", 30000);
    INFO(more.summary());
    CHECK(more.equal());
    CHECK(more.b_records == 450);
    for (size_t i : dcs.dc1->live()) {
      auto stats = dcs.dc1->xdr_stats(i, "DC2");
      CHECK(stats.get("link") == "up");
      CHECK(stats.num("tls_reloads") >= 2);
    }
  }

  // The wrong CA alone: each link's new client is one DC2 refuses, and the links go down.
  support::write_file(dcs.link_ca, support::read_file(dcs.other.ca_file()));
  CHECK(links_down_with(dcs, "certificate verify failed", 15000));
  for (size_t i : dcs.dc1->live()) CHECK(dcs.dc1->xdr_stats(i, "DC2").num("tls_reloads") >= 3);
  CHECK(xdr_cluster_test::sum_stat(*dcs.dc1, "abandoned") == 0);
}
