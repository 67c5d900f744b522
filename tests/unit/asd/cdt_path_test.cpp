// Path operations (CDT op SELECT, 0xfe) through asd::base::apply_cdt_op: each select
// mode and flag, each context item, loop variables in filters and modify expressions,
// remove-result, and the result codes the real server 8.1 answers for bad input. Values
// come from the official Node.js client's path_operations / path_expressions suites and
// the C client's list_basics / map_basics tests.

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

#include "base/cdt.h"
#include "common/bytes.h"
#include "proto/msgpack.h"

using asd::base::apply_cdt_op;
using asd::base::BinValue;
using asd::base::CdtOutcome;
using common::ResultCode;
using proto::msgpack::Value;

namespace {

namespace mp = proto::msgpack;

// msgpack fragments, concatenated by arr().
std::string arr(std::initializer_list<std::string> items) {
  std::string out;
  mp::Writer(&out).array_header(uint32_t(items.size()));
  for (const std::string& item : items) out += item;
  return out;
}
std::string n(int64_t v) {
  std::string out;
  mp::Writer(&out).integer(v);
  return out;
}
std::string d(double v) {
  std::string out;
  mp::Writer(&out).float64(v);
  return out;
}
std::string s(std::string_view v) {
  std::string out;
  mp::Writer(&out).string(v);
  return out;
}
std::string yes() { return std::string(1, '\xc3'); }
std::string no() { return std::string(1, '\xc2'); }
std::string nil() { return std::string(1, '\xc0'); }

// Expressions, as the clients write them.
constexpr int kKey = 0, kValue = 1, kIndex = 2;           // loop variable parts
constexpr int kTInt = 2, kTStr = 3, kTFloat = 7;  // expression types
std::string loop_var(int type, int part) { return arr({n(122), n(type), n(part)}); }
std::string eq(const std::string& a, const std::string& b) { return arr({n(1), a, b}); }
std::string gt(const std::string& a, const std::string& b) { return arr({n(3), a, b}); }
std::string mul(const std::string& a, const std::string& b) { return arr({n(22), a, b}); }
std::string remove_result() { return arr({n(100)}); }

// Context items.
std::string all() { return n(4) + yes(); }
std::string where(const std::string& filter) { return n(4) + filter; }
std::string and_where(const std::string& filter) { return n(0x204) + filter; }
std::string map_key(std::string_view k) { return n(0x22) + s(k); }
std::string list_index(int64_t i) { return n(0x10) + n(i); }
std::string ctx(std::initializer_list<std::string> items) {
  std::string out;
  mp::Writer(&out).array_header(uint32_t(items.size() * 2));
  for (const std::string& item : items) out += item;
  return out;
}

std::string select(const std::string& context, int64_t flags) { return arr({n(0xfe), context, n(flags)}); }
std::string modify(const std::string& context, int64_t flags, const std::string& e) {
  return arr({n(0xfe), context, n(flags | 4), e});
}

constexpr int64_t kTree = 0, kValues = 1, kKeys = 2, kKeyValues = 3, kNoFail = 0x10;

Value I(int64_t v) { return Value::integer(v); }
Value F(double v) { return Value::real(v); }
Value S(std::string_view v) { return Value::string(v); }
Value L(std::vector<Value> items, uint8_t flags = 0) { return Value::make_list(std::move(items), flags); }
Value M(std::vector<std::pair<Value, Value>> e, uint8_t flags = 0) { return Value::make_map(std::move(e), flags); }

Value float_map() { return M({{S("a"), F(1.5)}, {S("b"), F(3.0)}, {S("c"), F(4.5)}}); }
Value books() {
  return M({{S("book"), L({M({{S("title"), S("abc")}, {S("price"), F(1.48)}}),
                           M({{S("title"), S("def")}, {S("price"), F(2.78)}})})}});
}

struct Bin {
  std::optional<BinValue> bin;
  CdtOutcome last;

