// asd::base::apply_bit_op: every bit op, the policy and resize flags, the overflow actions
// and the error codes. Expected values come from the official clients' suites, which run
// against the real server (Node bitwise.ts, C aerospike_bit/bit.c, Java TestOperateBit),
// and from particle_blob.c where those suites are silent.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <tuple>
#include <type_traits>
#include <vector>

#include "base/bits.h"
#include "common/bytes.h"
#include "proto/msgpack.h"

using asd::base::apply_bit_op;
using asd::base::BinValue;
using asd::base::CdtOutcome;
using common::ResultCode;
using proto::msgpack::Writer;

namespace {

constexpr uint64_t kCreateOnly = 1, kUpdateOnly = 2, kNoFail = 4, kPartial = 8;
constexpr uint64_t kFromFront = 1, kGrowOnly = 2, kShrinkOnly = 4;
constexpr uint64_t kSigned = 1, kSaturate = 2, kWrap = 4, kFail = 0;
enum Code : int {
  kResize = 0, kInsert, kRemove, kSet, kOr, kXor, kAnd, kNot, kLshift, kRshift, kAdd,
  kSubtract, kSetInt, kGet = 50, kCount, kLscan, kRscan, kGetInt,
};

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s.push_back(char(b));
  return s;
}

// A blob argument, sent the way the clients send it: msgpack str with the blob type byte.
struct Buf {
  std::string b;
};
Buf buf(std::initializer_list<int> v) { return Buf{bytes(v)}; }

template <class T>
void put(Writer& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>) w.boolean(v);
  else if constexpr (std::is_same_v<T, Buf>) w.blob(v.b);
  else if constexpr (std::is_unsigned_v<T>) w.uinteger(v);
  else w.integer(int64_t(v));
}

template <class... A>
std::string op(A... args) {
  std::string out;
  Writer w(&out);
  w.array_header(sizeof...(args));
  (put(w, args), ...);
  return out;
}

// The C client's encodings (as_bit_operations.c).
std::string resize(uint64_t size, uint64_t flags = 0, uint64_t resize_flags = 0) {
  return op(kResize, size, flags, resize_flags);
}
std::string insert(int64_t byte_offset, Buf b, uint64_t flags = 0) {
  return op(kInsert, byte_offset, b, flags);
}
std::string remove(int64_t byte_offset, uint64_t byte_size, uint64_t flags = 0) {
  return op(kRemove, byte_offset, byte_size, flags);
}
std::string with_buf(Code code, int64_t offset, uint64_t size, Buf b, uint64_t flags = 0) {
  return op(code, offset, size, b, flags);
}
std::string set(int64_t offset, uint64_t size, Buf b, uint64_t flags = 0) {
  return with_buf(kSet, offset, size, b, flags);
}
std::string bit_not(int64_t offset, uint64_t size, uint64_t flags = 0) {
  return op(kNot, offset, size, flags);
}
std::string shift(Code code, int64_t offset, uint64_t size, uint64_t n, uint64_t flags = 0) {
  return op(code, offset, size, n, flags);
}
std::string math(Code code, int64_t offset, uint64_t size, uint64_t value, bool sign,
                 uint64_t action, uint64_t flags = 0) {
  return op(code, offset, size, value, flags, action | (sign ? kSigned : 0));
}
std::string add(int64_t offset, uint64_t size, uint64_t value, bool sign, uint64_t action) {
  return math(kAdd, offset, size, value, sign, action);
}
std::string sub(int64_t offset, uint64_t size, uint64_t value, bool sign, uint64_t action) {
  return math(kSubtract, offset, size, value, sign, action);
}
std::string set_int(int64_t offset, uint64_t size, int64_t value, uint64_t flags = 0) {
  return op(kSetInt, offset, size, value, flags);
}
std::string get(int64_t offset, uint64_t size) { return op(kGet, offset, size); }
std::string count(int64_t offset, uint64_t size) { return op(kCount, offset, size); }
std::string lscan(int64_t offset, uint64_t size, bool v) { return op(kLscan, offset, size, v); }
std::string rscan(int64_t offset, uint64_t size, bool v) { return op(kRscan, offset, size, v); }
std::string get_int(int64_t offset, uint64_t size, bool sign) {
  return sign ? op(kGetInt, offset, size, kSigned) : op(kGetInt, offset, size);
}

std::string hex(std::string_view s) { return common::to_hex(s); }

using Pairs = std::vector<std::pair<int, int>>;
using Triples = std::vector<std::tuple<int, int, int>>;
using Scans = std::vector<std::tuple<int, int, bool>>;

// A bin, with ops applied to it the way the write path would.
struct Bin {
  std::optional<BinValue> bin;
  CdtOutcome last;

  Bin() = default;
  explicit Bin(std::string blob, uint8_t particle = 4) : bin(BinValue{particle, std::move(blob)}) {}

  ResultCode apply(const std::string& payload, bool modify) {
    ResultCode rc = apply_bit_op(bin ? &*bin : nullptr, payload, modify, &last);
    if (rc == ResultCode::Ok && last.bin_changed) bin = last.new_bin;
    return rc;
  }
  ResultCode modify(const std::string& payload) { return apply(payload, true); }
  ResultCode read(const std::string& payload) { return apply(payload, false); }
  std::string value() const {
    REQUIRE(bin);
    CHECK(bin->particle == 4);
    return hex(bin->bytes);
  }
  int64_t integer(const std::string& payload) {
    REQUIRE(read(payload) == ResultCode::Ok);
    REQUIRE(last.result);
    REQUIRE(last.result->particle == 1);
    REQUIRE(last.result->bytes.size() == 8);
    return int64_t(common::load_be64(common::as_bytes(last.result->bytes)));
  }
  std::string blob(const std::string& payload) {
    REQUIRE(read(payload) == ResultCode::Ok);
    REQUIRE(last.result);
    REQUIRE(last.result->particle == 4);
    return hex(last.result->bytes);
  }
};

}  // namespace

