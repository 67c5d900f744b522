// A bounded fuzz of the expression decoder and evaluator: valid programs with random byte
// flips, truncations and splices, and random byte strings, each parsed and (when it
// parses) evaluated against a record. Nothing may crash, hang or read outside its input
// (the sanitizer builds and valgrind see that); every refusal is Parameter or
// UnsupportedFeature. Deterministic (fixed seed), so a failure reproduces.

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "base/exp/expression.h"
#include "common/bytes.h"
#include "proto/msgpack.h"
#include "proto/particle.h"

using asd::exp::Expression;

namespace {

namespace mp = proto::msgpack;

// Seeds: programs of every family, written directly as msgpack.
std::vector<std::string> seeds() {
  std::vector<std::string> out;
  auto program = [&](auto write) {
    std::string s;
    mp::Writer w(&s);
    write(w);
    out.push_back(s);
  };
  program([](mp::Writer& w) {  // eq(bin_int("n"), 5)
    w.array_header(3); w.integer(1);
    w.array_header(3); w.integer(81); w.integer(2); w.raw_str("n");
    w.integer(5);
  });
  program([](mp::Writer& w) {  // and(regex(3, "^a", bin_str("s")), not(false))
    w.array_header(3); w.integer(16);
    w.array_header(4); w.integer(7); w.integer(3); w.raw_str("^a.*b$");
    w.array_header(3); w.integer(81); w.integer(3); w.raw_str("s");
    w.array_header(2); w.integer(18); w.boolean(false);
  });
  program([](mp::Writer& w) {  // let(x, add(1, 2), cond(gt(var x, 2), "a", "b"))
    w.array_header(4); w.integer(125); w.raw_str("x");
    w.array_header(3); w.integer(20); w.integer(1); w.integer(2);
    w.array_header(4); w.integer(123);
    w.array_header(3); w.integer(3); w.array_header(2); w.integer(124); w.raw_str("x"); w.integer(2);
    w.string("a"); w.string("b");
  });
  program([](mp::Writer& w) {  // call(list size) on bin_list("l"), and a quoted list
    w.array_header(3); w.integer(1);
    w.array_header(5); w.integer(127); w.integer(2); w.integer(0);
    w.array_header(1); w.integer(16);
    w.array_header(3); w.integer(81); w.integer(4); w.raw_str("l");
    w.array_header(2); w.integer(126); w.array_header(2); w.integer(1); w.float64(2.5);
  });
  program([](mp::Writer& w) {  // meta and bit ops
    w.array_header(3); w.integer(32);
    w.array_header(2); w.integer(64); w.integer(7);
    w.array_header(3); w.integer(36); w.array_header(1); w.integer(69); w.integer(70);
  });
  return out;
}

asd::Record record() {
  asd::Record r;
  std::string n(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(n.data()), 5);
  r.bins.push_back(asd::Bin{"n", uint8_t(proto::ParticleType::Integer), n});
  r.bins.push_back(asd::Bin{"s", uint8_t(proto::ParticleType::String), "aXb"});
  r.bins.push_back(asd::Bin{"l", uint8_t(proto::ParticleType::List), "\x93\x01\x02\x03"});
  return r;
}

void run(const std::string& bytes, size_t* parsed) {
  auto e = Expression::parse(bytes);
  if (!e.ok()) {
    bool expected = e.error().code == common::ResultCode::Parameter ||
                    e.error().code == common::ResultCode::UnsupportedFeature;
    if (!expected) FAIL("unexpected code " << int(e.error().code) << ": " << e.error().message);
    return;
  }
  ++*parsed;
  asd::Record r = record();
  common::Digest d;
  asd::exp::RecordView view{&r, &d, "set", 10, 20, 1000};
  (void)e->matches(view);
  asd::exp::Particle p;
  (void)e->evaluate(view, &p);
}

}  // namespace

TEST_CASE("expression fuzz: mutated and random programs never crash", "[exp][fuzz]") {
  std::mt19937 rng(20261204);
  std::vector<std::string> base = seeds();
  for (const std::string& s : base) {
    size_t parsed = 0;
    run(s, &parsed);
    REQUIRE(parsed == 1);  // the seeds themselves are valid
  }
  size_t parsed = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string s = base[rng() % base.size()];
    switch (rng() % 4) {
      case 0:  // flip bytes
        for (int k = 0, n = 1 + int(rng() % 3); k < n; ++k) s[rng() % s.size()] = char(rng());
        break;
      case 1:  // truncate
        s.resize(rng() % s.size());
        break;
      case 2: {  // splice two programs
        const std::string& other = base[rng() % base.size()];
        s = s.substr(0, rng() % s.size()) + other.substr(rng() % other.size());
        break;
      }
      default: {  // random bytes, biased to msgpack headers
        s.clear();
        for (size_t k = 0, n = 1 + rng() % 40; k < n; ++k) {
          static constexpr char kBias[] = {'\x91', '\x92', '\x93', '\x94', '\xdc', '\x01', '\x51', '\x7f', '\x7e', '\xa1'};
          s.push_back(rng() % 2 ? kBias[rng() % sizeof kBias] : char(rng()));
        }
      }
    }
    run(s, &parsed);
  }
  CHECK(parsed > 0);  // some mutations stay valid programs and were evaluated
}

TEST_CASE("expression fuzz: deep and wide programs are bounded", "[exp][fuzz]") {
  // 10,000 nested nots: refused by depth, not by the stack.
  std::string deep;
  for (int k = 0; k < 10000; ++k) deep += "\x92\x12";
  deep += "\xc3";
  auto d = Expression::parse(deep);
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().message.find("nested deeper") != std::string::npos);
  // and() of 65,535 trues: more nodes than kMaxNodes.
  std::string wide;
  mp::Writer w(&wide);
  w.array_header(65535);
  w.integer(16);
  for (int k = 0; k < 65534; ++k) w.boolean(true);
  auto x = Expression::parse(wide);
  REQUIRE_FALSE(x.ok());
  CHECK(x.error().message.find("nodes") != std::string::npos);
  // A huge array header with nothing behind it.
  auto h = Expression::parse(std::string("\xdd\xff\xff\xff\xff\x10", 6));
  CHECK_FALSE(h.ok());
}