  explicit Bin(const Value& v) {
    bin = BinValue{uint8_t(v.kind == mp::Kind::List ? 20 : 19), mp::encode(v)};
  }
  ResultCode run(const std::string& payload, bool is_modify) {
    ResultCode rc = apply_cdt_op(bin ? &*bin : nullptr, payload, is_modify, &last);
    if (rc == ResultCode::Ok && last.bin_changed) bin = last.new_bin;
    return rc;
  }
  ResultCode read(const std::string& payload) { return run(payload, false); }
  ResultCode write(const std::string& payload) { return run(payload, true); }
  static Value decoded(const BinValue& b) {
    Value v;
    REQUIRE(mp::decode(b.bytes, &v));
    return v;
  }
  Value result() const {
    REQUIRE(last.result);
    return decoded(*last.result);
  }
  Value value() const { return decoded(*bin); }
};

void check_same(const Value& got, const Value& want) {
  INFO("got " << common::to_hex(mp::encode(got)) << " want " << common::to_hex(mp::encode(want)));
  CHECK(mp::encode(got) == mp::encode(want));
}

// Reads with `payload` and checks the result.
void check_select(const Value& bin, const std::string& payload, const Value& want) {
  INFO("payload " << common::to_hex(payload));
  Bin b(bin);
  REQUIRE(b.read(payload) == ResultCode::Ok);
  check_same(b.result(), want);
}

// Writes with `payload` and checks the bin afterwards.
void check_modify(const Value& bin, const std::string& payload, const Value& want) {
  INFO("payload " << common::to_hex(payload));
  Bin b(bin);
  REQUIRE(b.write(payload) == ResultCode::Ok);
  CHECK_FALSE(b.last.result);
  check_same(b.value(), want);
}

}  // namespace

