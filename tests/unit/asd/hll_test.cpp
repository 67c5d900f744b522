// asd::base::apply_hll_op: the real server's HLL bytes (a golden sketch the server wrote,
// taken from the official Node.js client's suite), its element hash, every op with its
// flags and error codes, estimate accuracy, and robustness against hostile payloads and
// bins.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "base/hll.h"
#include "base/hll_estimate.h"
#include "base/hll_sketch.h"
#include "base/murmur3.h"
#include "common/bytes.h"
#include "proto/msgpack.h"

using asd::base::apply_hll_op;
using asd::base::BinValue;
using asd::base::CdtOutcome;
using common::ResultCode;
using proto::msgpack::Value;
namespace hll = asd::base::hll;

namespace {

enum : int64_t {
  kInit = 0, kAdd = 1, kSetUnion = 2, kRefreshCount = 3, kFold = 4,
  kCount = 50, kGetUnion = 51, kUnionCount = 52, kIntersectCount = 53, kSimilarity = 54,
  kDescribe = 55, kMayContain = 56,
};
enum : int64_t { kCreateOnly = 1, kUpdateOnly = 2, kNoFail = 4, kAllowFold = 8 };

constexpr uint8_t kHllParticle = 18;

Value I(int64_t v) { return Value::integer(v); }
Value S(std::string_view s) { return Value::string(s); }
Value L(std::vector<Value> items) { return Value::make_list(std::move(items)); }

// The bytes the real server stored after adding 'jaguar', 'tiger', 'tiger', 'leopard',
// 'lion', 'jaguar' with 8 index bits (hllCats in the Node.js client's hll.ts).
std::string cats_sketch() {
  std::string b(11 + 192, '\0');
  b[1] = 8;
  b[36] = 16;
  b[43] = 4;
  b[163] = 65;
  return b;
}

std::vector<Value> names(std::initializer_list<const char*> list) {
  std::vector<Value> out;
  for (const char* s : list) out.push_back(S(s));
  return out;
}

std::vector<Value> keys(int from, int to) {
  std::vector<Value> out;
  for (int k = from; k < to; ++k) out.push_back(S("key" + std::to_string(k)));
  return out;
}

std::string payload(int64_t code, std::vector<Value> args = {}) {
  args.insert(args.begin(), I(code));
  return proto::msgpack::encode(L(std::move(args)));
}

std::string add(std::vector<Value> elements, int64_t index_bits = -1, int64_t minhash_bits = -1,
                int64_t flags = 0) {
  return payload(kAdd, {L(std::move(elements)), I(index_bits), I(minhash_bits), I(flags)});
}

Value sketch_arg(const std::string& bytes) { return Value::blob(bytes, kHllParticle); }

std::string with_sketches(int64_t code, const std::vector<std::string>& sketches,
                          std::vector<Value> more = {}) {
  std::vector<Value> list;
  for (const std::string& s : sketches) list.push_back(sketch_arg(s));
  more.insert(more.begin(), L(std::move(list)));
  return payload(code, std::move(more));
}

uint64_t as_int(const BinValue& v) {
  REQUIRE(v.particle == 1);
  REQUIRE(v.bytes.size() == 8);
  return common::load_be64(common::as_bytes(v.bytes));
}

double as_double(const BinValue& v) {
  REQUIRE(v.particle == 2);
  uint64_t bits = common::load_be64(common::as_bytes(v.bytes));
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// Holds a bin and applies ops to it the way the write path would.
struct Bin {
  std::optional<BinValue> bin;
  CdtOutcome last;

  ResultCode op(const std::string& p, bool modify) {
    ResultCode rc = apply_hll_op(bin ? &*bin : nullptr, p, modify, &last);
    if (rc == ResultCode::Ok && last.bin_changed) bin = last.new_bin;
    return rc;
  }
  ResultCode modify(const std::string& p) { return op(p, true); }
  ResultCode read(const std::string& p) { return op(p, false); }
  uint64_t int_result() const { return as_int(*last.result); }
  const std::string& bytes() const { return bin->bytes; }
};

// A bin built by adding elements in batches.
Bin filled(int from, int to, int index_bits, int minhash_bits = 0) {
  Bin b;
  REQUIRE(b.modify(payload(kInit, {I(index_bits), I(minhash_bits)})) == ResultCode::Ok);
  for (int k = from; k < to; k += 1000) {
    REQUIRE(b.modify(add(keys(k, std::min(k + 1000, to)))) == ResultCode::Ok);
  }
  return b;
}

}  // namespace

TEST_CASE("murmur3 x64 128 matches the published vectors", "[hll]") {
  // SMHasher's verification: hash {}, {0}, {0,1}, ... with seed 256 - n, then the
  // concatenated results with seed 0; the first four bytes, little-endian.
  std::string key;
  std::string hashes;
  for (int n = 0; n < 256; ++n) {
    asd::base::Hash128 h = asd::base::murmur3_x64_128(key, uint32_t(256 - n));
    uint8_t out[16];
    common::store_le64(out, h.h1);
    common::store_le64(out + 8, h.h2);
    hashes.append(reinterpret_cast<char*>(out), 16);
    key.push_back(char(n));
  }
  asd::base::Hash128 final_hash = asd::base::murmur3_x64_128(hashes);
  CHECK(uint32_t(final_hash.h1) == 0x6384BA69u);

  asd::base::Hash128 empty = asd::base::murmur3_x64_128("");
  CHECK(empty.h1 == 0);
  CHECK(empty.h2 == 0);
  // Guava's murmur3_128 test vector (bytes 6c1b07bc7bbc4be3 47939ac4a93c437a).
  asd::base::Hash128 fox = asd::base::murmur3_x64_128("The quick brown fox jumps over the lazy dog");
  CHECK(fox.h1 == 0xe34bbc7bbc071b6cULL);
  CHECK(fox.h2 == 0x7a433ca9c49a9347ULL);
}

TEST_CASE("golden bytes: init, and add reproduces the server's sketch", "[hll]") {
  Bin b;
  REQUIRE(b.modify(payload(kInit, {I(8)})) == ResultCode::Ok);
  CHECK_FALSE(b.last.result.has_value());
  CHECK(b.bin->particle == kHllParticle);
  CHECK(b.bytes() == std::string(203, '\0').replace(1, 1, 1, '\x08'));

  Bin mh;
  REQUIRE(mh.modify(payload(kInit, {I(4), I(4)})) == ResultCode::Ok);
  CHECK(mh.bytes() == std::string("\x00\x04\x04", 3) + std::string(8 + 20, '\0'));

  Bin cats;
  REQUIRE(cats.modify(add(names({"jaguar", "tiger", "tiger", "leopard", "lion", "jaguar"}), 8)) ==
          ResultCode::Ok);
  CHECK(cats.int_result() == 4);
  CHECK(cats.bytes() == cats_sketch());
  REQUIRE(cats.read(payload(kCount)) == ResultCode::Ok);
  CHECK(cats.int_result() == 4);
}

TEST_CASE("the Node.js client's expected results", "[hll]") {
  Bin b;
  REQUIRE(b.modify(add(names({"tiger", "lynx", "cheetah", "tiger"}), 8)) == ResultCode::Ok);
  REQUIRE(b.modify(with_sketches(kSetUnion, {cats_sketch()})) == ResultCode::Ok);
  CHECK_FALSE(b.last.result.has_value());
  REQUIRE(b.read(payload(kCount)) == ResultCode::Ok);
  CHECK(b.int_result() == 6);

  Bin c;
  REQUIRE(c.modify(add(names({"tiger", "lynx", "cheetah", "tiger"}), 8)) == ResultCode::Ok);
  REQUIRE(c.modify(add(names({"lion", "tiger", "puma", "puma"}))) == ResultCode::Ok);
  REQUIRE(c.modify(payload(kFold, {I(6)})) == ResultCode::Ok);
  CHECK_FALSE(c.last.result.has_value());
  REQUIRE(c.modify(payload(kRefreshCount)) == ResultCode::Ok);
  CHECK(c.int_result() == 5);

  Bin d;
  REQUIRE(d.modify(add(names({"leopard", "tiger", "tiger", "jaguar"}), 8)) == ResultCode::Ok);
  REQUIRE(d.read(payload(kCount)) == ResultCode::Ok);
  CHECK(d.int_result() == 3);

  Bin e;
  REQUIRE(e.modify(add(names({"leopard", "lynx", "tiger", "tiger", "cheetah", "lynx"}), 8)) ==
          ResultCode::Ok);
  REQUIRE(e.read(with_sketches(kUnionCount, {cats_sketch()})) == ResultCode::Ok);
  CHECK(e.int_result() == 6);
  REQUIRE(e.read(with_sketches(kIntersectCount, {cats_sketch()})) == ResultCode::Ok);
  CHECK(e.int_result() == 2);
  REQUIRE(e.read(with_sketches(kSimilarity, {cats_sketch()})) == ResultCode::Ok);
  CHECK(as_double(*e.last.result) == Approx(2.0 / 6.0));
  REQUIRE(e.read(with_sketches(kGetUnion, {cats_sketch()})) == ResultCode::Ok);
  CHECK(e.last.result->particle == kHllParticle);
  CHECK(hll::well_sized(e.last.result->bytes));
}

TEST_CASE("init and add: bit counts, create and re-init", "[hll]") {
  Bin b;
  CHECK(b.modify(payload(kInit)) == ResultCode::OpNotApplicable);  // nothing to size it by
  CHECK(b.modify(payload(kInit, {I(-1), I(4)})) == ResultCode::OpNotApplicable);
  CHECK(b.modify(add(names({"a"}))) == ResultCode::OpNotApplicable);
  CHECK_FALSE(b.bin.has_value());

  REQUIRE(b.modify(payload(kInit, {I(10), I(6)})) == ResultCode::Ok);
  REQUIRE(b.read(payload(kDescribe)) == ResultCode::Ok);
  CHECK(b.last.result->particle == 20);
  CHECK(b.last.result->bytes == std::string("\x92\x0a\x06"));

  // add keeps the bin's bit counts whatever it asks for.
  REQUIRE(b.modify(add(names({"a", "b"}), 12, 4)) == ResultCode::Ok);
  CHECK(b.int_result() == 2);
  REQUIRE(b.read(payload(kDescribe)) == ResultCode::Ok);
  CHECK(b.last.result->bytes == std::string("\x92\x0a\x06"));
  REQUIRE(b.modify(add(names({"a", "b"}))) == ResultCode::Ok);
  CHECK(b.int_result() == 0);

  // Re-init takes what it is given and the bin's counts for the rest.
  REQUIRE(b.modify(payload(kInit, {I(12)})) == ResultCode::Ok);
  REQUIRE(b.read(payload(kDescribe)) == ResultCode::Ok);
  CHECK(b.last.result->bytes == std::string("\x92\x0c\x06"));
  REQUIRE(b.read(payload(kCount)) == ResultCode::Ok);
  CHECK(b.int_result() == 0);
  REQUIRE(b.modify(payload(kInit, {I(-1), I(0)})) == ResultCode::Ok);
  REQUIRE(b.read(payload(kDescribe)) == ResultCode::Ok);
  CHECK(b.last.result->bytes == std::string("\x92\x0c\x00", 3));

  Bin wide;
  REQUIRE(wide.modify(payload(kInit, {I(13), I(51)})) == ResultCode::Ok);  // 64 bits in all
  CHECK(wide.bytes().size() == 11 + 57 * 8192 / 8);
  CHECK(wide.modify(payload(kInit, {I(14)})) == ResultCode::OpNotApplicable);  // 14 + 51
}

TEST_CASE("bit count limits", "[hll]") {
  for (int64_t bad : {3, 17, -2, 255, 256}) {
    Bin b;
    CHECK(b.modify(payload(kInit, {I(bad)})) == ResultCode::Parameter);
    CHECK(b.modify(add(names({"a"}), bad)) == ResultCode::Parameter);
  }
  for (int64_t bad : {1, 3, 52, 64, -3}) {
    Bin b;
    CHECK(b.modify(payload(kInit, {I(8), I(bad)})) == ResultCode::Parameter);
  }
  Bin b;
  CHECK(b.modify(payload(kInit, {I(16), I(49)})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {S("8")})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {I(8), Value::real(4)})) == ResultCode::Parameter);
  for (int64_t ok : {4, 16}) {
    Bin fine;
    CHECK(fine.modify(payload(kInit, {I(ok), I(0)})) == ResultCode::Ok);
  }
  Bin fine;
  CHECK(fine.modify(payload(kInit, {I(16), I(48)})) == ResultCode::Ok);
}

