// The Client end to end against in-process fake nodes: discovery, routing by partition
// master, single-record commands, batch, scan, columnar batch and scan, info, failures.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>

#include "client/client.h"
#include "client/errors.h"
#include "common/base64.h"
#include "fake_server.h"

using client::Client;
using client::Key;
using client::Value;
using client_test::FakeServer;
using common::ResultCode;

namespace {

std::unique_ptr<Client> connect_to(const FakeServer& server, bool tend = false) {
  client::ClientConfig config;
  config.seeds = {client::Host{"127.0.0.1", server.port()}};
  config.tend = tend;
  auto client = Client::connect(config);
  REQUIRE(client.ok());
  return std::move(*client);
}

// A master bitmap owning partitions [from, to).
std::string bitmap(uint32_t from, uint32_t to) {
  std::string raw(512, '\0');
  for (uint32_t pid = from; pid < to; ++pid) raw[pid / 8] = char(uint8_t(raw[pid / 8]) | (0x80 >> (pid % 8)));
  return common::base64_encode(raw);
}

}  // namespace

TEST_CASE("single-record commands against one node", "[client]") {
  FakeServer server;
  auto client = connect_to(server);
  CHECK(client->node_names() == std::vector<std::string>{"BB9020011AC4202"});

  Key key("test", "demo", "key1");
  REQUIRE(client->put(key, {{"i", Value(42)}, {"s", Value("hello")}}).ok());
  auto rec = client->get(key);
  REQUIRE(rec.ok());
  CHECK(rec->generation == 1);
  CHECK(rec->bin("i")->as_int() == 42);
  CHECK(rec->bin("s")->as_string() == "hello");

  auto selected = client->get(key, {"s"});
  REQUIRE(selected.ok());
  CHECK(selected->bins.size() == 1);
  CHECK(client->get_header(key)->bins.empty());
  CHECK(client->exists(key).value());

  auto ops = client->operate(key, {client::Operation::incr("i", int64_t(1)), client::Operation::read("i")});
  REQUIRE(ops.ok());
  CHECK(ops->bin("i")->as_int() == 43);
  CHECK(client->touch(key).ok());

  client::WritePolicy create_only;
  create_only.exists = client::ExistsAction::CreateOnly;
  CHECK(client->put(key, {{"i", Value(1)}}, create_only).code() == ResultCode::RecordExists);

  CHECK(client->remove(key).value());
  CHECK_FALSE(client->remove(key).value());
  CHECK_FALSE(client->exists(key).value());
  auto missing = client->get(key);
  CHECK(missing.code() == ResultCode::NotFound);
  CHECK_FALSE(client::is_client_error(missing.error()));
}

TEST_CASE("requests refused before sending", "[client]") {
  FakeServer server;
  auto client = connect_to(server);
  size_t before = server.messages_served();
  auto unknown = client->get(Key("nosuchns", "demo", 1));
  CHECK(unknown.code() == ResultCode::Namespace);
  CHECK(client::is_client_error(unknown.error()));
  CHECK(client->put(Key("test", "demo", 1), {{std::string(16, 'b'), Value(1)}}).code() == ResultCode::BinName);
  CHECK(server.messages_served() == before);
}