TEST_CASE("path select: each mode over all children of a map", "[cdt_path]") {
  for (int64_t no_fail : {int64_t(0), kNoFail}) {
    check_select(float_map(), select(ctx({all()}), kTree | no_fail), float_map());
    check_select(float_map(), select(ctx({all()}), kValues | no_fail), L({F(1.5), F(3.0), F(4.5)}));
    check_select(float_map(), select(ctx({all()}), kKeys | no_fail), L({S("a"), S("b"), S("c")}));
    check_select(float_map(), select(ctx({all()}), kKeyValues | no_fail),
                 L({S("a"), F(1.5), S("b"), F(3.0), S("c"), F(4.5)}));
  }
  // The tree's particle is the bin's; the leaf modes answer lists.
  Bin b(float_map());
  REQUIRE(b.read(select(ctx({all()}), kTree)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 19);
  REQUIRE(b.read(select(ctx({all()}), kKeys)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 20);
}

TEST_CASE("path select: levels, and what the tree keeps above the last one", "[cdt_path]") {
  Value nested = L({L({F(2.4), F(4.8), F(7.2)})});
  check_select(nested, select(ctx({all()}), kValues), nested);
  check_select(nested, select(ctx({all(), all()}), kValues), L({F(2.4), F(4.8), F(7.2)}));
  check_select(L({nested}), select(ctx({list_index(0), all()}), kValues), nested);

  std::string prices = ctx({map_key("book"), all(), map_key("price")});
  check_select(books(), select(prices, kValues), L({F(1.48), F(2.78)}));
  check_select(books(), select(prices, kTree),
               M({{S("book"), L({M({{S("price"), F(1.48)}}), M({{S("price"), F(2.78)}})})}}));

  // A scalar met above the last level: the tree keeps it whole, the leaf modes skip it.
  Value mixed = M({{S("a"), I(1)}, {S("b"), M({{S("x"), I(2)}, {S("y"), I(3)}})}});
  check_select(mixed, select(ctx({all(), map_key("x")}), kTree), M({{S("a"), I(1)}, {S("b"), M({{S("x"), I(2)}})}}));
  check_select(mixed, select(ctx({all(), map_key("x")}), kValues), L({I(2)}));
}

TEST_CASE("path select: empty containers", "[cdt_path]") {
  check_select(L({}), select(ctx({all()}), kTree), L({}));
  check_select(M({}), select(ctx({all()}), kTree), M({}));
  check_select(L({}), select(ctx({all()}), kKeys), L({}));
  // An empty ordered list or map keeps its order header in the tree; a non-empty one
  // comes back plain.
  check_select(L({L({}, 1)}), select(ctx({all(), all()}), kTree), L({L({}, 1)}));
  check_select(L({M({}, 1)}), select(ctx({all(), all()}), kTree), L({M({}, 1)}));
  check_select(L({I(3), I(5)}, 1), select(ctx({all()}), kTree), L({I(3), I(5)}));
  check_select(M({{S("a"), I(1)}}, 1), select(ctx({all()}), kTree), M({{S("a"), I(1)}}));
}

TEST_CASE("path select: selected values keep their bytes type", "[cdt_path]") {
  // An HLL in a map comes back as an HLL (bytes type 18), not a plain blob.
  Value hll = Value::blob(std::string("\x00\x08\x00", 3), 18);
  check_select(M({{S("a"), hll}}), select(ctx({all()}), kValues), L({hll}));
  check_select(M({{S("a"), hll}}), select(ctx({all()}), kTree), M({{S("a"), hll}}));
}

TEST_CASE("path select: index, rank, key and value items", "[cdt_path]") {
  Value list = L({I(7), I(3), I(9), I(3)});
  check_select(list, select(ctx({list_index(-1)}), kValues), L({I(3)}));
  check_select(list, select(ctx({list_index(4)}), kValues), L({}));  // out of range: nothing, no error
  check_select(list, select(ctx({n(0x11) + n(0)}), kValues), L({I(3)}));
  check_select(list, select(ctx({n(0x11) + n(-1)}), kValues), L({I(9)}));
  // A value item keeps every equal element (the ordinary context takes the first).
  check_select(list, select(ctx({n(0x13) + n(3)}), kTree), L({I(3), I(3)}));
  // Untyped items (0-3) apply to either container.
  check_select(list, select(ctx({n(0) + n(2)}), kValues), L({I(9)}));

  Value map = M({{S("b"), I(20)}, {S("a"), I(30)}, {S("c"), I(10)}});
  check_select(map, select(ctx({n(0x20) + n(0)}), kKeys), L({S("a")}));   // key order
  check_select(map, select(ctx({n(0x21) + n(0)}), kKeys), L({S("c")}));   // value order
  check_select(map, select(ctx({map_key("c")}), kKeyValues), L({S("c"), I(10)}));
  check_select(map, select(ctx({map_key("z")}), kTree), M({}));
  check_select(map, select(ctx({n(0x23) + n(30)}), kKeys), L({S("a")}));
}

TEST_CASE("path select: key lists and and-filters", "[cdt_path]") {
  // Keys in the map's stored order, whatever the list's order.
  Value map = M({{S("a"), I(5)}, {S("b"), I(15)}, {S("c"), I(25)}, {S("d"), I(35)}});
  std::string keys = n(0x2a) + arr({s("c"), s("a")});
  check_select(map, select(ctx({keys}), kKeys), L({S("a"), S("c")}));
  check_select(map, select(ctx({keys, and_where(gt(loop_var(kTInt, kValue), n(10)))}), kTree),
               M({{S("c"), I(25)}}));
  check_select(float_map(),
               select(ctx({n(0x2a) + arr({s("a"), s("c")}), and_where(gt(loop_var(kTFloat, kValue), d(3.0)))}), kTree),
               M({{S("c"), F(4.5)}}));
  Value nested = M({{S("key1"), M({{S("key11"), I(9)}})},
                    {S("key2"), M({{S("key21"), I(3)}, {S("key22"), I(5)}, {S("key23"), I(7)}})}});
  check_select(nested, select(ctx({map_key("key2"), n(0x2a) + arr({s("key21"), s("key23")})}), kKeys),
               L({S("key21"), S("key23")}));

  // An and-filter after an index narrows; unknown there drops the element without error.
  Value list = L({I(1), I(2), I(3)});
  check_select(list, select(ctx({list_index(1), and_where(eq(loop_var(kTInt, kValue), n(2)))}), kValues), L({I(2)}));
  check_select(list, select(ctx({list_index(1), and_where(eq(loop_var(kTInt, kValue), n(5)))}), kValues), L({}));
  check_select(list, select(ctx({list_index(1), and_where(eq(loop_var(kTStr, kValue), s("x")))}), kValues), L({}));
  // An and-filter of true filters nothing.
  check_select(list, select(ctx({n(0x13) + n(3), n(0x204) + yes()}), kValues), L({I(3)}));
}

TEST_CASE("path select: filters and loop variables", "[cdt_path]") {
  check_select(L({Value(), Value(), Value()}), select(ctx({where(eq(loop_var(0, kValue), nil()))}), kValues),
               L({Value(), Value(), Value()}));
  Value list = L({I(10), I(11), I(12)});
  check_select(list, select(ctx({where(gt(loop_var(kTInt, kIndex), n(0)))}), kValues), L({I(11), I(12)}));
  check_select(float_map(), select(ctx({where(eq(loop_var(kTStr, kKey), s("b")))}), kValues), L({F(3.0)}));
  std::string is_one = where(eq(loop_var(4, kValue), arr({n(126), arr({n(1)})})));  // == quoted [1]
  check_select(L({L({I(1)}), L({I(2)})}), select(ctx({is_one}), kTree), L({L({I(1)})}));
  // A filter of another type than boolean selects nothing, without error.
  check_select(list, select(ctx({where(arr({n(20), n(1), n(2)}))}), kValues), L({}));
  check_select(list, select(ctx({where(eq(n(1), n(2)))}), kValues), L({}));

  // Unknown (a type mismatch, a part the container has not) fails unless no-fail.
  std::string strings = ctx({where(eq(loop_var(kTStr, kValue), s("a")))});
  Bin b(M({{S("a"), Value()}, {S("b"), S("new")}}));
  CHECK(b.read(select(strings, kTree)) == ResultCode::Parameter);
  REQUIRE(b.read(select(strings, kTree | kNoFail)) == ResultCode::Ok);
  check_same(b.result(), M({}));
  Bin keyed(list);
  CHECK(keyed.read(select(ctx({where(eq(loop_var(kTInt, kKey), n(0)))}), kValues)) == ResultCode::Parameter);
  Bin indexed(float_map());
  CHECK(indexed.read(select(ctx({where(eq(loop_var(kTInt, kIndex), n(0)))}), kValues)) == ResultCode::Parameter);
  // Key and key-list items mean nothing in a list: unknown too.
  CHECK(keyed.read(select(ctx({map_key("a")}), kValues)) == ResultCode::Parameter);
  REQUIRE(keyed.read(select(ctx({n(2) + s("a")}), kValues | kNoFail)) == ResultCode::Ok);
  check_same(keyed.result(), L({}));
}

TEST_CASE("path select: keys asked of a list", "[cdt_path]") {
  Bin b(L({I(1), I(2)}));
  CHECK(b.read(select(ctx({all()}), kKeys)) == ResultCode::IncompatibleType);
  CHECK(b.read(select(ctx({all()}), kKeyValues)) == ResultCode::IncompatibleType);
  REQUIRE(b.read(select(ctx({all()}), kKeys | kNoFail)) == ResultCode::Ok);
  check_same(b.result(), L({}));
  // Lists above the last level are fine.
  check_select(L({M({{S("k"), I(1)}})}), select(ctx({all(), all()}), kKeys), L({S("k")}));
}

TEST_CASE("path modify: replace with a value or a loop-variable expression", "[cdt_path]") {
  check_modify(float_map(), modify(ctx({all()}), 0, d(14.0)), M({{S("a"), F(14)}, {S("b"), F(14)}, {S("c"), F(14)}}));
  check_modify(books(), modify(ctx({all()}), 0, d(14.0)), M({{S("book"), F(14)}}));
  check_modify(L({F(2.4), F(4.8)}), modify(ctx({all()}), 0, mul(loop_var(kTFloat, kValue), d(3.7))),
               L({F(2.4 * 3.7), F(4.8 * 3.7)}));
  std::string triple = mul(loop_var(kTInt, kValue), n(3));
  check_modify(L({L({L({I(2), I(4)})})}), modify(ctx({list_index(0), all(), all()}), 0, triple),
               L({L({L({I(6), I(12)})})}));
  std::string pass_a = arr({n(123), eq(loop_var(kTStr, kKey), s("a")), s("pass"), s("fail")});  // cond
  check_modify(float_map(), modify(ctx({all()}), 0, pass_a),
               M({{S("a"), S("pass")}, {S("b"), S("fail")}, {S("c"), S("fail")}}));
  check_modify(L({I(5), I(6), I(7)}), modify(ctx({all()}), 0, eq(loop_var(kTInt, kIndex), n(1))),
               L({Value::make_bool(false), Value::make_bool(true), Value::make_bool(false)}));
  std::string twice = mul(loop_var(kTFloat, kValue), d(2));
  check_modify(books(), modify(ctx({map_key("book"), all(), map_key("price")}), 0, twice),
               M({{S("book"), L({M({{S("title"), S("abc")}, {S("price"), F(2.96)}}),
                                 M({{S("title"), S("def")}, {S("price"), F(5.56)}})})}}));
  // A modify op with a select mode answers the selection and leaves the bin alone.
  Bin b(float_map());
  REQUIRE(b.write(select(ctx({all()}), kKeys)) == ResultCode::Ok);
  CHECK_FALSE(b.last.bin_changed);
  check_same(b.result(), L({S("a"), S("b"), S("c")}));
}

TEST_CASE("path modify: remove-result, ordering and no-fail", "[cdt_path]") {
  check_modify(books(), modify(ctx({all()}), 0, remove_result()), M({}));
  // le(map_get_by_key(value, "price", loop_var(map, value)), 2.0)
  std::string price = arr({n(127), n(7), n(0), arr({n(97), n(7), s("price")}), loop_var(5, kValue)});
  std::string cheap = where(arr({n(6), price, d(2.0)}));
  check_modify(books(), modify(ctx({map_key("book"), cheap}), 0, remove_result()),
               M({{S("book"), L({M({{S("title"), S("def")}, {S("price"), F(2.78)}})})}}));
  check_modify(L({I(1), I(2), I(3), I(4)}), modify(ctx({where(gt(loop_var(kTInt, kValue), n(2)))}), 0, remove_result()),
               L({I(1), I(2)}));
  // Ordered lists are put back in order, at every level the walk passed.
  check_modify(L({I(1), I(2), I(3)}, 1), modify(ctx({all()}), 0, mul(loop_var(kTInt, kValue), n(-1))),
               L({I(-3), I(-2), I(-1)}, 1));
  Value people = L({M({{S("id"), I(1)}}, 1), M({{S("id"), I(2)}}, 1)}, 1);
  check_modify(people, modify(ctx({all(), map_key("id")}), 0, mul(loop_var(kTInt, kValue), n(-1))),
               L({M({{S("id"), I(-2)}}, 1), M({{S("id"), I(-1)}}, 1)}, 1));

  // Unknown fails the op with the server's generic error; no-fail keeps the element.
  Value mixed = M({{S("a_int"), I(1)}, {S("b_map"), M({{S("a_int"), I(12)}, {S("s"), S("x")}})},
                   {S("i_list"), L({I(1), I(2)})}});
  std::string add5 = arr({n(20), loop_var(kTInt, kValue), n(5)});
  Bin b(mixed);
  CHECK(b.write(modify(ctx({all(), all()}), 0, add5)) == ResultCode::ServerError);
  check_modify(mixed, modify(ctx({all(), all()}), kNoFail, add5),
               M({{S("a_int"), I(1)}, {S("b_map"), M({{S("a_int"), I(17)}, {S("s"), S("x")}})},
                  {S("i_list"), L({I(6), I(7)})}}));
  // A comparison operand (wildcard) cannot be stored.
  Bin w(L({I(1)}));
  CHECK(w.write(modify(ctx({all()}), 0, std::string("\xd4\xff\x00", 3))) == ResultCode::IncompatibleType);
}

TEST_CASE("path ops: bins the walk cannot start from", "[cdt_path]") {
  CdtOutcome out;
  CHECK(apply_cdt_op(nullptr, select(ctx({all()}), kTree), false, &out) == ResultCode::Ok);
  CHECK_FALSE(out.result);
  CHECK(apply_cdt_op(nullptr, modify(ctx({all()}), 0, n(1)), true, &out) == ResultCode::IncompatibleType);
  BinValue integer{1, std::string(8, '\0')};
  CHECK(apply_cdt_op(&integer, select(ctx({all()}), kTree), false, &out) == ResultCode::IncompatibleType);
  CHECK(apply_cdt_op(&integer, select("garbage", kTree), false, &out) == ResultCode::IncompatibleType);
}

TEST_CASE("path ops: the server's answers to bad payloads", "[cdt_path]") {
  Bin b(L({I(1), M({{S("k"), I(2)}})}));
  auto read = [&](const std::string& payload) { return b.read(payload); };
  auto many = [](int levels) {
    std::string out;
    mp::Writer(&out).array_header(uint32_t(levels * 2));
    for (int k = 0; k < levels; ++k) out += all();
    return out;
  };
  CHECK(read(arr({n(0xfe)})) == ResultCode::Parameter);
  CHECK(read(arr({n(0xfe), ctx({all()})})) == ResultCode::Parameter);                 // no flags
  CHECK(read(arr({n(0xfe), ctx({all()}), s("x")})) == ResultCode::Parameter);         // flags not an integer
  CHECK(read(select(ctx({all()}), 5)) == ResultCode::Parameter);                      // no such mode
  CHECK(read(select(ctx({all()}), 0x1f)) == ResultCode::Parameter);
  CHECK(read(arr({n(0xfe), ctx({all()}), n(0), n(0)})) == ResultCode::Parameter);     // a parameter too many
  CHECK(read(modify(ctx({all()}), 0, n(1))) == ResultCode::Parameter);                // apply on a read
  CHECK(read(arr({n(0xfe), arr({}), n(0)})) == ResultCode::Parameter);                // empty context
  CHECK(read(arr({n(0xfe), arr({n(4)}), n(0)})) == ResultCode::Parameter);            // odd context
  CHECK(read(arr({n(0xfe), n(4), n(0)})) == ResultCode::Parameter);                   // context not a list
  CHECK(read(select(many(64), kTree)) == ResultCode::Ok);
  CHECK(read(select(many(65), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({n(5) + n(0)}), kTree)) == ResultCode::Parameter);            // unknown item type
  CHECK(read(select(ctx({n(-1) + yes()}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({n(0x10) + s("x")}), kTree)) == ResultCode::Parameter);       // index not an integer
  CHECK(read(select(ctx({n(4) + no()}), kTree)) == ResultCode::Parameter);            // filter false
  CHECK(read(select(ctx({n(4) + n(1)}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({n(4) + arr({n(250)})}), kTree)) == ResultCode::Parameter);   // not an expression
  CHECK(read(select(ctx({and_where(yes())}), kTree)) == ResultCode::Parameter);       // and-filter first
  CHECK(read(select(ctx({all(), and_where(yes())}), kTree)) == ResultCode::Parameter);  // on a filter
  CHECK(read(select(ctx({list_index(0), and_where(yes()), and_where(yes())}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({list_index(0), n(0x203) + yes()}), kTree)) == ResultCode::Parameter);
  // A map item on a list, a list item on a map; map items with creation flags are refused,
  // list items with them are not (the server masks the two differently).
  CHECK(read(select(ctx({n(0x20) + n(0)}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({n(0x30) + n(0)}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({n(0x50) + n(0)}), kValues)) == ResultCode::Ok);
  CHECK(read(select(ctx({list_index(1), n(0x10) + n(0)}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({list_index(1), n(0x62) + s("k")}), kTree)) == ResultCode::Parameter);
  // Key lists: a list, in order when flagged ordered; checked where a map is met.
  CHECK(read(select(ctx({list_index(1), n(0x2a) + s("k")}), kTree)) == ResultCode::Parameter);
  std::string unordered = std::string("\x93\xc7\x00\x01", 4) + s("z") + s("a");
  CHECK(read(select(ctx({list_index(1), n(0x2a) + unordered}), kTree)) == ResultCode::Parameter);
  CHECK(read(select(ctx({list_index(0), n(0x2a) + s("k")}), kTree)) == ResultCode::Ok);  // a scalar: never looked at
  // The modify expression must parse.
  CHECK(b.write(modify(ctx({all()}), 0, arr({n(250)}))) == ResultCode::Parameter);
  CHECK(b.write(arr({n(0xfe), ctx({all()}), n(4)})) == ResultCode::Parameter);
}

TEST_CASE("path ops: filters that select by path nest only so deep", "[cdt_path]") {
  // filter(k) = select_by_path over the loop value with a context filtered by filter(k-1),
  // answering a non-empty list: each level runs the next one inside its filter.
  std::string filter = yes();
  auto nest = [](const std::string& inner) {
    std::string call = arr({n(127), n(4), n(0), arr({n(0xfe), ctx({where(inner)}), n(1)}), loop_var(4, kValue)});
    return arr({n(2), call, arr({n(126), arr({})})});  // ne(call, [])
  };
  Value deep = L({L({L({L({L({L({L({I(1)})})})})})})});
  for (int level = 1; level <= 6; ++level) {
    filter = nest(filter);
    Bin b(deep);
    ResultCode rc = b.read(select(ctx({where(filter)}), kValues));
    CAPTURE(level);
    CHECK(rc == (level <= 3 ? ResultCode::Ok : ResultCode::Parameter));
  }
}

TEST_CASE("path ops: a large bin walks within the step budget", "[cdt_path]") {
  std::vector<Value> items;
  for (int k = 0; k < 100000; ++k) items.push_back(I(k % 1000));
  Bin b(L(std::move(items)));
  REQUIRE(b.read(select(ctx({where(gt(loop_var(kTInt, kValue), n(997)))}), kValues)) == ResultCode::Ok);
  CHECK(b.result().list.size() == 200);
  REQUIRE(b.write(modify(ctx({where(gt(loop_var(kTInt, kValue), n(997)))}), 0, remove_result())) == ResultCode::Ok);
  CHECK(b.value().list.size() == 99800);
}
