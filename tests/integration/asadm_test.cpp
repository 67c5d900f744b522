// asadm's asd verbs against a real 3-node cluster (asd only, replication-factor 2): the
// built asadm runs as a child process with one seed, and its text and --json output are
// checked against what the nodes hold: every node listed, record counts that add up,
// config read and changed on every node, refusals passed on with the server's message,
// bad usage refused before any node is asked, and a stopped node shown as unreachable.
// Text is compared with golden lines after masking addresses, node ids and runs of
// spaces (column widths follow the port numbers).

#include <catch2/catch.hpp>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "client/client.h"
#include "common/base64.h"
#include "support/cluster_dc.h"
#include "support/process.h"

using boost::property_tree::ptree;
using client::Key;
using client::Value;

namespace {

constexpr int kRecords = 300;
constexpr int kAsadmTimeoutMs = 60000;

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

std::string asadm_bin() {
  if (const char* env = std::getenv("ASADM_BIN")) return env;
  return ASADM_BIN_DEFAULT;
}

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs asadm with `args`; stdout and stderr kept apart (stdout may be JSON).
Run asadm(const support::TempDir& dir, const std::vector<std::string>& args) {
  static int calls = 0;
  std::string base = dir.path() + "/run" + std::to_string(++calls);
  std::string command = shell_quote(asadm_bin());
  for (const auto& arg : args) command += " " + shell_quote(arg);
  command += " 2>" + shell_quote(base + ".err");
  support::Process process;
  process.start({"/bin/sh", "-c", command}, base + ".out");
  Run run;
  run.code = process.wait(kAsadmTimeoutMs);
  run.out = support::read_file(base + ".out");
  run.err = support::read_file(base + ".err");
  // ASADM_TEST_PRINT=1 shows every run, for a look at the real output.
  if (const char* print = std::getenv("ASADM_TEST_PRINT"); print && std::string(print) == "1") {
    std::cout << "$ asadm " << command << "\n" << run.out << run.err << "exit " << run.code << "\n\n";
  }
  return run;
}

ptree parse_json(const std::string& text) {
  std::istringstream in(text);
  ptree tree;
  boost::property_tree::read_json(in, tree);
  return tree;
}

// Node i's place in asadm's order (by port: every node is on 127.0.0.1).
size_t rank(const support::ClusterDc& dc, size_t i) {
  size_t below = 0;
  for (size_t j = 0; j < dc.size(); ++j) below += dc.port(j) < dc.port(i);
  return below;
}

// Node i's address -> NODEr and its id -> IDr, r = rank(i); runs of spaces -> one and
// title rules -> "~~" (widths follow the ports).
std::string mask(std::string text, const support::ClusterDc& dc, const std::vector<std::string>& ids) {
  for (size_t i = 0; i < dc.size(); ++i) {
    std::string r = std::to_string(rank(dc, i));
    text = std::regex_replace(text, std::regex("127\\.0\\.0\\.1:" + std::to_string(dc.port(i))), "NODE" + r);
    text = std::regex_replace(text, std::regex("\\b" + ids[i] + "\\b"), "ID" + r);
  }
  text = std::regex_replace(text, std::regex("~+"), "~~");
  return std::regex_replace(text, std::regex(" +"), " ");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The first line that starts with `prefix`, or "" when none does.
std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const auto& line : lines_of(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return {};
}

const char* const kUdfSource =
    "function touch_n(rec)\n"
    "  return rec['n']\n"
    "end\n";

}  // namespace

TEST_CASE("asadm verbs on a 3-node cluster", "[asadm_verbs]") {
  support::ClusterDcOptions options;
  options.name = "ASADM";
  options.nodes = 3;
  options.run_xdr = false;
  support::ClusterDc dc(options);
  dc.start();
  support::TempDir dir;
  std::vector<std::string> ids;
  for (size_t i = 0; i < dc.size(); ++i) ids.push_back(dc.asd_info(i, "node"));

  auto c = dc.connect();
  for (int i = 0; i < kRecords; ++i) REQUIRE(c->put(Key("test", "demo", i), {{"n", Value(int64_t(i))}}).ok());
  REQUIRE(dc.asd_info(0, "sindex-create:ns=test;set=demo;indexname=demo_n;indexdata=n,NUMERIC") == "ok");
  std::string b64 = common::base64_encode(kUdfSource);
  REQUIRE(dc.asd_info(0, "udf-put:filename=asadm_test.lua;content=" + b64 + ";content-len=" +
                             std::to_string(b64.size()) + ";udf-type=LUA;") == "ok");
  const std::string seed = "127.0.0.1:" + std::to_string(dc.port(0));

  SECTION("info network lists every node of the cluster from one seed") {
    Run run = asadm(dir, {"-h", seed, "info", "network"});
    INFO(run.out << run.err);
    REQUIRE(run.code == 0);
    std::string masked = mask(run.out, dc, ids);
    for (size_t i = 0; i < dc.size(); ++i) {
      std::string row = line_starting(masked, "NODE" + std::to_string(i) + " ");
      INFO(masked);
      CHECK(row.find("ID" + std::to_string(i) + " NODE" + std::to_string(i) + " C-") != std::string::npos);
      CHECK(row.find(" 3 ") != std::string::npos);  // cluster size
    }
    CHECK(masked.find("Number of rows: 3") != std::string::npos);
  }

  SECTION("info namespace: the record counts add up over the nodes") {
    Run run = asadm(dir, {"-h", seed, "info", "namespace", "--json"});
    INFO(run.out << run.err);
    REQUIRE(run.code == 0);
    ptree tree = parse_json(run.out);
    int checked = 0;
    for (const auto& [unused, table] : tree.get_child("tables")) {
      if (table.get<std::string>("title") != "Namespace Object Information") continue;
      int nodes = 0;
      for (const auto& [unused2, row] : table.get_child("rows")) {
        if (row.get<std::string>("status") == "ok") ++nodes;
        if (row.get<std::string>("status") != "total") continue;
        CHECK(row.get<std::string>("namespace") == "test");
        CHECK(row.get<long>("master_objects") == kRecords);
        CHECK(row.get<long>("prole_objects") == kRecords);  // replication-factor 2
        CHECK(row.get<long>("total_records") == 2 * kRecords);
        ++checked;
      }
      CHECK(nodes == 3);
    }
    CHECK(checked == 1);
    Run text = asadm(dir, {"-h", seed, "info", "namespace"});
    CHECK(text.code == 0);
    CHECK(text.out.find("Namespace Usage Information") != std::string::npos);
  }

  SECTION("info set and the catalogs") {
    Run sets = asadm(dir, {"-h", seed, "info", "set"});
    INFO(sets.out << sets.err);
    REQUIRE(sets.code == 0);
    std::string total = line_starting(mask(sets.out, dc, ids), "test demo total ");
    CHECK(total.find(" " + std::to_string(2 * kRecords) + " ") != std::string::npos);

    Run sindex = asadm(dir, {"-h", seed, "show", "sindex"});
    INFO(sindex.out << sindex.err);
    REQUIRE(sindex.code == 0);
    CHECK(mask(sindex.out, dc, ids).find("demo_n test demo n numeric default RW\nNumber of rows: 1\n") !=
          std::string::npos);
    Run udfs = asadm(dir, {"-h", seed, "show", "udfs", "--json"});
    INFO(udfs.out << udfs.err);
    REQUIRE(udfs.code == 0);
    ptree tree = parse_json(udfs.out);
    REQUIRE(tree.get_child("rows").size() == 1);
    CHECK(tree.get_child("rows").front().second.get<std::string>("filename") == "asadm_test.lua");
  }

  SECTION("show config like, manage config, and the change on every node") {
    Run before = asadm(dir, {"-h", seed, "show", "config", "namespace", "like", "ttl"});
    INFO(before.out << before.err);
    REQUIRE(before.code == 0);
    CHECK(mask(before.out, dc, ids) ==
          "~~ test Namespace Configuration ~~\n"
          "Node NODE0 NODE1 NODE2\n"
          "allow-ttl-without-nsup false false false\n"
          "default-read-touch-ttl-pct 0 0 0\n"
          "default-ttl 0 0 0\n"
          "max-ttl 315360000 315360000 315360000\n"
          "Number of rows: 4\n");

    Run change = asadm(dir, {"-h", seed, "manage", "config", "namespace", "test", "param", "default-ttl", "to", "100"});
    INFO(change.out << change.err);
    REQUIRE(change.code == 0);
    CHECK(mask(change.out, dc, ids) ==
          "~~ Set Namespace test Param default-ttl to 100 ~~\n"
          "Node Node ID Response\n"
          "NODE0 ID0 ok\n"
          "NODE1 ID1 ok\n"
          "NODE2 ID2 ok\n"
          "Number of rows: 3\n");
    for (size_t i = 0; i < dc.size(); ++i) {
      CHECK(dc.asd_info(i, "get-config:context=namespace;id=test").find(";default-ttl=100;") != std::string::npos);
    }
    Run after = asadm(dir, {"-h", seed, "show", "config", "namespace", "like", "default-ttl", "--json"});
    INFO(after.out);
    REQUIRE(after.code == 0);
    ptree tree = parse_json(after.out);
    const ptree& section = tree.get_child("sections").front().second;
    CHECK(section.get<std::string>("title") == "test Namespace Configuration");
    CHECK(section.get_child("nodes").size() == 3);
    for (const auto& [unused, node] : section.get_child("nodes")) {
      CHECK(node.get<std::string>("status") == "ok");
      CHECK(node.get<int>("values.default-ttl") == 100);
      CHECK(node.get_child("values").size() == 1);
    }
  }

  SECTION("a refused change exits 1 with the server's message") {
    Run fixed = asadm(dir, {"-h", seed, "manage", "config", "namespace", "test", "param", "replication-factor", "to", "3"});
    INFO(fixed.out << fixed.err);
    CHECK(fixed.code == 1);
    CHECK(fixed.err.find("3 of 3 nodes did not apply replication-factor=3") != std::string::npos);
    CHECK(fixed.err.find("is not dynamic") != std::string::npos);
    CHECK(fixed.out.find("is not dynamic") != std::string::npos);

    Run unknown = asadm(dir, {"-h", seed, "manage", "config", "service", "param", "proto-fd-maxx", "to", "1", "--json"});
    INFO(unknown.out << unknown.err);
    CHECK(unknown.code == 1);
    ptree tree = parse_json(unknown.out);
    for (const auto& [unused, row] : tree.get_child("rows")) {
      CHECK(row.get<std::string>("status") == "refused");
      CHECK(row.get<std::string>("response").find("unknown key 'proto-fd-maxx'") != std::string::npos);
    }
    Run good = asadm(dir, {"-h", seed, "manage", "config", "service", "param", "proto-fd-max", "to", "20000"});
    CHECK(good.code == 0);
    CHECK(dc.asd_info(2, "get-config:context=service").find("proto-fd-max=20000") != std::string::npos);
  }

  SECTION("bad usage exits 1 before asking any node") {
    const std::vector<std::vector<std::string>> bad = {
        {"info", "bogus"},
        {"show", "config", "bogus"},
        {"show", "config", "namespace", "like"},
        {"show", "statistics", "network"},
        {"manage", "config", "namespace", "test", "param", "default-ttl"},
        {"manage", "config", "namespace", "param", "default-ttl", "to", "1"},
        {"manage", "config", "bogus", "param", "x", "to", "1"},
        {"manage", "config", "namespace", "test", "default-ttl", "to", "1"},
    };
    for (const auto& words : bad) {
      std::vector<std::string> args = {"-h", seed};
      args.insert(args.end(), words.begin(), words.end());
      Run run = asadm(dir, args);
      INFO(words.back() << ": " << run.out << run.err);
      CHECK(run.code == 1);
      CHECK(run.out.empty());
      CHECK(run.err.rfind("asadm: ", 0) == 0);
    }
    CHECK(asadm(dir, {"-h", seed, "manage", "config", "namespace", "test", "param", "default-ttl"}).err ==
          "asadm: manage config: missing 'to VALUE' after 'param default-ttl'\n");
  }

  SECTION("statistics and summary computed from the nodes") {
    Run stats = asadm(dir, {"-h", seed, "show", "statistics", "service", "like", "cluster_size", "--json"});
    INFO(stats.out << stats.err);
    REQUIRE(stats.code == 0);
    ptree tree = parse_json(stats.out);
    REQUIRE(tree.get_child("sections").size() == 1);
    for (const auto& [unused, node] : tree.get_child("sections").front().second.get_child("nodes")) {
      CHECK(node.get<int>("values.cluster_size") == 3);
    }

    Run summary = asadm(dir, {"-h", seed, "summary"});
    INFO(summary.out << summary.err);
    REQUIRE(summary.code == 0);
    std::string masked = mask(summary.out, dc, ids);
    CHECK(line_starting(masked, "Cluster Size ") == "Cluster Size 3");
    CHECK(line_starting(masked, "Master Objects ") == "Master Objects " + std::to_string(kRecords));
    CHECK(line_starting(masked, "Replication Factors ") == "Replication Factors 2");
    CHECK(line_starting(masked, "Namespaces Total ") == "Namespaces Total 1");
    CHECK(line_starting(masked, "Active Features ") == "Active Features KVS, SINDEX, UDF");
    CHECK(line_starting(masked, "Memory Total ") == "Memory Total 1.500 GB");  // 3 x 512M

    Run json = asadm(dir, {"-h", seed, "summary", "--json"});
    REQUIRE(json.code == 0);
    ptree parsed = parse_json(json.out);
    CHECK(parsed.get<long>("cluster.master_objects") == kRecords);
    CHECK(parsed.get<std::string>("cluster.cluster_size") == "3");
  }

  SECTION("a stopped node shows as unreachable, the others still print") {
    dc.stop_node(2);
    const std::string dead = "127.0.0.1:" + std::to_string(dc.port(2));
    Run run = asadm(dir, {"-h", seed, "-h", dead, "--timeout", "1", "info", "network"});
    INFO(run.out << run.err);
    CHECK(run.code == 0);
    std::string masked = mask(run.out, dc, ids);
    const std::string dead_node = "NODE" + std::to_string(rank(dc, 2));
    const std::string live_node = "NODE" + std::to_string(rank(dc, 0));
    CHECK(line_starting(masked, dead_node + " ").find("unreachable (") != std::string::npos);
    CHECK(line_starting(masked, live_node + " ").find("unreachable") == std::string::npos);

    Run json = asadm(dir, {"-h", seed, "-h", dead, "--timeout", "1", "show", "config", "service", "--json"});
    INFO(json.out << json.err);
    CHECK(json.code == 0);
    ptree tree = parse_json(json.out);
    std::vector<std::string> statuses;
    for (const auto& [unused, node] : tree.get_child("sections").front().second.get_child("nodes")) {
      statuses.push_back(node.get<std::string>("node") == dead ? "dead:" + node.get<std::string>("status")
                                                                : node.get<std::string>("status"));
    }
    CHECK(std::count(statuses.begin(), statuses.end(), "dead:unreachable") == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), "ok") == 2);

