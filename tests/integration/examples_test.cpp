// Every config in conf/examples, both forms of the file, started as real asd (and, where it
// runs XDR, xdr) processes. The files are used as written except for two rewrites, so that
// tests can run side by side: every port becomes a free loopback port (the same number is
// mapped to the same port in every file of a group, so DC1's file still names DC2's port),
// and every path under /tmp/ moves into the test's own directory.

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "client/client.h"
#include "conf/loader.h"
#include "support/admin_login.h"
#include "support/asd_node.h"
#include "support/process.h"
#include "support/xdr_dc.h"

namespace {

std::string examples_dir() { return std::string(EXAMPLES_DIR); }

// One example file running: its rewritten copy, its asd and (with XDR) its xdr. The copy
// is loaded when first asked for, so that files it names (xdr's credentials) may be
// written by the steps of the test, as an operator would before starting it.
struct Running {
  std::string name;
  std::string path;
  std::optional<conf::Config> config;
  support::Process asd;
  support::Process xdr;
};

class ExampleGroup {
 public:
  explicit ExampleGroup(const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      auto node = std::make_unique<Running>();
      node->name = name;
      node->path = dir_.path() + "/" + name;
      support::write_file(node->path, rewrite(support::read_file(examples_dir() + "/" + name)));
      nodes_.push_back(std::move(node));
    }
  }

  void start_asd(size_t i) {
    Running& n = *nodes_[i];
    n.asd.start({support::AsdNode::asd_binary(), "--config", n.path}, dir_.path() + "/" + n.name + ".asd.log");
    bool up = support::eventually([&] { return !n.asd.running() || status_of(i) == "ok"; }, 20000, 50);
    INFO(n.name << " asd log:\n" << support::last_lines(asd_log(i), 40));
    REQUIRE(up);
    REQUIRE(n.asd.running());
  }

  void start_xdr(size_t i) {
    Running& n = *nodes_[i];
    n.xdr.start({support::Dc::xdr_binary(), "--config", n.path}, dir_.path() + "/" + n.name + ".xdr.log");
    uint16_t info_port = uint16_t(config(i).xdr.info_port);
    bool up = support::eventually([&] { return !n.xdr.running() || status(info_port) == "ok"; }, 20000, 50);
    INFO(n.name << " xdr log:\n" << support::last_lines(support::read_file(dir_.path() + "/" + n.name + ".xdr.log"), 40));
    REQUIRE(up);
    REQUIRE(n.xdr.running());
  }

