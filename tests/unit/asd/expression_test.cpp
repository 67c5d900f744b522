// Filter expressions (asd/base/exp): each operator family against a record, unknown's
// propagation, and the programs parse() must refuse with Parameter.

#include <catch2/catch.hpp>

#include <bit>
#include <optional>
#include <string>
#include <vector>

#include "base/exp/expression.h"
#include "common/bytes.h"
#include "proto/msgpack.h"
#include "proto/particle.h"

using asd::Bin;
using asd::Record;
using asd::exp::Expression;
using asd::exp::RecordView;
using proto::ParticleType;

namespace {

namespace mp = proto::msgpack;

// A tiny builder: E is msgpack bytes; op(code, args...) an operation array.
struct E {
  std::string bytes;
};
E raw(std::string_view b) { return {std::string(b)}; }
template <typename Write>
E emit(Write write) {
  E e;
  mp::Writer w(&e.bytes);
  write(w);
  return e;
}
E i(int64_t v) { return emit([&](mp::Writer& w) { w.integer(v); }); }
E f(double v) { return emit([&](mp::Writer& w) { w.float64(v); }); }
E b(bool v) { return emit([&](mp::Writer& w) { w.boolean(v); }); }
E s(std::string_view v) { return emit([&](mp::Writer& w) { w.string(v); }); }
E blob(std::string_view v) { return emit([&](mp::Writer& w) { w.blob(v); }); }
E geo(std::string_view v) { return emit([&](mp::Writer& w) { w.geojson(v); }); }
E name(std::string_view v) { return emit([&](mp::Writer& w) { w.raw_str(v); }); }
E op(int code, std::vector<E> args = {}) {
  E e;
  mp::Writer w(&e.bytes);
  w.array_header(uint32_t(args.size() + 1));
  w.integer(code);
  for (const E& a : args) e.bytes += a.bytes;
  return e;
}
E bin(int type, std::string_view n) { return op(81, {i(type), name(n)}); }
E plain_list(std::vector<int64_t> items) {  // [items], as a list bin stores it
  E e;
  mp::Writer w(&e.bytes);
  w.array_header(uint32_t(items.size()));
  for (int64_t x : items) w.integer(x);
  return e;
}
E list(std::vector<int64_t> items) { return op(126, {plain_list(std::move(items))}); }  // quoted literal

constexpr int kInt = 2, kStr = 3, kList = 4, kMap = 5, kBlob = 6, kFloat = 7, kGeo = 8, kBool = 1;

std::string be64(uint64_t v) {
  std::string out(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(out.data()), v);
  return out;
}

Record sample() {
  Record r;
  r.generation = 3;
  r.lut = 1000;
  r.void_time = 0;
  r.key = std::string(1, char(ParticleType::Integer)) + be64(42);
  r.bins.push_back(Bin{"n", uint8_t(ParticleType::Integer), be64(uint64_t(-7))});
  r.bins.push_back(Bin{"x", uint8_t(ParticleType::Float), be64(std::bit_cast<uint64_t>(2.5))});
  r.bins.push_back(Bin{"s", uint8_t(ParticleType::String), "Hello world"});
  r.bins.push_back(Bin{"t", uint8_t(ParticleType::Bool), std::string(1, '\1')});
  r.bins.push_back(Bin{"bl", uint8_t(ParticleType::Blob), std::string("\x01\x02", 2)});
  r.bins.push_back(Bin{"l", uint8_t(ParticleType::List), plain_list({1, 2, 3}).bytes});
  std::string m;
  mp::Writer mw(&m);
  mw.map_header(1);
  mw.string("a");
  mw.integer(1);
  r.bins.push_back(Bin{"m", uint8_t(ParticleType::Map), m});
  std::string point = std::string("\0\0\0", 3) + R"({"type":"Point","coordinates":[10.0,20.0]})";
  r.bins.push_back(Bin{"loc", uint8_t(ParticleType::GeoJson), point});
  return r;
}

common::Digest digest() {
  common::Digest d;
  d.bytes[16] = 7;  // little-endian 7 at [16..19]
  return d;
}

bool eval(const E& e, const Record& r) {
  auto parsed = Expression::parse(e.bytes);
  std::string why = parsed.ok() ? std::string() : parsed.error().message;
  INFO(why);
  REQUIRE(parsed.ok());
  common::Digest d = digest();
  RecordView view{&r, &d, "myset", 0, 100, 5000};
  return parsed->matches(view);
}

std::string refused(const E& e, common::ResultCode code = common::ResultCode::Parameter) {
  auto parsed = Expression::parse(e.bytes);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == code);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("comparisons on every bin type; a missing bin or another type is unknown", "[exp]") {
  Record r = sample();
  CHECK(eval(op(1, {bin(kInt, "n"), i(-7)}), r));
  CHECK_FALSE(eval(op(1, {bin(kInt, "n"), i(7)}), r));
  CHECK(eval(op(3, {bin(kFloat, "x"), f(2.0)}), r));
  CHECK(eval(op(1, {bin(kStr, "s"), s("Hello world")}), r));
  CHECK(eval(op(5, {bin(kStr, "s"), s("Z")}), r));
  CHECK(eval(op(1, {bin(kBool, "t"), b(true)}), r));
  CHECK(eval(op(1, {bin(kBlob, "bl"), blob(std::string("\x01\x02", 2))}), r));
  CHECK(eval(op(1, {bin(kList, "l"), list({1, 2, 3})}), r));
  CHECK(eval(op(3, {bin(kList, "l"), list({1, 2})}), r));
  CHECK(eval(op(2, {bin(kInt, "missing"), i(1)}), r) == false);  // unknown, not true
  CHECK(eval(op(18, {op(1, {bin(kInt, "missing"), i(1)})}), r) == false);  // not(unknown) is unknown
  CHECK(eval(op(1, {bin(kStr, "n"), s("x")}), r) == false);  // n is not a string
  CHECK(eval(op(1, {bin(kInt, "n"), f(-7.0)}), r) == false);  // int vs float: no ordering
  CHECK(eval(op(9, {i(2), bin(kList, "l")}), r));  // in-list
  CHECK_FALSE(eval(op(9, {i(9), bin(kList, "l")}), r));
}

TEST_CASE("and/or/not/exclusive are three-valued; unknown filters out", "[exp]") {
  Record r = sample();
  E unknown = op(0);
  CHECK_FALSE(eval(unknown, r));
  CHECK_FALSE(eval(op(1, {unknown, unknown}), r));
  CHECK(eval(op(17, {unknown, b(true)}), r));       // or: a true decides
  CHECK_FALSE(eval(op(16, {unknown, b(true)}), r)); // and: unknown stays unknown
  CHECK_FALSE(eval(op(16, {unknown, b(false)}), r));
  CHECK(eval(op(18, {op(16, {unknown, b(false)})}), r));  // and(unknown, false) is false
  CHECK(eval(op(19, {b(true), b(false), b(false)}), r));
  CHECK_FALSE(eval(op(19, {b(true), b(true)}), r));
}

TEST_CASE("arithmetic and integer bits", "[exp]") {
  Record r = sample();
  CHECK(eval(op(1, {op(20, {bin(kInt, "n"), i(10), i(1)}), i(4)}), r));
  CHECK(eval(op(1, {op(21, {i(5)}), i(-5)}), r));
  CHECK(eval(op(1, {op(22, {f(1.5), f(2.0)}), f(3.0)}), r));
  CHECK(eval(op(1, {op(23, {i(7), i(2)}), i(3)}), r));
  CHECK_FALSE(eval(op(1, {op(23, {i(7), i(0)}), i(0)}), r));  // division by zero: unknown
  CHECK_FALSE(eval(op(1, {op(20, {i(1), f(1.0)}), i(2)}), r)); // mixed types: unknown
  CHECK(eval(op(1, {op(24, {f(2.0), f(10.0)}), f(1024.0)}), r));
  CHECK(eval(op(1, {op(26, {i(-7), i(3)}), i(-1)}), r));
  CHECK(eval(op(1, {op(27, {bin(kInt, "n")}), i(7)}), r));
  CHECK(eval(op(1, {op(28, {f(2.7)}), f(2.0)}), r));
  CHECK(eval(op(1, {op(29, {f(2.1)}), f(3.0)}), r));
  CHECK(eval(op(1, {op(30, {f(-2.9)}), i(-2)}), r));
  CHECK(eval(op(1, {op(31, {i(3)}), f(3.0)}), r));
  CHECK(eval(op(1, {op(50, {i(4), i(-2), i(9)}), i(-2)}), r));
  CHECK(eval(op(1, {op(51, {f(4), f(-2), f(9)}), f(9)}), r));
  CHECK(eval(op(1, {op(32, {i(0b1100), i(0b1010)}), i(0b1000)}), r));
  CHECK(eval(op(1, {op(33, {i(0b1100), i(0b1010)}), i(0b1110)}), r));
  CHECK(eval(op(1, {op(34, {i(0b1100), i(0b1010)}), i(0b0110)}), r));
  CHECK(eval(op(1, {op(35, {i(0)}), i(-1)}), r));
  CHECK(eval(op(1, {op(36, {i(1), i(4)}), i(16)}), r));
  CHECK(eval(op(1, {op(37, {i(-1), i(60)}), i(15)}), r));
  CHECK(eval(op(1, {op(38, {i(-16), i(2)}), i(-4)}), r));
  CHECK(eval(op(1, {op(39, {i(0xFF)}), i(8)}), r));
  CHECK(eval(op(1, {op(40, {i(1), b(true)}), i(63)}), r));   // lscan: the lowest bit is index 63
  CHECK(eval(op(1, {op(41, {i(6), b(true)}), i(62)}), r));   // rscan: the rightmost set bit
  CHECK(eval(op(1, {op(40, {i(0), b(true)}), i(-1)}), r));
}

TEST_CASE("metadata, key, bin types, cond and let", "[exp]") {
  Record r = sample();
  CHECK(eval(op(1, {op(64, {i(5)}), i(2)}), r));          // 7 % 5
  CHECK(eval(op(1, {op(70), s("myset")}), r));
  CHECK(eval(op(71), r));
  CHECK_FALSE(eval(op(72), r));
  CHECK(eval(op(1, {op(69), i(-1)}), r));                 // never expires
  CHECK(eval(op(1, {op(68), i(-1)}), r));
  CHECK(eval(op(1, {op(67), i(4000)}), r));               // now 5000 ms, lut 1000
  CHECK(eval(op(1, {op(66), i((1000 + 1262304000000LL) * 1000000)}), r));
  CHECK(eval(op(1, {op(73), i(100)}), r));
  CHECK(eval(op(3, {op(74), i(10)}), r));
  CHECK(eval(op(1, {op(80, {i(kInt)}), i(42)}), r));
  CHECK_FALSE(eval(op(1, {op(80, {i(kStr)}), s("42")}), r));
  CHECK(eval(op(1, {op(82, {name("s")}), i(3)}), r));
  CHECK(eval(op(1, {op(82, {name("nope")}), i(0)}), r));
  // cond: the first true condition's value, else the default.
  E pick = op(123, {op(5, {bin(kInt, "n"), i(0)}), s("negative"), s("other")});
  CHECK(eval(op(1, {pick, s("negative")}), r));
  // let x = n * 2, y = x + 1 in y == -13
  E let = op(125, {name("x"), op(22, {bin(kInt, "n"), i(2)}), name("y"), op(20, {op(124, {name("x")}), i(1)}),
                   op(1, {op(124, {name("y")}), i(-13)})});
  CHECK(eval(let, r));
}

TEST_CASE("CDT calls: list and map reads, contexts, and modified local copies", "[exp]") {
  Record r = sample();
  auto call = [](int rtype, int system, E cdt_op, E target) { return op(127, {i(rtype), i(system), cdt_op, target}); };
  constexpr int kValue = 7, kCount = 5;
  CHECK(eval(op(1, {call(kInt, 0, op(16), bin(kList, "l")), i(3)}), r));                      // list size
  CHECK(eval(op(1, {call(kInt, 0, op(19, {i(kValue), i(-1)}), bin(kList, "l")), i(3)}), r));  // get_by_index
  CHECK(eval(op(1, {call(kInt, 0, op(96), bin(kMap, "m")), i(1)}), r));                        // map size
  CHECK(eval(op(1, {call(kInt, 0, op(97, {i(kValue), s("a")}), bin(kMap, "m")), i(1)}), r));  // get_by_key
  // Arguments are expressions: get_by_value_range(2, n + 10) counts 2 and 3.
  E hi = op(20, {bin(kInt, "n"), i(14)});
  CHECK(eval(op(1, {call(kInt, 0, op(25, {i(kCount), i(2), hi}), bin(kList, "l")), i(2)}), r));
  // A modified copy (append 9): the bin itself is unchanged.
  E appended = call(kList, 0x40, op(1, {i(9)}), bin(kList, "l"));
  CHECK(eval(op(1, {call(kInt, 0, op(16), appended), i(4)}), r));
  CHECK(eval(op(1, {call(kInt, 0, op(16), bin(kList, "l")), i(3)}), r));
  // Through a context: [0xff, [list-index 0], [size]] on a list of lists.
  Record nested = r;
  std::string ll = "\x91" + plain_list({5, 6}).bytes;  // [[5, 6]]
  nested.bins.push_back(Bin{"ll", uint8_t(ParticleType::List), ll});
  E ctx_op = op(0xff, {raw(std::string("\x92\x10\x00", 3)), op(16)});
  CHECK(eval(op(1, {call(kInt, 0, ctx_op, bin(kList, "ll")), i(2)}), nested));
  // A call on a bin of another type is unknown.
  CHECK_FALSE(eval(op(1, {call(kInt, 0, op(16), bin(kList, "n")), i(3)}), r));
}

TEST_CASE("bit and HLL calls: reads, modified local copies, and the bin type they need", "[exp]") {
  Record r = sample();  // bl = [0x01, 0x02]
  auto call = [](int rtype, int system, E call_op, E target) { return op(127, {i(rtype), i(system), call_op, target}); };
  constexpr int kHll = 9;
  // count(bit offset 0, 16 bits) and get_int(8, 8, unsigned)
  CHECK(eval(op(1, {call(kInt, 1, op(51, {i(0), i(16)}), bin(kBlob, "bl")), i(2)}), r));
  CHECK(eval(op(1, {call(kInt, 1, op(54, {i(8), i(8), i(0)}), bin(kBlob, "bl")), i(2)}), r));
  // not(0, 8) on a copy: [0xfe, 0x02]; the bin keeps its bytes.
  E flipped = call(kBlob, 0x41, op(7, {i(0), i(8), i(0)}), bin(kBlob, "bl"));
  CHECK(eval(op(1, {flipped, blob(std::string("\xfe\x02", 2))}), r));
  CHECK(eval(op(1, {bin(kBlob, "bl"), blob(std::string("\x01\x02", 2))}), r));
  // An HLL built from nil by add([1, 2, 3], 8 index bits), then counted.
  E nil = emit([](mp::Writer& w) { w.nil(); });
  E sketch = call(kHll, 0x42, op(1, {list({1, 2, 3}), i(8), i(0), i(0)}), nil);
  CHECK(eval(op(1, {call(kInt, 2, op(50), sketch), i(3)}), r));
  // describe: [index bits, minhash bits]
  CHECK(eval(op(1, {call(kList, 2, op(55), sketch), list({8, 0})}), r));
  // A bit call on a list, an HLL call on a blob: unknown.
  CHECK_FALSE(eval(op(1, {call(kInt, 1, op(51, {i(0), i(8)}), bin(kList, "l")), i(0)}), r));
  CHECK_FALSE(eval(op(1, {call(kInt, 2, op(50), bin(kBlob, "bl")), i(0)}), r));
}

TEST_CASE("regex and geo comparisons", "[exp]") {
  Record r = sample();
  CHECK(eval(op(7, {i(1), name("^Hello"), bin(kStr, "s")}), r));
  CHECK_FALSE(eval(op(7, {i(1), name("^hello"), bin(kStr, "s")}), r));
  CHECK(eval(op(7, {i(3), name("^hello"), bin(kStr, "s")}), r));  // extended | icase
  std::string square = R"({"type":"Polygon","coordinates":[[[0,0],[30,0],[30,30],[0,30],[0,0]]]})";
  CHECK(eval(op(8, {bin(kGeo, "loc"), geo(square)}), r));
  std::string far = R"({"type":"Polygon","coordinates":[[[50,50],[60,50],[60,60],[50,60],[50,50]]]})";
  CHECK_FALSE(eval(op(8, {bin(kGeo, "loc"), geo(far)}), r));
}

TEST_CASE("bad programs are Parameter errors, never a crash", "[exp]") {
  CHECK(refused(raw("\xc1")).find("unexpected") != std::string::npos);
  CHECK(refused(op(99, {i(1)})).find("unknown operation 99") != std::string::npos);
  CHECK(refused(op(1, {i(1)})).find("takes 2 operands, got 1") != std::string::npos);
  CHECK(refused(op(124, {name("x")})).find("not defined") != std::string::npos);
  CHECK(refused(op(7, {i(1), name("(unclosed"), s("x")})).find("does not compile") != std::string::npos);
  CHECK(refused(op(127, {i(2), i(3), op(3), bin(kList, "l")})).find("unknown call system") != std::string::npos);
  CHECK(refused(op(127, {i(12), i(1), op(3), bin(kList, "l")})).find("bad call result type") != std::string::npos);
  CHECK(refused(op(127, {i(2), i(0), i(3), bin(kList, "l")})).find("operation array") != std::string::npos);
  CHECK(refused(op(64, {i(0)})).find("by zero") != std::string::npos);
  CHECK(refused(op(81, {i(2), i(5)})).find("bin name must be a string") != std::string::npos);
  E deep = b(true);
  for (int k = 0; k < 200; ++k) deep = op(18, {deep});
  CHECK(refused(deep).find("nested deeper") != std::string::npos);
  std::string trailing = op(0).bytes + "x";
  CHECK(refused(raw(trailing)).find("trailing") != std::string::npos);
  // A let variable is gone after its let.
  E scoped = op(16, {op(125, {name("v"), b(true), op(124, {name("v")})}), op(124, {name("v")})});
  CHECK(refused(scoped).find("not defined") != std::string::npos);
}

TEST_CASE("expression ops: [expression, flags] payloads, and values as bin particles", "[exp]") {
  auto payload = [](const E& e, std::optional<uint64_t> flags) {
    std::string out;
    mp::Writer w(&out);
    w.array_header(flags ? 2 : 1);
    out += e.bytes;
    if (flags) w.uinteger(*flags);
    return out;
  };
  auto read = asd::exp::parse_op(payload(op(20, {i(1), i(2)}), 16), false);
  REQUIRE(read.ok());
  CHECK(read->flags == 16);
  CHECK(asd::exp::parse_op(payload(i(1), 1), false).code() == common::ResultCode::Parameter);  // create-only on a read
  CHECK(asd::exp::parse_op(payload(i(1), 32), true).code() == common::ResultCode::Parameter);
  CHECK(asd::exp::parse_op(payload(i(1), std::nullopt), true).ok());
  CHECK(asd::exp::parse_op("\x93\x01\x02\x03", true).code() == common::ResultCode::Parameter);  // 3 elements

  Record r = sample();
  common::Digest d = digest();
  RecordView view{&r, &d, "myset", 0, 0, 0};
  asd::exp::Particle p;
  REQUIRE(read->expression.evaluate(view, &p));
  CHECK(p.type == uint8_t(ParticleType::Integer));
  CHECK(p.value == be64(3));
  auto str = Expression::parse(bin(kStr, "s").bytes);
  REQUIRE(str->evaluate(view, &p));
  CHECK(p.type == uint8_t(ParticleType::String));
  CHECK(p.value == "Hello world");
  auto nil = Expression::parse(raw("\xc0").bytes);
  REQUIRE(nil->evaluate(view, &p));
  CHECK(p.type == 0);
  auto missing = Expression::parse(bin(kInt, "nope").bytes);
  CHECK_FALSE(missing->evaluate(view, &p));
}
