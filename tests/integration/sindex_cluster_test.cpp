// Secondary indexes as cluster-wide definitions (docs/sindex-udf-design.md): created
// through one node, built and maintained on every node over the copies it holds (with
// replication-factor 2 the entries over the cluster are twice the matching records),
// through updates, deletes, a node's restart and a node joining (migration), and dropped
// everywhere. Bad definitions get the real server's errors. Queries themselves are tested
// with the official client (tests/compat/sindex_query.js).

#include <catch2/catch.hpp>

#include <string>

#include "client/client.h"
#include "support/cluster_dc.h"
#include "support/process.h"
#include "support/xdr_dc.h"

using client::Key;
using client::Value;

namespace {

constexpr int64_t kRecords = 2000;
const std::string kCreate = "sindex-create:ns=test;set=si;indexname=si_n;numbins=1;indexdata=n,NUMERIC;priority=normal";

support::InfoMap stats(const support::ClusterDc& dc, size_t i) {
  return support::parse_info_map(dc.asd_info(i, "sindex/test/si_n"));
}

// Entries over the live nodes, -1 while some node's index is missing or still building.
double total_entries(support::ClusterDc& dc) {
  double total = 0;
  for (size_t i : dc.live()) {
    support::InfoMap m = stats(dc, i);
    if (!m.has("load_pct") || m.num("load_pct") != 100) return -1;
    total += m.num("entries");
  }
  return total;
}

support::ClusterDcOptions asd_only(const std::string& name, size_t nodes) {
  support::ClusterDcOptions o;
  o.name = name;
  o.nodes = nodes;
  o.run_xdr = false;
  return o;
}

std::string all_stats(support::ClusterDc& dc) {
  std::string out;
  for (size_t i : dc.live()) out += "node " + std::to_string(i) + ": " + dc.asd_info(i, "sindex/test/si_n") + "\n";
  return out;
}

}  // namespace

TEST_CASE("an index created through one node is built and kept on every node", "[sindex_cluster]") {
  support::ClusterDc dc(asd_only("SI", 3));
  dc.start();
  auto c = dc.connect();
  for (int64_t i = 0; i < kRecords; ++i) REQUIRE(c->put(Key("test", "si", i), {{"n", Value(i)}}).ok());
  // A record of another set and one whose bin holds a string are not indexed.
  REQUIRE(c->put(Key("test", "elsewhere", 1), {{"n", Value(int64_t(1))}}).ok());
  REQUIRE(c->put(Key("test", "si", "text"), {{"n", Value("a string")}}).ok());

  REQUIRE(dc.asd_info(1, kCreate) == "ok");
  double expected = 2.0 * kRecords;
  INFO(all_stats(dc));
  REQUIRE(support::eventually([&] { return total_entries(dc) == expected; }, 20000, 100));
  for (size_t i = 0; i < 3; ++i) {
    CHECK(dc.asd_info(i, "sindex-exists:ns=test;indexname=si_n") == "true");
    CHECK(dc.asd_info(i, "sindex-list:ns=test").find("indexname=si_n:set=si:bin=n:type=numeric") != std::string::npos);
  }

  // Updates that take the bin out of the index, and deletes.
  for (int64_t i = 0; i < 100; ++i) REQUIRE(c->put(Key("test", "si", i), {{"n", Value("now text")}}).ok());
  for (int64_t i = 100; i < 200; ++i) REQUIRE(c->remove(Key("test", "si", i)).ok());
  expected = 2.0 * (kRecords - 200);
  REQUIRE(support::eventually([&] { return total_entries(dc) == expected; }, 10000, 100));

  SECTION("a restarted node rebuilds it from the stored definition; a joining node gets it") {
    dc.kill9(2);
    REQUIRE(dc.wait_stable(2, 30000));
    dc.restart(2);
    REQUIRE(dc.wait_stable(3, 60000));
    INFO(all_stats(dc));
    CHECK(support::eventually([&] { return total_entries(dc) == expected; }, 30000, 200));
    size_t fourth = dc.add_node();
    REQUIRE(dc.wait_stable(4, 60000));
    CHECK(support::eventually([&] { return stats(dc, fourth).num("load_pct") == 100; }, 20000, 100));
    // Migration moved copies to the new node and dropped them where they left.
    CHECK(support::eventually([&] { return total_entries(dc) == expected; }, 60000, 200));
  }

  SECTION("a delete through another node drops it everywhere") {
    REQUIRE(dc.asd_info(0, "sindex-delete:ns=test;indexname=si_n") == "ok");
    for (size_t i = 0; i < 3; ++i) {
      CHECK(support::eventually([&] { return dc.asd_info(i, "sindex/test/si_n") == "ERROR:201:no index"; }, 10000));
      CHECK(dc.asd_info(i, "sindex-exists:ns=test;indexname=si_n") == "false");
    }
    CHECK(dc.asd_info(2, "sindex-delete:ns=test;indexname=si_n") == "ok");
  }
}