  void start_all() {
    for (size_t i = 0; i < nodes_.size(); ++i) start_asd(i);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (config(i).xdr.enable_xdr) start_xdr(i);
    }
  }

  uint16_t port(size_t i) const { return uint16_t(config(i).network.service.port); }
  // Where the examples' /tmp/ paths point.
  const std::string& dir() const { return dir_.path(); }
  const conf::Config& config(size_t i) const {
    Running& n = *nodes_[i];
    if (!n.config) n.config = conf::load_file(n.path);
    return *n.config;
  }
  Running& node(size_t i) { return *nodes_[i]; }
  std::string asd_log(size_t i) const { return support::read_file(dir_.path() + "/" + nodes_[i]->name + ".asd.log"); }

  // Logged in as `user` when given (a node with security { }).
  std::unique_ptr<client::Client> connect(size_t i, const std::string& user = {},
                                          const std::string& password = {}) const {
    client::ClientConfig cc;
    cc.seeds.push_back(client::Host{"127.0.0.1", port(i)});
    if (!user.empty()) {
      cc.user = user;
      cc.password = [password] { return common::Result<std::string>(password); };
    }
    auto c = client::Client::connect(cc);
    REQUIRE(c.ok());
    return std::move(c.value());
  }

  static std::string status(uint16_t port) { return support::info_on(port, "status", 1000); }

  // A node with security { } answers only after a login: as admin, the first start's user.
  std::string status_of(size_t i) const {
    if (!config(i).security.enabled) return status(port(i));
    try {
      return support::info_as_admin(port(i), "status");
    } catch (const std::exception&) {
      return {};  // not listening yet
    }
  }

 private:
  // The port rewrite: `port N`, `tls-port N`, `xdr-info-port N` and `...-address-port HOST N`.
  std::string rewrite(const std::string& text) {
    static const std::regex kPort(R"(^(\s*(?:port|tls-port|xdr-info-port)\s+)(\d+))");
    static const std::regex kHostPort(R"(^(\s*[a-z-]*address-port\s+\S+\s+)(\d+))");
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      std::smatch m;
      if (std::regex_search(line, m, kPort) || std::regex_search(line, m, kHostPort)) {
        line = m[1].str() + std::to_string(mapped(std::stoi(m[2].str()))) + m.suffix().str();
      }
      for (size_t at = line.find("/tmp/"); at != std::string::npos; at = line.find("/tmp/", at + dir_.path().size())) {
        line.replace(at, 4, dir_.path());
      }
      out += line + "\n";
      start = end + 1;
    }
    return out;
  }

  uint16_t mapped(int port) {
    auto it = ports_.find(port);
    if (it == ports_.end()) it = ports_.emplace(port, support::free_port()).first;
    return it->second;
  }

  support::TempDir dir_;
  std::map<int, uint16_t> ports_;
  std::vector<std::unique_ptr<Running>> nodes_;
};

std::vector<std::string> namespaces_of(const conf::Config& config) {
  std::vector<std::string> out;
  for (const conf::Namespace& ns : config.namespaces) out.push_back(ns.name);
  return out;
}

bool has_record(client::Client& c, const client::Key& key, int64_t value) {
  auto r = c.get(key);
  if (!r.ok()) return false;
  const client::Value* v = r.value().bin("v");
  return v != nullptr && v->as_int() == value;
}

// Every namespace of node i takes a write and reads it back.
void write_and_read_each_namespace(ExampleGroup& group, size_t i) {
  auto c = group.connect(i);
  for (const std::string& ns : namespaces_of(group.config(i))) {
    INFO(group.node(i).name << " namespace " << ns);
    client::Key key(ns, "demo", "k1");
    REQUIRE(c->put(key, {{"v", client::Value(int64_t(7))}}).ok());
    CHECK(has_record(*c, key, 7));
  }
}

// A write in DC `from` arrives in DC `to`.
void ships(ExampleGroup& group, size_t from, size_t to, const std::string& user_key) {
  auto source = group.connect(from);
  auto target = group.connect(to);
  client::Key key("test", "demo", user_key);
  REQUIRE(source->put(key, {{"v", client::Value(int64_t(42))}}).ok());
  bool arrived = support::eventually([&] { return has_record(*target, key, 42); }, 30000, 100);
  INFO(group.node(from).name << " -> " << group.node(to).name);
  CHECK(arrived);
}

}  // namespace

TEST_CASE("the single-node examples start, in both forms of the file", "[examples_single]") {
  for (std::string name : {"single-node.conf", "device.conf", "aerospike8-single-node.conf"}) {
    ExampleGroup group({name});
    group.start_asd(0);
    write_and_read_each_namespace(group, 0);
  }
}