TEST_CASE("bits: node client bitwise suite", "[bits]") {
  std::string five = bytes({0x01, 0x42, 0x03, 0x04, 0x05});
  auto after = [&](const std::string& payload) {
    Bin b(five);
    REQUIRE(b.modify(payload) == ResultCode::Ok);
    CHECK(b.last.bin_changed);
    CHECK_FALSE(b.last.result);
    return b.value();
  };
  CHECK(after(set(13, 3, buf({0xe0}))) == "0147030405");
  CHECK(after(set_int(1, 8, 127)) == "3fc2030405");
  CHECK(after(with_buf(kOr, 17, 6, buf({0xa8}))) == "0142570405");
  CHECK(after(with_buf(kXor, 17, 6, buf({0xac}))) == "0142550405");
  CHECK(after(with_buf(kAnd, 23, 9, buf({0x3c, 0x80}))) == "0142020005");
  CHECK(after(bit_not(25, 6)) == "0142037a05");
  CHECK(after(shift(kLshift, 32, 8, 3)) == "0142030428");
  CHECK(after(shift(kRshift, 0, 9, 1)) == "00c2030405");
  CHECK(after(add(24, 16, 128, false, kFail)) == "0142030485");
  CHECK(after(sub(24, 16, 128, false, kFail)) == "0142030385");
  CHECK(after(insert(1, buf({0xff, 0xc7}))) == "01ffc742030405");
  CHECK(after(remove(2, 3)) == "0142");

  Bin b(five);
  CHECK(b.blob(get(9, 5)) == "80");
  CHECK(b.integer(count(20, 4)) == 2);
  CHECK(b.integer(get_int(8, 16, false)) == 16899);
  CHECK(b.integer(lscan(24, 8, true)) == 5);
  CHECK(b.integer(rscan(32, 8, true)) == 7);
  CHECK(b.integer(get_int(32, 8, true)) == 5);
  CHECK_FALSE(b.last.bin_changed);
  CHECK(Bin(bytes({0, 1, 2, 3})).integer(count(0, 32)) == 4);
}

TEST_CASE("bits: resize and its flags", "[bits]") {
  Bin b(bytes({1, 2}));
  REQUIRE(b.modify(resize(4)) == ResultCode::Ok);
  CHECK(b.value() == "01020000");
  REQUIRE(b.modify(resize(2)) == ResultCode::Ok);
  CHECK(b.value() == "0102");
  REQUIRE(b.modify(resize(4, 0, kFromFront)) == ResultCode::Ok);
  CHECK(b.value() == "00000102");
  REQUIRE(b.modify(resize(1, 0, kFromFront)) == ResultCode::Ok);
  CHECK(b.value() == "02");
  REQUIRE(b.modify(resize(1)) == ResultCode::Ok);  // already that size
  CHECK_FALSE(b.last.bin_changed);

  Bin three(bytes({1, 2, 3}));
  CHECK(three.modify(resize(2, 0, kGrowOnly)) == ResultCode::Parameter);
  CHECK(three.modify(resize(4, 0, kShrinkOnly)) == ResultCode::Parameter);
  CHECK(three.modify(resize(2, kNoFail, kGrowOnly)) == ResultCode::Ok);
  CHECK(three.modify(resize(4, kNoFail, kShrinkOnly)) == ResultCode::Ok);
  CHECK_FALSE(three.last.bin_changed);
  CHECK(three.value() == "010203");
  CHECK(three.modify(resize(4, kCreateOnly)) == ResultCode::BinExists);
  CHECK(three.modify(resize(4, kCreateOnly | kNoFail)) == ResultCode::Ok);
  CHECK(three.value() == "010203");
  REQUIRE(three.modify(resize(2, kUpdateOnly)) == ResultCode::Ok);
  CHECK(three.value() == "0102");

  Bin created;
  REQUIRE(created.modify(resize(4, kCreateOnly)) == ResultCode::Ok);
  CHECK(created.value() == "00000000");
  Bin missing;
  CHECK(missing.modify(resize(4, kUpdateOnly)) == ResultCode::BinNotFound);
  CHECK(missing.modify(resize(4, kUpdateOnly | kNoFail)) == ResultCode::Ok);
  CHECK(missing.modify(resize(0)) == ResultCode::Ok);  // zero bytes: nothing to create
  CHECK_FALSE(missing.bin);

  // TestOperateBit.operateBitResize, one op after another on a missing bin.
  Bin r;
  REQUIRE(r.modify(resize(20)) == ResultCode::Ok);
  CHECK(r.blob(get(19 * 8, 8)) == "00");
  REQUIRE(r.modify(resize(10, kNoFail, kGrowOnly)) == ResultCode::Ok);
  CHECK(r.blob(get(19 * 8, 8)) == "00");
  REQUIRE(r.modify(resize(10, 0, kShrinkOnly)) == ResultCode::Ok);
  CHECK(r.blob(get(9 * 8, 8)) == "00");
  REQUIRE(r.modify(resize(30, kNoFail, kShrinkOnly)) == ResultCode::Ok);
  CHECK(r.blob(get(9 * 8, 8)) == "00");
  REQUIRE(r.modify(resize(19, 0, kGrowOnly)) == ResultCode::Ok);
  CHECK(r.blob(get(18 * 8, 8)) == "00");
  REQUIRE(r.modify(resize(0, kNoFail, kGrowOnly)) == ResultCode::Ok);
  CHECK(r.value().size() == 38);
  REQUIRE(r.modify(resize(0, 0, kShrinkOnly)) == ResultCode::Ok);
  CHECK(r.value().empty());  // an empty blob, not a deleted bin
}

