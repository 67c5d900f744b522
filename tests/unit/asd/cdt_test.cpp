// asd::base::apply_cdt_op: list and map ops, return types, write flags, ordering,
// contexts and error codes, driven through payloads built by proto::cdt encoders.

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "base/cdt.h"
#include "common/bytes.h"
#include "proto/cdt_ops.h"
#include "proto/msgpack.h"

using asd::base::apply_cdt_op;
using asd::base::BinValue;
using asd::base::CdtOutcome;
using common::ResultCode;
using proto::msgpack::Value;
namespace cdt = proto::cdt;
namespace rt = proto::cdt::return_type;

namespace {

Value I(int64_t v) { return Value::integer(v); }
Value S(std::string_view s) { return Value::string(s); }
Value L(std::vector<Value> items) { return Value::make_list(std::move(items)); }
Value M(std::vector<std::pair<Value, Value>> e, uint8_t flags = 0) {
  return Value::make_map(std::move(e), flags);
}

BinValue bin_of(const Value& v) {
  return {uint8_t(v.kind == proto::msgpack::Kind::List ? 20 : 19), proto::msgpack::encode(v)};
}

// A bin (or result) back as a Value, whatever its particle type.
Value value_of(const BinValue& b) {
  switch (b.particle) {
    case 1: return I(int64_t(common::load_be64(common::as_bytes(b.bytes))));
    case 2: {
      uint64_t bits = common::load_be64(common::as_bytes(b.bytes));
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return Value::real(d);
    }
    case 3: return S(b.bytes);
    case 4: return Value::blob(b.bytes);
    case 17: return Value::make_bool(b.bytes == std::string(1, '\1'));
    default: {
      Value v;
      REQUIRE(proto::msgpack::decode(b.bytes, &v));
      return v;
    }
  }
}

// Holds a bin and applies ops to it the way the write path would.
struct Bin {
  std::optional<BinValue> bin;
  CdtOutcome last;

  Bin() = default;
  explicit Bin(const Value& v) : bin(bin_of(v)) {}

  ResultCode op(const std::string& payload, bool modify) {
    ResultCode rc = apply_cdt_op(bin ? &*bin : nullptr, payload, modify, &last);
    if (rc == ResultCode::Ok && last.bin_changed) bin = last.new_bin;
    return rc;
  }
  ResultCode modify(const std::string& payload) { return op(payload, true); }
  ResultCode read(const std::string& payload) { return op(payload, false); }
  bool has_result() const { return last.result.has_value(); }
  Value result() const { return value_of(*last.result); }
  Value value() const { return value_of(*bin); }
};

void check_same(const Value& got, const Value& want) {
  INFO("got " << common::to_hex(proto::msgpack::encode(got)) << " want "
              << common::to_hex(proto::msgpack::encode(want)));
  CHECK(proto::msgpack::encode(got) == proto::msgpack::encode(want));
}

}  // namespace

TEST_CASE("list append creates the bin and returns the size", "[cdt]") {
  Bin b;
  REQUIRE(b.modify(cdt::list_append(I(7))) == ResultCode::Ok);
  CHECK(b.last.bin_changed);
  check_same(b.result(), I(1));
  check_same(b.value(), L({I(7)}));
  REQUIRE(b.modify(cdt::list_append(S("x"))) == ResultCode::Ok);
  check_same(b.result(), I(2));
  REQUIRE(b.modify(cdt::list_append_items({I(1), I(2)})) == ResultCode::Ok);
  check_same(b.result(), I(4));
  check_same(b.value(), L({I(7), S("x"), I(1), I(2)}));
  CHECK(b.bin->particle == 20);

  Bin empty;
  REQUIRE(empty.modify(cdt::list_append_items({})) == ResultCode::Ok);
  check_same(empty.value(), L({}));  // the server writes the empty list
}