TEST_CASE("create-only, update-only and no-fail", "[hll]") {
  Bin b;
  CHECK(b.modify(payload(kInit, {I(8), I(0), I(kUpdateOnly)})) == ResultCode::BinNotFound);
  REQUIRE(b.modify(payload(kInit, {I(8), I(0), I(kUpdateOnly | kNoFail)})) == ResultCode::Ok);
  CHECK_FALSE(b.last.bin_changed);
  CHECK_FALSE(b.bin.has_value());
  CHECK(b.modify(with_sketches(kSetUnion, {cats_sketch()}, {I(kUpdateOnly)})) ==
        ResultCode::BinNotFound);

  REQUIRE(b.modify(payload(kInit, {I(8), I(0), I(kCreateOnly)})) == ResultCode::Ok);
  REQUIRE(b.modify(add(names({"tiger", "cheetah"}))) == ResultCode::Ok);
  CHECK(b.modify(payload(kInit, {I(12), I(0), I(kCreateOnly)})) == ResultCode::BinExists);
  CHECK(b.modify(add(names({"x"}), 8, 0, kCreateOnly)) == ResultCode::BinExists);
  CHECK(b.modify(with_sketches(kSetUnion, {cats_sketch()}, {I(kCreateOnly)})) ==
        ResultCode::BinExists);
  std::string before = b.bytes();
  REQUIRE(b.modify(payload(kInit, {I(12), I(0), I(kCreateOnly | kNoFail)})) == ResultCode::Ok);
  REQUIRE(b.modify(add(names({"x"}), 8, 0, kCreateOnly | kNoFail)) == ResultCode::Ok);
  CHECK_FALSE(b.last.result.has_value());
  CHECK_FALSE(b.last.bin_changed);
  CHECK(b.bytes() == before);
  REQUIRE(b.read(payload(kCount)) == ResultCode::Ok);
  CHECK(b.int_result() == 2);

  // Each op accepts only its own flags, and never both create-only and update-only.
  CHECK(b.modify(add(names({"x"}), 8, 0, kUpdateOnly)) == ResultCode::Parameter);
  CHECK(b.modify(add(names({"x"}), 8, 0, kAllowFold)) == ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {I(8), I(0), I(kAllowFold)})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {I(8), I(0), I(kCreateOnly | kUpdateOnly)})) ==
        ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {I(8), I(0), I(16)})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {I(8), I(0), I(-1)})) == ResultCode::Parameter);
}

