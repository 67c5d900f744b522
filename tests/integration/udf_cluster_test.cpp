// Record UDF writes are writes like any other (docs/sindex-udf-design.md §7): in a
// 3-node RF2 DC shipping to a 2-node DC, updates, creates and removes made by a UDF reach
// the remote DC, and the replicas hold them (after a kill -9 of a node every record reads
// as the UDF left it).

#include <catch2/catch.hpp>

#include <string>

#include "client/client.h"
#include "common/base64.h"
#include "proto/msgpack.h"
#include "support/cluster_dc.h"
#include "support/process.h"
#include "two_cluster_dcs.h"

using client::Key;
using client::Value;
namespace msgpack = proto::msgpack;

namespace {

constexpr int64_t kUpdated = 300;  // keys 0..299 written by put, then changed by a UDF
constexpr int64_t kRemoved = 50;   // keys 0..49 then removed by a UDF
constexpr int64_t kCreated = 100;  // keys 300..399 created by a UDF
constexpr int64_t kAdd = 1000;

const std::string kSource =
    "function add(rec, bin, n)\n"
    "  rec[bin] = (rec[bin] or 0) + n\n"
    "  aerospike:update(rec)\n"
    "  return rec[bin]\n"
    "end\n"
    "function make(rec, v)\n"
    "  rec['n'] = v\n"
    "  rec['made'] = 'udf'\n"
    "  return aerospike:create(rec)\n"
    "end\n"
    "function drop(rec)\n"
    "  return aerospike:remove(rec)\n"
    "end\n";

std::string put_command() {
  std::string b64 = common::base64_encode(kSource);
  return "udf-put:filename=cluster_udf.lua;content=" + b64 + ";content-len=" + std::to_string(b64.size()) +
         ";udf-type=LUA;";
}

std::string args(std::vector<msgpack::Value> values) { return msgpack::encode(msgpack::Value::make_list(std::move(values))); }

Key key(int64_t i) { return Key("test", "udf", i); }

// What the UDFs left for key i: its n, or -1 when removed.
int64_t expected(int64_t i) {
  if (i < kRemoved) return -1;
  if (i < kUpdated) return i + kAdd;
  return i;
}

// Keys whose state in the DC behind `c` differs from what the UDFs left ("" when none).
std::string differences(client::Client& c) {
  std::string out;
  for (int64_t i = 0; i < kUpdated + kCreated; ++i) {
    auto rec = c.get(key(i));
    int64_t want = expected(i);
    if (want < 0) {
      if (rec.ok() || rec.code() != common::ResultCode::NotFound) out += std::to_string(i) + " not removed; ";
      continue;
    }
    const client::Bin* n = nullptr;
    if (rec.ok()) {
      for (const client::Bin& b : rec->bins) {
        if (b.name == "n") n = &b;
      }
    }
    if (!n || n->value.as_int() != want) out += std::to_string(i) + " wrong; ";
  }
  return out;
}

}  // namespace

TEST_CASE("record UDF writes replicate and ship to the remote DC", "[udf_cluster_xdr]") {
  xdr_cluster_test::TwoDcs dcs;
  support::ClusterDc& dc1 = *dcs.dc1;
  REQUIRE(dc1.asd_info(1, put_command()) == "ok");
  for (size_t i = 0; i < dc1.size(); ++i) {
    REQUIRE(support::eventually(
        [&] { return dc1.asd_info(i, "udf-list").find("filename=cluster_udf.lua,") != std::string::npos; }, 10000));
  }
  auto c = dc1.connect();
  for (int64_t i = 0; i < kUpdated; ++i) REQUIRE(c->put(key(i), {{"n", Value(i)}}).ok());
  for (int64_t i = 0; i < kUpdated; ++i) {
    auto r = c->apply(key(i), "cluster_udf", "add", args({msgpack::Value::string("n"), msgpack::Value::integer(kAdd)}));
    INFO(i << ": " << (r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
    REQUIRE(r->bins.size() == 1);
    CHECK(r->bins[0].name == "SUCCESS");
    CHECK(r->bins[0].value.as_int() == i + kAdd);
  }
  for (int64_t i = kUpdated; i < kUpdated + kCreated; ++i) {
    auto r = c->apply(key(i), "cluster_udf", "make", args({msgpack::Value::integer(i)}));
    REQUIRE(r.ok());
    CHECK(r->bins[0].value.as_int() == 0);
  }
  for (int64_t i = 0; i < kRemoved; ++i) {
    auto r = c->apply(key(i), "cluster_udf", "drop");
    REQUIRE(r.ok());
    CHECK(r->bins[0].value.as_int() == 0);
  }
  CHECK(differences(*c).empty());

  auto remote = dcs.dc2->connect();
  std::string last;
  bool converged = support::eventually([&] { return (last = differences(*remote)).empty(); }, 60000, 200);
  INFO("DC2: " << last << "\n" << dcs.logs());
  CHECK(converged);

  // The replicas took every UDF write: without node 0 each record still reads as the UDF left it.
  dc1.kill9(0);
  REQUIRE(dc1.wait_stable(2, 30000));
  auto after = dc1.connect();
  std::string lost;
  CHECK(support::eventually([&] { return (lost = differences(*after)).empty(); }, 10000, 200));
  INFO("DC1 after kill: " << lost);
  CHECK(lost.empty());
}
