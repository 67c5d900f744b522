// XDR into a secured DC.
//   [xdr_cluster_auth]  two secured DCs, the link over TLS: DC1 (3 nodes RF2, asd + xdr,
//                       access control on: each xdr reads its own asd through the built-in
//                       local login) ships to DC2 (2 nodes RF2, access control on, serving
//                       TLS) as a DC2 user named in its credentials file. When DC2's admin
//                       changes that user's password the link goes down with the reason,
//                       nothing is abandoned, and once the operator updates the file the
//                       link comes back and DC2 converges on DC1 record by record, without
//                       restarting anything. An xdr killed -9 and restarted logs in to its
//                       asd again by itself; DC1's src-id learner logs in to DC2 as well.
//   [xdr_cluster_auth_refused]  an unknown user, then a read-only one: the link stays down
//                       with the reason and nothing is lost.

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "support/cluster_dc.h"
#include "support/process.h"
#include "support/seeder.h"
#include "support/tls_material.h"
#include "two_cluster_dcs.h"

using support::ClusterDc;
using support::ClusterDcOptions;
using xdr_cluster_test::all_stats;
using xdr_cluster_test::sum_stat;

namespace {

constexpr int kConvergeMs = 60000;

std::string credentials(const std::string& password) {
  return "# xdr's login on DC2\ncredentials\n{\n    username xdr\n    password " + password + "\n}\n";
}

// A secured DC as `user` sees it (DC2's checker only reads: the comparison reads both
// DCs in full).
std::unique_ptr<client::Client> reader(ClusterDc& dc, const std::string& user = "checker",
                                       const std::string& password = "checker-pw") {
  client::ClientConfig config;
  for (size_t i : dc.live()) config.seeds.push_back({"127.0.0.1", dc.port(i)});
  config.timeout_ms = 5000;
  config.user = user;
  config.password = [password]() -> common::Result<std::string> { return password; };
  auto c = client::Client::connect(config);
  REQUIRE(c.ok());
  return std::move(*c);
}

// Whether any DC1 node reports its DC2 link down with `reason` in the reason.
bool link_down_because(ClusterDc& dc1, const std::string& reason) {
  for (size_t i : dc1.live()) {
    support::InfoMap stats = dc1.xdr_stats(i, "DC2");
    if (stats.get("link") == "down" && stats.get("link_reason").find(reason) != std::string::npos) return true;
  }
  return false;
}

bool links_up(ClusterDc& dc1) {
  for (size_t i : dc1.live()) {
    if (dc1.xdr_stats(i, "DC2").get("link") != "up") return false;
  }
  return true;
}

// DC2: 2 nodes RF2 with access control on; its own helpers log in as admin.
ClusterDcOptions secured_dc2_options() {
  ClusterDcOptions o2;
  o2.name = "DC2";
  o2.src_id = 2;
  o2.nodes = 2;
  o2.run_xdr = false;
  o2.security = "security {\n}\n";
  o2.user = "admin";
  o2.password = "admin";
  return o2;
}

std::unique_ptr<ClusterDc> secured_dc2() {
  auto dc2 = std::make_unique<ClusterDc>(secured_dc2_options());
  dc2->start();
  return dc2;
}

// DC1, its xdr logging in to the remote with the credentials in `file`.
ClusterDcOptions dc1_options(const std::string& file, size_t nodes) {
  ClusterDcOptions o1;
  o1.name = "DC1";
  o1.src_id = 1;
  o1.nodes = nodes;
  o1.datacenter_extra = "    dc-security-config-file " + file + "\n";
  return o1;
}

std::unique_ptr<ClusterDc> dc1_into(ClusterDc& dc2, const std::string& file, size_t nodes) {
  auto dc1 = std::make_unique<ClusterDc>(dc1_options(file, nodes));
  dc1->ship_to(dc2);
  dc1->start();
  return dc1;
}

}  // namespace