TEST_CASE("set_union: bit count rules and allow-fold", "[hll]") {
  Bin b;
  REQUIRE(b.modify(with_sketches(kSetUnion, {cats_sketch()})) == ResultCode::Ok);
  CHECK(b.bytes() == cats_sketch());

  Bin big;
  REQUIRE(big.modify(add(names({"tiger", "lynx", "cheetah"}), 12)) == ResultCode::Ok);
  CHECK(big.modify(with_sketches(kSetUnion, {cats_sketch()})) == ResultCode::OpNotApplicable);
  REQUIRE(big.modify(with_sketches(kSetUnion, {cats_sketch()}, {I(kAllowFold)})) == ResultCode::Ok);
  REQUIRE(big.read(payload(kDescribe)) == ResultCode::Ok);
  CHECK(big.last.result->bytes == std::string("\x92\x08\x00", 3));
  REQUIRE(big.read(payload(kCount)) == ResultCode::Ok);
  CHECK(big.int_result() == 6);

  // A minhash bin takes only sketches with the same minhash bits, unless it may fold.
  Bin mh;
  REQUIRE(mh.modify(add(names({"a"}), 8, 4)) == ResultCode::Ok);
  Bin other_mh;
  REQUIRE(other_mh.modify(add(names({"b"}), 8, 5)) == ResultCode::Ok);
  CHECK(mh.modify(with_sketches(kSetUnion, {other_mh.bytes()})) == ResultCode::OpNotApplicable);
  CHECK(mh.modify(with_sketches(kSetUnion, {cats_sketch()})) == ResultCode::OpNotApplicable);
  REQUIRE(mh.modify(with_sketches(kSetUnion, {other_mh.bytes()}, {I(kAllowFold)})) ==
          ResultCode::Ok);
  REQUIRE(mh.read(payload(kDescribe)) == ResultCode::Ok);
  CHECK(mh.last.result->bytes == std::string("\x92\x08\x00", 3));

  // A plain bin absorbs minhash sketches (their HLL values only).
  Bin plain;
  REQUIRE(plain.modify(payload(kInit, {I(8)})) == ResultCode::Ok);
  REQUIRE(plain.modify(with_sketches(kSetUnion, {other_mh.bytes()})) == ResultCode::Ok);
  REQUIRE(plain.read(payload(kCount)) == ResultCode::Ok);
  CHECK(plain.int_result() == 1);

  // A lone blob, not in a list, is one sketch.
  Bin lone;
  REQUIRE(lone.modify(payload(kSetUnion, {sketch_arg(cats_sketch())})) == ResultCode::Ok);
  CHECK(lone.bytes() == cats_sketch());
}

