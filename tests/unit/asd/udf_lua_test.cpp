// The Lua runtime of record UDFs, in process: the value types (list, map, bytes) and
// their conversions, the record API and the outcome it gives the transaction, the error
// texts a client sees, and the sandbox's limits.

#include <catch2/catch.hpp>

#include <bit>

#include "common/bytes.h"
#include "proto/msgpack.h"
#include "proto/particle.h"
#include "smd/metadata_store.h"
#include "support/process.h"
#include "udf/lua_runtime.h"
#include "udf/udf_modules.h"

using namespace asd;
using common::ResultCode;
namespace msgpack = proto::msgpack;

namespace {

struct Lua {
  support::TempDir dir;
  smd::MetadataStore store{dir.path(), 1};
  udf::UdfModules modules{dir.path() + "/lua", store};
  udf::LuaRuntime runtime{modules};
  common::Digest digest;

  Lua() {
    REQUIRE(store.load().ok());
    REQUIRE(modules.start().ok());
    digest.bytes.fill(7);
  }

  void module(const std::string& name, const std::string& source) {
    auto put = modules.put(name + ".lua", source);
    REQUIRE(put.ok());
    REQUIRE(!put->refused);
  }

  UdfOutcome call(std::string_view fn, const Record* record = nullptr, std::vector<msgpack::Value> args = {},
                  std::string_view mod = "t") {
    UdfTarget target;
    target.digest = &digest;
    target.set = "s";
    target.record = record;
    std::string packed = args.empty() ? std::string() : msgpack::encode(msgpack::Value::make_list(std::move(args)));
    return runtime.run(mod, fn, packed, target);
  }

  // The call's returned value, as a string / integer / double.
  std::string str(std::string_view fn, const Record* record = nullptr) {
    UdfOutcome out = call(fn, record);
    INFO(out.failure);
    REQUIRE(out.code == ResultCode::Ok);
    REQUIRE(out.particle == uint8_t(proto::ParticleType::String));
    return out.value;
  }
  int64_t integer(std::string_view fn, const Record* record = nullptr) {
    UdfOutcome out = call(fn, record);
    INFO(out.failure);
    REQUIRE(out.code == ResultCode::Ok);
    REQUIRE(out.particle == uint8_t(proto::ParticleType::Integer));
    return int64_t(common::load_be64(common::as_bytes(out.value)));
  }
};

std::string be64(uint64_t v) {
  std::string out(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(out.data()), v);
  return out;
}

Record stored(std::vector<Bin> bins) {
  Record r;
  r.generation = 3;
  r.bins = std::move(bins);
  return r;
}

}  // namespace

TEST_CASE("lists behave as the real server's: 1-based, padding, trim/take/drop, iterators", "[lua]") {
  Lua lua;
  lua.module("t", R"(
function show() local l = list{1, 'a', 2.5} l[5] = true return tostring(l) end
function edits()
  local l = list{1, 2, 3, 4, 5}
  list.trim(l, 4)              -- keeps 1..3
  list.insert(l, 1, 0)
  list.remove(l, 2)
  list.append(l, 9)
  list.prepend(l, -1)
  local t = list.take(l, 2)
  local d = list.drop(l, 3)
  local c = list.clone(l)
  list.concat(c, list{7})
  return tostring(l) .. tostring(t) .. tostring(d) .. tostring(c) .. list.size(c) .. #c
end
function sizes() return tostring(list.take(list{1}, 0)) .. tostring(list.drop(list{1}, -1)) end
function iterate()
  local l = list{1, 2, nil, 4}
  local n = 0
  for v in list.iterator(l) do n = n + v end
  return n
end
function shared()
  local inner = list{1}
  local outer = list{inner}
  list.append(inner, 2)
  return list.size(outer[1])
end
)");
  CHECK(lua.str("show") == R"([1, "a", 2.5, NIL, true])");
  CHECK(lua.str("edits") == "[-1, 0, 2, 3, 9][-1, 0][3, 9][-1, 0, 2, 3, 9, 7]66");
  CHECK(lua.str("sizes") == "nilnil");
  CHECK(lua.integer("iterate") == 3);
  CHECK(lua.integer("shared") == 2);  // containers are references
}

TEST_CASE("maps keep key order, store nil, remove, merge and diff", "[lua]") {
  Lua lua;
  lua.module("t", R"(
function order() local m = map{b = 2, a = 1} m[3] = 'x' m[1.5] = 'refused' return tostring(m) end
function nils() local m = map{a = 1} m.a = nil local n = map.size(m) map.remove(m, 'a') return n * 10 + map.size(m) end
function merged()
  local m = map.merge(map{a = 1, b = 2}, map{b = 10, c = 3}, function(x, y) return x + y end)
  local keys = ''
  for k in map.keys(m) do keys = keys .. k end
  local sum = 0
  for v in map.values(m) do sum = sum + v end
  return keys .. sum .. tostring(map.diff(map{a = 1, b = 1}, map{b = 1, c = 1}))
end
function pairs_loop() local n = 0 for k, v in pairs(map{x = 1, y = 2}) do n = n + v end return n end
)");
  CHECK(lua.str("order") == R"({3:"x", "a":1, "b":2})");
  CHECK(lua.integer("nils") == 10);
  CHECK(lua.str("merged") == R"(abc16{"a":1, "c":1})");
  CHECK(lua.integer("pairs_loop") == 3);
}