TEST_CASE("bits: insert and remove", "[bits]") {
  Bin b(bytes({1, 2}));
  REQUIRE(b.modify(insert(1, buf({3, 4}))) == ResultCode::Ok);
  CHECK(b.value() == "01030402");
  REQUIRE(b.modify(insert(-1, buf({0xaa}))) == ResultCode::Ok);  // back from the end
  CHECK(b.value() == "010304aa02");
  REQUIRE(b.modify(insert(7, buf({0xbb}))) == ResultCode::Ok);  // zeros fill the gap
  CHECK(b.value() == "010304aa020000bb");
  CHECK(b.modify(insert(-9, buf({0}))) == ResultCode::Parameter);
  CHECK(b.modify(insert(-9, buf({0}), kNoFail)) == ResultCode::Parameter);

  Bin created;  // TestOperateBit.operateBitBin
  REQUIRE(created.modify(insert(1, buf({0x0a}), kCreateOnly)) == ResultCode::Ok);
  CHECK(created.value() == "000a");
  Bin missing;
  CHECK(missing.modify(insert(-1, buf({1}))) == ResultCode::Parameter);
  CHECK(missing.modify(insert(0, buf({1}), kUpdateOnly)) == ResultCode::BinNotFound);

  Bin r(bytes({1, 2, 3, 4, 5}));
  REQUIRE(r.modify(remove(1, 3)) == ResultCode::Ok);
  CHECK(r.value() == "0105");
  CHECK(r.modify(remove(2, 1)) == ResultCode::Parameter);  // starts past the end
  CHECK(r.modify(remove(1, 2)) == ResultCode::Parameter);  // runs past the end
  CHECK(r.modify(remove(1, 2, kNoFail)) == ResultCode::Ok);
  CHECK(r.modify(remove(2, 1, kNoFail)) == ResultCode::Ok);
  CHECK(r.value() == "0105");
  REQUIRE(r.modify(remove(-1, 9, kPartial)) == ResultCode::Ok);
  CHECK(r.value() == "01");
  CHECK(Bin().modify(remove(0, 1)) == ResultCode::BinNotFound);

  // TestOperateBit.operateBitBin: set, set, remove on one record.
  Bin s(bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  REQUIRE(s.modify(set(1, 1, buf({0x80}))) == ResultCode::Ok);
  REQUIRE(s.modify(set(3, 1, buf({0x80}), kUpdateOnly)) == ResultCode::Ok);
  REQUIRE(s.modify(remove(6, 2, kUpdateOnly)) == ResultCode::Ok);
  CHECK(s.value() == "510203040506");
}

TEST_CASE("bits: set, or, xor, and, not across byte boundaries", "[bits]") {
  Buf bits1 = buf({0x11, 0x22, 0x33});
  Bin s(bytes({0x01, 0x12, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
               0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x41}));
  for (const auto& p : {set(1, 1, buf({0x80})), set(15, 1, buf({0x80})), set(16, 24, bits1),
                        set(40, 22, bits1), set(73, 21, bits1), set(100, 20, bits1),
                        set(120, 17, bits1), set(144, 1, buf({0x80}))}) {
    REQUIRE(s.modify(p) == ResultCode::Ok);
  }
  CHECK(s.value() == "41131122331122330808911b011223112211c1");

  auto run = [&](Code code) {
    Bin b(bytes({0x80, 0x40, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03}));
    for (auto [offset, size] : Pairs{{0, 5}, {9, 7}, {23, 6}, {32, 8}, {40, 24}}) {
      std::string p = code == kNot ? bit_not(offset, size) : with_buf(code, offset, size, bits1);
      REQUIRE(b.modify(p) == ResultCode::Ok);
    }
    return b.value();
  };
  CHECK(run(kOr) == "9048012011112233");
  CHECK(run(kXor) == "9048012011102030");
  CHECK(run(kAnd) == "0000000000010203");
  CHECK(run(kNot) == "783f00f8fffefdfc");
}

TEST_CASE("bits: shifts", "[bits]") {
  Bin l(bytes({0x01, 0x01, 0x00, 0x80, 0xff, 0x01, 0x01, 0x18, 0x01}));
  for (auto [offset, size, n] : Triples{{0, 8, 1}, {9, 7, 6}, {23, 2, 1}, {37, 18, 3},
                                 {58, 2, 1}, {64, 4, 7}}) {
    REQUIRE(l.modify(shift(kLshift, offset, size, n)) == ResultCode::Ok);
  }
  CHECK(l.value() == "02400100f808012801");
  Bin l2(bytes({0xff, 0xff, 0xff}));
  REQUIRE(l2.modify(shift(kLshift, 0, 20, 15)) == ResultCode::Ok);
  CHECK(l2.value() == "f8000f");

  Bin r(bytes({0x80, 0x40, 0x01, 0x00, 0xff, 0x01, 0x01, 0x18, 0x80}));
  for (auto [offset, size, n] : Triples{{0, 8, 1}, {9, 7, 6}, {23, 2, 1}, {37, 18, 3},
                                 {60, 2, 1}, {68, 4, 7}}) {
    REQUIRE(r.modify(shift(kRshift, offset, size, n)) == ResultCode::Ok);
  }
  CHECK(r.value() == "40010080f8e0211480");

  Bin z(bytes({0xff, 0xff}));
  REQUIRE(z.modify(shift(kLshift, 4, 8, 8)) == ResultCode::Ok);  // shifted wholly out
  CHECK(z.value() == "f00f");
  REQUIRE(z.modify(shift(kRshift, 0, 16, uint64_t(1) << 30)) == ResultCode::Ok);
  CHECK(z.value() == "0000");
}

TEST_CASE("bits: add, subtract, set_int and the overflow actions", "[bits]") {
  std::string twenty = bytes({0x38, 0x1f, 0x00, 0xe8, 0x7f, 0x00, 0x00, 0x00, 0x01, 0x01,
                              0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x03, 0x03, 0x03});
  Bin a(twenty);
  for (auto [offset, size, value] :
       Triples{{0, 5, 1}, {9, 7, 1}, {23, 6, 0x21}, {32, 8, 1}, {40, 24, 0x7f7f7f},
        {64, 20, 0x01010}, {92, 20, 0x10101}, {113, 22, 0x8082}, {136, 23, 0x20202}}) {
    REQUIRE(a.modify(add(offset, size, value, false, kFail)) == ResultCode::Ok);
  }
  CHECK(a.value() == "402001f0807f7f7f020201020202030306070707");

  twenty[5] = twenty[6] = twenty[7] = char(0x80);
  Bin s(twenty);
  for (auto [offset, size, value] :
       Triples{{0, 5, 1}, {9, 7, 1}, {23, 6, 3}, {32, 8, 1}, {40, 24, 0x10101},
        {64, 20, 0x101}, {92, 20, 0x10101}, {113, 21, 0x101}, {136, 23, 0x11111}}) {
    REQUIRE(s.modify(sub(offset, size, value, false, kFail)) == ResultCode::Ok);
  }
  CHECK(s.value() == "301e00d07e7f7f7f00f0f100000001fdfe00e0e1");

  Bin t(twenty);
  for (auto [offset, size, value] :
       Triples{{0, 5, 1}, {9, 7, 1}, {23, 6, 3}, {32, 8, 1}, {40, 24, 0x10101},
        {64, 20, 0x101}, {92, 20, 0x10101}, {113, 21, 0x101}, {136, 23, 0x11111}}) {
    REQUIRE(t.modify(set_int(offset, size, value)) == ResultCode::Ok);
  }
  CHECK(t.value() == "0801001801010101001011010101000406022223");

  // One byte per pair of ops, from zero: wrap, saturate, signed and unsigned.
  Bin w(std::string(6, '\0'));
  for (const auto& p :
       {add(0, 8, 0xff, false, kWrap), add(0, 8, 0xff, false, kWrap),
        add(8, 8, 0x7f, true, kWrap), add(8, 8, 0x7f, true, kWrap),
        add(16, 8, 0x80, true, kWrap), add(16, 8, 0xff, true, kWrap),
        add(24, 8, 0x80, false, kSaturate), add(24, 8, 0x80, false, kSaturate),
        add(32, 8, 0x77, true, kSaturate), add(32, 8, 0x77, true, kSaturate),
        add(40, 8, 0x8f, true, kSaturate), add(40, 8, 0x8f, true, kSaturate)}) {
    REQUIRE(w.modify(p) == ResultCode::Ok);
  }
  CHECK(w.value() == "fefe7fff7f80");
  Bin v(std::string(6, '\0'));
  for (const auto& p :
       {sub(0, 8, 0x01, false, kWrap), sub(8, 8, 0x80, true, kWrap), sub(8, 8, 0x8a, true, kWrap),
        sub(16, 8, 0x7f, true, kWrap), sub(16, 8, 0x02, true, kWrap),
        sub(24, 8, 0xaa, false, kSaturate), sub(32, 8, 0x77, true, kSaturate),
        sub(32, 8, 0x77, true, kSaturate), sub(40, 8, 0x81, true, kSaturate),
        sub(40, 8, 0x8f, true, kSaturate)}) {
    REQUIRE(v.modify(p) == ResultCode::Ok);
  }
  CHECK(v.value() == "fff67f00807f");

  auto fails = [](std::vector<std::string> ops) {
    Bin f(std::string(6, '\0'));
    for (size_t i = 0; i + 1 < ops.size(); ++i) REQUIRE(f.modify(ops[i]) == ResultCode::Ok);
    std::string before = f.value();
    CHECK(f.modify(ops.back()) == ResultCode::OpNotApplicable);
    CHECK(f.value() == before);
    std::string nofail = ops.back();
    nofail[nofail.size() - 2] = char(kNoFail);  // the policy flags, just before the subflags
    CHECK(f.modify(nofail) == ResultCode::Ok);
    CHECK_FALSE(f.last.bin_changed);
  };
  fails({add(0, 8, 0xff, false, kFail), add(0, 8, 0xff, false, kFail)});
  fails({add(0, 8, 0x7f, true, kFail), add(0, 8, 0x02, true, kFail)});
  fails({add(0, 8, 0x81, true, kFail), add(0, 8, 0xfe, true, kFail)});
  fails({sub(0, 8, 1, false, kFail)});
  fails({sub(0, 8, 0x7f, true, kFail), sub(0, 8, 0x02, true, kFail)});
  fails({sub(0, 8, 0x81, true, kFail), sub(0, 8, 0xfe, true, kFail)});

  // Server parity: only strict sign flips count, and a subtraction is checked as the
  // addition of the negated operand, so these overflow silently.
  Bin q(bytes({0x80, 0x00}));
  REQUIRE(q.modify(add(0, 8, 0x80, true, kFail)) == ResultCode::Ok);
  REQUIRE(q.modify(sub(8, 8, 0x80, true, kFail)) == ResultCode::Ok);
  CHECK(q.value() == "0080");

  // Operands wider than the field are cut to it; 64-bit fields work end to end.
  Bin m(std::string(8, '\xff'));
  REQUIRE(m.modify(add(0, 4, 0x11, false, kWrap)) == ResultCode::Ok);
  CHECK(m.value() == "0fffffffffffffff");
  REQUIRE(m.modify(set_int(0, 64, -2)) == ResultCode::Ok);
  CHECK(m.integer(get_int(0, 64, false)) == -2);
  REQUIRE(m.modify(add(0, 64, 1, false, kFail)) == ResultCode::Ok);
  CHECK(m.modify(add(0, 64, 1, false, kFail)) == ResultCode::OpNotApplicable);
  REQUIRE(m.modify(add(0, 64, 1, false, kSaturate)) == ResultCode::Ok);
  CHECK(m.value() == "ffffffffffffffff");
}

TEST_CASE("bits: read ops", "[bits]") {
  Bin g(bytes({0xc1, 0xaa, 0xaa}));
  CHECK(g.blob(get(0, 1)) == "80");
  CHECK(g.blob(get(1, 1)) == "80");
  CHECK(g.blob(get(7, 1)) == "80");
  CHECK(g.blob(get(0, 8)) == "c1");
  CHECK(g.blob(get(8, 16)) == "aaaa");
  CHECK(g.blob(get(9, 15)) == "5554");
  CHECK(g.blob(get(9, 14)) == "5554");
  CHECK(g.blob(get(-4, 4)) == "a0");

  Bin c(bytes({0xc1, 0xaa, 0xab}));
  std::vector<int64_t> counts;
  for (auto [o, s] : Pairs{{0, 1}, {1, 1}, {7, 1}, {0, 8}, {8, 16}, {9, 15}, {9, 14}}) {
    counts.push_back(c.integer(count(o, s)));
  }
  CHECK(counts == std::vector<int64_t>{1, 1, 1, 3, 9, 8, 7});

  Bin sc(bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01}));
  std::vector<int64_t> left, right;
  for (auto [o, s, v] : Scans{{0, 1, true}, {0, 8, true}, {0, 9, true}, {0, 32, true},
                         {0, 32, false}, {1, 30, false}, {32, 40, true}, {33, 38, true},
                         {32, 40, false}, {33, 38, false}, {0, 72, true}, {0, 72, false},
                         {-1, 1, true}, {-1, 1, false}}) {
    left.push_back(sc.integer(lscan(o, s, v)));
    right.push_back(sc.integer(rscan(o, s, v)));
  }
  CHECK(left == std::vector<int64_t>{0, 0, 0, 0, -1, -1, 39, -1, 0, 0, 0, 32, 0, -1});
  CHECK(right == std::vector<int64_t>{0, 7, 8, 31, -1, -1, 39, -1, 38, 37, 71, 70, 0, -1});

  // Server parity: rscan does not mask the bits ahead of the region in its first byte.
  Bin q(bytes({0x80, 0x00}));
  CHECK(q.integer(rscan(2, 6, true)) == -2);
  CHECK(q.integer(rscan(4, 8, true)) == -4);
  CHECK(q.integer(rscan(4, 8, false)) == 7);
  CHECK(q.integer(lscan(1, 15, true)) == -1);

  Bin i(bytes({0x0f, 0x0f, 0x00}));
  std::vector<int64_t> ints;
  for (auto [o, s] : Pairs{{4, 4}, {0, 8}, {7, 4}, {8, 16}, {9, 15}, {9, 14}, {5, 17},
                      {-12, 4}}) {
    ints.push_back(i.integer(get_int(o, s, false)));
    ints.push_back(i.integer(get_int(o, s, true)));
  }
  CHECK(ints == std::vector<int64_t>{15, -1, 15, 15, 8, -8, 3840, 3840, 3840, 3840, 1920, 1920,
                                     115648, -15424, 15, -1});
  Bin big(std::string(8, '\xff'));
  CHECK(big.integer(get_int(0, 64, false)) == -1);  // the wire integer is 64-bit signed
}