TEST_CASE("the Aerospike 8 single-node example keeps its persisted namespace over a restart", "[examples_single]") {
  ExampleGroup group({"aerospike8-single-node.conf"});
  group.start_asd(0);
  {
    auto c = group.connect(0);
    REQUIRE(c->put(client::Key("persisted", "demo", "kept"), {{"v", client::Value(int64_t(5))}}).ok());
    REQUIRE(c->put(client::Key("test", "demo", "lost"), {{"v", client::Value(int64_t(6))}}).ok());
    // The 7.x memory namespace with a file is the 4.x device namespace with data in memory.
    std::string cfg = support::info_on(group.port(0), "get-config:context=namespace;id=persisted");
    CHECK(cfg.find("storage-engine=device") != std::string::npos);
    CHECK(cfg.find("storage-engine.data-in-memory=true") != std::string::npos);
    CHECK(cfg.find("storage-engine.min-avail-pct=10") != std::string::npos);
  }
  group.node(0).asd.signal(SIGTERM);
  REQUIRE(group.node(0).asd.wait(20000) == 0);
  group.start_asd(0);
  auto c = group.connect(0);
  CHECK(has_record(*c, client::Key("persisted", "demo", "kept"), 5));
  CHECK(c->get(client::Key("test", "demo", "lost")).code() == common::ResultCode::NotFound);
}

TEST_CASE("the three cluster-node examples form one cluster", "[examples_cluster]") {
  ExampleGroup group({"cluster-node1.conf", "cluster-node2.conf", "cluster-node3.conf"});
  group.start_all();
  auto c = group.connect(0);
  bool formed = support::eventually([&] { return c->node_names().size() == 3; }, 30000, 100);
  CHECK(formed);
  write_and_read_each_namespace(group, 0);
}

TEST_CASE("the two-DC examples ship both ways, in both forms of the file", "[examples_xdr]") {
  for (std::string form : {"", "aerospike8-"}) {
    ExampleGroup group({form + "dc1.conf", form + "dc2.conf"});
    group.start_all();
    ships(group, 0, 1, form + "from-dc1");
    ships(group, 1, 0, form + "from-dc2");
  }
}

TEST_CASE("the XDR cluster examples ship to the demo's DC2", "[examples_xdr_cluster]") {
  ExampleGroup group({"xdr-cluster-node1.conf", "xdr-cluster-node2.conf", "xdr-cluster-node3.conf", "dc2.conf"});
  group.start_all();
  auto c = group.connect(0);
  REQUIRE(support::eventually([&] { return c->node_names().size() == 3; }, 30000, 100));
  for (int i = 0; i < 20; ++i) ships(group, 0, 3, "cluster-" + std::to_string(i));
}

namespace {

bool openssl(std::vector<std::string> args, const std::string& log) {
  args.insert(args.begin(), "openssl");
  return support::run_tool(args, log);
}

// The commands of a TLS example's header comment, in `d`: a CA (ca.pem) and a certificate
// `<leaf>.pem` for `name` that it signed.
void make_example_certificates(const std::string& d, const std::string& leaf, const std::string& name) {
  std::filesystem::create_directories(d);
  std::string log = d + "/openssl.log";
  REQUIRE(openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", "/CN=ca", "-keyout",
                   d + "/ca.key", "-out", d + "/ca.pem"}, log));
  REQUIRE(openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", d + "/" + leaf + ".key",
                   "-out", d + "/" + leaf + ".csr"}, log));
  support::write_file(d + "/san.ext", "subjectAltName=DNS:" + name + "\n");
  REQUIRE(openssl({"x509", "-req", "-in", d + "/" + leaf + ".csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key",
                   "-CAcreateserial", "-days", "365", "-extfile", d + "/san.ext", "-out", d + "/" + leaf + ".pem"}, log));
}

// The openssl commands of the XDR-over-TLS examples' header comments, in `d`: a CA, DC2's
// server certificate (dc2.example) and DC1's client certificate.
void make_xdr_link_certificates(const std::string& d) {
  std::filesystem::create_directories(d);
  std::string log = d + "/openssl.log";
  REQUIRE(openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", "/CN=xdr-ca", "-keyout",
                   d + "/ca.key", "-out", d + "/ca.pem"}, log));
  for (const std::string name : {"dc2", "dc1"}) {
    REQUIRE(openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name + ".example", "-keyout",
                     d + "/" + name + ".key", "-out", d + "/" + name + ".csr"}, log));
  }
  support::write_file(d + "/dc2.ext", "subjectAltName=DNS:dc2.example\n");
  REQUIRE(openssl({"x509", "-req", "-in", d + "/dc2.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-set_serial",
                   "0x1002", "-days", "365", "-extfile", d + "/dc2.ext", "-out", d + "/dc2.pem"}, log));
  REQUIRE(openssl({"x509", "-req", "-in", d + "/dc1.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-set_serial",
                   "0x1001", "-days", "365", "-out", d + "/dc1.pem"}, log));
}

}  // namespace