TEST_CASE("bad index definitions get the real server's errors", "[sindex_bad_input]") {
  support::ClusterDc dc(asd_only("SB", 1));
  dc.start();
  REQUIRE(dc.asd_info(0, kCreate) == "ok");
  CHECK(dc.asd_info(0, kCreate) == "ok");  // the same definition again
  CHECK(dc.asd_info(0, "sindex-create:ns=test;set=si;indexname=si_n;indexdata=other,STRING") ==
        "ERROR:200:'si_n' already exists with different definition");
  CHECK(dc.asd_info(0, "sindex-create:ns=nope;indexname=x;indexdata=n,NUMERIC").rfind("ERROR:4:", 0) == 0);
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;indexdata=n,FLOAT").rfind("ERROR:4:", 0) == 0);
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;indexdata=n").rfind("ERROR:4:", 0) == 0);
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=geo_x;indexdata=g,geo2dsphere") == "ok");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;indexdata=l,NUMERIC;indextype=BAG") ==
        "ERROR:4:invalid indextype");
  // [1] is no context (an odd number of items); ";" is not base64.
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;indexdata=l,NUMERIC;indextype=LIST;context=kQE=") ==
        "ERROR:4:invalid context");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;indexdata=l,NUMERIC;context=!!") == "ERROR:4:invalid context");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;indexdata=l,NUMERIC;exp=AA==") ==
        "ERROR:4:both 'bin' and 'exp' are specified");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;type=numeric") == "ERROR:4:both 'bin' and 'exp' are missing");
  // [81, 3, "s"]: a string bin, for a numeric index; [1, 2] does not parse as a program.
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;exp=k1EDoXM=;type=numeric") ==
        "ERROR:4:bad 'exp' - expression type 'string' does not match expected type 'integer'");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;exp=kgEC;type=numeric") == "ERROR:4:bad 'exp'");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x;exp=k1EDoXM=;type=string;context=kQE=") ==
        "ERROR:4:both 'context' and 'exp' are specified");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=x_ok;exp=k1EDoXM=;type=string") == "ok");
  CHECK(dc.asd_info(0, "sindex-create:ns=test;indexname=a|b;indexdata=n,NUMERIC").rfind("ERROR:4:", 0) == 0);
  // The 8.1 syntax makes the same definition.
  CHECK(dc.asd_info(0, "sindex-create:ns=test;set=si;indexname=si_n;bin=n;type=integer") == "ok");
  CHECK(dc.asd_info(0, "sindex/test/none") == "ERROR:201:no index");
  CHECK(dc.asd_info(0, "sindex-stat:ns=test;indexname=none") == "ERROR:201:no index");
  CHECK(dc.asd_info(0, "sindex-stat:ns=test;indexname=si_n") == dc.asd_info(0, "sindex/test/si_n"));
  CHECK(dc.asd_info(0, "sindex-stat:ns=test;indexname=si_n").find("load_pct=") != std::string::npos);
  CHECK(dc.asd_info(0, "sindex/nope/si_n").rfind("ERROR:4:", 0) == 0);
  CHECK(dc.asd_info(0, "sindex-delete:ns=test;indexname=none") == "ok");
  CHECK(dc.asd_info(0, "status") == "ok");
}
