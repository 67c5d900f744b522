// Path operations inside expressions (asd/base/exp): select_by_path and modify_by_path
// calls as the clients build them, loop variables and remove-result on their own,
// map_keys / map_values, and the programs the parser refuses.

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

#include "base/exp/expression.h"
#include "common/bytes.h"
#include "proto/msgpack.h"
#include "proto/particle.h"

using asd::Bin;
using asd::Record;
using asd::exp::Expression;
using asd::exp::LoopVars;
using asd::exp::RecordView;
using asd::exp::Truth;
using asd::exp::Type;
using common::ResultCode;
using proto::ParticleType;

namespace {

namespace mp = proto::msgpack;

// A program written with a Writer callback.
template <typename Write>
std::string program(Write write) {
  std::string out;
  mp::Writer w(&out);
  write(w);
  return out;
}

// [127, type, system, [0xfe, [4, true], flags(, modify)], bin(type, name)]: a path call
// over every child of a bin, as exp.selectByPath / exp.modifyByPath send it.
std::string path_call(int type, int system, int64_t flags, std::string_view modify, int bin_type,
                      std::string_view bin) {
  return program([&](mp::Writer& w) {
    w.array_header(5);
    w.integer(127);
    w.integer(type);
    w.integer(system);
    w.array_header(modify.empty() ? 3 : 4);
    w.integer(0xfe);
    w.array_header(2);
    w.integer(4);
    w.boolean(true);
    w.integer(flags);
    w.raw(modify);
    w.array_header(3);
    w.integer(81);
    w.integer(bin_type);
    w.raw_str(bin);
  });
}

// mul(loop_var(float, value), 2.0)
std::string doubled() {
  return program([](mp::Writer& w) {
    w.array_header(3);
    w.integer(22);
    w.array_header(3);
    w.integer(122);
    w.integer(7);
    w.integer(1);
    w.float64(2.0);
  });
}

std::string map_bytes() {  // {"b": 1.5, "a": 4.0}, stored in that order
  return program([](mp::Writer& w) {
    w.map_header(2);
    w.string("b");
    w.float64(1.5);
    w.string("a");
    w.float64(4.0);
  });
}

Record sample() {
  Record r;
  r.bins.push_back(Bin{"m", uint8_t(ParticleType::Map), map_bytes()});
  r.bins.push_back(Bin{"x", uint8_t(ParticleType::Float), std::string(8, '\0')});
  return r;
}

// The program's value as msgpack; nullopt for unknown.
std::optional<mp::Value> value_of(const std::string& bytes) {
  auto parsed = Expression::parse(bytes);
  std::string why = parsed.ok() ? std::string() : parsed.error().message;
  INFO(why);
  REQUIRE(parsed.ok());
  Record r = sample();
  RecordView view;
  view.record = &r;
  asd::exp::Particle out;
  if (!parsed->evaluate(view, &out)) return std::nullopt;
  REQUIRE((out.type == uint8_t(ParticleType::List) || out.type == uint8_t(ParticleType::Map)));
  mp::Value v;
  REQUIRE(mp::decode(out.value, &v));
  return v;
}

mp::Value decoded(const std::string& bytes) {
  mp::Value v;
  REQUIRE(mp::decode(bytes, &v));
  return v;
}

ResultCode refusal(const std::string& bytes) {
  auto parsed = Expression::parse(bytes);
  return parsed.ok() ? ResultCode::Ok : parsed.error().code;
}

}  // namespace

TEST_CASE("path calls: select and modify a bin by path", "[cdt_path]") {
  auto keys = value_of(path_call(4, 0, 2, {}, 5, "m"));
  REQUIRE(keys);
  CHECK(mp::encode(*keys) == program([](mp::Writer& w) { w.array_header(2); w.string("b"); w.string("a"); }));
  auto tree = value_of(path_call(5, 0, 0, {}, 5, "m"));
  REQUIRE(tree);
  CHECK(mp::encode(*tree) == map_bytes());
  auto changed = value_of(path_call(5, 0x40, 4, doubled(), 5, "m"));
  REQUIRE(changed);
  CHECK(*changed == decoded(program([](mp::Writer& w) {
    w.map_header(2); w.string("b"); w.float64(3.0); w.string("a"); w.float64(8.0);
  })));
  // A modify call with a select mode answers the bin unchanged.
  auto same = value_of(path_call(5, 0x40, 0, {}, 5, "m"));
  REQUIRE(same);
  CHECK(mp::encode(*same) == map_bytes());

  CHECK_FALSE(value_of(path_call(5, 0, 1, {}, 5, "m")));          // a list, declared a map
  CHECK_FALSE(value_of(path_call(4, 0, 4, doubled(), 5, "m")));   // apply in a read call
  CHECK_FALSE(value_of(path_call(4, 0, 1, {}, 5, "missing")));
  CHECK_FALSE(value_of(path_call(4, 0, 9, {}, 5, "m")));          // a bad mode fails when it runs
  CHECK(Expression::parse(path_call(4, 0, 1, {}, 5, "m"))->result_type() == Type::List);
}