TEST_CASE("refresh_count caches the count; add keeps or drops it", "[hll]") {
  Bin b;
  CHECK(b.modify(payload(kRefreshCount)) == ResultCode::BinNotFound);
  REQUIRE(b.modify(add(names({"jaguar", "tiger", "leopard", "lion"}), 8)) == ResultCode::Ok);
  REQUIRE(b.modify(payload(kRefreshCount)) == ResultCode::Ok);
  CHECK(b.int_result() == 4);
  CHECK(b.bytes().substr(3, 8) == std::string("\x04\0\0\0\0\0\0\0", 8));
  REQUIRE(b.modify(add(names({"tiger"}))) == ResultCode::Ok);  // no register rose
  CHECK(b.bytes().substr(3, 8) == std::string("\x04\0\0\0\0\0\0\0", 8));
  REQUIRE(b.modify(add(names({"puma"}))) == ResultCode::Ok);
  CHECK(b.int_result() == 1);
  CHECK(b.bytes() == [] {
    Bin fresh;
    fresh.modify(add(names({"jaguar", "tiger", "leopard", "lion", "puma"}), 8));
    return fresh.bytes();
  }());

  // count trusts a cached value, as the server does.
  BinValue cached{kHllParticle, cats_sketch()};
  common::store_le64(reinterpret_cast<uint8_t*>(cached.bytes.data()) + 3, 12345);
  CdtOutcome out;
  REQUIRE(apply_hll_op(&cached, payload(kCount), false, &out) == ResultCode::Ok);
  CHECK(as_int(*out.result) == 12345);
  REQUIRE(apply_hll_op(&cached, payload(kRefreshCount), true, &out) == ResultCode::Ok);
  CHECK(as_int(*out.result) == 12345);
}