TEST_CASE("batch, scan, info and truncate", "[client]") {
  FakeServer server;
  auto client = connect_to(server);
  std::vector<Key> keys;
  for (int i = 0; i < 20; ++i) {
    keys.emplace_back("test", "demo", i);
    REQUIRE(client->put(keys.back(), {{"v", Value(i)}}).ok());
  }
  keys.emplace_back("test", "demo", "absent");
  auto rows = client->batch_get(keys);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 21);
  for (int i = 0; i < 20; ++i) CHECK((*rows)[size_t(i)].record.bin("v")->as_int() == i);
  CHECK((*rows)[20].result == ResultCode::NotFound);
  auto headers = client->batch_get(keys, client::BatchRead::header());
  REQUIRE(headers.ok());
  CHECK((*headers)[0].found());
  CHECK((*headers)[0].record.bins.empty());
  CHECK(client->batch_get({})->empty());

  std::set<int64_t> seen;
  REQUIRE(client->scan("test", "demo", [&](const client::Record& r) {
    CHECK(r.set == "demo");
    seen.insert(*r.bin("v")->as_int());
    return true;
  }).ok());
  CHECK(seen.size() == 20);
  size_t count = 0;
  REQUIRE(client->scan("test", "", [&](const client::Record&) { return ++count < 5; }).ok());
  CHECK(count == 5);
  client::ScanPolicy limited;
  limited.max_records = 3;
  count = 0;
  REQUIRE(client->scan("test", "demo", [&](const client::Record&) { return ++count, true; }, limited).ok());
  CHECK(count == 3);

  CHECK(client->info("status").value() == "ok");
  CHECK(client->info("bogus").value() == "ERROR:4:unrecognized command");
  CHECK(client->truncate("test", "").ok());
  CHECK(client->truncate("test", "demo").code() == ResultCode::Parameter);  // the fake knows no set truncate

  auto one_shot = Client::info_host(client::Host{"127.0.0.1", server.port()}, {"node", "build"});
  REQUIRE(one_shot.ok());
  CHECK(one_shot->at(1) == std::pair<std::string, std::string>{"build", "8.1.2.0"});
}

TEST_CASE("many threads share a small pool", "[client]") {
  FakeServer server;
  client::ClientConfig config;
  config.seeds = {client::Host{"127.0.0.1", server.port()}};
  config.tend = false;
  config.max_conns_per_node = 2;
  auto client = Client::connect(config);
  REQUIRE(client.ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Key key("test", "demo", t * 1000 + i);
        if (!(*client)->put(key, {{"v", Value(i)}}).ok()) ++failures;
        auto rec = (*client)->get(key);
        if (!rec || rec->bin("v")->as_int() != i) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(server.record_count() == 400);
}

TEST_CASE("commands survive dropped pooled connections", "[client]") {
  FakeServer server;
  auto client = connect_to(server);
  Key key("test", "demo", 5);
  REQUIRE(client->put(key, {{"i", Value(1)}}).ok());
  server.drop_connections();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the FIN arrive
  CHECK(client->put(key, {{"i", Value(2)}}).ok());
  CHECK(client->get(key).ok());
}

TEST_CASE("connect and command failures are client errors", "[client]") {
  uint16_t dead_port;
  {
    FakeServer gone;
    dead_port = gone.port();
  }
  client::ClientConfig config;
  config.seeds = {client::Host{"127.0.0.1", dead_port}};
  auto refused = Client::connect(config);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == ResultCode::Unavailable);
  CHECK(client::is_client_error(refused.error()));

  auto server = std::make_unique<FakeServer>();
  auto client = connect_to(*server);
  server.reset();
  auto get = client->get(Key("test", "demo", 1));
  CHECK(get.code() == ResultCode::Unavailable);
  CHECK(client::is_client_error(get.error()));
}

TEST_CASE("two nodes: peers discovered, commands routed to partition masters", "[client]") {
  FakeServer a("A1"), b("B2");
  a.set_info("peers-clear-std", "1,3000,[[B2,,[127.0.0.1:" + std::to_string(b.port()) + "]]]");
  b.set_info("peers-clear-std", "1,3000,[[A1,,[127.0.0.1:" + std::to_string(a.port()) + "]]]");
  a.set_info("replicas", "test:0,1," + bitmap(0, 2048));
  b.set_info("replicas", "test:0,1," + bitmap(2048, 4096));
  auto client = connect_to(a, true);
  auto names = client->node_names();
  CHECK(std::set<std::string>(names.begin(), names.end()) == std::set<std::string>{"A1", "B2"});

  std::vector<Key> keys;
  for (int i = 0; i < 40; ++i) {
    keys.emplace_back("test", "demo", i);
    REQUIRE(client->put(keys.back(), {{"v", Value(i)}}).ok());
    FakeServer& owner = keys.back().partition_id().value < 2048 ? a : b;
    CHECK(owner.has_record(keys.back().digest()));
  }
  CHECK(a.record_count() + b.record_count() == 40);
  CHECK(a.record_count() > 0);
  CHECK(b.record_count() > 0);

  auto rows = client->batch_get(keys);
  REQUIRE(rows.ok());
  for (const auto& row : *rows) CHECK(row.found());
  size_t scanned = 0;
  REQUIRE(client->scan("test", "demo", [&](const client::Record&) { return ++scanned, true; }).ok());
  CHECK(scanned == 40);
  CHECK(client->info("node", "B2").value() == "B2");
}

