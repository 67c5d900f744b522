// Single-record commands against a real asd: every bin type byte-exact, every write
// policy with its exact result code, TTLs, operate, delete and touch.

#include <catch2/catch.hpp>

#include "common/clock.h"
#include "proto/cdt_ops.h"
#include "proto/msgpack.h"
#include "support/asd_node.h"

using client::Bin;
using client::ExistsAction;
using client::Key;
using client::Operation;
using client::Value;
using client::WritePolicy;
using common::ResultCode;

TEST_CASE("every bin type round-trips byte-exactly", "[kv]") {
  support::AsdNode node;
  auto c = node.connect();
  Key key("test", "demo", "all-types");
  std::string list;
  {
    proto::msgpack::Writer w(&list);
    w.array_header(3);
    w.integer(int64_t(1));
    w.string("a");
    w.float64(2.5);
  }
  std::string map;
  {
    proto::msgpack::Writer w(&map);
    w.map_header(1);
    w.string("k");
    w.integer(int64_t(-7));
  }
  std::vector<Bin> bins = {
      {"int", Value(int64_t(-42))},
      {"big", Value(int64_t(9007199254740991))},
      {"dbl", Value(3.25)},
      {"str", Value(std::string("h\xc3\xa9llo"))},
      {"empty", Value(std::string())},
      {"blob", Value::blob(std::string("\x00\x01\xff", 3))},
      {"bool", Value::boolean(true)},
      {"list", Value::list_msgpack(list)},
      {"map", Value::map_msgpack(map)},
      {"geo", Value::geojson(R"({"type":"Point","coordinates":[1.5,2.5]})")},
  };
  REQUIRE(c->put(key, bins).ok());
  auto rec = c->get(key);
  REQUIRE(rec.ok());
  CHECK(rec->generation == 1);
  CHECK(rec->void_time == 0);
  for (const Bin& b : bins) {
    const Value* got = rec->bin(b.name);
    REQUIRE(got);
    CHECK(got->particle() == b.value.particle());
    CHECK(got->bytes() == b.value.bytes());
  }

  auto selected = c->get(key, {"int", "str", "missing"});
  REQUIRE(selected.ok());
  CHECK(selected->bins.size() == 2);

  auto header = c->get_header(key);
  REQUIRE(header.ok());
  CHECK(header->bins.empty());
  CHECK(header->generation == 1);

  // A nil value deletes its bin.
  REQUIRE(c->put(key, {{"int", Value::nil()}}).ok());
  auto after = c->get(key);
  REQUIRE(after.ok());
  CHECK(after->bin("int") == nullptr);
  CHECK(after->generation == 2);
}

TEST_CASE("write policies answer with the real server's result codes", "[kv]") {
  support::AsdNode node;
  auto c = node.connect();
  Key key("test", "demo", "policies");
  WritePolicy create;
  create.exists = ExistsAction::CreateOnly;
  REQUIRE(c->put(key, {{"a", Value(1)}, {"b", Value(2)}}, create).ok());
  CHECK(c->put(key, {{"a", Value(1)}}, create).code() == ResultCode::RecordExists);

  WritePolicy update_only;
  update_only.exists = ExistsAction::UpdateOnly;
  CHECK(c->put(Key("test", "demo", "nope"), {{"a", Value(1)}}, update_only).code() == ResultCode::NotFound);
  REQUIRE(c->put(key, {{"a", Value(10)}}, update_only).ok());
  CHECK(c->get(key)->bin("b") != nullptr);

  WritePolicy replace_only;
  replace_only.exists = ExistsAction::ReplaceOnly;
  CHECK(c->put(Key("test", "demo", "nope"), {{"a", Value(1)}}, replace_only).code() == ResultCode::NotFound);
  REQUIRE(c->put(key, {{"c", Value(3)}}, replace_only).ok());
  auto replaced = c->get(key);
  CHECK(replaced->bin("a") == nullptr);
  CHECK(replaced->bin("c") != nullptr);

  WritePolicy replace;
  replace.exists = ExistsAction::Replace;
  REQUIRE(c->put(Key("test", "demo", "fresh"), {{"x", Value(1)}}, replace).ok());

  uint32_t gen = c->get(key)->generation;
  WritePolicy eq;
  eq.generation_policy = client::GenerationPolicy::Eq;
  eq.generation = gen + 5;
  CHECK(c->put(key, {{"d", Value(4)}}, eq).code() == ResultCode::Generation);
  eq.generation = gen;
  REQUIRE(c->put(key, {{"d", Value(4)}}, eq).ok());

  WritePolicy gt;
  gt.generation_policy = client::GenerationPolicy::Gt;
  gt.generation = gen + 1;  // equal to the current generation: not greater
  CHECK(c->put(key, {{"e", Value(5)}}, gt).code() == ResultCode::Generation);
  gt.generation = gen + 10;
  REQUIRE(c->put(key, {{"e", Value(5)}}, gt).ok());

  WritePolicy bad_delete_gen;
  bad_delete_gen.generation_policy = client::GenerationPolicy::Eq;
  bad_delete_gen.generation = 999;
  CHECK(c->remove(key, bad_delete_gen).code() == ResultCode::Generation);
  auto removed = c->remove(key);
  REQUIRE(removed.ok());
  CHECK(*removed);
  auto again = c->remove(key);
  REQUIRE(again.ok());
  CHECK_FALSE(*again);
  CHECK(c->get(key).code() == ResultCode::NotFound);

  WritePolicy durable;
  durable.durable_delete = true;
  REQUIRE(c->put(key, {{"a", Value(1)}}).ok());
  CHECK(c->remove(key, durable).ok());
}