TEST_CASE("XDR between two secured DCs over TLS survives a password change", "[xdr_cluster_auth]") {
  support::TempDir secrets;
  const std::string file = secrets.path() + "/dc2-credentials";
  support::write_file(file, credentials("pw-1"));
  support::TlsCa ca(secrets.path());
  const std::string dc2_name = "dc2.example";
  auto dc2_cert = ca.issue("dc2", dc2_name, "5E11");
  auto dc1_cert = ca.issue("dc1", "dc1.example", "5E12");
  auto stanza = [&](const std::string& name, const support::TlsCa::Leaf& leaf) {
    return "  tls " + name + " {\n    cert-file " + leaf.cert + "\n    key-file " + leaf.key + "\n    ca-file " +
           ca.ca_file() + "\n  }\n";
  };

  ClusterDcOptions o2 = secured_dc2_options();
  o2.run_xdr = true;  // ships nowhere; its xdr tells DC1's learner its src-id
  o2.network_extra = stanza(dc2_name, dc2_cert);
  o2.service_tls_name = dc2_name;
  ClusterDc dc2(o2);
  ClusterDcOptions o1 = dc1_options(file, 3);
  o1.security = o2.security;
  o1.user = "admin";
  o1.password = "admin";
  o1.network_extra = stanza("link", dc1_cert);
  ClusterDc dc1(o1);
  dc1.ship_to_tls(dc2, support::DcTlsLink{"link", dc2_name});
  dc2.start();
  {
    auto admin = dc2.connect();
    REQUIRE(admin->create_user("xdr", "pw-1", {"read-write"}).ok());
    REQUIRE(admin->create_user("checker", "checker-pw", {"read"}).ok());
  }
  dc1.start();
  {
    auto admin = dc1.connect();
    REQUIRE(admin->create_user("app", "app-pw", {"read-write"}).ok());
  }

  support::Seeder seeder("test", "auth");
  auto c1 = reader(dc1, "app", "app-pw");  // DC1 is secured too: the application logs in
  auto c2 = reader(dc2);
  auto converged = [&] {
    support::DcDiff diff;
    bool equal = support::eventually(
        [&] {
          diff = support::compare_dcs(*c1, *c2, "test", "auth", 5, "DC1", "DC2");
          return diff.equal();
        },
        kConvergeMs, 500);
    INFO("DC1 vs DC2: " << diff.summary() << "\n" << all_stats(dc1) << dc1.logs_tail() << dc2.logs_tail());
    REQUIRE(equal);
    CHECK(diff.a_records == diff.b_records);
  };

  // Each DC1 xdr read its records from its secured asd as xdr-local, and shipped them over
  // TLS logged in as xdr: the first records arrive.
  REQUIRE(seeder.write_range(*c1, 0, 300, 1) == 0);
  converged();
  CHECK(links_up(dc1));
  CHECK(dc1.xdr_log(0).find("local asd connected") != std::string::npos);
  // The src-id learner logs in too (DC2 answers info only after a login).
  bool learned = support::eventually(
      [&] { return dc1.xdr_log(0).find("dc src-id learned dc=DC2 src_id=2") != std::string::npos; }, 10000, 200);
  INFO(dc1.xdr_log(0));
  CHECK(learned);

  // DC2's admin changes xdr's password: the sessions xdr holds end, its next login is
  // refused, and the link says why.
  {
    auto admin = dc2.connect();
    REQUIRE(admin->set_password("xdr", "pw-2").ok());
  }
  REQUIRE(seeder.write_range(*c1, 300, 600, 1) == 0);
  bool down = support::eventually([&] { return link_down_because(dc1, "invalid credential"); }, 30000, 200);
  INFO(all_stats(dc1) << dc1.logs_tail());
  REQUIRE(down);

  // The operator updates the file: the link comes back by itself and every record,
  // those written while it was down too, reaches DC2.
  support::write_file(file, credentials("pw-2"));
  REQUIRE(support::eventually([&] { return links_up(dc1); }, 30000, 200));
  REQUIRE(seeder.write_range(*c1, 0, 100, 2) == 0);
  converged();

  // An xdr killed mid-stream comes back and logs in to its asd again with no help.
  dc1.kill9_xdr(1);
  REQUIRE(seeder.write_range(*c1, 100, 400, 2) == 0);
  dc1.restart_xdr(1);
  REQUIRE(seeder.write_range(*c1, 600, 700, 1) == 0);
  converged();
  CHECK(sum_stat(dc1, "abandoned") == 0);
}

TEST_CASE("xdr with a user DC2 does not know keeps the link down and loses nothing", "[xdr_cluster_auth_refused]") {
  support::TempDir secrets;
  const std::string file = secrets.path() + "/dc2-credentials";
  support::write_file(file, credentials("pw-1"));

  auto dc2_owner = secured_dc2();
  ClusterDc& dc2 = *dc2_owner;
  auto dc1_owner = dc1_into(dc2, file, 2);
  ClusterDc& dc1 = *dc1_owner;

  support::Seeder seeder("test", "auth");
  auto c1 = dc1.connect();
  REQUIRE(seeder.write_range(*c1, 0, 200, 1) == 0);
  bool down = support::eventually([&] { return link_down_because(dc1, "invalid user"); }, 30000, 200);
  INFO(all_stats(dc1) << dc1.logs_tail());
  REQUIRE(down);

  // The user is created late, with a role that may read but not write: the login works,
  // the writes are refused, and the link stays down saying so.
  {
    auto admin = dc2.connect();
    REQUIRE(admin->create_user("xdr", "pw-1", {"read"}).ok());
  }
  REQUIRE(support::eventually([&] { return link_down_because(dc1, "role violation"); }, 30000, 200));
  CHECK(sum_stat(dc1, "abandoned") == 0);

  // With the write role granted, everything arrives.
  {
    auto admin = dc2.connect();
    REQUIRE(admin->grant_roles("xdr", {"read-write"}).ok());
    REQUIRE(admin->create_user("checker", "checker-pw", {"read"}).ok());
  }
  auto c2 = reader(dc2);
  support::DcDiff diff;
  bool equal = support::eventually(
      [&] {
        diff = support::compare_dcs(*c1, *c2, "test", "auth", 5, "DC1", "DC2");
        return diff.equal();
      },
      kConvergeMs, 500);
  INFO("DC1 vs DC2: " << diff.summary() << "\n" << all_stats(dc1) << dc1.logs_tail());
  REQUIRE(equal);
  CHECK(diff.a_records == 200);
  CHECK(sum_stat(dc1, "abandoned") == 0);
}
