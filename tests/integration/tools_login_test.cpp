// The tools' login flags (tools/login_flags/) against one real asd with security { }:
//   [tools_login]  asinfo, asadm, aql, asbench and asexport each work with -U admin
//                  -P admin and with -P asking for the password (fed on standard input,
//                  no terminal); each is refused without a login ("not authenticated
//                  (80)") and with a wrong password ("invalid credential", "invalid
//                  user"), exit status non-zero; usage errors of the flags themselves;
//                  a user with only the read role gets a role violation for an aql write.
// The tools run as child processes (ASINFO_BIN, ASADM_BIN, AQL_BIN, ASBENCH_BIN and
// ASEXPORT_BIN override their paths).

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "client/client.h"
#include "support/asd_node.h"
#include "support/process.h"

namespace {

std::string tool(const char* env, const char* fallback) {
  const char* path = std::getenv(env);
  return path ? path : fallback;
}

bool has(const support::ToolRun& run, const std::string& text) { return run.out.find(text) != std::string::npos; }

// One secured node for the whole test: admin may also read and write (the first start
// gives it user-admin only), and `reader` may only read.
class SecuredNode {
 public:
  SecuredNode() : node_(secured()) {
    client::ClientConfig config;
    config.seeds = {{"127.0.0.1", node_.port()}};
    config.tend = false;
    config.user = "admin";
    config.password = [] { return common::Result<std::string>(std::string("admin")); };
    auto admin = client::Client::connect(config);
    if (!admin) throw std::runtime_error("admin login failed: " + admin.error().message);
    if (auto st = (*admin)->grant_roles("admin", {"read-write"}); !st.ok()) throw std::runtime_error(st.message());
    if (auto st = (*admin)->create_user("reader", "reader-pass", {"read"}); !st.ok()) {
      throw std::runtime_error(st.message());
    }
  }
  uint16_t port() const { return node_.port(); }
  std::string port_text() const { return std::to_string(node_.port()); }
  std::string host_port() const { return "127.0.0.1:" + port_text(); }

 private:
  static support::AsdOptions secured() {
    support::AsdOptions options;
    options.extra_config = "security {\n}\n";
    return options;
  }
  support::AsdNode node_;
};

}  // namespace