TEST_CASE("fold", "[hll]") {
  Bin b;
  CHECK(b.modify(payload(kFold, {I(4)})) == ResultCode::BinNotFound);
  b.bin = BinValue{kHllParticle, cats_sketch()};
  CHECK(b.modify(payload(kFold, {I(9)})) == ResultCode::OpNotApplicable);
  CHECK(b.modify(payload(kFold, {I(-1)})) == ResultCode::OpNotApplicable);
  CHECK(b.modify(payload(kFold, {I(3)})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kFold, {I(4), I(0)})) == ResultCode::Parameter);
  REQUIRE(b.modify(payload(kFold, {I(8)})) == ResultCode::Ok);
  CHECK(b.bytes() == cats_sketch());
  REQUIRE(b.modify(payload(kFold, {I(4)})) == ResultCode::Ok);
  std::string cats = cats_sketch();
  hll::SketchView from(cats);
  hll::SketchView folded(b.bytes());
  REQUIRE(folded.index_bits() == 4);
  for (uint32_t r = 0; r < 16; ++r) {
    uint8_t want = 0;
    for (uint32_t k = r; k < 256; k += 16) want = std::max(want, from.hll_value(k));
    CHECK(folded.hll_value(r) == want);
  }

  Bin mh;
  REQUIRE(mh.modify(payload(kInit, {I(16), I(8)})) == ResultCode::Ok);
  CHECK(mh.modify(payload(kFold, {I(8)})) == ResultCode::OpNotApplicable);
}

TEST_CASE("read ops on sketches with and without minhash bits", "[hll]") {
  Bin b;
  REQUIRE(b.modify(add(names({"a", "b", "c"}), 8, 4)) == ResultCode::Ok);
  REQUIRE(b.read(payload(kMayContain, {L(names({"a", "c"}))})) == ResultCode::Ok);
  CHECK(b.int_result() == 1);
  REQUIRE(b.read(payload(kMayContain, {L(names({"a", "zzz"}))})) == ResultCode::Ok);
  CHECK(b.int_result() == 0);

  Bin empty;
  REQUIRE(empty.modify(payload(kInit, {I(8), I(4)})) == ResultCode::Ok);
  REQUIRE(b.read(with_sketches(kSimilarity, {empty.bytes()})) == ResultCode::Ok);
  CHECK(as_double(*b.last.result) == 0.0);
  REQUIRE(empty.read(with_sketches(kSimilarity, {empty.bytes()})) == ResultCode::Ok);
  CHECK(std::isnan(as_double(*empty.last.result)));
  REQUIRE(empty.read(with_sketches(kIntersectCount, {empty.bytes()})) == ResultCode::Ok);
  CHECK(empty.int_result() == 0);
  REQUIRE(b.read(with_sketches(kSimilarity, {b.bytes()})) == ResultCode::Ok);
  CHECK(as_double(*b.last.result) == Approx(1.0).margin(0.01));

  // get_union answers with the same sketch set_union would store.
  Bin other;
  REQUIRE(other.modify(add(names({"c", "d"}), 10, 4)) == ResultCode::Ok);
  REQUIRE(b.read(with_sketches(kGetUnion, {other.bytes()})) == ResultCode::Ok);
  BinValue read_union = *b.last.result;
  REQUIRE(b.modify(with_sketches(kSetUnion, {other.bytes()})) == ResultCode::Ok);
  CHECK(read_union.particle == b.bin->particle);
  CHECK(read_union.bytes == b.bytes());
  REQUIRE(b.read(payload(kCount)) == ResultCode::Ok);
  CHECK(b.int_result() == 4);
}

TEST_CASE("intersections of more than two sketches need equal minhash bits", "[hll]") {
  Bin a = filled(0, 3000, 10, 8);
  Bin b = filled(1000, 4000, 10, 8);
  Bin c = filled(2000, 5000, 10, 8);
  Bin plain = filled(2000, 5000, 10, 0);
  Bin other_mh = filled(2000, 5000, 10, 6);

  REQUIRE(a.read(with_sketches(kIntersectCount, {b.bytes(), c.bytes()})) == ResultCode::Ok);
  CHECK(a.int_result() == Approx(1000).epsilon(0.3));
  REQUIRE(a.read(with_sketches(kIntersectCount, {b.bytes(), plain.bytes()})) == ResultCode::Ok);
  CHECK(a.int_result() == Approx(1000).epsilon(0.6));  // inclusion-exclusion: rough
  CHECK(a.read(with_sketches(kIntersectCount, {a.bytes(), b.bytes(), plain.bytes()})) ==
        ResultCode::Parameter);
  CHECK(a.read(with_sketches(kSimilarity, {a.bytes(), b.bytes(), other_mh.bytes()})) ==
        ResultCode::Parameter);
  CHECK(plain.read(with_sketches(kIntersectCount, {plain.bytes(), plain.bytes(), plain.bytes()})) ==
        ResultCode::Parameter);
  REQUIRE(a.read(with_sketches(kSimilarity, {a.bytes(), b.bytes(), c.bytes()})) == ResultCode::Ok);
  CHECK(as_double(*a.last.result) == Approx(1000.0 / 5000).margin(0.05));
  CHECK(plain.read(with_sketches(kSimilarity, {a.bytes(), b.bytes(), c.bytes()})) ==
        ResultCode::OpNotApplicable);
  CHECK(other_mh.read(with_sketches(kIntersectCount, {a.bytes(), b.bytes(), c.bytes()})) ==
        ResultCode::OpNotApplicable);
}