TEST_CASE("bits: bounds, the partial flag and the empty blob", "[bits]") {
  Bin b(bytes({0x00}));
  CHECK(b.modify(set(4, 8, buf({0xaa}))) == ResultCode::OpNotApplicable);
  CHECK(b.modify(set(4, 8, buf({0xaa}), kUpdateOnly | kNoFail)) == ResultCode::Ok);
  CHECK(b.value() == "00");
  REQUIRE(b.modify(set(4, 8, buf({0xaa}), kUpdateOnly | kNoFail | kPartial)) == ResultCode::Ok);
  CHECK(b.value() == "0a");
  CHECK(b.modify(set(8, 1, buf({0x80}))) == ResultCode::OpNotApplicable);
  CHECK(b.modify(set(8, 1, buf({0x80}), kPartial)) == ResultCode::OpNotApplicable);
  CHECK(b.modify(set(8, 1, buf({0x80}), kNoFail)) == ResultCode::Ok);
  CHECK(b.modify(add(4, 8, 1, false, kWrap)) == ResultCode::OpNotApplicable);
  CHECK(b.modify(math(kAdd, 4, 8, 1, false, kWrap, kNoFail)) == ResultCode::Ok);
  CHECK(b.modify(set(-9, 1, buf({0x80}))) == ResultCode::Parameter);
  CHECK(b.modify(set(-9, 1, buf({0x80}), kNoFail)) == ResultCode::Parameter);
  CHECK(b.read(get(4, 5)) == ResultCode::OpNotApplicable);
  CHECK(b.read(get(8, 1)) == ResultCode::OpNotApplicable);
  CHECK(b.read(get(-9, 1)) == ResultCode::Parameter);

  Bin p(bytes({0xff, 0xff, 0xff}));
  REQUIRE(p.modify(with_buf(kAnd, 12, 16, buf({0x00, 0x00}), kPartial)) == ResultCode::Ok);
  CHECK(p.value() == "fff000");
  REQUIRE(p.modify(bit_not(20, 64, kPartial)) == ResultCode::Ok);
  CHECK(p.value() == "fff00f");
  REQUIRE(p.modify(shift(kRshift, 9, 64, 1, kPartial)) == ResultCode::Ok);
  CHECK(p.value() == "ffb807");

  // TestOperateBit.operateBitNullBlob.
  Bin e(std::string{});
  Buf one = buf({0x80});
  for (const auto& m : {set(0, 1, one), with_buf(kOr, 0, 1, one), with_buf(kXor, 0, 1, one),
                        with_buf(kAnd, 0, 1, one), bit_not(0, 1), shift(kLshift, 0, 1, 1),
                        shift(kRshift, 0, 1, 1), add(0, 1, 1, false, kFail),
                        sub(0, 1, 1, false, kFail), set_int(0, 1, 1)}) {
    CHECK(e.modify(m) == ResultCode::OpNotApplicable);
  }
  CHECK(e.modify(remove(0, 1)) == ResultCode::Parameter);
  for (const auto& r : {get(0, 1), count(0, 1), lscan(0, 1, true), rscan(0, 1, true),
                        get_int(0, 1, false)}) {
    CHECK(e.read(r) == ResultCode::OpNotApplicable);
  }
  REQUIRE(e.modify(insert(0, buf({7}))) == ResultCode::Ok);
  CHECK(e.value() == "07");
}