TEST_CASE("ttl values: default, never, don't update, seconds, out of range", "[kv]") {
  support::AsdNode node;
  auto c = node.connect();
  Key key("test", "demo", "ttl");
  WritePolicy p;
  p.ttl = 100;
  REQUIRE(c->put(key, {{"a", Value(1)}}, p).ok());
  uint32_t now = common::now_cl_sec();
  auto rec = c->get(key);
  REQUIRE(rec.ok());
  CHECK(rec->void_time >= now + 98);
  CHECK(rec->void_time <= now + 101);

  p.ttl = client::kTtlDontUpdate;
  REQUIRE(c->put(key, {{"a", Value(2)}}, p).ok());
  CHECK(c->get(key)->void_time == rec->void_time);

  p.ttl = client::kTtlNeverExpire;
  REQUIRE(c->put(key, {{"a", Value(3)}}, p).ok());
  CHECK(c->get(key)->void_time == 0);

  p.ttl = 400000000;  // beyond the 10-year max-ttl
  CHECK(c->put(key, {{"a", Value(4)}}, p).code() == ResultCode::Parameter);

  p.ttl = 1;
  REQUIRE(c->put(Key("test", "demo", "short"), {{"a", Value(1)}}, p).ok());
  CHECK(support::eventually([&] { return c->get(Key("test", "demo", "short")).code() == ResultCode::NotFound; },
                            5000));
}

TEST_CASE("touch bumps generation and ttl; missing records answer not found", "[kv]") {
  support::AsdNode node;
  auto c = node.connect();
  Key key("test", "demo", "touch");
  REQUIRE(c->put(key, {{"a", Value(1)}}).ok());
  WritePolicy p;
  p.ttl = 500;
  REQUIRE(c->touch(key, p).ok());
  auto rec = c->get(key);
  CHECK(rec->generation == 2);
  CHECK(rec->void_time > common::now_cl_sec() + 400);
  CHECK(c->touch(Key("test", "demo", "none")).code() == ResultCode::NotFound);
}

TEST_CASE("operate: read, write, incr, append, prepend, delete, list and map ops", "[kv]") {
  support::AsdNode node;
  auto c = node.connect();
  Key key("test", "demo", "operate");
  REQUIRE(c->put(key, {{"i", Value(42)}, {"f", Value(1.5)}, {"s", Value("mid")}}).ok());
  auto r = c->operate(key, {Operation::incr("i", int64_t(1)), Operation::read("i")});
  REQUIRE(r.ok());
  CHECK(r->bin("i")->as_int() == 43);
  r = c->operate(key, {Operation::incr("f", 1.25), Operation::append("s", "-end"),
                       Operation::prepend("s", "start-"), Operation::read("f"), Operation::read("s")});
  REQUIRE(r.ok());
  CHECK(r->bin("f")->as_double() == 2.75);
  CHECK(r->bin("s")->as_string() == "start-mid-end");
  CHECK(c->operate(key, {Operation::incr("s", int64_t(1))}).code() == ResultCode::IncompatibleType);
  CHECK(c->operate(key, {Operation::append("i", "x")}).code() == ResultCode::IncompatibleType);

  using proto::msgpack::Value;
  r = c->operate(key, {Operation::cdt_modify("l", proto::cdt::list_append(Value::integer(7))),
                       Operation::cdt_modify("l", proto::cdt::list_append(Value::integer(8))),
                       Operation::cdt_read("l", proto::cdt::list_size())});
  REQUIRE(r.ok());
  REQUIRE(r->bins.size() == 3);
  CHECK(r->bins[0].value.as_int() == 1);
  CHECK(r->bins[1].value.as_int() == 2);
  CHECK(r->bins[2].value.as_int() == 2);
  r = c->operate(key, {Operation::cdt_read("l", proto::cdt::list_get(1))});
  REQUIRE(r.ok());
  CHECK(r->bin("l")->as_int() == 8);

  r = c->operate(key, {Operation::cdt_modify("m", proto::cdt::map_put(Value::string("k"), Value::integer(5))),
                       Operation::cdt_read("m", proto::cdt::map_get_by_key(Value::string("k"),
                                                                            proto::cdt::return_type::kValue)),
                       Operation::cdt_read("m", proto::cdt::map_size())});
  REQUIRE(r.ok());
  REQUIRE(r->bins.size() == 3);
  CHECK(r->bins[1].value.as_int() == 5);
  CHECK(r->bins[2].value.as_int() == 1);

  r = c->operate(key, {Operation::touch(), Operation::read_all()});
  REQUIRE(r.ok());
  CHECK(r->bin("i") != nullptr);
  REQUIRE(c->operate(key, {Operation::delete_all()}).ok());
  CHECK(c->get(key).code() == ResultCode::NotFound);
  CHECK(c->operate(Key("test", "demo", "absent"), {Operation::read("i")}).code() == ResultCode::NotFound);
}

TEST_CASE("a stored key comes back with scans; a different key for the same digest is refused", "[kv]") {
  support::AsdNode node;
  auto c = node.connect();
  WritePolicy p;
  p.send_key = true;
  REQUIRE(c->put(Key("test", "keys", "user-key-1"), {{"a", Value(1)}}, p).ok());
  int seen = 0;
  REQUIRE(c->scan("test", "keys", [&](const client::Record& r) {
              ++seen;
              REQUIRE(r.user_key);
              CHECK(r.user_key->as_string() == "user-key-1");
              return true;
            }).ok());
  CHECK(seen == 1);
}
