// Process lifecycle: clean shutdown on SIGTERM, refusal to start on a bad config (with
// file:line), refusal to start when the service port is taken, and xdr's refusals.

#include <catch2/catch.hpp>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "support/asd_node.h"
#include "support/xdr_dc.h"

TEST_CASE("SIGTERM stops asd cleanly", "[lifecycle]") {
  support::AsdNode node;
  auto c = node.connect();
  REQUIRE(c->put(client::Key("test", "s", 1), {{"a", client::Value(1)}}).ok());
  CHECK(node.terminate() == 0);
  CHECK(node.log().find("stopped") != std::string::npos);
}

TEST_CASE("a bad config names file and line and asd refuses to start", "[lifecycle]") {
  support::TempDir dir;
  std::string path = dir.path() + "/bad.conf";
  support::write_file(path,
                      "service {\n}\n"
                      "network {\n  service {\n    port 3000\n  }\n}\n"
                      "namespace test {\n  memory-sise 1G\n}\n");
  support::Process p;
  p.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/out.log");
  CHECK(p.wait(10000) == 1);
  std::string out = support::read_file(dir.path() + "/out.log");
  CHECK(out.find("bad.conf:9:") != std::string::npos);
  CHECK(out.find("memory-sise") != std::string::npos);
}

TEST_CASE("asd refuses to start when its port is taken", "[lifecycle]") {
  support::AsdNode first;
  support::TempDir dir;
  std::string cfg = support::read_file(first.config_path());
  std::string path = dir.path() + "/same-port.conf";
  support::write_file(path, cfg);
  support::Process second;
  second.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/out.log");
  CHECK(second.wait(10000) == 1);
  CHECK(support::read_file(dir.path() + "/out.log").find("cannot listen") != std::string::npos);
}

namespace {

// The uid and gid lines of /proc/PID/status: "real effective saved fs".
std::string proc_ids(pid_t pid, const std::string& field) {
  std::string status = support::read_file("/proc/" + std::to_string(pid) + "/status");
  size_t at = status.find(field + ":");
  if (at == std::string::npos) return {};
  size_t end = status.find('\n', at);
  return status.substr(at + field.size() + 1, end - at - field.size() - 1);
}

std::string first_id(const std::string& ids) {
  size_t start = ids.find_first_not_of(" \t");
  size_t end = ids.find_first_of(" \t", start);
  return ids.substr(start, end - start);
}

// Starts asd with `service_lines` added and returns its exit status after 10 s, or -1
// while it still runs (then `node` is running).
int start_with(support::Process& p, support::TempDir& dir, const std::string& service_lines) {
  support::AsdNode probe;  // a valid config on free ports, whose service stanza we extend
  std::string cfg = support::read_file(probe.config_path());
  probe.terminate();
  for (size_t at = cfg.find(probe.dir()); at != std::string::npos; at = cfg.find(probe.dir(), at)) {
    cfg.replace(at, probe.dir().size(), dir.path());  // its work directory goes with it
  }
  cfg.replace(cfg.find("service {\n"), 10, "service {\n" + service_lines);
  std::string path = dir.path() + "/asd.conf";
  support::write_file(path, cfg);
  p.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/out.log");
  return p.wait(1500);
}

}  // namespace

TEST_CASE("service user and group naming the current identity are honoured as a no-op", "[lifecycle]") {
  passwd* me = getpwuid(geteuid());
  group* my_group = getgrgid(getegid());
  REQUIRE(me != nullptr);
  REQUIRE(my_group != nullptr);
  support::TempDir dir;
  support::Process p;
  CHECK(start_with(p, dir, "  user " + std::string(me->pw_name) + "\n  group " + my_group->gr_name + "\n") == -1);
  CHECK(first_id(proc_ids(p.pid(), "Uid")) == std::to_string(geteuid()));
}

TEST_CASE("an unknown service user or an unreadable feature-key-file stops start-up with the reason", "[lifecycle]") {
  {
    support::TempDir dir;
    support::Process p;
    CHECK(start_with(p, dir, "  user no-such-user-here\n") == 1);
    CHECK(support::read_file(dir.path() + "/out.log").find("unknown user 'no-such-user-here'") != std::string::npos);
  }
  {
    support::TempDir dir;
    support::Process p;
    CHECK(start_with(p, dir, "  feature-key-file " + dir.path() + "/missing.conf\n") == 1);
    CHECK(support::read_file(dir.path() + "/out.log").find("cannot read feature-key-file " + dir.path() + "/missing.conf") !=
          std::string::npos);
  }
  {
    support::TempDir dir;
    support::write_file(dir.path() + "/features.conf", "feature-key-version 2\n");
    support::Process p;
    CHECK(start_with(p, dir, "  feature-key-file " + dir.path() + "/features.conf\n") == -1);
  }
}