namespace {

client::ColumnLayout layout_iv() {
  auto layout = client::ColumnLayoutBuilder().add("v", "i4").add("s", "S4").build();
  REQUIRE(layout.ok());
  return std::move(*layout);
}

}  // namespace

TEST_CASE("batch_get_columns fills rows in key order", "[client][columns]") {
  FakeServer server;
  auto client = connect_to(server);
  std::vector<Key> keys;
  for (int i = 0; i < 10; ++i) {
    keys.emplace_back("test", "demo", i);
    REQUIRE(client->put(keys.back(), {{"v", Value(i)}, {"s", Value("abcdef")}, {"x", Value(1.5)}}).ok());
  }
  keys.emplace_back("test", "demo", "absent");
  const client::ColumnLayout layout = layout_iv();
  std::vector<uint8_t> rows(keys.size() * layout.itemsize(), 0xAA);
  std::vector<client::RowMeta> meta(keys.size());
  std::vector<int32_t> codes(keys.size());
  REQUIRE(client->batch_get_columns(keys, layout, {rows.data(), meta.data(), codes.data(), keys.size()}).ok());
  for (int i = 0; i < 10; ++i) {
    int32_t v;
    std::memcpy(&v, rows.data() + size_t(i) * 8, 4);
    CHECK(v == i);
    CHECK(std::string(reinterpret_cast<const char*>(rows.data()) + i * 8 + 4, 4) == "abcd");
    CHECK(codes[size_t(i)] == 0);
    CHECK(meta[size_t(i)].gen == 1);
  }
  CHECK(codes[10] == int32_t(ResultCode::NotFound));
  for (size_t b = 80; b < 88; ++b) CHECK(rows[b] == 0);

  // Too small a buffer is refused before sending anything.
  const size_t before = server.messages_served();
  auto small = client->batch_get_columns(keys, layout, {rows.data(), nullptr, nullptr, 3});
  CHECK(small.code() == ResultCode::Parameter);
  CHECK(server.messages_served() == before);
  // A bin its field cannot hold fails the call once every row is in.
  auto bad = client::ColumnLayoutBuilder().add("x", "S4").build();
  REQUIRE(bad.ok());
  CHECK(client->batch_get_columns(keys, *bad, {rows.data(), nullptr, codes.data(), keys.size()}).code() ==
        ResultCode::IncompatibleType);
  CHECK(codes[10] == int32_t(ResultCode::NotFound));
}

TEST_CASE("scan_columns delivers bounded batches and stops when told", "[client][columns]") {
  FakeServer server;
  auto client = connect_to(server);
  for (int i = 0; i < 25; ++i) REQUIRE(client->put(Key("test", "demo", i), {{"v", Value(i)}}).ok());
  const client::ColumnLayout layout = layout_iv();
  std::set<int32_t> seen;
  std::set<common::Digest> digests;
  size_t batches = 0;
  REQUIRE(client
              ->scan_columns("test", "demo", layout, 10,
                             [&](const client::ColumnBatch& b) {
                               ++batches;
                               CHECK(b.count <= 10);
                               CHECK(b.count > 0);
                               for (size_t r = 0; r < b.count; ++r) {
                                 int32_t v;
                                 std::memcpy(&v, b.rows + r * 8, 4);
                                 seen.insert(v);
                                 digests.insert(b.digests[r]);
                                 CHECK(b.meta[r].gen == 1);
                               }
                               return true;
                             })
              .ok());
  CHECK(seen.size() == 25);
  CHECK(digests.size() == 25);
  CHECK(batches == 3);

  batches = 0;
  REQUIRE(client->scan_columns("test", "demo", layout, 4, [&](const client::ColumnBatch&) { return ++batches < 2; })
              .ok());
  CHECK(batches == 2);
  CHECK(client->scan_columns("test", "demo", layout, 0, [](const client::ColumnBatch&) { return true; }).code() ==
        ResultCode::Parameter);
}