TEST_CASE("list write flags", "[cdt]") {
  Bin b(L({I(1), I(2)}));
  cdt::ListPolicy unique{0, cdt::list_write::kAddUnique};
  CHECK(b.modify(cdt::list_append(I(2), &unique)) == ResultCode::ElementExists);
  cdt::ListPolicy unique_nofail{0, cdt::list_write::kAddUnique | cdt::list_write::kNoFail};
  REQUIRE(b.modify(cdt::list_append(I(2), &unique_nofail)) == ResultCode::Ok);
  CHECK_FALSE(b.last.bin_changed);
  check_same(b.result(), I(2));
  cdt::ListPolicy partial{0, unique_nofail.flags | cdt::list_write::kPartial};
  REQUIRE(b.modify(cdt::list_append_items({I(2), I(3)}, &partial)) == ResultCode::Ok);
  check_same(b.value(), L({I(1), I(2), I(3)}));
  CHECK(b.modify(cdt::list_append_items({I(4), I(4)}, &unique)) == ResultCode::OpNotApplicable);

  cdt::ListPolicy bounded{0, cdt::list_write::kInsertBounded};
  CHECK(b.modify(cdt::list_insert(5, I(9), &bounded)) == ResultCode::OpNotApplicable);
  cdt::ListPolicy bounded_nofail{0, bounded.flags | cdt::list_write::kNoFail};
  REQUIRE(b.modify(cdt::list_insert(5, I(9), &bounded_nofail)) == ResultCode::Ok);
  check_same(b.result(), I(3));
  check_same(b.value(), L({I(1), I(2), I(3)}));
}

TEST_CASE("list insert, set and negative indexes", "[cdt]") {
  Bin b(L({I(1), I(2), I(3)}));
  REQUIRE(b.modify(cdt::list_insert(-1, S("a"))) == ResultCode::Ok);
  check_same(b.result(), I(4));
  check_same(b.value(), L({I(1), I(2), S("a"), I(3)}));
  REQUIRE(b.modify(cdt::list_insert(6, I(9))) == ResultCode::Ok);  // pads with nil
  check_same(b.value(), L({I(1), I(2), S("a"), I(3), Value(), Value(), I(9)}));
  CHECK(b.modify(cdt::list_insert(-10, I(0))) == ResultCode::OpNotApplicable);
  REQUIRE(b.modify(cdt::list_set(-1, I(8))) == ResultCode::Ok);
  CHECK_FALSE(b.has_result());
  REQUIRE(b.modify(cdt::list_insert_items(0, {I(5), I(6)})) == ResultCode::Ok);
  check_same(b.value(), L({I(5), I(6), I(1), I(2), S("a"), I(3), Value(), Value(), I(8)}));
  CHECK(b.modify(cdt::list_set(-20, I(1))) == ResultCode::OpNotApplicable);
  CHECK(b.modify(cdt::list_insert(INT32_MAX - 1, I(1))) == ResultCode::RecordTooBig);
}

TEST_CASE("list pop, remove, trim, clear", "[cdt]") {
  Bin b(L({I(10), I(11), I(12), I(13), I(14)}));
  REQUIRE(b.modify(cdt::list_pop(-1)) == ResultCode::Ok);
  check_same(b.result(), I(14));
  REQUIRE(b.modify(cdt::list_pop_range(0, 2)) == ResultCode::Ok);
  check_same(b.result(), L({I(10), I(11)}));
  check_same(b.value(), L({I(12), I(13)}));
  REQUIRE(b.modify(cdt::list_remove(0)) == ResultCode::Ok);
  check_same(b.result(), I(1));
  CHECK(b.modify(cdt::list_remove(5)) == ResultCode::OpNotApplicable);
  REQUIRE(b.modify(cdt::list_remove_range(0, 10)) == ResultCode::Ok);
  check_same(b.result(), I(1));
  check_same(b.value(), L({}));

  Bin t(L({I(1), I(2), I(3), I(4), I(5)}));
  REQUIRE(t.modify(cdt::list_trim(1, 2)) == ResultCode::Ok);
  check_same(t.result(), I(3));
  check_same(t.value(), L({I(2), I(3)}));
  REQUIRE(t.modify(cdt::list_clear()) == ResultCode::Ok);
  check_same(t.value(), L({}));

  Bin missing;
  REQUIRE(missing.modify(cdt::list_pop(0)) == ResultCode::Ok);
  CHECK_FALSE(missing.last.bin_changed);
  CHECK_FALSE(missing.bin.has_value());
}