TEST_CASE("asd switches to service user nobody when started as root, and refuses when it cannot", "[lifecycle]") {
  passwd* nobody = getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  support::TempDir dir;
  // The work directory and the log must be usable by nobody once asd has switched.
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  support::Process p;
  int status = start_with(p, dir, "  user nobody\n");
  if (geteuid() == 0) {
    INFO(support::read_file(dir.path() + "/out.log"));
    REQUIRE(status == -1);
    CHECK(first_id(proc_ids(p.pid(), "Uid")) == std::to_string(nobody->pw_uid));
    CHECK(first_id(proc_ids(p.pid(), "Gid")) == std::to_string(nobody->pw_gid));
  } else {
    CHECK(status == 1);
    CHECK(support::read_file(dir.path() + "/out.log").find("only root may switch") != std::string::npos);
  }
}

namespace {

// Starts asd with a TLS listener on the client service (tls stanza `t` holding
// `tls_lines`); returns the exit status after 1.5 s, or -1 while it still runs.
int start_with_tls(support::Process& p, support::TempDir& dir, const std::string& tls_lines,
                   const std::string& authenticate = "false") {
  support::AsdNode probe;
  std::string cfg = support::read_file(probe.config_path());
  probe.terminate();
  for (size_t at = cfg.find(probe.dir()); at != std::string::npos; at = cfg.find(probe.dir(), at)) {
    cfg.replace(at, probe.dir().size(), dir.path());
  }
  cfg.replace(cfg.find("network {\n"), 10, "network {\n  tls t {\n" + tls_lines + "  }\n");
  cfg.replace(cfg.find("  service {\n"), 12,
              "  service {\n    tls-port " + std::to_string(support::free_port()) +
                  "\n    tls-name t\n    tls-authenticate-client " + authenticate + "\n");
  std::string path = dir.path() + "/asd.conf";
  support::write_file(path, cfg);
  p.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/out.log");
  return p.wait(1500);
}

bool openssl(std::vector<std::string> args, const std::string& log) {
  args.insert(args.begin(), "openssl");
  return support::run_tool(args, log);
}

}  // namespace

TEST_CASE("TLS material that cannot be used stops start-up with the file and the reason", "[lifecycle]") {
  support::TempDir keys;
  std::string k = keys.path();
  for (const char* name : {"a", "b"}) {
    REQUIRE(openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", std::string("/CN=") + name,
                     "-keyout", k + "/" + name + ".key", "-out", k + "/" + name + ".pem"},
                    k + "/openssl.log"));
  }
  auto refused = [](const std::string& tls_lines, const std::string& authenticate, const std::string& reason) {
    support::TempDir dir;
    support::Process p;
    CHECK(start_with_tls(p, dir, tls_lines, authenticate) == 1);
    std::string out = support::read_file(dir.path() + "/out.log");
    INFO(out);
    CHECK(out.find(reason) != std::string::npos);
  };
  refused("    cert-file " + k + "/missing.pem\n    key-file " + k + "/a.key\n", "false",
          "tls t: cert-file " + k + "/missing.pem: ");
  refused("    cert-file " + k + "/a.pem\n    key-file " + k + "/b.key\n", "false",
          "tls t: key-file " + k + "/b.key: ");  // OpenSSL says the key does not match
  refused("    cert-file " + k + "/a.pem\n    key-file " + k + "/a.key\n", "any",
          "tls-authenticate-client verifies client certificates and needs ca-file or ca-path");
  refused("    cert-file " + k + "/a.pem\n    key-file " + k + "/a.key\n    protocols SSLv3\n", "false",
          "tls t: protocols: unknown protocol 'SSLv3'");
  refused("    cert-file " + k + "/a.pem\n    key-file " + k + "/a.key\n    cipher-suite NO-SUCH-CIPHER\n", "false",
          "cipher-suite 'NO-SUCH-CIPHER' selects no cipher");
  // The same material, usable: asd runs.
  support::TempDir dir;
  support::Process p;
  CHECK(start_with_tls(p, dir, "    cert-file " + k + "/a.pem\n    key-file " + k + "/a.key\n    ca-file " + k + "/a.pem\n",
                       "any") == -1);
}

TEST_CASE("xdr refuses a config it cannot run, with the reason", "[lifecycle]") {
  auto refused = [](const std::string& xdr, const std::string& reason) {
    support::TempDir dir;
    std::string path = dir.path() + "/xdr.conf";
    support::write_file(path, "service {\n  work-directory " + dir.path() + "\n}\n" +
                                  "network {\n  service {\n    port 3000\n  }\n}\n" +  // line 4
                                  "xdr {\n" + xdr + "}\nnamespace test {\n  memory-size 64M\n}\n");  // xdr at line 9
    support::Process p;
    p.start({support::Dc::xdr_binary(), "--config", path}, dir.path() + "/out.log");
    CHECK(p.wait(10000) == 1);
    std::string out = support::read_file(dir.path() + "/out.log");
    INFO(out);
    CHECK(out.find(reason) != std::string::npos);
  };
  refused("  enable-xdr false\n", "refusing to start: xdr { enable-xdr } is false");
  refused("  enable-xdr true\n  xdr-namedpipe-path /nonexistent/pipe\n  xdr-info-port 3004\n",
          "xdr.conf:9: xdr enable-xdr true needs xdr-digestlog-path");
  refused("  enable-xdr true\n  xdr-digestlog-path /nonexistent/dlog 1M\n  xdr-info-port 3004\n",
          "refusing to start: xdr { xdr-namedpipe-path } is missing");
}