TEST_CASE("the TLS example serves clients over TLS with the certificates its comment makes", "[examples_single]") {
  ExampleGroup group({"tls.conf"});
  // The commands in the example's header comment, into the group's /tmp/asd-tls.
  std::string d = group.dir() + "/asd-tls";
  std::string log = d + "/openssl.log";
  make_example_certificates(d, "server", "asd.example");
  group.start_asd(0);
  write_and_read_each_namespace(group, 0);
  // A TLS client that trusts the CA and checks the name completes the handshake.
  uint16_t tls_port = uint16_t(group.config(0).network.service.tls_port);
  CHECK(openssl({"s_client", "-connect", "127.0.0.1:" + std::to_string(tls_port), "-CAfile", d + "/ca.pem",
                 "-verify_return_error", "-verify_hostname", "asd.example", "-brief"}, d + "/s_client.log"));
  INFO(support::read_file(d + "/s_client.log"));
  CHECK(support::read_file(d + "/s_client.log").find("Verification: OK") != std::string::npos);
  // One that trusts another CA does not.
  REQUIRE(openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", "/CN=other", "-keyout",
                   d + "/other.key", "-out", d + "/other.pem"}, log));
  CHECK_FALSE(openssl({"s_client", "-connect", "127.0.0.1:" + std::to_string(tls_port), "-CAfile", d + "/other.pem",
                       "-verify_return_error", "-brief"}, d + "/s_client_other.log"));
}

TEST_CASE("the TLS cluster examples form a cluster over TLS-only heartbeat and fabric", "[examples_cluster]") {
  ExampleGroup group({"tls-cluster-node1.conf", "tls-cluster-node2.conf"});
  make_example_certificates(group.dir() + "/asd-tls-cluster", "node", "node.cluster");
  group.start_all();
  auto c = group.connect(0);
  CHECK(support::eventually([&] { return c->node_names().size() == 2; }, 30000, 100));
  write_and_read_each_namespace(group, 0);
}

TEST_CASE("the XDR over TLS example ships with the certificates its comment makes", "[examples_xdr]") {
  ExampleGroup group({"xdr-tls-dc1.conf", "xdr-tls-dc2.conf"});
  // The commands in xdr-tls-dc1.conf's header comment, into the group's /tmp/xdr-tls.
  make_xdr_link_certificates(group.dir() + "/xdr-tls");
  // DC2 first: DC1's xdr seeds it.
  group.start_asd(1);
  group.start_asd(0);
  group.start_xdr(0);
  ships(group, 0, 1, "over-tls");
  std::string stats = support::info_on(uint16_t(group.config(0).xdr.info_port), "get-stats:context=xdr;dc=DC2");
  INFO(stats);
  CHECK(stats.find("link=up") != std::string::npos);
}