TEST_CASE("path calls: the parser checks only the op array's shape", "[cdt_path]") {
  auto call_with = [](auto write_op) {
    return program([&](mp::Writer& w) {
      w.array_header(5);
      w.integer(127);
      w.integer(4);
      w.integer(0);
      write_op(w);
      w.array_header(3);
      w.integer(81);
      w.integer(5);
      w.raw_str("m");
    });
  };
  CHECK(refusal(call_with([](mp::Writer& w) { w.array_header(2); w.integer(0xfe); w.array_header(0); })) ==
        ResultCode::Parameter);
  CHECK(refusal(call_with([](mp::Writer& w) { w.array_header(3); w.integer(0xfe); w.integer(4); w.integer(1); })) ==
        ResultCode::Parameter);
  CHECK(refusal(call_with([](mp::Writer& w) {
    w.array_header(3); w.integer(0xfe); w.array_header(0); w.string("x");
  })) == ResultCode::Parameter);
  CHECK(refusal(call_with([](mp::Writer& w) {
    w.array_header(5); w.integer(0xfe); w.array_header(0); w.integer(0); w.nil(); w.nil();
  })) == ResultCode::Parameter);
  // An empty context or a negative flags value parses: the CDT layer refuses it later.
  CHECK(refusal(call_with([](mp::Writer& w) {
    w.array_header(3); w.integer(0xfe); w.array_header(0); w.integer(-1);
  })) == ResultCode::Ok);
}

TEST_CASE("loop variables and remove-result", "[cdt_path]") {
  auto loop_var = [](int64_t type, int64_t part) {
    return program([&](mp::Writer& w) { w.array_header(3); w.integer(122); w.integer(type); w.integer(part); });
  };
  auto eq = [](const std::string& a, const std::string& b) {
    return program([&](mp::Writer& w) { w.array_header(3); w.integer(1); w.raw(a); w.raw(b); });
  };
  std::string two = program([](mp::Writer& w) { w.integer(2); });
  std::string text = program([](mp::Writer& w) { w.string("k"); });

  mp::Value key = mp::Value::string("k");
  mp::Value value = mp::Value::integer(2);
  auto on = [&](const std::string& bytes, const LoopVars& vars) { return Expression::parse(bytes)->filter(vars); };
  CHECK(on(eq(loop_var(2, 1), two), LoopVars{&key, &value, std::nullopt}) == Truth::True);
  CHECK(on(eq(loop_var(3, 0), text), LoopVars{&key, &value, std::nullopt}) == Truth::True);
  CHECK(on(eq(loop_var(2, 2), two), LoopVars{nullptr, &value, 2}) == Truth::True);
  // A part the element has not, or another type, is unknown; a non-boolean is false.
  CHECK(on(eq(loop_var(2, 2), two), LoopVars{&key, &value, std::nullopt}) == Truth::Unknown);
  CHECK(on(eq(loop_var(3, 1), two), LoopVars{&key, &value, std::nullopt}) == Truth::Unknown);
  CHECK(on(loop_var(2, 1), LoopVars{&key, &value, std::nullopt}) == Truth::False);
  CHECK(Expression::parse(loop_var(7, 1))->result_type() == Type::Float);

  // Outside a path operation loop variables are unknown, and remove-result is no value.
  Record r = sample();
  RecordView view;
  view.record = &r;
  asd::exp::Particle out;
  CHECK_FALSE(Expression::parse(loop_var(2, 1))->evaluate(view, &out));
  std::string remove = program([](mp::Writer& w) { w.array_header(1); w.integer(100); });
  CHECK_FALSE(Expression::parse(remove)->evaluate(view, &out));
  mp::Value replacement;
  CHECK(Expression::parse(remove)->element_value(LoopVars{}, &replacement) == asd::exp::ElementResult::Remove);

  CHECK(refusal(loop_var(2, 3)) == ResultCode::Parameter);    // no such part
  CHECK(refusal(loop_var(12, 1)) == ResultCode::Parameter);   // no such type
  CHECK(refusal(loop_var(11, 1)) == ResultCode::Ok);          // the server's internal types parse
  CHECK(refusal(loop_var(3, 2)) == ResultCode::Parameter);    // an index is an integer
  CHECK(refusal(program([](mp::Writer& w) { w.array_header(2); w.integer(122); w.integer(2); })) ==
        ResultCode::Parameter);
  CHECK(refusal(program([](mp::Writer& w) { w.array_header(2); w.integer(100); w.integer(1); })) ==
        ResultCode::Parameter);
}

TEST_CASE("map_keys and map_values list a map in stored order", "[cdt_path]") {
  auto of = [](int code, int bin_type, std::string_view bin) {
    return program([&](mp::Writer& w) {
      w.array_header(2);
      w.integer(code);
      w.array_header(3);
      w.integer(81);
      w.integer(bin_type);
      w.raw_str(bin);
    });
  };
  auto keys = value_of(of(101, 5, "m"));
  REQUIRE(keys);
  CHECK(mp::encode(*keys) == program([](mp::Writer& w) { w.array_header(2); w.string("b"); w.string("a"); }));
  auto values = value_of(of(102, 5, "m"));
  REQUIRE(values);
  CHECK(mp::encode(*values) == program([](mp::Writer& w) { w.array_header(2); w.float64(1.5); w.float64(4.0); }));
  CHECK_FALSE(value_of(of(101, 7, "x")));
  CHECK(Expression::parse(of(101, 5, "m"))->result_type() == Type::List);
}