TEST_CASE("the tools log in with -U/-P and report a refused login", "[tools_login]") {
  SecuredNode node;
  support::TempDir out;
  auto run = [&](std::vector<std::string> argv, const std::string& input = {}) {
    support::ToolRun r = support::run_captured(out, argv, input);
    UNSCOPED_INFO(argv[0] << " exited " << r.code << ":\n" << r.out);
    return r;
  };
  const std::vector<std::string> admin{"-U", "admin", "-P", "admin"};
  const std::vector<std::string> wrong{"-U", "admin", "-P", "not-the-password"};
  auto with = [](std::vector<std::string> argv, const std::vector<std::string>& more) {
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  };

  // asinfo: one info command.
  const std::vector<std::string> asinfo{tool("ASINFO_BIN", ASINFO_BIN_DEFAULT), "-h", "127.0.0.1", "-p",
                                        node.port_text(), "-v", "status"};
  support::ToolRun r = run(with(asinfo, admin));
  CHECK(r.code == 0);
  CHECK(r.out == "ok\n");
  r = run(with(asinfo, {"-U", "admin", "-P"}), "admin\n");
  CHECK(r.code == 0);
  CHECK(r.out == "ok\n");
  r = run(with(asinfo, {"-U", "admin"}), "admin\n");  // -U alone asks too
  CHECK(r.code == 0);
  r = run(asinfo);
  CHECK(r.code == 1);
  CHECK(has(r, "not authenticated (80) from 127.0.0.1:" + node.port_text()));
  r = run(with(asinfo, wrong));
  CHECK(r.code == 1);
  CHECK(has(r, "invalid credential (65)"));

  // The flags' own usage errors, before anything is sent.
  r = run(with(asinfo, {"-P", "admin"}));
  CHECK(r.code == 1);
  CHECK(has(r, "asinfo: -P/--password needs -U/--user USER"));
  r = run(with(asinfo, {"-U", "admin"}));  // no terminal and an empty standard input
  CHECK(r.code == 1);
  CHECK(has(r, "asinfo: no password for user 'admin'"));
  r = run(with(asinfo, {"--auth", "EXTERNAL", "-U", "admin", "-P", "admin"}));
  CHECK(r.code == 1);
  CHECK(has(r, "--auth EXTERNAL is not supported"));
  r = run(with(asinfo, {"--auth", "internal", "-U", "admin", "-P", "admin"}));
  CHECK(r.code == 0);

  // asadm: every node of the cluster, in parallel.
  const std::vector<std::string> asadm{tool("ASADM_BIN", ASADM_BIN_DEFAULT), "-h", node.host_port()};
  r = run(with(asadm, with(admin, {"info", "namespace"})));
  CHECK(r.code == 0);
  CHECK(has(r, node.host_port()));
  CHECK(has(r, "Namespace Object Information"));
  r = run(with(asadm, {"show", "cluster", "-U", "admin", "-P"}), "admin\n");
  CHECK(r.code == 0);
  CHECK(has(r, node.host_port()));
  r = run(with(asadm, {"info", "namespace"}));
  CHECK(r.code == 1);
  CHECK(has(r, node.host_port() + ": refused (not authenticated (80) from " + node.host_port() + ")"));
  r = run(with(asadm, {"show", "cluster"}));
  CHECK(r.code == 1);
  CHECK(has(r, "refused (not authenticated (80)"));
  r = run(with(asadm, {"-U", "nobody", "-P", "x", "show", "config", "service"}));
  CHECK(r.code == 1);
  CHECK(has(r, "invalid user (60)"));
  r = run(with(asadm, with(wrong, {"summary"})));
  CHECK(r.code == 1);
  CHECK(has(r, "invalid credential (65)"));

  // aql: statements (records, an index query) and info, all on logged-in connections.
  const std::vector<std::string> aql{tool("AQL_BIN", AQL_BIN_DEFAULT), "-h", "127.0.0.1", "-p", node.port_text()};
  r = run(with(aql, with(admin, {"-c", "INSERT INTO test.login (PK, v) VALUES ('k1', 1)", "-c",
                                 "SELECT * FROM test.login WHERE PK = 'k1'", "-c", "SHOW NAMESPACES"})));
  CHECK(r.code == 0);
  CHECK(has(r, "1 row in set"));
  CHECK(has(r, "| \"test\""));
  r = run(with(aql, {"-U", "admin", "-P", "-c", "SELECT * FROM test.login WHERE PK = 'k1'"}), "admin\n");
  CHECK(r.code == 0);
  CHECK(has(r, "1 row in set"));
  r = run(with(aql, {"-c", "SHOW NAMESPACES"}));
  CHECK(r.code == 1);
  CHECK(has(r, "Error: not authenticated (80) from 127.0.0.1:" + node.port_text()));
  r = run(with(aql, with(wrong, {"-c", "SHOW NAMESPACES"})));
  CHECK(r.code == 1);
  CHECK(has(r, "Error: invalid credential (65)"));
  // Only the read role: reads work, a write is a role violation.
  const std::vector<std::string> reader{"-U", "reader", "-P", "reader-pass"};
  r = run(with(aql, with(reader, {"-c", "SELECT * FROM test.login WHERE PK = 'k1'"})));
  CHECK(r.code == 0);
  r = run(with(aql, with(reader, {"-c", "INSERT INTO test.login (PK, v) VALUES ('k2', 2)"})));
  CHECK(r.code == 1);
  CHECK(has(r, "Error: (81) AEROSPIKE_ROLE_VIOLATION"));

  // asbench: every connection of the run presents the login's session.
  const std::vector<std::string> asbench{tool("ASBENCH_BIN", ASBENCH_BIN_DEFAULT), "-h", "127.0.0.1", "-p",
                                         node.port_text(), "-n", "test", "-s", "bench", "-k", "200", "-z", "3",
                                         "-q"};
  r = run(with(asbench, with(admin, {"-w", "I"})));
  CHECK(r.code == 0);
  CHECK(has(r, "errors none"));
  r = run(with(asbench, {"-w", "RU,50", "--transactions", "300", "-U", "admin", "-P"}), "admin\n");
  CHECK(r.code == 0);
  CHECK(has(r, "errors none"));
  r = run(with(asbench, {"-w", "I"}));
  CHECK(r.code != 0);
  CHECK(has(r, "asbench: not authenticated (80)"));
  r = run(with(asbench, with(wrong, {"-w", "I"})));
  CHECK(r.code != 0);
  CHECK(has(r, "asbench: invalid credential (65)"));

  // asexport: a scan of what asbench wrote.
  const std::vector<std::string> asexport{tool("ASEXPORT_BIN", ASEXPORT_BIN_DEFAULT), "-h", node.host_port(), "-n",
                                          "test", "-s", "bench", "--format", "jsonl", "-o", "-"};
  r = run(with(asexport, admin));
  CHECK(r.code == 0);
  CHECK(has(r, "asexport: 200 records written"));
  r = run(with(asexport, {"-U", "admin", "-P"}), "admin\n");
  CHECK(r.code == 0);
  CHECK(has(r, "asexport: 200 records written"));
  r = run(asexport);
  CHECK(r.code == 1);
  CHECK(has(r, "not authenticated (80)"));
  r = run(with(asexport, wrong));
  CHECK(r.code == 1);
  CHECK(has(r, "invalid credential (65)"));
}