TEST_CASE("bits: bin state and op kind errors", "[bits]") {
  Bin missing;
  for (const auto& m : {set(0, 1, buf({0x80})), bit_not(0, 1), add(0, 8, 1, false, kFail),
                        remove(0, 1)}) {
    CHECK(missing.modify(m) == ResultCode::BinNotFound);
  }
  CHECK(missing.modify(set(0, 1, buf({0x80}), kNoFail)) == ResultCode::Ok);
  CHECK(missing.read(get(0, 8)) == ResultCode::Ok);  // the server answers before parsing
  CHECK(missing.read("\xc1") == ResultCode::Ok);
  CHECK_FALSE(missing.last.result);
  CHECK_FALSE(missing.bin);

  Bin str("abc", 3);
  CHECK(str.modify(set(0, 1, buf({0x80}))) == ResultCode::IncompatibleType);
  CHECK(str.modify(resize(4, kCreateOnly)) == ResultCode::BinExists);  // checked first
  CHECK(str.read(get(0, 8)) == ResultCode::IncompatibleType);
  CHECK(str.read(get(0, 0)) == ResultCode::Parameter);  // the payload is checked first
  CHECK(Bin("abc", 7).read(get(0, 8)) == ResultCode::IncompatibleType);  // only particle 4

  Bin b(bytes({1}));
  CHECK(b.modify(get(0, 8)) == ResultCode::Parameter);
  CHECK(b.read(set(0, 1, buf({0x80}))) == ResultCode::Parameter);
  for (uint64_t code : {13ull, 49ull, 55ull, 255ull}) {
    CHECK(b.modify(op(code, 0, 8)) == ResultCode::Parameter);
    CHECK(b.read(op(code, 0, 8)) == ResultCode::Parameter);
  }
  CHECK(b.read(op(-1, 0, 8)) == ResultCode::Parameter);
  // A CDT context in front of the op reads as op 0xff.
  std::string ctx = bytes({0x93, 0xcc, 0xff, 0x92, 0x10, 0x00}) + get(0, 8);
  CHECK(b.read(ctx) == ResultCode::Parameter);
}