TEST_CASE("the secured XDR example ships over TLS, logged in at both ends, as its comment says", "[examples_xdr]") {
  ExampleGroup group({"xdr-secure-dc1.conf", "xdr-secure-dc2.conf"});
  // The steps of xdr-secure-dc1.conf's header comment, in the group's /tmp/xdr-secure.
  std::string d = group.dir() + "/xdr-secure";
  // 1. The certificates.
  make_xdr_link_certificates(d);
  // 2. DC2, and its user for DC1's xdr, made with asadm.
  group.start_asd(1);
  auto asadm = [&](uint16_t port, const std::string& command) {
    std::vector<std::string> argv{ASADM_BIN_DEFAULT, "--enable", "-h", "127.0.0.1:" + std::to_string(port), "-U",
                                  "admin", "-P", "admin", "-e", command};
    bool ok = support::run_tool(argv, d + "/asadm.log");
    INFO(support::read_file(d + "/asadm.log"));
    REQUIRE(ok);
  };
  asadm(group.port(1), "manage acl create user xdr password xdr-secret roles read-write");
  // 3. The credentials file.
  support::write_file(d + "/dc2-credentials", "credentials\n{\n    username xdr\n    password xdr-secret\n}\n");
  std::filesystem::permissions(d + "/dc2-credentials", std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write);
  // 4. DC1: asd, xdr, and a user that may write.
  group.start_asd(0);
  group.start_xdr(0);
  asadm(group.port(0), "manage acl create user app password app-secret roles read-write");
  // 5. A record written in DC1 (with aql, logged in) is read in DC2 (logged in).
  std::vector<std::string> aql{AQL_BIN_DEFAULT, "-h", "127.0.0.1", "-p", std::to_string(group.port(0)), "-U", "app",
                               "-P", "app-secret", "-c", "INSERT INTO test.demo (PK, v) VALUES ('k1', 1)"};
  bool written = support::run_tool(aql, d + "/aql.log");
  INFO(support::read_file(d + "/aql.log"));
  REQUIRE(written);
  auto dc2 = group.connect(1, "xdr", "xdr-secret");
  bool arrived = support::eventually([&] { return has_record(*dc2, client::Key("test", "demo", "k1"), 1); }, 30000, 100);
  INFO(support::last_lines(support::read_file(group.dir() + "/xdr-secure-dc1.conf.xdr.log"), 40));
  CHECK(arrived);
  // And with the client, as any application would.
  auto app = group.connect(0, "app", "app-secret");
  client::Key key("test", "demo", "k2");
  REQUIRE(app->put(key, {{"v", client::Value(int64_t(2))}}).ok());
  CHECK(support::eventually([&] { return has_record(*dc2, key, 2); }, 30000, 100));
  std::string stats = support::info_on(uint16_t(group.config(0).xdr.info_port), "get-stats:context=xdr;dc=DC2");
  INFO(stats);
  CHECK(stats.find("link=up") != std::string::npos);
}

TEST_CASE("the security example starts with user admin and its audit log", "[examples_single]") {
  ExampleGroup group({"security.conf"});
  group.start_asd(0);
  CHECK(support::info_as_admin(group.port(0), "namespaces") == "test");
  CHECK(support::info_as_admin(group.port(0), "get-config:context=security").find("log.report-data-op=test orders") !=
        std::string::npos);
  std::string log = group.asd_log(0);
  CHECK(log.find("permitted | client: 127.0.0.1:") != std::string::npos);
  CHECK(log.find("| authenticated user: admin | action: login | detail: user=admin") != std::string::npos);
}

TEST_CASE("every example file is started by a test here", "[examples_single]") {
  // A new example must join one of the groups above.
  std::vector<std::string> covered = {"single-node.conf", "device.conf", "aerospike8-single-node.conf",
                                      "cluster-node1.conf", "cluster-node2.conf", "cluster-node3.conf",
                                      "dc1.conf", "dc2.conf", "aerospike8-dc1.conf", "aerospike8-dc2.conf",
                                      "xdr-cluster-node1.conf", "xdr-cluster-node2.conf", "xdr-cluster-node3.conf",
                                      "tls.conf", "tls-cluster-node1.conf", "tls-cluster-node2.conf",
                                      "xdr-tls-dc1.conf", "xdr-tls-dc2.conf", "security.conf",
                                      "xdr-secure-dc1.conf", "xdr-secure-dc2.conf"};
  for (const auto& entry : std::filesystem::directory_iterator(examples_dir())) {
    std::string name = entry.path().filename().string();
    INFO(name);
    CHECK(std::find(covered.begin(), covered.end(), name) != covered.end());
  }
}