TEST_CASE("count accuracy within the HLL error bound", "[hll]") {
  struct Case {
    int n;
    int index_bits;
    int minhash_bits;
  };
  for (Case c : {Case{10000, 12, 0}, Case{100000, 14, 0}, Case{30000, 16, 0}, Case{50000, 12, 16},
                 Case{100, 8, 0}, Case{2000, 4, 0}}) {
    Bin b = filled(0, c.n, c.index_bits, c.minhash_bits);
    REQUIRE(b.read(payload(kCount)) == ResultCode::Ok);
    // Standard error 1.04/sqrt(2^p); the hash is fixed, so five of them never flakes.
    double bound = std::min(0.9, 5 * 1.04 / std::sqrt(double(1 << c.index_bits)));
    INFO("n=" << c.n << " p=" << c.index_bits << " r=" << c.minhash_bits);
    CHECK(double(b.int_result()) == Approx(c.n).epsilon(bound));
  }
}

TEST_CASE("union, intersection and similarity of overlapping sets", "[hll]") {
  // A = [0, 60000), B = [40000, 100000): union 100000, intersection 20000, Jaccard 0.2.
  for (int minhash_bits : {0, 20}) {
    INFO("minhash bits " << minhash_bits);
    Bin a = filled(0, 60000, 14, minhash_bits);
    Bin b = filled(40000, 100000, 14, minhash_bits);
    REQUIRE(a.read(with_sketches(kUnionCount, {b.bytes()})) == ResultCode::Ok);
    CHECK(double(a.int_result()) == Approx(100000).epsilon(0.04));
    REQUIRE(a.read(with_sketches(kIntersectCount, {b.bytes()})) == ResultCode::Ok);
    CHECK(double(a.int_result()) == Approx(20000).epsilon(minhash_bits != 0 ? 0.1 : 0.25));
    REQUIRE(a.read(with_sketches(kSimilarity, {b.bytes()})) == ResultCode::Ok);
    CHECK(as_double(*a.last.result) == Approx(0.2).margin(minhash_bits != 0 ? 0.02 : 0.05));

    Bin disjoint = filled(200000, 230000, 14, minhash_bits);
    REQUIRE(a.read(with_sketches(kSimilarity, {disjoint.bytes()})) == ResultCode::Ok);
    CHECK(as_double(*a.last.result) == Approx(0.0).margin(0.03));
  }
}

TEST_CASE("elements hash in their compact msgpack form", "[hll]") {
  auto sketch_of = [](const std::string& raw_element) {
    std::string p = "\x94\x01\x91" + raw_element + std::string("\x10\xff\x00", 3);
    Bin b;
    REQUIRE(b.modify(p) == ResultCode::Ok);
    return b.bytes();
  };
  using namespace std::string_literals;
  CHECK(sketch_of("\x05"s) == sketch_of("\xcc\x05"s));
  CHECK(sketch_of("\x05"s) == sketch_of("\xd0\x05"s));
  CHECK(sketch_of("\x05"s) == sketch_of("\xcf\0\0\0\0\0\0\0\x05"s));
  CHECK(sketch_of("\xcc\xc8"s) == sketch_of("\xcd\x00\xc8"s));
  CHECK(sketch_of("\xe0"s) == sketch_of("\xd3\xff\xff\xff\xff\xff\xff\xff\xe0"s));
  CHECK(sketch_of("\xa2\x03x"s) == sketch_of("\xd9\x02\x03x"s));
  CHECK(sketch_of("\xa2\x03x"s) == sketch_of("\xc4\x02\x03x"s));
  CHECK(sketch_of("\xd4\x07\x01"s) == sketch_of("\xc7\x01\x07\x01"s));
  CHECK(sketch_of("\xc7\x03\x07xyz"s) == sketch_of("\xc8\x00\x03\x07xyz"s));
  // The server's quirk: a bin8 too long for fixstr stays bin8, so it hashes apart from
  // the same bytes as str8.
  std::string forty(40, 'q');
  CHECK(sketch_of("\xd9\x28"s + forty) == sketch_of("\xda\x00\x28"s + forty));
  CHECK(sketch_of("\xd9\x28"s + forty) != sketch_of("\xc4\x28"s + forty));
  CHECK(sketch_of("\xc3"s) != sketch_of("\xc2"s));

  Bin b;
  CHECK(b.modify("\x94\x01\x91\x91\x01\x10\xff\x00"s) == ResultCode::Parameter);  // list
  CHECK(b.modify("\x94\x01\x91\x81\x01\x02\x10\xff\x00"s) == ResultCode::Parameter);  // map
  CHECK(b.modify(add({}, 8)) == ResultCode::Parameter);
  CHECK(b.modify(payload(kAdd, {S("a"), I(8)})) == ResultCode::Parameter);
  CHECK(b.modify("\x94\x01\x92\x01"s) == ResultCode::Parameter);  // truncated
}