TEST_CASE("bytes: single bytes, strings, fixed-width and variable-length integers", "[lua]") {
  Lua lua;
  lua.module("t", R"(
function ints()
  local b = bytes()
  bytes.append_int16_be(b, -2)
  bytes.append_int32_le(b, 0x01020304)
  bytes.append_int64(b, 5)
  bytes.append_string(b, 'hi')
  local n = bytes.append_var_int(b, 300)
  return string.format('%d %d %d %s %d %d %s', bytes.get_int16(b, 1), bytes.get_int32_le(b, 3),
    bytes.get_int64_be(b, 7), bytes.get_string(b, 15, 2), bytes.get_var_int(b, 17), n, tostring(bytes.get_bytes(b, 1, 2)))
end
function typed() local b = bytes(2) b[1] = 255 bytes.set_type(b, 9) return b end
)");
  CHECK(lua.str("ints") == "-2 16909060 5 hi 300 2 Bytes(FF FE)");
  UdfOutcome out = lua.call("typed");
  CHECK(out.particle == 9);  // a Python blob stays a Python blob
  CHECK(out.value == std::string("\xFF\x00", 2));
}

TEST_CASE("values cross into Lua and back with their Aerospike types", "[lua]") {
  Lua lua;
  lua.module("t", R"(
function echo(r, v) return v end
function half() return 10 / 2 end
function floor() return 10 // 2 end
function tbl() return {1, 2} end
function kinds(r) return type(r.i) .. type(r.s) .. type(r.f) .. type(r.b) .. tostring(r.l) .. tostring(r.m) end
)");
  CHECK(lua.call("half").particle == uint8_t(proto::ParticleType::Float));
  CHECK(lua.integer("floor") == 5);
  UdfOutcome t = lua.call("tbl");  // a Lua table has no Aerospike form: nil, as in the real server
  CHECK(t.code == ResultCode::Ok);
  CHECK(t.particle == 0);

  msgpack::Value list = msgpack::Value::make_list({msgpack::Value::integer(1), msgpack::Value::string("x"),
                                                   msgpack::Value::make_map({{msgpack::Value::string("k"),
                                                                              msgpack::Value::real(1.5)}})});
  UdfOutcome echoed = lua.call("echo", nullptr, {list});
  CHECK(echoed.particle == uint8_t(proto::ParticleType::List));
  CHECK(echoed.value == msgpack::encode(list));

  Record rec = stored({{"i", 1, be64(7)},
                       {"s", 3, "str"},
                       {"f", 2, be64(std::bit_cast<uint64_t>(2.5))},
                       {"b", 17, std::string(1, '\1')},
                       {"l", 20, msgpack::encode(msgpack::Value::make_list({msgpack::Value::integer(1)}))},
                       {"m", 19, msgpack::encode(msgpack::Value::make_map({{msgpack::Value::string("a"),
                                                                            msgpack::Value::nil()}}))}});
  CHECK(lua.str("kinds", &rec) == R"(numberstringnumberboolean[1]{"a":NIL})");
}

