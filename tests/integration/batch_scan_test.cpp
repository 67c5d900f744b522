// Multi-record commands against a real asd: batch reads across namespaces and sets with
// missing keys, partition scans (whole namespace, one set, a partition subset, max
// records), and truncate.

#include <catch2/catch.hpp>

#include <set>

#include "support/asd_node.h"

using client::Key;
using client::Value;
using common::ResultCode;

namespace {

support::AsdOptions two_namespaces() {
  support::AsdOptions o;
  o.extra_config =
      "namespace bar {\n  replication-factor 1\n  memory-size 128M\n  storage-engine memory\n}\n";
  return o;
}

}  // namespace

TEST_CASE("batch reads mix namespaces and sets and report missing keys per row", "[batch]") {
  support::AsdNode node(two_namespaces());
  auto c = node.connect();
  REQUIRE(c->put(Key("test", "a", 1), {{"v", Value(1)}, {"w", Value("x")}}).ok());
  REQUIRE(c->put(Key("bar", "b", 2), {{"v", Value(2)}}).ok());
  REQUIRE(c->put(Key("test", "", 3), {{"v", Value(3)}}).ok());
  std::vector<Key> keys = {Key("test", "a", 1), Key("bar", "b", 2), Key("test", "a", 99),
                           Key("test", "", 3), Key("bar", "b", 98)};
  auto rows = c->batch_get(keys);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 5);
  CHECK((*rows)[0].found());
  CHECK((*rows)[0].record.bin("v")->as_int() == 1);
  CHECK((*rows)[1].record.bin("v")->as_int() == 2);
  CHECK((*rows)[2].result == ResultCode::NotFound);
  CHECK((*rows)[3].record.bin("v")->as_int() == 3);
  CHECK((*rows)[4].result == ResultCode::NotFound);

  auto selected = c->batch_get(keys, client::BatchRead::selected({"w"}));
  REQUIRE(selected.ok());
  CHECK((*selected)[0].record.bins.size() == 1);
  auto headers = c->batch_get(keys, client::BatchRead::header());
  REQUIRE(headers.ok());
  CHECK((*headers)[0].found());
  CHECK((*headers)[0].record.bins.empty());
  CHECK((*headers)[0].record.generation == 1);

  std::vector<Key> many;
  for (int i = 0; i < 3000; ++i) many.emplace_back("test", "a", i);
  auto big = c->batch_get(many);
  REQUIRE(big.ok());
  REQUIRE(big->size() == 3000);
  CHECK((*big)[1].found());
  CHECK((*big)[2].result == ResultCode::NotFound);
}

TEST_CASE("scans stream every record once, by set, partition subset and limit", "[scan]") {
  support::AsdNode node;
  auto c = node.connect();
  const int n = 30000;
  for (int i = 0; i < n; ++i) {
    REQUIRE(c->put(Key("test", i % 3 == 0 ? "three" : "other", i), {{"i", Value(int64_t(i))}}).ok());
  }
  std::set<common::Digest> digests;
  int64_t sum = 0;
  REQUIRE(c->scan("test", "", [&](const client::Record& r) {
              digests.insert(r.digest);
              sum += *r.bin("i")->as_int();
              return true;
            }).ok());
  CHECK(digests.size() == size_t(n));
  CHECK(sum == int64_t(n) * (n - 1) / 2);

  size_t in_set = 0;
  REQUIRE(c->scan("test", "three", [&](const client::Record& r) {
              CHECK(r.set == "three");
              ++in_set;
              return true;
            }).ok());
  CHECK(in_set == size_t((n + 2) / 3));

  client::ScanPolicy subset;
  for (uint16_t p = 0; p < 100; ++p) subset.partitions.push_back(p);
  size_t in_subset = 0;
  REQUIRE(c->scan("test", "", [&](const client::Record& r) {
              CHECK(common::partition_id(r.digest).value < 100);
              ++in_subset;
              return true;
            }, subset).ok());
  size_t expected_subset = 0;
  for (const auto& d : digests) expected_subset += common::partition_id(d).value < 100;
  CHECK(in_subset == expected_subset);

  client::ScanPolicy limited;
  limited.max_records = 500;
  size_t limited_count = 0;
  REQUIRE(c->scan("test", "", [&](const client::Record&) { return ++limited_count, true; }, limited).ok());
  CHECK(limited_count <= 500);
  CHECK(limited_count > 0);

  client::ScanPolicy no_bins;
  no_bins.no_bins = true;
  size_t meta = 0;
  REQUIRE(c->scan("test", "three", [&](const client::Record& r) {
              CHECK(r.bins.empty());
              return ++meta, true;
            }, no_bins).ok());
  CHECK(meta == in_set);

  size_t unknown = 0;
  REQUIRE(c->scan("test", "never-written", [&](const client::Record&) { return ++unknown, true; }).ok());
  CHECK(unknown == 0);
}

TEST_CASE("truncate empties a set or a namespace and later writes survive", "[truncate]") {
  support::AsdNode node;
  auto c = node.connect();
  for (int i = 0; i < 500; ++i) {
    REQUIRE(c->put(Key("test", "setA", i), {{"v", Value(i)}}).ok());
    REQUIRE(c->put(Key("test", "setB", i), {{"v", Value(i)}}).ok());
  }
  REQUIRE(c->truncate("test", "setA").ok());
  CHECK(c->get(Key("test", "setA", 1)).code() == ResultCode::NotFound);
  CHECK(c->get(Key("test", "setB", 1)).ok());
  size_t a = 0;
  REQUIRE(c->scan("test", "setA", [&](const client::Record&) { return ++a, true; }).ok());
  CHECK(a == 0);
  REQUIRE(c->put(Key("test", "setA", 7), {{"v", Value(7)}}).ok());
  CHECK(c->get(Key("test", "setA", 7)).ok());

  REQUIRE(c->truncate("test", "").ok());
  CHECK(c->get(Key("test", "setB", 1)).code() == ResultCode::NotFound);
  CHECK(c->get(Key("test", "setA", 7)).code() == ResultCode::NotFound);
  auto stats = c->info("namespace/test");
  REQUIRE(stats.ok());
  CHECK(stats->find("objects=0;") != std::string::npos);
}