TEST_CASE("bits: argument parsing", "[bits]") {
  Bin b(bytes({0xf0, 0x0f}));
  auto read_rc = [&](const std::string& p) { return b.read(p); };
  auto modify_rc = [&](const std::string& p) { return b.modify(p); };
  const ResultCode P = ResultCode::Parameter;

  // Arity.
  CHECK(read_rc(bytes({0x90})) == P);
  CHECK(read_rc(bytes({0x00})) == P);
  CHECK(read_rc(op(kGet, 0)) == P);
  CHECK(read_rc(op(kGet, 0, 8, 0)) == P);
  CHECK(read_rc(op(kLscan, 0, 8)) == P);
  CHECK(read_rc(op(kGetInt, 0, 8, 0, 0)) == P);
  CHECK(modify_rc(op(kResize)) == P);
  CHECK(modify_rc(op(kAdd, 0, 8, 1, 0, 0, 0)) == P);
  CHECK(read_rc(bytes({0x93, kGet, 0x00})) == P);  // the array promises more than it has
  CHECK(b.integer(op(kGet + 4, 0, 8)) == 0xf0);      // get_int without subflags is unsigned
  CHECK(read_rc(get(0, 8) + "trailing") == ResultCode::Ok);

  // Types: integers in any msgpack form, raw 64 bits (a negative size is a huge size, an
  // unsigned 2^64-1 is offset -1); booleans only as booleans; buffers as str or bin.
  CHECK(read_rc(op(kGet, 0, -1)) == P);
  CHECK(b.blob(op(kGet, ~uint64_t(0), 1u)) == "80");
  CHECK(b.blob(bytes({0x93, kGet, 0xd0, 0x08, 0xd3, 0, 0, 0, 0, 0, 0, 0, 4})) == "00");
  CHECK(read_rc(op(kLscan, 0, 8, 1)) == P);
  CHECK(read_rc(op(kGet, true, 8)) == P);
  CHECK(modify_rc(op(kSet, 0, 8, 0xff)) == P);
  CHECK(modify_rc(bytes({0x94, kSet, 0x00, 0x08, 0xc4, 0x02, 0x04, 0xaa})) == ResultCode::Ok);
  CHECK(b.value() == "aa0f");
  CHECK(modify_rc(bytes({0x94, kSet, 0x00, 0x04, 0xa2, 0x09, 0x5f})) == ResultCode::Ok);
  CHECK(b.value() == "5a0f");                          // the type byte is ignored
  CHECK(modify_rc(set(0, 9, buf({0xff}))) == P);       // buffer shorter than size
  CHECK(modify_rc(set(0, 1, Buf{})) == P);             // a type byte alone
  CHECK(modify_rc(bytes({0x94, kSet, 0x00, 0x01, 0xa0})) == P);  // not even that
  CHECK(modify_rc(insert(0, Buf{})) == P);

  // Sizes and offsets.
  const uint64_t max_bits = uint64_t(1) << 30, max_bytes = uint64_t(1) << 27;
  CHECK(read_rc(get(0, 0)) == P);
  CHECK(read_rc(get(0, max_bits + 1)) == P);
  CHECK(read_rc(get(0, max_bits)) == ResultCode::OpNotApplicable);
  CHECK(read_rc(get(int64_t(max_bits) + 1, 1)) == P);
  CHECK(read_rc(get(int64_t(max_bits), 1)) == ResultCode::OpNotApplicable);
  CHECK(read_rc(get(-int64_t(max_bits) - 1, 1)) == P);
  CHECK(read_rc(get(INT64_MIN, 1)) == P);
  CHECK(read_rc(get_int(0, 0, false)) == P);
  CHECK(read_rc(get_int(0, 65, false)) == P);
  CHECK(modify_rc(shift(kLshift, 0, 8, max_bits + 1)) == P);
  CHECK(modify_rc(add(0, 65, 1, false, kWrap)) == P);
  CHECK(modify_rc(remove(0, 0)) == P);
  CHECK(modify_rc(remove(0, max_bytes + 1)) == P);
  CHECK(modify_rc(remove(int64_t(max_bytes) + 1, 1)) == P);
  CHECK(modify_rc(resize(max_bytes + 1)) == P);
  CHECK(modify_rc(resize(max_bytes)) == P);  // no blob may reach PROTO_SIZE_MAX
  CHECK(modify_rc(insert(int64_t(max_bytes), buf({1}))) == P);
  CHECK(Bin().modify(insert(int64_t(max_bytes) - 1, buf({1}))) == P);
  CHECK(b.value() == "5a0f");

  // Flags each op refuses, and contradictory combinations.
  CHECK(modify_rc(set(0, 1, buf({0x80}), kCreateOnly)) == P);
  CHECK(modify_rc(remove(0, 1, kCreateOnly)) == P);
  CHECK(modify_rc(resize(2, kPartial)) == P);
  CHECK(modify_rc(insert(0, buf({1}), kPartial)) == P);
  CHECK(modify_rc(math(kAdd, 0, 8, 1, false, kWrap, kPartial)) == P);
  CHECK(modify_rc(set_int(0, 8, 1, kPartial)) == P);
  CHECK(modify_rc(set(0, 1, buf({0x80}), 16)) == P);
  CHECK(modify_rc(resize(2, kCreateOnly | kUpdateOnly)) == P);
  CHECK(modify_rc(resize(2, 0, 8)) == P);
  CHECK(modify_rc(resize(2, 0, kGrowOnly | kShrinkOnly)) == P);
  CHECK(modify_rc(add(0, 8, 1, false, 8)) == P);
  CHECK(modify_rc(add(0, 8, 1, false, kSaturate | kWrap)) == P);
  CHECK(read_rc(op(kGetInt, 0, 8, kSaturate)) == P);
  CHECK(b.value() == "5a0f");
}