TEST_CASE("sketch arguments are validated", "[hll]") {
  Bin b;
  b.bin = BinValue{kHllParticle, cats_sketch()};
  std::string flagged = cats_sketch();
  flagged[0] = 1;
  std::string bad_index = cats_sketch();
  bad_index[1] = 17;
  std::string bad_minhash = cats_sketch();
  bad_minhash[2] = 2;
  std::string short_by_one = cats_sketch().substr(1);
  for (const std::string& bad : {flagged, bad_index, bad_minhash, short_by_one,
                                 cats_sketch() + "x", std::string(10, '\0')}) {
    CHECK(b.modify(with_sketches(kSetUnion, {bad})) == ResultCode::Parameter);
    CHECK(b.read(with_sketches(kUnionCount, {cats_sketch(), bad})) == ResultCode::Parameter);
  }
  CHECK(b.read(payload(kUnionCount, {L({})})) == ResultCode::Parameter);
  CHECK(b.read(payload(kUnionCount, {I(5)})) == ResultCode::Parameter);
  CHECK(b.read(payload(kUnionCount, {L({I(5)})})) == ResultCode::Parameter);
  // The leading bytes type is ignored, so a string works as well as a blob.
  REQUIRE(b.read(payload(kUnionCount, {L({Value::blob(cats_sketch(), 3)})})) == ResultCode::Ok);
  CHECK(b.int_result() == 4);
}

TEST_CASE("op codes, argument counts and bin checks", "[hll]") {
  using namespace std::string_literals;
  Bin b;
  b.bin = BinValue{kHllParticle, cats_sketch()};
  for (int64_t code : {5, 49, 57, 100, -1}) {
    CHECK(b.modify(payload(code)) == ResultCode::Parameter);
    CHECK(b.read(payload(code)) == ResultCode::Parameter);
  }
  CHECK(b.modify(payload(kCount)) == ResultCode::Parameter);    // a read op sent as modify
  CHECK(b.read(payload(kRefreshCount)) == ResultCode::Parameter);  // and the reverse
  CHECK(b.modify(""s) == ResultCode::Parameter);
  CHECK(b.modify("\x90"s) == ResultCode::Parameter);
  CHECK(b.modify("\x91\xa1x"s) == ResultCode::Parameter);
  CHECK(b.modify(payload(kInit, {I(8), I(0), I(0), I(0)})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kRefreshCount, {I(1)})) == ResultCode::Parameter);
  CHECK(b.modify(payload(kFold)) == ResultCode::Parameter);
  CHECK(b.modify(payload(kSetUnion)) == ResultCode::Parameter);
  CHECK(b.read(payload(kCount, {I(1)})) == ResultCode::Parameter);
  CHECK(b.read(payload(kGetUnion)) == ResultCode::Parameter);
  CHECK(b.read(payload(kDescribe, {I(1)})) == ResultCode::Parameter);
  CHECK(b.bytes() == cats_sketch());

  // A read of a missing bin answers nothing, without looking at the payload.
  Bin missing;
  REQUIRE(missing.read("garbage"s) == ResultCode::Ok);
  CHECK_FALSE(missing.last.result.has_value());

  // The op code is checked before the bin, the bin before the arguments.
  Bin text;
  text.bin = BinValue{3, "not a HLL"};
  CHECK(text.modify(payload(99)) == ResultCode::Parameter);
  CHECK(text.modify(payload(kInit, {I(99)})) == ResultCode::IncompatibleType);
  CHECK(text.modify(add(names({"a"}), 8)) == ResultCode::IncompatibleType);
  CHECK(text.read(payload(kCount)) == ResultCode::IncompatibleType);
  Bin blob;
  blob.bin = BinValue{4, cats_sketch()};
  CHECK(blob.read(payload(kCount)) == ResultCode::IncompatibleType);

  // A malformed HLL bin is refused, never read.
  std::string oversized = std::string("\x00\x10\x31", 3) + std::string(8 + 55 * 65536 / 8, '\0');
  for (const std::string& bad : {cats_sketch().substr(0, 100), cats_sketch() + "\0"s,
                                 std::string("\x01", 1) + cats_sketch().substr(1),
                                 std::string(3, '\0'), std::string(), oversized}) {
    Bin corrupt;
    corrupt.bin = BinValue{kHllParticle, bad};
    CHECK(corrupt.read(payload(kCount)) == ResultCode::ServerError);
    CHECK(corrupt.modify(payload(kInit, {I(8)})) == ResultCode::ServerError);
  }
}

