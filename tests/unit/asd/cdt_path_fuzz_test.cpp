// A bounded fuzz of path operations: random list/map bins walked with random contexts
// (every item type, filters with loop variables, and-filters, creation flags, nonsense
// types), random flags and modify expressions, as reads and writes, plus byte-level
// mutations of those payloads. Nothing may crash or hang; every answer is one of
// apply_cdt_op's codes, and every bin written decodes again.
// Deterministic; `--rng-seed N` picks another run (the seed is printed on failure).

#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "base/cdt.h"
#include "common/result_code.h"
#include "proto/msgpack.h"

using asd::base::apply_cdt_op;
using asd::base::BinValue;
using asd::base::CdtOutcome;
using common::ResultCode;

namespace {

namespace mp = proto::msgpack;

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  uint32_t below(uint32_t n) { return uint32_t(rng_() % n); }
  bool coin() { return below(2) == 0; }

  void scalar(mp::Writer& w) {
    switch (below(6)) {
      case 0: w.integer(int64_t(below(7)) - 3); break;
      case 1: w.float64(double(below(5)) / 2); break;
      case 2: w.string(std::string(1, char('a' + below(4)))); break;
      case 3: w.nil(); break;
      case 4: w.boolean(coin()); break;
      default: w.blob(std::string(1, char(below(3))));
    }
  }

  // A list or map, sometimes ordered, nested a few levels.
  void container(mp::Writer& w, int depth) {
    uint32_t n = below(5);
    bool ordered = below(4) == 0;
    if (coin()) {
      w.array_header(n + (ordered ? 1 : 0));
      if (ordered) w.ext(1, {});
      for (uint32_t k = 0; k < n; ++k) element(w, depth);
    } else {
      w.map_header(n + (ordered ? 1 : 0));
      if (ordered) {
        w.ext(1, {});
        w.nil();
      }
      // Distinct keys in order, so that an ordered map is valid.
      for (uint32_t k = 0; k < n; ++k) {
        w.string(std::string(1, char('a' + k)));
        element(w, depth);
      }
    }
  }

  void element(mp::Writer& w, int depth) {
    if (depth < 3 && below(3) == 0) {
      container(w, depth + 1);
    } else {
      scalar(w);
    }
  }

  // A small expression over loop variables: boolean, non-boolean, unknown or a nested
  // path call.
  void expression(mp::Writer& w, int depth) {
    switch (below(7)) {
      case 0: w.boolean(true); break;
      case 1:  // eq(loop_var(type, part), scalar)
        w.array_header(3); w.integer(1);
        w.array_header(3); w.integer(122); w.integer(below(10)); w.integer(below(3));
        scalar(w);
        break;
      case 2:  // gt(loop_var(int, value), n)
        w.array_header(3); w.integer(3);
        w.array_header(3); w.integer(122); w.integer(2); w.integer(1);
        w.integer(below(3));
        break;
      case 3: w.array_header(1); w.integer(0); break;    // unknown
      case 4: w.array_header(1); w.integer(100); break;  // remove-result
      case 5:
        if (depth < 2) {  // a path call over the loop value
          w.array_header(5); w.integer(127); w.integer(4); w.integer(below(2) ? 0 : 0x40);
          w.array_header(3); w.integer(0xfe); context(w, depth + 1); w.integer(below(20));
          w.array_header(3); w.integer(122); w.integer(4); w.integer(1);
          break;
        }
        [[fallthrough]];
      default:  // mul(1.5, loop_var(float, value))
        w.array_header(3); w.integer(22); w.float64(1.5);
        w.array_header(3); w.integer(122); w.integer(7); w.integer(1);
    }
  }

  void context(mp::Writer& w, int depth) {
    uint32_t items = below(12) == 0 ? 60 + below(10) : 1 + below(4);
    w.array_header(items * 2);
    for (uint32_t k = 0; k < items; ++k) item(w, depth);
  }

  void item(mp::Writer& w, int depth) {
    static constexpr uint64_t kTypes[] = {0x10, 0x11, 0x13, 0x20, 0x21, 0x22, 0x23, 0, 1, 2, 3, 0x2a, 0x50, 0x62};
    switch (below(12)) {
      case 0: case 6: case 7: case 8: w.integer(4); w.boolean(true); break;
      case 1: w.integer(4); expression(w, depth); break;
      case 2: w.integer(0x204); expression(w, depth); break;
      case 3:
        w.integer(0x2a);
        if (coin()) {
          w.array_header(2); w.string("a"); w.string(std::string(1, char('a' + below(4))));
        } else {
          scalar(w);
        }
        break;
      case 4: case 9: case 10: {
        uint64_t type = kTypes[below(sizeof kTypes / sizeof kTypes[0])];
        w.uinteger(type);
        if ((type & 0x0f) <= 1 && coin()) {
          w.integer(int64_t(below(9)) - 4);
        } else {
          scalar(w);
        }
        break;
      }
      case 5: w.uinteger(rng_()); scalar(w); break;
      default: w.integer(4); expression(w, depth);
    }
  }

  std::string payload(bool* modify) {
    std::string out;
    mp::Writer w(&out);
    uint32_t flags = below(16) == 0 ? rng_() : below(5) | (coin() ? 0x10 : 0);
    bool apply = (flags & 0x0f) == 4 || below(8) == 0;
    *modify = apply || coin();
    w.array_header(apply ? 4 : 3);
    w.integer(0xfe);
    context(w, 0);
    w.uinteger(flags);
    if (apply) expression(w, 0);
    if (below(6) == 0) mutate(&out);
    return out;
  }

 private:
  void mutate(std::string* s) {
    if (s->empty()) return;
    if (coin()) {
      (*s)[below(uint32_t(s->size()))] = char(rng_());
    } else {
      s->resize(below(uint32_t(s->size())));
    }
  }

  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("path fuzz: random bins, contexts, flags and expressions never crash", "[cdt_path][fuzz]") {
  uint32_t seed = Catch::rngSeed() != 0 ? Catch::rngSeed() : 20260503;
  INFO("seed " << seed);
  Gen gen(seed);
  size_t ok = 0;
  for (int round = 0; round < 10000; ++round) {
    BinValue bin;
    mp::Writer w(&bin.bytes);
    gen.container(w, 0);
    bin.particle = uint8_t(mp::Reader(bin.bytes).peek() == mp::Type::Array ? 20 : 19);
    bool modify = false;
    std::string payload = gen.payload(&modify);
    CdtOutcome out;
    ResultCode rc = apply_cdt_op(&bin, payload, modify, &out);
    // A mutation may turn the op into another CDT op, with that op's codes.
    bool expected = rc == ResultCode::Ok || rc == ResultCode::Parameter || rc == ResultCode::IncompatibleType ||
                    rc == ResultCode::ServerError || rc == ResultCode::RecordTooBig ||
                    rc == ResultCode::OpNotApplicable || rc == ResultCode::ElementNotFound ||
                    rc == ResultCode::ElementExists;
    INFO("code " << int(rc));
    REQUIRE(expected);
    if (rc != ResultCode::Ok) continue;
    ++ok;
    mp::Value v;
    if (out.new_bin) CHECK(mp::decode(out.new_bin->bytes, &v));
    if (out.result && (out.result->particle == 19 || out.result->particle == 20)) {
      CHECK(mp::decode(out.result->bytes, &v));
    }
  }
  CHECK(ok > 1000);  // plenty of the random walks were valid and ran to the end
}