TEST_CASE("list reads: size, get, get_range", "[cdt]") {
  Bin b(L({S("a"), I(2), Value::real(1.5), Value::blob("zz"), L({I(1)})}));
  REQUIRE(b.read(cdt::list_size()) == ResultCode::Ok);
  check_same(b.result(), I(5));
  REQUIRE(b.read(cdt::list_get(0)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 3);
  CHECK(b.last.result->bytes == "a");
  REQUIRE(b.read(cdt::list_get(1)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 1);
  CHECK(b.last.result->bytes == std::string("\0\0\0\0\0\0\0\2", 8));
  REQUIRE(b.read(cdt::list_get(2)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 2);
  REQUIRE(b.read(cdt::list_get(3)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 4);
  CHECK(b.last.result->bytes == "zz");
  REQUIRE(b.read(cdt::list_get(-1)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 20);
  CHECK(b.read(cdt::list_get(5)) == ResultCode::OpNotApplicable);
  REQUIRE(b.read(cdt::list_get_range(3, 10)) == ResultCode::Ok);
  check_same(b.result(), L({Value::blob("zz"), L({I(1)})}));
  REQUIRE(b.read(cdt::list_get_range(-2, 1)) == ResultCode::Ok);
  check_same(b.result(), L({Value::blob("zz")}));
  CHECK_FALSE(b.last.bin_changed);

  Bin missing;
  REQUIRE(missing.read(cdt::list_size()) == ResultCode::Ok);
  CHECK_FALSE(missing.has_result());
}

TEST_CASE("list get_by_index/rank return types", "[cdt]") {
  Bin b(L({I(30), I(10), I(20), I(10)}));
  auto get = [&](std::string payload) {
    REQUIRE(b.read(payload) == ResultCode::Ok);
    return b.has_result() ? b.result() : Value();
  };
  check_same(get(cdt::list_get_by_index(1, rt::kValue)), I(10));
  check_same(get(cdt::list_get_by_index(1, rt::kIndex)), I(1));
  check_same(get(cdt::list_get_by_index(1, rt::kReverseIndex)), I(2));
  check_same(get(cdt::list_get_by_index(0, rt::kRank)), I(3));
  check_same(get(cdt::list_get_by_index(0, rt::kReverseRank)), I(0));
  check_same(get(cdt::list_get_by_index(0, rt::kCount)), I(1));
  check_same(get(cdt::list_get_by_index(0, rt::kExists)), Value::make_bool(true));
  check_same(get(cdt::list_get_by_rank(0, rt::kValue)), I(10));
  check_same(get(cdt::list_get_by_rank(-1, rt::kIndex)), I(0));
  check_same(get(cdt::list_get_by_index_range(1, 2, rt::kValue)), L({I(10), I(20)}));
  check_same(get(cdt::list_get_by_index_range(1, 2, rt::kRank)), L({I(0), I(2)}));
  check_same(get(cdt::list_get_by_index_range(1, 2, rt::kValue | rt::kInverted)),
             L({I(30), I(10)}));
  check_same(get(cdt::list_get_by_index_range(1, 2, 9 /*index range*/)), L({I(1), I(2)}));
  // Heap order, as the server returns an unordered list's low rank range (see below).
  check_same(get(cdt::list_get_by_rank_range(0, 3, rt::kValue)), L({I(20), I(10), I(10)}));
  check_same(get(cdt::list_get_by_rank_range(0, 3, rt::kIndex)), L({I(1), I(2), I(3)}));
  check_same(get(cdt::list_get_by_rank_range(-1, 5, rt::kValue)), L({I(30)}));
  CHECK(b.read(cdt::list_get_by_index(0, rt::kValue | rt::kInverted)) ==
        ResultCode::OpNotApplicable);
  CHECK(b.read(cdt::list_get_by_index(0, rt::kKey)) == ResultCode::OpNotApplicable);
  CHECK(b.read(cdt::list_get_by_rank(9, rt::kValue)) == ResultCode::OpNotApplicable);
}

TEST_CASE("list by value, interval, value list, relative rank", "[cdt]") {
  Bin b(L({I(5), S("x"), I(1), I(5), I(9)}));
  auto get = [&](std::string payload) {
    REQUIRE(b.read(payload) == ResultCode::Ok);
    return b.has_result() ? b.result() : Value();
  };
  check_same(get(cdt::list_get_by_value(I(5), rt::kIndex)), L({I(0), I(3)}));
  check_same(get(cdt::list_get_by_value(I(5), rt::kCount)), I(2));
  check_same(get(cdt::list_get_by_value(I(7), rt::kValue)), L({}));
  Value end = I(9);
  check_same(get(cdt::list_get_by_value_range(I(2), &end, rt::kValue)), L({I(5), I(5)}));
  check_same(get(cdt::list_get_by_value_range(I(2), nullptr, rt::kValue)),
             L({I(5), S("x"), I(5), I(9)}));
  check_same(get(cdt::list_get_by_value_range(I(2), &end, 11 /*rank range*/)), L({I(1), I(2)}));
  check_same(get(cdt::raw_op(23, {I(rt::kValue), L({I(9), S("x")})})), L({S("x"), I(9)}));
  check_same(get(cdt::raw_op(27, {I(rt::kValue), I(5), I(1), I(2)})), L({I(5), I(9)}));
  check_same(get(cdt::raw_op(27, {I(rt::kValue), I(5), I(-2)})),
             L({I(1), I(5), I(5), I(9), S("x")}));
  Value wild = L({I(1), Value::wildcard()});
  Bin nested(L({L({I(1), I(2)}), L({I(2), I(1)}), L({I(1), I(3)})}));
  REQUIRE(nested.read(cdt::list_get_by_value(wild, rt::kIndex)) == ResultCode::Ok);
  check_same(nested.result(), L({I(0), I(2)}));

  REQUIRE(b.modify(cdt::list_remove_by_value(I(5), rt::kCount)) == ResultCode::Ok);
  check_same(b.result(), I(2));
  check_same(b.value(), L({S("x"), I(1), I(9)}));
  REQUIRE(b.modify(cdt::list_remove_by_value_list({I(1), I(9)}, rt::kNone)) == ResultCode::Ok);
  CHECK_FALSE(b.has_result());
  check_same(b.value(), L({S("x")}));
  REQUIRE(b.modify(cdt::list_remove_by_index_range(0, 5, rt::kValue)) == ResultCode::Ok);
  check_same(b.value(), L({}));
}

TEST_CASE("list remove_by_index/rank/value_range", "[cdt]") {
  Bin b(L({I(4), I(3), I(2), I(1)}));
  REQUIRE(b.modify(cdt::list_remove_by_rank(0, rt::kIndex)) == ResultCode::Ok);
  check_same(b.result(), I(3));
  REQUIRE(b.modify(cdt::list_remove_by_index(0, rt::kValue)) == ResultCode::Ok);
  check_same(b.result(), I(4));
  Value end = I(3);
  REQUIRE(b.modify(cdt::list_remove_by_value_range(I(2), &end, rt::kValue | rt::kInverted)) ==
          ResultCode::Ok);
  check_same(b.result(), L({I(3)}));
  check_same(b.value(), L({I(2)}));
}

TEST_CASE("ordered lists stay sorted", "[cdt]") {
  Bin b(L({I(3), I(1), I(2)}));
  REQUIRE(b.modify(cdt::list_set_order(1)) == ResultCode::Ok);
  check_same(b.value(), Value::make_list({I(1), I(2), I(3)}, 1));
  CHECK(common::to_hex(b.bin->bytes).substr(0, 8) == "94c70001");
  REQUIRE(b.modify(cdt::list_append(I(0))) == ResultCode::Ok);
  REQUIRE(b.modify(cdt::list_append_items({I(5), I(2)})) == ResultCode::Ok);
  check_same(b.result(), I(6));
  check_same(b.value(), Value::make_list({I(0), I(1), I(2), I(2), I(3), I(5)}, 1));
  CHECK(b.modify(cdt::list_insert(0, I(9))) == ResultCode::OpNotApplicable);
  CHECK(b.modify(cdt::list_set(0, I(9))) == ResultCode::OpNotApplicable);
  REQUIRE(b.modify(cdt::list_increment(0, I(10))) == ResultCode::Ok);
  check_same(b.result(), I(10));
  check_same(b.value(), Value::make_list({I(1), I(2), I(2), I(3), I(5), I(10)}, 1));
  REQUIRE(b.read(cdt::list_get_by_value_range(I(2), nullptr, 9 /*index range*/)) ==
          ResultCode::Ok);
  check_same(b.result(), L({I(1), I(5)}));

  Bin created;
  cdt::ListPolicy ordered{1, 0};
  REQUIRE(created.modify(cdt::list_append_items({I(3), I(1)}, &ordered)) == ResultCode::Ok);
  check_same(created.value(), Value::make_list({I(1), I(3)}, 1));
}

TEST_CASE("list increment and sort", "[cdt]") {
  Bin b(L({I(1), Value::real(1.5), S("s")}));
  REQUIRE(b.modify(cdt::list_increment(0, I(5))) == ResultCode::Ok);
  check_same(b.result(), I(6));
  REQUIRE(b.modify(cdt::list_increment(1, I(1))) == ResultCode::Ok);
  check_same(b.result(), Value::real(2.5));
  CHECK(b.modify(cdt::list_increment(2, I(1))) == ResultCode::Parameter);
  REQUIRE(b.modify(cdt::list_increment(4, Value::real(0.5))) == ResultCode::Ok);
  check_same(b.value(), L({I(6), Value::real(2.5), S("s"), Value(), Value::real(0.5)}));

  Bin s(L({I(3), I(1), I(3), I(2)}));
  REQUIRE(s.modify(cdt::list_sort(1 | 2)) == ResultCode::Ok);
  check_same(s.value(), L({I(3), I(2), I(1)}));
  Bin none;
  CHECK(none.modify(cdt::list_sort(0)) == ResultCode::IncompatibleType);
}

TEST_CASE("cdt errors", "[cdt]") {
  Bin list(L({I(1)}));
  Bin map(M({{S("a"), I(1)}}));
  CHECK(list.modify(cdt::list_size()) == ResultCode::Parameter);  // read op as modify
  CHECK(list.read(cdt::list_append(I(1))) == ResultCode::Parameter);
  CHECK(list.read(cdt::raw_op(14, {})) == ResultCode::Parameter);  // unknown code
  CHECK(list.read(std::string("\xc1", 1)) == ResultCode::Parameter);
  CHECK(list.read(std::string("\x90", 1)) == ResultCode::Parameter);
  CHECK(list.read(cdt::raw_op(17, {S("x")})) == ResultCode::Parameter);  // index not int
  CHECK(list.read(cdt::raw_op(17, {I(1), I(2)})) == ResultCode::Parameter);  // too many
  CHECK(list.modify(cdt::raw_op(1, {Value::wildcard()})) == ResultCode::Parameter);
  CHECK(map.read(cdt::list_size()) == ResultCode::IncompatibleType);
  CHECK(list.read(cdt::map_size()) == ResultCode::IncompatibleType);
  BinValue str{3, "hello"};
  CdtOutcome out;
  CHECK(apply_cdt_op(&str, cdt::list_append(I(1)), true, &out) == ResultCode::IncompatibleType);
  CHECK(apply_cdt_op(&str, cdt::list_size({cdt::ctx_list_index(0)}), false, &out) ==
        ResultCode::Parameter);
}

TEST_CASE("map put creates the bin and honours write flags", "[cdt]") {
  Bin b;
  REQUIRE(b.modify(cdt::map_put(S("b"), I(2))) == ResultCode::Ok);
  check_same(b.result(), I(1));
  CHECK(b.bin->particle == 19);
  REQUIRE(b.modify(cdt::map_put(S("a"), I(1))) == ResultCode::Ok);
  check_same(b.result(), I(2));
  REQUIRE(b.modify(cdt::map_put(S("b"), I(3))) == ResultCode::Ok);
  check_same(b.result(), I(2));
  check_same(b.value(), M({{S("a"), I(1)}, {S("b"), I(3)}}));  // server keeps sorted maps sorted

  cdt::MapPolicy create_only{0, cdt::map_write::kCreateOnly};
  CHECK(b.modify(cdt::map_put(S("a"), I(9), create_only)) == ResultCode::ElementExists);
  cdt::MapPolicy update_only{0, cdt::map_write::kUpdateOnly};
  CHECK(b.modify(cdt::map_put(S("z"), I(9), update_only)) == ResultCode::ElementNotFound);
  cdt::MapPolicy update_nofail{0, update_only.flags | cdt::map_write::kNoFail};
  REQUIRE(b.modify(cdt::map_put(S("z"), I(9), update_nofail)) == ResultCode::Ok);
  check_same(b.result(), I(2));
  CHECK(b.modify(cdt::map_put(L({}), I(1))) == ResultCode::Parameter);  // list key

  Bin unordered(M({{S("b"), I(1)}, {S("a"), I(2)}}));
  REQUIRE(unordered.modify(cdt::map_put(S("c"), I(3))) == ResultCode::Ok);
  check_same(unordered.value(), M({{S("b"), I(1)}, {S("a"), I(2)}, {S("c"), I(3)}}));
  // Like the server: the sorted prefix decides, disorder after the slot does not matter.
  Bin prefix(M({{S("a"), I(1)}, {S("c"), I(2)}, {S("b"), I(3)}}));
  REQUIRE(prefix.modify(cdt::map_put(S("b0"), I(4))) == ResultCode::Ok);
  check_same(prefix.value(),
             M({{S("a"), I(1)}, {S("b0"), I(4)}, {S("c"), I(2)}, {S("b"), I(3)}}));
}

TEST_CASE("key-ordered maps and put_items", "[cdt]") {
  Bin b;
  cdt::MapPolicy ordered{1, 0};
  REQUIRE(b.modify(cdt::map_put(I(3), S("c"), ordered)) == ResultCode::Ok);
  REQUIRE(b.modify(cdt::map_put_items(M({{I(1), S("a")}, {I(2), S("b")}}), ordered)) ==
          ResultCode::Ok);
  check_same(b.result(), I(3));
  check_same(b.value(), M({{I(1), S("a")}, {I(2), S("b")}, {I(3), S("c")}}, 1));
  CHECK(common::to_hex(b.bin->bytes).substr(0, 10) == "84c70001c0");

  Bin u(M({{S("z"), I(1)}, {S("a"), I(2)}}));
  REQUIRE(u.modify(cdt::map_put_items(M({{S("m"), I(3)}}))) == ResultCode::Ok);
  check_same(u.value(), M({{S("a"), I(2)}, {S("m"), I(3)}, {S("z"), I(1)}}));
  cdt::MapPolicy create_only{0, cdt::map_write::kCreateOnly};
  CHECK(u.modify(cdt::map_put_items(M({{S("a"), I(0)}}), create_only)) ==
        ResultCode::ElementExists);
  cdt::MapPolicy partial{0, create_only.flags | cdt::map_write::kNoFail |
                                cdt::map_write::kPartial};
  REQUIRE(u.modify(cdt::map_put_items(M({{S("a"), I(0)}, {S("b"), I(4)}}), partial)) ==
          ResultCode::Ok);
  check_same(u.result(), I(4));
  REQUIRE(u.modify(cdt::map_set_policy(1)) == ResultCode::Ok);
  CHECK(u.value().subtype == 1);
  CHECK(u.modify(cdt::map_set_policy(2)) == ResultCode::OpNotApplicable);
}

TEST_CASE("map reads and removes", "[cdt]") {
  Value m = M({{S("c"), I(3)}, {S("a"), I(10)}, {S("b"), I(1)}});
  Bin b(m);
  auto get = [&](std::string payload) {
    REQUIRE(b.read(payload) == ResultCode::Ok);
    return b.has_result() ? b.result() : Value();
  };
  check_same(get(cdt::map_size()), I(3));
  check_same(get(cdt::map_get_by_key(S("a"), rt::kValue)), I(10));
  check_same(get(cdt::map_get_by_key(S("a"), rt::kKeyValue)),
             M({{S("a"), I(10)}}, proto::msgpack::kMapPreserveOrder));
  check_same(get(cdt::map_get_by_key(S("a"), rt::kIndex)), I(0));  // key order
  check_same(get(cdt::map_get_by_key(S("a"), rt::kRank)), I(2));   // value order
  CHECK(b.read(cdt::map_get_by_key(S("q"), rt::kValue)) == ResultCode::Ok);
  CHECK_FALSE(b.has_result());
  check_same(get(cdt::map_get_by_key(S("q"), rt::kIndex)), I(-1));
  check_same(get(cdt::map_get_by_index(-1, rt::kKey)), S("c"));
  check_same(get(cdt::map_get_by_rank(0, rt::kKey)), S("b"));
  check_same(get(cdt::map_get_by_value(I(3), rt::kKey)), L({S("c")}));
  check_same(get(cdt::map_get_by_key_list({S("b"), S("c"), S("x")}, rt::kValue)),
             L({I(1), I(3)}));
  check_same(get(cdt::map_get_by_index_range(0, 2, rt::kKey)), L({S("a"), S("b")}));
  check_same(get(cdt::map_get_by_index_range(0, 2, rt::kOrderedMap)),
             M({{S("a"), I(10)}, {S("b"), I(1)}}, 1));
  Value end = S("c");
  check_same(get(cdt::map_get_by_key_range(S("b"), &end, rt::kCount)), I(1));
  check_same(get(cdt::map_get_by_key_range(S("b"), nullptr, rt::kUnorderedMap)),
             M({{S("b"), I(1)}, {S("c"), I(3)}}));
  CHECK(b.read(cdt::map_get_by_index(5, rt::kKey)) == ResultCode::OpNotApplicable);

  REQUIRE(b.modify(cdt::map_remove_by_key(S("a"), rt::kValue)) == ResultCode::Ok);
  check_same(b.result(), I(10));
  REQUIRE(b.modify(cdt::map_remove_by_key(S("a"), rt::kValue)) == ResultCode::Ok);
  CHECK_FALSE(b.has_result());
  REQUIRE(b.modify(cdt::map_remove_by_key_list({S("b"), S("z")}, rt::kCount)) ==
          ResultCode::Ok);
  check_same(b.result(), I(1));
  check_same(b.value(), M({{S("c"), I(3)}}));
  REQUIRE(b.modify(cdt::map_remove_by_rank(0, rt::kKeyValue)) == ResultCode::Ok);
  check_same(b.value(), M({}));
  REQUIRE(b.modify(cdt::map_put(S("k"), I(1))) == ResultCode::Ok);
  REQUIRE(b.modify(cdt::map_clear()) == ResultCode::Ok);
  check_same(b.value(), M({}));

  Bin missing;
  REQUIRE(missing.modify(cdt::map_remove_by_key(S("a"), rt::kValue)) == ResultCode::Ok);
  CHECK_FALSE(missing.bin.has_value());
  REQUIRE(missing.read(cdt::map_get_by_key(S("a"), rt::kValue)) == ResultCode::Ok);
  CHECK_FALSE(missing.has_result());
}

TEST_CASE("map increment and decrement", "[cdt]") {
  Bin b;
  REQUIRE(b.modify(cdt::map_increment(S("n"), I(5))) == ResultCode::Ok);
  check_same(b.result(), I(5));
  REQUIRE(b.modify(cdt::map_increment(S("n"), I(2))) == ResultCode::Ok);
  check_same(b.result(), I(7));
  REQUIRE(b.modify(cdt::raw_op(74, {S("n"), I(10)})) == ResultCode::Ok);
  check_same(b.result(), I(-3));
  REQUIRE(b.modify(cdt::map_increment(S("d"), Value::real(0.5))) == ResultCode::Ok);
  check_same(b.value(), M({{S("d"), Value::real(0.5)}, {S("n"), I(-3)}}));
  REQUIRE(b.modify(cdt::map_put(S("s"), S("x"))) == ResultCode::Ok);
  CHECK(b.modify(cdt::map_increment(S("s"), I(1))) == ResultCode::Parameter);
}

TEST_CASE("contexts reach nested lists and maps", "[cdt]") {
  Bin b(M({{S("l"), L({I(1), L({I(2)})})}, {S("m"), M({{S("x"), I(1)}})}}));
  REQUIRE(b.modify(cdt::list_append(I(3), nullptr,
                                    {cdt::ctx_map_key(S("l")), cdt::ctx_list_index(-1)})) ==
          ResultCode::Ok);
  check_same(b.result(), I(2));
  REQUIRE(b.modify(cdt::map_put(S("y"), I(2), {}, {cdt::ctx_map_key(S("m"))})) ==
          ResultCode::Ok);
  check_same(b.value(), M({{S("l"), L({I(1), L({I(2), I(3)})})},
                           {S("m"), M({{S("x"), I(1)}, {S("y"), I(2)}})}}));
  REQUIRE(b.read(cdt::list_size({cdt::ctx_map_index(0), cdt::ctx_list_rank(-1)})) ==
          ResultCode::Ok);
  check_same(b.result(), I(2));
  REQUIRE(b.read(cdt::map_get_by_key(S("y"), rt::kValue, {cdt::ctx_map_rank(1)})) ==
          ResultCode::Ok);
  check_same(b.result(), I(2));
  REQUIRE(b.read(cdt::list_get(0, {cdt::ctx_map_value(L({I(1), L({I(2), I(3)})})),
                                   cdt::ctx_list_value(L({I(2), I(3)}))})) == ResultCode::Ok);
  check_same(b.result(), I(2));
  CHECK(b.read(cdt::list_size({cdt::ctx_map_key(S("nope"))})) == ResultCode::OpNotApplicable);
  CHECK(b.read(cdt::list_size({cdt::ctx_map_key(S("m"))})) == ResultCode::IncompatibleType);
  CHECK(b.read(cdt::list_size({cdt::ctx_list_index(0)})) == ResultCode::OpNotApplicable);
  CHECK(b.modify(cdt::list_append(I(1), nullptr, {cdt::ctx_map_key(S("new"))})) ==
        ResultCode::OpNotApplicable);
}

TEST_CASE("context create flags build missing containers", "[cdt]") {
  Bin b;
  REQUIRE(b.modify(cdt::map_put(S("k"), I(1), {},
                                {cdt::ctx_map_key_create(S("a"), 1),
                                 cdt::ctx_map_key_create(S("b"), 0)})) == ResultCode::Ok);
  check_same(b.result(), I(1));
  check_same(b.value(), M({{S("a"), M({{S("b"), M({{S("k"), I(1)}})}})}}, 1));
  REQUIRE(b.modify(cdt::list_append(I(5), nullptr,
                                    {cdt::ctx_map_key_create(S("c"), 0),
                                     cdt::ctx_list_index_create(2, 0, true)})) ==
          ResultCode::Ok);
  check_same(b.value(), M({{S("a"), M({{S("b"), M({{S("k"), I(1)}})}})},
                           {S("c"), L({Value(), Value(), L({I(5)})})}},
                          1));
  CHECK(b.modify(cdt::list_append(I(5), nullptr, {cdt::ctx_map_key_create(S("d"), 0),
                                                   cdt::ctx_list_index_create(2, 0, false)})) ==
        ResultCode::OpNotApplicable);
  CHECK(b.read(cdt::list_size({cdt::ctx_map_key_create(S("e"), 0)})) ==
        ResultCode::OpNotApplicable);
  Bin none;
  CHECK(none.modify(cdt::list_append(I(1), nullptr, {cdt::ctx_list_index(0)})) ==
        ResultCode::OpNotApplicable);
  Bin lists(L({}));
  cdt::Context at_end = {cdt::ctx_list_index_create(-1, 0, false)};
  REQUIRE(lists.modify(cdt::list_append(I(4), nullptr, at_end)) == ResultCode::Ok);
  check_same(lists.value(), L({L({I(4)})}));
}

TEST_CASE("a change inside an ordered list re-sorts it", "[cdt]") {
  Bin b(Value::make_list({L({I(1)}), L({I(5)})}, 1));
  REQUIRE(b.modify(cdt::list_append(I(0), nullptr, {cdt::ctx_list_index(0)})) ==
          ResultCode::Ok);
  check_same(b.value(), Value::make_list({L({I(1), I(0)}), L({I(5)})}, 1));
  REQUIRE(b.modify(cdt::list_set(0, I(9), nullptr, {cdt::ctx_list_index(0)})) ==
          ResultCode::Ok);
  check_same(b.value(), Value::make_list({L({I(5)}), L({I(9), I(0)})}, 1));
}

TEST_CASE("random payloads never crash apply_cdt_op", "[cdt]") {
  std::mt19937 rng(777);
  std::uniform_int_distribution<int> byte(0, 255);
  Bin base(M({{S("a"), L({I(1), I(2), M({{I(1), S("x")}})})}, {I(7), Value::real(1)}}));
  for (int round = 0; round < 5000; ++round) {
    // Start from a real op and mutate bytes, so parsing gets past the first header.
    std::string payload = round % 2 == 0
                              ? cdt::map_get_by_key(S("a"), rt::kValue)
                              : cdt::list_append(I(round), nullptr, {cdt::ctx_map_key(S("a"))});
    int flips = 1 + round % 4;
    for (int k = 0; k < flips; ++k) {
      payload[size_t(byte(rng)) % payload.size()] = char(byte(rng));
    }
    if (round % 5 == 0) payload.resize(size_t(byte(rng)) % (payload.size() + 1));
    CdtOutcome out;
    (void)apply_cdt_op(&*base.bin, payload, round % 3 != 0, &out);
    (void)apply_cdt_op(nullptr, payload, true, &out);
  }
  // A context deeper than the decoder accepts is refused, not built.
  cdt::Context deep(300, cdt::ctx_list_index_create(0, 0, false));
  CHECK(Bin().modify(cdt::list_append(I(1), nullptr, deep)) == ResultCode::Parameter);
  cdt::Context ok(100, cdt::ctx_list_index_create(0, 0, false));
  Bin nested;
  REQUIRE(nested.modify(cdt::list_append(I(1), nullptr, ok)) == ResultCode::Ok);
  REQUIRE(nested.read(cdt::list_size(ok)) == ResultCode::Ok);
  check_same(nested.result(), I(1));
  BinValue garbage{20, "\xdd\xff\xff\xff\xff"};
  CdtOutcome out;
  CHECK(apply_cdt_op(&garbage, cdt::list_size(), false, &out) == ResultCode::Parameter);
}

TEST_CASE("an unordered list's rank range returns its values in the server's heap order", "[cdt]") {
  Bin b(L({I(83), I(39), I(49), I(20), I(42), I(41), I(98)}));
  auto get = [&](std::string payload) {
    REQUIRE(b.read(payload) == ResultCode::Ok);
    return b.has_result() ? b.result() : Value();
  };
  // Nearer the low end: highest first (the official client's exp_list suite expects this).
  check_same(get(cdt::list_get_by_rank_range(2, 2, rt::kValue)), L({I(42), I(41)}));
  check_same(get(cdt::list_get_by_rank_range(0, 3, rt::kValue)), L({I(41), I(39), I(20)}));
  // Nearer the high end, and to the end: rank order.
  check_same(get(cdt::list_get_by_rank_range(4, 2, rt::kValue)), L({I(49), I(83)}));
  check_same(get(cdt::list_get_by_rank_range(2, 100, rt::kValue)), L({I(41), I(42), I(49), I(83), I(98)}));
  // Indexes come back in index order, whatever the heap did.
  check_same(get(cdt::list_get_by_rank_range(2, 2, rt::kIndex)), L({I(4), I(5)}));
}