TEST_CASE("register packing round-trips at every width", "[hll]") {
  std::mt19937_64 rng(7);
  for (uint8_t index_bits : {uint8_t(4), uint8_t(5), uint8_t(9)}) {
    for (uint8_t minhash_bits : {uint8_t(0), uint8_t(4), uint8_t(13), uint8_t(51)}) {
      if (!hll::valid_bits(index_bits, minhash_bits)) continue;
      hll::Sketch s(index_bits, minhash_bits);
      uint32_t n = uint32_t(1) << index_bits;
      uint64_t mask = (uint64_t(1) << (6 + minhash_bits)) - 1;
      std::vector<uint64_t> want(n);
      for (uint32_t r = 0; r < n; ++r) {
        want[r] = rng() & mask;
        s.set_reg(r, want[r]);
      }
      for (uint32_t r = 0; r < n; r += 3) {  // rewrite some, neighbours must hold
        want[r] = rng() & mask;
        s.set_reg(r, want[r]);
      }
      for (uint32_t r = 0; r < n; ++r) CHECK(s.view().reg(r) == want[r]);
      CHECK(s.view().bytes().size() == hll::sketch_size(index_bits, minhash_bits));
    }
  }
}

TEST_CASE("hostile payloads and bins never crash", "[hll]") {
  std::mt19937 rng(20240611);
  auto pick = [&](size_t n) { return size_t(rng() % n); };
  std::vector<std::string> sketches = {cats_sketch()};
  {
    Bin mh;
    REQUIRE(mh.modify(add(keys(0, 50), 6, 5)) == ResultCode::Ok);
    sketches.push_back(mh.bytes());
    Bin small;
    REQUIRE(small.modify(add(keys(0, 50), 4)) == ResultCode::Ok);
    sketches.push_back(small.bytes());
  }
  std::vector<std::string> seeds = {
      payload(kInit, {I(6), I(4), I(0)}),
      add(keys(0, 5), 5, -1, kNoFail),
      with_sketches(kSetUnion, sketches, {I(kAllowFold)}),
      payload(kRefreshCount),
      payload(kFold, {I(4)}),
      payload(kCount),
      with_sketches(kGetUnion, sketches),
      with_sketches(kUnionCount, sketches),
      with_sketches(kIntersectCount, {sketches[1], sketches[1], sketches[1]}),
      with_sketches(kSimilarity, {sketches[0]}),
      payload(kDescribe),
      payload(kMayContain, {L(keys(0, 3))}),
  };
  auto mutate = [&](std::string s) {
    int edits = 1 + int(pick(4));
    for (int e = 0; e < edits; ++e) {
      switch (pick(4)) {
        case 0: if (!s.empty()) s[pick(s.size())] = char(rng()); break;
        case 1: s.resize(pick(s.size() + 1)); break;
        case 2: s.insert(pick(s.size() + 1), 1, char(rng())); break;
        default: if (!s.empty()) s[pick(s.size())] ^= char(1 << pick(8)); break;
      }
    }
    return s;
  };
  int ok = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    std::string p;
    if (pick(8) == 0) {
      p.resize(pick(64));
      for (char& c : p) c = char(rng());
    } else {
      p = mutate(seeds[pick(seeds.size())]);
    }
    std::optional<BinValue> bin;
    switch (pick(4)) {
      case 0: break;
      case 1: bin = BinValue{kHllParticle, sketches[pick(sketches.size())]}; break;
      case 2: bin = BinValue{kHllParticle, mutate(sketches[pick(sketches.size())])}; break;
      default: bin = BinValue{uint8_t(pick(25)), mutate("abcdefgh")}; break;
    }
    bool modify = pick(2) == 0;
    CdtOutcome out;
    ResultCode rc = apply_hll_op(bin ? &*bin : nullptr, p, modify, &out);
    if (rc != ResultCode::Ok) {
      CHECK_FALSE(out.bin_changed);
      CHECK_FALSE(out.result.has_value());
      continue;
    }
    ++ok;
    if (out.bin_changed) {
      REQUIRE(out.new_bin.has_value());
      CHECK(out.new_bin->particle == kHllParticle);
      CHECK(hll::well_sized(out.new_bin->bytes));
    }
  }
  CHECK(ok > 100);  // the mutations still reach the ops, not only the parser
}
