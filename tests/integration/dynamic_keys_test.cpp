// Every key the config table marks dynamic, set at run time through set-config and seen to
// change behaviour. One row per key: either an observation here, on a fresh asd, or the
// test file that sets the key at run time and observes it (checked to contain that
// set-config). A new dynamic key without a row fails "[dynamic_keys]".

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/node_id.h"
#include "conf/key_table.h"
#include "support/asd_node.h"
#include "support/cluster_dc.h"
#include "support/process.h"
#include "support/xdr_dc.h"

namespace {

using common::ResultCode;

std::string info(client::Client& c, const std::string& command) {
  auto answer = c.info(command);
  REQUIRE(answer.ok());
  return *answer;
}

void set(client::Client& c, const std::string& context, const std::string& assignment) {
  std::string id = context.starts_with("namespace") ? ";id=" + context.substr(context.find(':') + 1) : "";
  std::string ctx = context.substr(0, context.find(':'));
  INFO("set-config " << ctx << id << " " << assignment);
  REQUIRE(info(c, "set-config:context=" + ctx + id + ";" + assignment) == "ok");
}

std::string ns_stat(client::Client& c, const std::string& ns, const std::string& name) {
  return support::parse_info_map(info(c, "namespace/" + ns)).get(name);
}

int64_t ns_num(client::Client& c, const std::string& ns, const std::string& name) {
  return int64_t(support::parse_info_map(info(c, "namespace/" + ns)).num(name));
}

client::Key key(const std::string& ns, int i) { return client::Key(ns, "dyn", int64_t(i)); }

std::vector<client::Bin> bins(size_t bytes) { return {{"v", client::Value(std::string(bytes, 'x'))}}; }

// A memory namespace `test` and a device namespace `disk` (64K blocks, so a few records
// fill several blocks). `storage` adds lines to disk's storage-engine block.
std::unique_ptr<support::AsdNode> node(const std::string& storage = "") {
  support::AsdOptions o;
  o.namespaces =
      "namespace test {\n  replication-factor 1\n  memory-size 512M\n  default-ttl 0\n  nsup-period 1\n"
      "  storage-engine memory\n}\n"
      "namespace disk {\n  replication-factor 1\n  memory-size 512M\n  default-ttl 0\n  nsup-period 1\n"
      "  storage-engine device {\n    file {dir}/disk.dat\n    filesize 16M\n    write-block-size 64K\n" +
      storage + "  }\n}\n";
  return std::make_unique<support::AsdNode>(o);
}

struct Row {
  std::string_view context;  // table context
  std::string_view key;
  std::function<void()> observe;  // empty: `elsewhere` observes it
  std::string_view elsewhere = {};
};

// ---- observations on one node ---------------------------------------------------------------

void batch_max_requests() {
  auto n = node();
  auto c = n->connect();
  std::vector<client::Key> keys = {key("test", 1), key("test", 2), key("test", 3)};
  CHECK(c->batch_get(keys).ok());
  set(*c, "service", "batch-max-requests=2");
  CHECK(c->batch_get(keys).code() == ResultCode::BatchMaxRequests);
}

void memory_size() {
  auto n = node();
  auto c = n->connect();
  for (int i = 0; i < 2000; ++i) REQUIRE(c->put(key("test", i), bins(1000)).ok());
  set(*c, "namespace:test", "memory-size=1M");
  CHECK(ns_stat(*c, "test", "stop_writes") == "true");
  CHECK(c->put(key("test", 5000), bins(10)).code() == ResultCode::OutOfSpace);
}

void default_ttl() {
  auto n = node();
  auto c = n->connect();
  REQUIRE(c->put(key("test", 1), bins(10)).ok());
  CHECK(c->get(key("test", 1)).value().void_time == 0);
  set(*c, "namespace:test", "default-ttl=1000");
  REQUIRE(c->put(key("test", 2), bins(10)).ok());
  uint32_t ttl = c->get(key("test", 2)).value().ttl(common::now_cl_sec());
  CHECK(ttl > 990);
  CHECK(ttl <= 1000);
}

void allow_ttl_without_nsup() {
  auto n = node();
  auto c = n->connect();
  client::WritePolicy with_ttl;
  with_ttl.ttl = 100;
  set(*c, "namespace:test", "nsup-period=0");
  CHECK(c->put(key("test", 1), bins(10), with_ttl).code() == ResultCode::Forbidden);
  set(*c, "namespace:test", "allow-ttl-without-nsup=true");
  CHECK(c->put(key("test", 1), bins(10), with_ttl).ok());
}

void high_water_memory_pct() {
  auto n = node();
  auto c = n->connect();
  REQUIRE(c->put(key("test", 1), bins(10)).ok());
  CHECK(ns_stat(*c, "test", "hwm_breached") == "false");
  set(*c, "namespace:test", "high-water-memory-pct=1");
  set(*c, "namespace:test", "memory-size=1M");
  for (int i = 0; i < 200; ++i) REQUIRE(c->put(key("test", i), bins(100)).ok());
  CHECK(ns_stat(*c, "test", "hwm_breached") == "true");
}

void high_water_disk_pct() {
  auto n = node();
  auto c = n->connect();
  for (int i = 0; i < 300; ++i) REQUIRE(c->put(key("disk", i), bins(1000)).ok());
  CHECK(ns_stat(*c, "disk", "hwm_breached") == "false");
  set(*c, "namespace:disk", "high-water-disk-pct=1");
  CHECK(ns_stat(*c, "disk", "hwm_breached") == "true");
}

void stop_writes_pct() {
  auto n = node();
  auto c = n->connect();
  set(*c, "namespace:test", "memory-size=1M");
  for (int i = 0; i < 100; ++i) REQUIRE(c->put(key("test", i), bins(1000)).ok());
  set(*c, "namespace:test", "stop-writes-pct=5");
  CHECK(c->put(key("test", 1000), bins(10)).code() == ResultCode::OutOfSpace);
  set(*c, "namespace:test", "stop-writes-pct=90");
  CHECK(c->put(key("test", 1000), bins(10)).ok());
}

void evict_tenths_pct() {
  auto n = node();
  auto c = n->connect();
  client::WritePolicy with_ttl;
  with_ttl.ttl = 10000;
  set(*c, "namespace:test", "evict-tenths-pct=0");
  for (int i = 0; i < 500; ++i) REQUIRE(c->put(key("test", i), bins(100), with_ttl).ok());
  set(*c, "namespace:test", "high-water-memory-pct=1");
  set(*c, "namespace:test", "memory-size=1M");
  REQUIRE(ns_stat(*c, "test", "hwm_breached") == "true");
  // nsup runs every second: two passes with nothing to evict per pass.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(ns_num(*c, "test", "evicted_objects") == 0);
  set(*c, "namespace:test", "evict-tenths-pct=1000");
  CHECK(support::eventually([&] { return ns_num(*c, "test", "evicted_objects") > 0; }, 10000, 100));
}

void max_record_size() {
  auto n = node();
  auto c = n->connect();
  REQUIRE(c->put(key("test", 1), bins(4000)).ok());
  set(*c, "namespace:test", "max-record-size=1K");
  CHECK(c->put(key("test", 2), bins(4000)).code() == ResultCode::RecordTooBig);
  CHECK(c->put(key("test", 3), bins(100)).ok());
}

void allow_xdr_writes() {
  auto n = node();
  auto c = n->connect();
  client::WritePolicy xdr;
  xdr.xdr = true;
  xdr.src_id = 9;
  REQUIRE(c->put(key("test", 1), bins(10), xdr).ok());
  set(*c, "namespace:test", "allow-xdr-writes=false");
  CHECK(c->put(key("test", 1), bins(10), xdr).code() == ResultCode::Forbidden);
  CHECK(c->put(key("test", 2), bins(10)).ok());
}

void allow_nonxdr_writes() {
  auto n = node();
  auto c = n->connect();
  REQUIRE(c->put(key("test", 1), bins(10)).ok());
  set(*c, "namespace:test", "allow-nonxdr-writes=false");
  CHECK(c->put(key("test", 1), bins(10)).code() == ResultCode::Forbidden);
}

void flush_max_ms() {
  // Without commit-to-device a write reaches the file within flush-max-ms: here 1000 s,
  // until set-config shortens it. kill -9 keeps what reached the file.
  auto n = node("    flush-max-ms 1000000\n");
  auto c = n->connect();
  REQUIRE(c->put(key("disk", 1), bins(100)).ok());
  set(*c, "namespace:disk", "flush-max-ms=50");
  REQUIRE(c->put(key("disk", 2), bins(100)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  n->kill9();
  n->restart();
  auto after = n->connect();
  CHECK(after->get(key("disk", 1)).ok());
  CHECK(after->get(key("disk", 2)).ok());
}

void min_avail_pct() {
  auto n = node();
  auto c = n->connect();
  REQUIRE(c->put(key("disk", 1), bins(100)).ok());
  set(*c, "namespace:disk", "min-avail-pct=100");
  CHECK(c->put(key("disk", 2), bins(100)).code() == ResultCode::OutOfSpace);
  set(*c, "namespace:disk", "min-avail-pct=5");
  CHECK(c->put(key("disk", 2), bins(100)).ok());
}

// Fills 20 blocks, then empties most of each: blocks under defrag-lwm-pct are defragmented.
void fill_and_thin(client::Client& c) {
  for (int i = 0; i < 1200; ++i) REQUIRE(c.put(key("disk", i), bins(1000)).ok());
  for (int i = 0; i < 1200; ++i) {
    if (i % 5 != 0) REQUIRE(c.remove(key("disk", i)).ok());
  }
}

void defrag_lwm_pct() {
  auto n = node("    defrag-lwm-pct 1\n    flush-max-ms 10\n");
  auto c = n->connect();
  fill_and_thin(*c);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(ns_num(*c, "disk", "defrag_reads") == 0);  // 20% full is above 1%
  set(*c, "namespace:disk", "defrag-lwm-pct=50");
  CHECK(support::eventually([&] { return ns_num(*c, "disk", "defrag_reads") >= 10; }, 10000, 100));
}

void defrag_sleep() {
  // One defragmented block, then a 1 s sleep per block: 20 blocks would take 20 s.
  auto n = node("    defrag-sleep 1000000\n    flush-max-ms 10\n");
  auto c = n->connect();
  fill_and_thin(*c);
  CHECK(support::eventually([&] { return ns_num(*c, "disk", "defrag_reads") >= 1; }, 10000, 100));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(ns_num(*c, "disk", "defrag_reads") <= 2);
  set(*c, "namespace:disk", "defrag-sleep=0");
  CHECK(support::eventually([&] { return ns_num(*c, "disk", "defrag_reads") >= 10; }, 20000, 100));
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      {"service", "proto-fd-max", {}, "set_config_test.cpp"},
      {"service", "batch-max-requests", batch_max_requests},
      {"service", "migrate-threads", {}, "dynamic_keys_test.cpp"},        // [dynamic_keys_cluster]
      {"service", "migrate-max-num-incoming", {}, "dynamic_keys_test.cpp"},  // [dynamic_keys_cluster]
      {"service", "ticker-interval", {}, "ticker_test.cpp"},
      {"service", "tls-refresh-period", {}, "tls_test.cpp"},  // [tls_reload]
      {"security", "tps-weight", {}, "quota_test.cpp"},      // [security_quota]
      {"logging.console", "context", {}, "set_config_test.cpp"},
      {"logging.file", "context", {}, "set_config_test.cpp"},
      {"namespace", "memory-size", memory_size},
      {"namespace", "default-ttl", default_ttl},
      {"namespace", "nsup-period", {}, "set_config_test.cpp"},
      {"namespace", "allow-ttl-without-nsup", allow_ttl_without_nsup},
      {"namespace", "high-water-memory-pct", high_water_memory_pct},
      {"namespace", "high-water-disk-pct", high_water_disk_pct},
      {"namespace", "stop-writes-pct", stop_writes_pct},
      {"namespace", "stop-writes-sys-memory-pct", {}, "set_config_test.cpp"},
      {"namespace", "evict-tenths-pct", evict_tenths_pct},
      {"namespace", "max-record-size", max_record_size},
      {"namespace", "conflict-resolution-policy", {}, "dynamic_keys_test.cpp"},  // [dynamic_keys_cluster]
      {"namespace", "allow-xdr-writes", allow_xdr_writes},
      {"namespace", "allow-nonxdr-writes", allow_nonxdr_writes},
      {"namespace.storage-engine", "flush-max-ms", flush_max_ms},
      {"namespace.storage-engine", "defrag-lwm-pct", defrag_lwm_pct},
      {"namespace.storage-engine", "defrag-sleep", defrag_sleep},
      // A lagging disk is needed to see it: the device engine's unit test stalls the file.
      {"namespace.storage-engine", "max-write-cache", {}, "../unit/asd/storage_power_cut_test.cpp"},
      {"namespace.storage-engine", "min-avail-pct", min_avail_pct},
      {"xdr", "xdr-max-ship-throughput", {}, "xdr_pipeline_test.cpp"},
      {"xdr", "xdr-compression-threshold", {}, "xdr_kit_test.cpp"},  // [xdr_live_keys]
      {"xdr", "xdr-hotkey-time-ms", {}, "xdr_kit_test.cpp"},         // [xdr_live_keys]
  };
  return table;
}

const Row* row_for(std::string_view context, std::string_view name) {
  for (const Row& row : rows()) {
    if (row.context == context && row.key == name) return &row;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("every dynamic key has a row, and a row elsewhere names a test that sets it", "[dynamic_keys]") {
  for (const conf::KeySpec& spec : conf::key_table()) {
    if (!spec.dynamic || !spec.unsupported.empty()) continue;  // refused keys never run
    INFO(spec.context << " " << spec.name);
    // A 5.x-8.x spelling stores into another key: that key's row covers it.
    const conf::KeySpec* target = conf::storage_key(spec);
    const Row* row = target ? row_for(target->context, target->name) : row_for(spec.context, spec.name);
    REQUIRE(row != nullptr);
    if (row->observe) continue;
    std::string source = support::read_file(std::string(TESTS_SOURCE_DIR) + "/" + std::string(row->elsewhere));
    std::string context = spec.context.starts_with("logging") ? "logging" : std::string(spec.context.substr(0, spec.context.find('.')));
    std::string assignment = spec.context.starts_with("logging") ? "any=" : std::string(spec.name) + "=";
    if (row->elsewhere.starts_with("../unit/")) {
      // A unit test drives the component's set_config(), which set-config calls.
      CHECK(source.find("set_config(") != std::string::npos);
      CHECK(source.find(std::string(spec.name)) != std::string::npos);
    } else {
      CHECK(source.find("set-config:context=" + context) != std::string::npos);
      CHECK(source.find(assignment) != std::string::npos);
    }
  }
}

TEST_CASE("each dynamic key changes behaviour when set at run time", "[dynamic_keys]") {
  for (const Row& row : rows()) {
    if (!row.observe) continue;
    DYNAMIC_SECTION(row.context << " " << row.key) { row.observe(); }
  }
}

namespace {

support::ClusterDcOptions asd_only(size_t nodes) {
  support::ClusterDcOptions o;
  o.nodes = nodes;
  o.run_xdr = false;
  o.replication_factor = 2;
  o.service_extra = "  enable-fault-injection true\n";  // the split uses cluster-block-nodes
  return o;
}

int64_t node_stat(support::ClusterDc& dc, size_t i, const std::string& name) {
  return int64_t(support::parse_info_map(dc.asd_info(i, "statistics")).num(name));
}

// A client that only knows node i (no tending): during a split it writes to that side.
std::unique_ptr<client::Client> client_of(support::ClusterDc& dc, size_t i) {
  client::ClientConfig config;
  config.seeds.push_back({"127.0.0.1", dc.port(i)});
  config.tend = false;
  config.timeout_ms = 5000;
  auto c = client::Client::connect(config);
  REQUIRE(c.ok());
  return std::move(*c);
}

// Each node alone, stable (a cluster of one, its own cluster key).
bool alone_and_stable(support::ClusterDc& dc, size_t i) {
  std::string answer = dc.asd_info(i, "cluster-stable:size=1");
  return !answer.empty() && answer.rfind("ERROR", 0) != 0;
}

void split(support::ClusterDc& dc) {
  REQUIRE(dc.asd_info(0, "cluster-block-nodes:nodes=" + common::node_id_hex(dc.node_id(1))) == "ok");
  REQUIRE(dc.asd_info(1, "cluster-block-nodes:nodes=" + common::node_id_hex(dc.node_id(0))) == "ok");
  REQUIRE(support::eventually([&] { return alone_and_stable(dc, 0) && alone_and_stable(dc, 1); }, 30000, 100));
}

void heal(support::ClusterDc& dc) {
  REQUIRE(dc.asd_info(0, "cluster-block-nodes:nodes=") == "ok");
  REQUIRE(dc.asd_info(1, "cluster-block-nodes:nodes=") == "ok");
  REQUIRE(dc.wait_stable(2, 60000));
}

// Both sides of a split write `k`: side 0 twice (the higher generation), then side 1 once
// (the later update). Returns the value every node holds after the heal.
std::string winner_after_split(support::ClusterDc& dc, const client::Key& k) {
  split(dc);
  auto a = client_of(dc, 0);
  auto b = client_of(dc, 1);
  REQUIRE(a->put(k, {{"v", client::Value(std::string("side0-1"))}}).ok());
  REQUIRE(a->put(k, {{"v", client::Value(std::string("side0-2"))}}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(b->put(k, {{"v", client::Value(std::string("side1"))}}).ok());
  heal(dc);
  std::string values[2];
  for (size_t i = 0; i < 2; ++i) {
    auto r = client_of(dc, i)->get(k);
    REQUIRE(r.ok());
    values[i] = std::string(r.value().bin("v")->as_string().value_or(""));
  }
  CHECK(values[0] == values[1]);
  return values[0];
}

}  // namespace

TEST_CASE("conflict-resolution-policy set at run time decides which side of a split wins",
          "[dynamic_keys_cluster]") {
  support::ClusterDc dc(asd_only(2));
  dc.start();
  client::Key k("test", "dyn", "contested");
  REQUIRE(dc.connect()->put(k, {{"v", client::Value(std::string("base"))}}).ok());
  // generation (the default): side 0's two writes beat side 1's one.
  CHECK(winner_after_split(dc, k) == "side0-2");
  for (size_t i = 0; i < 2; ++i) {
    REQUIRE(dc.asd_info(i, "set-config:context=namespace;id=test;conflict-resolution-policy=last-update-time") == "ok");
  }
  CHECK(winner_after_split(dc, k) == "side1");
}

TEST_CASE("migrate-threads and migrate-max-num-incoming set at run time pause and resume migrations",
          "[dynamic_keys_cluster]") {
  support::ClusterDc dc(asd_only(1));
  dc.start();
  auto c = dc.connect();
  for (int i = 0; i < 500; ++i) REQUIRE(c->put(client::Key("test", "dyn", int64_t(i)), bins(100)).ok());
  REQUIRE(dc.asd_info(0, "set-config:context=service;migrate-threads=0") == "ok");
  size_t joined = dc.add_node();
  REQUIRE(support::eventually([&] { return node_stat(dc, joined, "cluster_size") == 2; }, 30000, 100));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(node_stat(dc, joined, "migrate_partitions_received") == 0);  // node 0 sends nothing
  REQUIRE(dc.asd_info(joined, "set-config:context=service;migrate-max-num-incoming=0") == "ok");
  REQUIRE(dc.asd_info(0, "set-config:context=service;migrate-threads=1") == "ok");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(node_stat(dc, joined, "migrate_partitions_received") == 0);  // the new node takes none
  REQUIRE(dc.asd_info(joined, "set-config:context=service;migrate-max-num-incoming=4") == "ok");
  CHECK(dc.wait_stable(2, 60000));
  CHECK(node_stat(dc, joined, "migrate_partitions_received") > 0);
}