TEST_CASE("the record API says what the transaction commits", "[lua]") {
  Lua lua;
  lua.module("t", R"(
function upd(r) r.x = 5 return aerospike:update(r) end
function crt(r) r.x = 5 return aerospike:create(r) end
function del(r) return aerospike:remove(r) end
function readonly(r) r.x = 99 return r.x end
function inplace(r) list.append(r.l, 2) r.l = r.l return aerospike:update(r) end
function ttl_key(r) r.y = 1 record.set_ttl(r, -1) record.drop_key(r) return aerospike:update(r) end
function meta(r) return record.gen(r) * 100 + record.numbins(r) * 10 + bytes.size(record.digest(r)) end
function long_name(r) r['sixteen_chars_xx'] = 1 end
)");
  Record rec = stored({{"x", 1, be64(1)}, {"l", 20, msgpack::encode(msgpack::Value::make_list({msgpack::Value::integer(1)}))}});

  UdfOutcome missing = lua.call("upd");
  CHECK(missing.code == ResultCode::Ok);
  CHECK(int64_t(common::load_be64(common::as_bytes(missing.value))) == -2);
  CHECK(missing.change == UdfOutcome::Change::None);

  UdfOutcome created = lua.call("crt");
  CHECK(created.change == UdfOutcome::Change::Write);
  REQUIRE(created.bins.size() == 1);
  CHECK(created.bins[0].value == be64(5));
  CHECK(lua.integer("crt", &rec) == 1);  // exists already

  UdfOutcome updated = lua.call("upd", &rec);
  CHECK(updated.change == UdfOutcome::Change::Write);
  CHECK(updated.bins.size() == 2);

  CHECK(lua.call("del", &rec).change == UdfOutcome::Change::Delete);
  CHECK(lua.integer("del") == 1);
  CHECK(lua.call("del").change == UdfOutcome::Change::None);

  UdfOutcome ro = lua.call("readonly", &rec);
  CHECK(ro.change == UdfOutcome::Change::None);  // assignments without update are dropped
  CHECK(ro.value == be64(99));

  UdfOutcome in_place = lua.call("inplace", &rec);
  REQUIRE(in_place.change == UdfOutcome::Change::Write);
  CHECK(in_place.bins[1].value ==
        msgpack::encode(msgpack::Value::make_list({msgpack::Value::integer(1), msgpack::Value::integer(2)})));

  UdfOutcome tk = lua.call("ttl_key", &rec);
  CHECK(tk.ttl == 0xFFFFFFFFu);
  CHECK(tk.drop_key);
  CHECK(lua.integer("meta", &rec) == 340);

  UdfOutcome long_name = lua.call("long_name", &rec);
  CHECK(long_name.code == ResultCode::UdfExecution);
  CHECK_THAT(long_name.failure, Catch::Contains("longer than 15 bytes"));
}

TEST_CASE("failures carry the real server's texts", "[lua]") {
  Lua lua;
  lua.module("t", "function boom(r)\n  error('boom')\nend\nfunction tbl(r) error({}) end\nx = 1\n");
  UdfOutcome boom = lua.call("boom");
  CHECK(boom.code == ResultCode::UdfExecution);
  CHECK(boom.failure == lua.modules.user_path() + "/t.lua:2: boom");
  CHECK(lua.call("tbl").failure == "result value type unexpected");
  CHECK(lua.call("nope").failure == "function not found");
  CHECK(lua.call("x").failure == "function not found");
  CHECK(lua.call("f", nullptr, {}, "absent").failure == "UDF: Execution Error 1 : module 'absent' not found");
  CHECK(lua.call("f", nullptr, {}, "../t").failure == "UDF: Execution Error 1 : module '../t' not found");
}

TEST_CASE("the sandbox: no os, io, debug or load; require finds registered modules only", "[lua]") {
  Lua lua;
  lua.module("helper", "local M = {}\nfunction M.twice(x) return 2 * x end\nreturn M\n");
  lua.module("t", R"(
function globals() return tostring(os) .. tostring(io) .. tostring(load) .. tostring(dofile) .. tostring(package) .. tostring(string.dump) end
function req() return require('helper').twice(21) end
function req_missing() return require('nothing_here') end
)");
  CHECK(lua.str("globals") == "nilnilnilnilnilnil");
  CHECK(lua.integer("req") == 42);
  CHECK_THAT(lua.call("req_missing").failure, Catch::Contains("module 'nothing_here' not found"));
}

TEST_CASE("a call past the instruction or memory limit fails alone; the next call runs", "[lua]") {
  Lua lua;
  lua.module("t", R"(
counter = 0
function loop() while true do end end
function bomb() local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 64) .. i end end
function count() counter = counter + 1 return counter end
function keep(r) saved = r return 1 end
function use_saved() return saved.x end
)");
  CHECK(lua.integer("count") == 1);
  CHECK(lua.integer("count") == 2);  // one state per thread and module, kept between calls
  UdfOutcome loop = lua.call("loop");
  CHECK(loop.code == ResultCode::UdfExecution);
  CHECK_THAT(loop.failure, Catch::Contains("instructions"));
  CHECK(lua.integer("count") == 1);  // the spent state was replaced
  UdfOutcome bomb = lua.call("bomb");
  CHECK(bomb.code == ResultCode::UdfExecution);
  CHECK_THAT(bomb.failure, Catch::Contains("not enough memory"));
  CHECK(lua.integer("count") == 1);
  // A record kept past its call cannot reach the call's (gone) context.
  Record rec = stored({{"x", 1, be64(1)}});
  CHECK(lua.integer("keep", &rec) == 1);
  CHECK_THAT(lua.call("use_saved").failure, Catch::Contains("record used after its UDF call returned"));
}

TEST_CASE("a changed module is loaded again on the next call", "[lua]") {
  Lua lua;
  lua.module("t", "function v() return 1 end\n");
  CHECK(lua.integer("v") == 1);
  lua.module("t", "function v() return 2 end\n");
  CHECK(lua.integer("v") == 2);
  REQUIRE(lua.modules.remove("t.lua").ok());
  CHECK(lua.call("v").code == ResultCode::UdfExecution);
}