    Run change = asadm(dir, {"-h", seed, "-h", dead, "--timeout", "1", "manage", "config", "service", "param",
                             "proto-fd-max", "to", "16000"});
    INFO(change.out << change.err);
    CHECK(change.code == 1);
    CHECK(change.err.find("1 of 3 nodes did not apply") != std::string::npos);
  }
}

TEST_CASE("asadm xdr verbs through asd's service port, on a 2-node DC shipping to another DC", "[asadm_xdr]") {
  support::ClusterDcOptions remote_options;
  remote_options.name = "DC2";
  remote_options.nodes = 1;
  remote_options.replication_factor = 1;
  remote_options.run_xdr = false;
  support::ClusterDc remote(remote_options);
  support::ClusterDcOptions local_options;
  local_options.name = "DC1";
  local_options.nodes = 2;
  support::ClusterDc local(local_options);
  local.ship_to(remote);
  remote.start();
  local.start();
  support::TempDir dir;
  std::vector<std::string> ids;
  for (size_t i = 0; i < local.size(); ++i) ids.push_back(local.asd_info(i, "node"));

  auto c = local.connect();
  for (int i = 0; i < 100; ++i) REQUIRE(c->put(Key("test", "demo", i), {{"n", Value(int64_t(i))}}).ok());
  auto r = remote.connect();
  REQUIRE(support::eventually([&] { return r->get(Key("test", "demo", 99)).ok(); }, 30000, 100));
  const std::string seed = "127.0.0.1:" + std::to_string(local.port(0));

  SECTION("info xdr: one row per node for DC2, with what each node shipped") {
    // What the nodes report once the last write has shipped (counters settle after it).
    long shipped = 0;
    bool settled = support::eventually(
        [&] {
          Run run = asadm(dir, {"-h", seed, "info", "xdr", "--json"});
          if (run.code != 0) return false;
          ptree tree = parse_json(run.out);
          shipped = 0;
          int rows = 0;
          for (const auto& [unused, table] : tree.get_child("tables")) {
            for (const auto& [unused2, row] : table.get_child("rows")) {
              if (row.get<std::string>("status") != "ok") continue;
              ++rows;
              shipped += row.get<long>("success", 0);
            }
          }
          return rows == 2 && shipped >= 100;
        },
        30000, 500);
    CHECK(settled);
    Run text = asadm(dir, {"-h", seed, "info", "xdr"});
    INFO(text.out << text.err);
    REQUIRE(text.code == 0);
    std::string masked = mask(text.out, local, ids);
    CHECK(masked.find("DC2") != std::string::npos);
    CHECK(!line_starting(masked, "NODE0 ").empty());
    CHECK(!line_starting(masked, "NODE1 ").empty());
  }

  SECTION("show config xdr and show statistics xdr read every node's xdr through asd") {
    Run config = asadm(dir, {"-h", seed, "show", "config", "xdr"});
    INFO(config.out << config.err);
    REQUIRE(config.code == 0);
    std::string masked = mask(config.out, local, ids);
    CHECK(line_starting(masked, "src-id ") == "src-id 1 1");
    CHECK(masked.find("127.0.0.1:" + std::to_string(remote.port(0))) != std::string::npos);  // DC2's seed
    Run stats = asadm(dir, {"-h", seed, "show", "statistics", "xdr", "like", "success"});
    INFO(stats.out << stats.err);
    REQUIRE(stats.code == 0);
    CHECK(mask(stats.out, local, ids).find("success") != std::string::npos);
  }
}