namespace {

// The obvious bit-vector reading of the server's semantics, to check the byte kernels.
struct Model {
  std::vector<bool> bits;
  explicit Model(std::string_view s) {
    for (char c : s) {
      for (int k = 7; k >= 0; --k) bits.push_back(((uint8_t(c) >> k) & 1) != 0);
    }
  }
  std::string bytes() const {
    std::string out((bits.size() + 7) / 8, '\0');
    for (size_t i = 0; i < bits.size(); ++i) {
      if (bits[i]) out[i / 8] = char(uint8_t(out[i / 8]) | (0x80 >> (i % 8)));
    }
    return out;
  }
};

}  // namespace

TEST_CASE("bits: random regions agree with a bit-vector model", "[bits]") {
  std::mt19937_64 rng(20240613);
  auto pick = [&](uint64_t lo, uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  for (int iter = 0; iter < 3000; ++iter) {
    std::string blob(pick(1, 12), '\0');
    for (char& c : blob) c = char(rng());
    uint64_t total = blob.size() * 8;
    uint64_t start = pick(0, total - 1);
    uint64_t size = pick(1, total - start);
    std::string operand((size + 7) / 8, '\0');
    for (char& c : operand) c = char(rng());
    Model m(blob), in(operand), out(blob);
    auto region = [&](uint64_t i) { return bool(m.bits[start + i]); };
    INFO("blob " << hex(blob) << " start " << start << " size " << size << " operand "
                 << hex(operand));
    Bin b(blob);
    int kind = int(pick(0, 6));
    uint64_t n = pick(0, size + 1);
    switch (kind) {
      case 0: case 1: case 2: case 3: {
        Code code = kind == 0 ? kSet : kind == 1 ? kOr : kind == 2 ? kXor : kAnd;
        for (uint64_t i = 0; i < size; ++i) {
          bool a = region(i), v = in.bits[i];
          out.bits[start + i] = kind == 0 ? v : kind == 1 ? a || v : kind == 2 ? a != v : a && v;
        }
        REQUIRE(b.modify(with_buf(code, int64_t(start), size, Buf{operand})) == ResultCode::Ok);
        break;
      }
      case 4:
        for (uint64_t i = 0; i < size; ++i) out.bits[start + i] = !region(i);
        REQUIRE(b.modify(bit_not(int64_t(start), size)) == ResultCode::Ok);
        break;
      case 5:
        for (uint64_t i = 0; i < size; ++i) out.bits[start + i] = i + n < size && region(i + n);
        REQUIRE(b.modify(shift(kLshift, int64_t(start), size, n)) == ResultCode::Ok);
        break;
      default:
        for (uint64_t i = 0; i < size; ++i) out.bits[start + i] = i >= n && region(i - n);
        REQUIRE(b.modify(shift(kRshift, int64_t(start), size, n)) == ResultCode::Ok);
        break;
    }
    CHECK(b.value() == hex(out.bytes()));

    Bin r(blob);
    Model got(std::string_view{});
    int64_t ones = 0, first = -1, last = -1, first0 = -1, last0 = -1;
    for (uint64_t i = 0; i < size; ++i) {
      got.bits.push_back(region(i));
      ones += region(i);
      (region(i) ? last : last0) = int64_t(i);
      if (region(i) && first < 0) first = int64_t(i);
      if (!region(i) && first0 < 0) first0 = int64_t(i);
    }
    // rscan's unmasked head: a miss in the region falls back to the bits before it.
    bool found = last >= 0, found0 = last0 >= 0;
    for (int64_t h = 1; h <= int64_t(start % 8); ++h) {
      bool bit = m.bits[start - uint64_t(h)];
      int64_t& target = bit ? last : last0;
      bool& seen = bit ? found : found0;
      if (!seen) target = -h;
      seen = true;
    }
    CHECK(r.blob(get(int64_t(start), size)) == hex(got.bytes()));
    CHECK(r.integer(count(int64_t(start), size)) == ones);
    CHECK(r.integer(lscan(int64_t(start), size, true)) == first);
    CHECK(r.integer(lscan(int64_t(start), size, false)) == first0);
    CHECK(r.integer(rscan(int64_t(start), size, true)) == last);
    CHECK(r.integer(rscan(int64_t(start), size, false)) == last0);
    if (size <= 64) {
      uint64_t v = 0;
      for (uint64_t i = 0; i < size; ++i) v = v << 1 | uint64_t(region(i));
      CHECK(uint64_t(r.integer(get_int(int64_t(start), size, false))) == v);
      Bin s(blob);
      REQUIRE(s.modify(set_int(int64_t(start), size, int64_t(v + 1))) == ResultCode::Ok);
      Bin a(blob);
      REQUIRE(a.modify(add(int64_t(start), size, 1, false, kWrap)) == ResultCode::Ok);
      CHECK(a.value() == s.value());
    }
  }
}

TEST_CASE("bits: cleared regions read back as the java suite expects", "[bits]") {
  // TestOperateBit's assertBitModifyRegion: zero a region of an all-ones blob through
  // several ops, then read it back every way.
  const int bin_sz = 15, bin_bits = bin_sz * 8;
  for (int size = 1; size <= 80; ++size) {
    Buf zeros{std::string(size_t(size + 7) / 8, '\0')};
    for (int offset = 0; offset <= bin_bits - size; ++offset) {
      std::vector<std::vector<std::string>> ways = {
          {set(offset, uint64_t(size), zeros)},
          {with_buf(kAnd, offset, uint64_t(size), zeros)},
          {bit_not(offset, uint64_t(size))},
          {set(offset, uint64_t(size), zeros), shift(kLshift, offset, uint64_t(size), 3)},
          {set(offset, uint64_t(size), zeros), shift(kRshift, offset, uint64_t(size), 9)}};
      if (size <= 64) {
        ways.push_back({add(offset, uint64_t(size), 1, false, kWrap)});
        ways.push_back({sub(offset, uint64_t(size), ~uint64_t(0), false, kWrap)});
      }
      for (const auto& ops : ways) {
        Bin b(std::string(bin_sz, '\xff'));
        for (const auto& p : ops) REQUIRE(b.modify(p) == ResultCode::Ok);
        INFO("offset " << offset << " size " << size << " op " << int(ops.back()[1]));
        CHECK(b.integer(lscan(offset, uint64_t(size), true)) == -1);
        CHECK(b.integer(rscan(offset, uint64_t(size), true)) == -1);
        CHECK(b.integer(get_int(offset, uint64_t(std::min(size, 64)), false)) == 0);
        CHECK(b.integer(count(offset, uint64_t(size))) == 0);
        CHECK(b.integer(lscan(0, bin_bits, false)) == offset);
        CHECK(b.integer(rscan(0, bin_bits, false)) == offset + size - 1);
        CHECK(b.blob(get(offset, uint64_t(size))) == hex(zeros.b));
      }
    }
  }
}

TEST_CASE("bits: mutated and random payloads never crash", "[bits]") {
  std::vector<std::string> seeds = {
      resize(3, kNoFail, kFromFront), insert(-1, buf({1, 2})), remove(0, 2, kPartial),
      set(3, 9, buf({0xff, 0x80})), with_buf(kOr, 1, 7, buf({0xf0})), bit_not(2, 30, kPartial),
      shift(kLshift, 0, 16, 5), shift(kRshift, -12, 12, 3), add(4, 12, 7, true, kSaturate),
      sub(0, 64, 9, false, kWrap), set_int(-8, 8, -3), get(-9, 9), count(1, 20),
      lscan(5, 11, false), rscan(0, 24, true), get_int(3, 33, true)};
  std::mt19937_64 rng(7);
  std::vector<std::optional<BinValue>> bins = {
      std::nullopt, BinValue{4, ""}, BinValue{4, bytes({0x81})},
      BinValue{4, bytes({1, 2, 3, 4, 5, 6, 7, 8, 9})}, BinValue{3, "str"}};
  int ok = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string p = seeds[rng() % seeds.size()];
    switch (rng() % 4) {
      case 0: p[rng() % p.size()] = char(rng()); break;
      case 1: p.resize(rng() % p.size()); break;
      case 2: p.insert(rng() % (p.size() + 1), 1, char(0xc0 + rng() % 0x20)); break;
      default: {
        p.clear();
        for (size_t k = rng() % 12; k > 0; --k) p.push_back(char(rng()));
        break;
      }
    }
    const std::optional<BinValue>& bin = bins[rng() % bins.size()];
    bool modify = (rng() & 1) != 0;
    CdtOutcome out;
    ResultCode rc = apply_bit_op(bin ? &*bin : nullptr, p, modify, &out);
    INFO("payload " << hex(p));
    switch (rc) {
      case ResultCode::Ok:
        ++ok;
        CHECK((out.bin_changed == out.new_bin.has_value()));
        if (out.new_bin) CHECK(out.new_bin->particle == 4);
        CHECK((modify ? !out.result : !out.bin_changed));
        break;
      case ResultCode::Parameter: case ResultCode::IncompatibleType:
      case ResultCode::BinNotFound: case ResultCode::BinExists:
      case ResultCode::OpNotApplicable:
        CHECK((!out.bin_changed && !out.new_bin && !out.result));
        break;
      default:
        FAIL("unexpected result code " << int(rc));
    }
  }
  CHECK(ok > 1000);  // the mutations leave plenty of valid ops
}
