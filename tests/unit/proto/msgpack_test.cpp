// proto::msgpack: encodings, Reader bounds checks, Value round trips, CDT ordering, and
// hostile input (random bytes, every truncation) that must fail cleanly.

#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "common/bytes.h"
#include "proto/cdt_ops.h"
#include "proto/msgpack.h"

using namespace proto::msgpack;

namespace {

std::string hex(const std::string& s) { return common::to_hex(s); }

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t k = 0; k + 1 < h.size(); k += 2) {
    out.push_back(char(std::stoi(std::string(h.substr(k, 2)), nullptr, 16)));
  }
  return out;
}

template <typename F>
std::string written(F f) {
  std::string out;
  Writer w(&out);
  f(w);
  return out;
}

Value S(std::string_view s) { return Value::string(s); }
Value I(int64_t v) { return Value::integer(v); }

}  // namespace

TEST_CASE("writer picks the smallest integer form", "[msgpack]") {
  auto enc = [](int64_t v) { return hex(written([&](Writer& w) { w.integer(v); })); };
  CHECK(enc(0) == "00");
  CHECK(enc(127) == "7f");
  CHECK(enc(128) == "cc80");
  CHECK(enc(255) == "ccff");
  CHECK(enc(256) == "cd0100");
  CHECK(enc(65536) == "ce00010000");
  CHECK(enc(int64_t(1) << 32) == "cf0000000100000000");
  CHECK(enc(-1) == "ff");
  CHECK(enc(-32) == "e0");
  CHECK(enc(-33) == "d0df");
  CHECK(enc(-129) == "d1ff7f");
  CHECK(enc(-32769) == "d2ffff7fff");
  CHECK(enc(INT64_MIN) == "d38000000000000000");
  CHECK(hex(written([](Writer& w) { w.uinteger(UINT64_MAX); })) == "cfffffffffffffffff");
}

TEST_CASE("writer encodes Aerospike-typed strings and headers", "[msgpack]") {
  CHECK(hex(written([](Writer& w) { w.string("a"); })) == "a20361");
  CHECK(hex(written([](Writer& w) { w.blob("\x01", 4); })) == "a20401");
  CHECK(hex(written([](Writer& w) { w.geojson("{}"); })) == "a3177b7d");
  CHECK(hex(written([](Writer& w) { w.raw_str("ab"); })) == "a26162");
  CHECK(hex(written([](Writer& w) { w.string(std::string(31, 'x')); })).substr(0, 6) == "d92003");
  CHECK(hex(written([](Writer& w) { w.string(std::string(300, 'x')); })).substr(0, 8) ==
        "da012d03");
  CHECK(hex(written([](Writer& w) { w.nil(); w.boolean(false); w.boolean(true); })) ==
        "c0c2c3");
  CHECK(hex(written([](Writer& w) { w.float64(1.5); })) == "cb3ff8000000000000");
  CHECK(hex(written([](Writer& w) { w.array_header(15); w.array_header(16); })) ==
        "9fdc0010");
  CHECK(hex(written([](Writer& w) { w.map_header(15); w.map_header(70000); })) ==
        "8fdf00011170");
  CHECK(hex(written([](Writer& w) { w.ext(1, {}); })) == "c70001");
  CHECK(hex(written([](Writer& w) { w.wildcard(); w.infinity(); })) == "d4ff00d4ff01");
}

TEST_CASE("reader reads scalars and refuses wrong types", "[msgpack]") {
  std::string buf = unhex("cd0100d0dfcb3ff8000000000000a20361c3");
  Reader r(buf);
  int64_t i;
  uint64_t u;
  double d;
  std::string_view s;
  bool b;
  CHECK_FALSE(r.read_bool(&b));
  REQUIRE(r.read_uint(&u));
  CHECK(u == 256);
  CHECK_FALSE(r.read_uint(&u));  // negative
  REQUIRE(r.read_int(&i));
  CHECK(i == -33);
  REQUIRE(r.read_double(&d));
  CHECK(d == 1.5);
  REQUIRE(r.read_str(&s));
  CHECK(s == std::string_view("\x03" "a", 2));
  REQUIRE(r.read_bool(&b));
  CHECK(b);
  CHECK(r.at_end());
  CHECK(r.peek() == Type::Invalid);

  std::string big_bytes = unhex("cfffffffffffffffff");
  Reader big(big_bytes);
  CHECK_FALSE(big.read_int(&i));
  CHECK(big.read_uint(&u));
  CHECK(u == UINT64_MAX);
}

TEST_CASE("skip spans whole containers", "[msgpack]") {
  std::string buf = unhex("92a2036181a2036201c0");
  Reader r(buf);
  std::string_view span;
  REQUIRE(r.skip(&span));
  CHECK(hex(std::string(span)) == "92a2036181a2036201");
  REQUIRE(r.skip());
  CHECK(r.at_end());
  std::string huge_bytes = unhex("ddffffffff00");
  Reader huge(huge_bytes);
  CHECK_FALSE(huge.skip());
  CHECK(huge.offset() == 0);
}

TEST_CASE("values round-trip byte-exactly", "[msgpack]") {
  const char* samples[] = {
      "c0", "c3", "7f", "e0", "cf8000000000000000", "d38000000000000000",
      "cb400921fb54442d18", "a20361", "a3047f00", "a0", "a3177b7d",
      "93016162",                            // [1, 'a' raw bytes 0x61 0x62 as ints]
      "9301a2036192c0c3",                    // [1, "a", [nil, true]]
      "83c70001c0a2036101a2036202",          // key-ordered map {a:1, b:2}
      "82a2036202a2036101",                  // unordered map keeps insertion order
      "92c7000101",                          // ordered list [1]
      "84c70008c0a2036201a2036102a2036303",  // preserve-order map
      "d40700", "c7030a010203",              // plain exts
      "dc0010000102030405060708090a0b0c0d0e0f",
  };
  for (const char* h : samples) {
    INFO(h);
    std::string bytes = unhex(h);
    Value v;
    REQUIRE(decode(bytes, &v));
    CHECK(hex(encode(v)) == h);
  }
}

TEST_CASE("decode classifies values", "[msgpack]") {
  Value v;
  REQUIRE(decode(unhex("83c70001c0a2036101a2036202"), &v));
  CHECK(v.kind == Kind::Map);
  CHECK(v.subtype == kMapKeyOrdered);
  REQUIRE(v.map.size() == 2);
  CHECK(v.map[0].first.kind == Kind::String);
  CHECK(v.map[0].first.bytes == "a");
  REQUIRE(decode(unhex("a3047f00"), &v));
  CHECK(v.kind == Kind::Blob);
  CHECK(v.subtype == 4);
  CHECK(v.bytes == std::string("\x7f\x00", 2));
  REQUIRE(decode(unhex("d4ff00"), &v));
  CHECK(v.kind == Kind::Wildcard);
  REQUIRE(decode(unhex("d4ff01"), &v));
  CHECK(v.kind == Kind::Infinity);
  CHECK(v.has_nonstorage());
  REQUIRE(decode(unhex("ca3fc00000"), &v));  // float32 is read as a double
  CHECK(v.kind == Kind::Double);
  CHECK(v.d == 1.5);
  CHECK_FALSE(decode(unhex("c0c0"), &v));    // trailing bytes
  CHECK_FALSE(decode(unhex("c1"), &v));      // never-used byte
}

TEST_CASE("compare follows the server's CDT type order", "[msgpack]") {
  std::vector<Value> ascending = {
      Value::nil(), Value::make_bool(false), Value::make_bool(true), I(INT64_MIN), I(-1),
      I(0), I(INT64_MAX), Value::uinteger(UINT64_MAX), S(""), S("a"), S("ab"), S("b"),
      Value::make_list({}), Value::make_list({I(1)}), Value::make_list({I(1), I(2)}),
      Value::make_list({I(2)}), Value::make_map({}), Value::make_map({{I(9), I(9)}}),
      Value::make_map({{I(1), I(1)}, {I(2), I(2)}}), Value::blob(""), Value::blob("a"),
      Value::blob("a", 7), Value::real(-1.5), Value::real(2.5), Value::geojson("{}"),
      Value::ext(1, "x"), Value::infinity(),
  };
  for (size_t a = 0; a < ascending.size(); ++a) {
    for (size_t b = 0; b < ascending.size(); ++b) {
      INFO(a << " vs " << b);
      int c = compare(ascending[a], ascending[b]);
      CHECK((a < b ? c < 0 : a > b ? c > 0 : c == 0));
    }
  }
}

TEST_CASE("wildcard matches anything and ends list comparison", "[msgpack]") {
  Value wild = Value::wildcard();
  CHECK(compare(wild, I(5)) == 0);
  CHECK(compare(S("x"), wild) == 0);
  Value prefix = Value::make_list({I(1), wild});
  CHECK(compare(prefix, Value::make_list({I(1), I(7), I(9)})) == 0);
  CHECK(compare(prefix, Value::make_list({I(2)})) < 0);
  CHECK(compare(Value::make_list({I(1), wild, I(3)}), Value::make_list({I(1), I(2), I(5)})) ==
        0);
  CHECK(compare(Value::infinity(), Value::make_map({{I(1), I(1)}})) > 0);
}

TEST_CASE("decode rejects nesting beyond the depth limit", "[msgpack]") {
  std::string deep(kMaxDepth + 10, char(0x91));
  deep.push_back(char(0xc0));
  Value v;
  CHECK_FALSE(decode(deep, &v));
  Reader r(deep);
  CHECK(r.skip());  // skip is iterative and only checks structure
  std::string ok(50, char(0x91));
  ok.push_back(char(0xc0));
  CHECK(decode(ok, &v));
}

TEST_CASE("every truncation of a valid encoding fails cleanly", "[msgpack]") {
  Value sample = Value::make_list({
      I(-100000), Value::uinteger(UINT64_MAX), Value::real(3.25), S(std::string(40, 's')),
      Value::blob(std::string(300, 'b')),
      Value::make_map({{S("k"), Value::make_list({I(1), Value::nil()})}}, kMapKeyOrdered),
      Value::ext(9, "abc"), Value::make_bool(true)});
  std::string bytes = encode(sample);
  Value back;
  REQUIRE(decode(bytes, &back));
  CHECK(encode(back) == bytes);
  for (size_t len = 0; len < bytes.size(); ++len) {
    INFO("len " << len);
    std::string_view prefix(bytes.data(), len);
    Value v;
    CHECK_FALSE(decode(prefix, &v));
    Reader r(prefix);
    CHECK_FALSE(r.skip());
    CHECK(r.offset() == 0);
  }
}

TEST_CASE("random bytes never crash the decoder", "[msgpack]") {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  for (int round = 0; round < 20000; ++round) {
    std::string junk(size_t(length(rng)), '\0');
    for (char& c : junk) c = char(byte(rng));
    // Bias towards container headers so nesting paths get exercised.
    if (!junk.empty() && round % 3 == 0) junk[0] = char(0x90 | (junk[0] & 0x0f));
    Value v;
    if (decode(junk, &v)) {
      Value again;
      REQUIRE(decode(encode(v), &again));
      CHECK(compare(v, again) == 0);
    }
    Reader r(junk);
    std::string_view span;
    if (r.skip(&span)) CHECK(span.size() <= junk.size());
    int64_t i;
    double d;
    std::string_view s;
    uint32_t n;
    uint8_t type;
    Reader scalars(junk);
    (void)scalars.read_int(&i);
    (void)scalars.read_double(&d);
    (void)scalars.read_str(&s);
    (void)scalars.read_array_header(&n);
    (void)scalars.read_map_header(&n);
    (void)scalars.read_ext(&type, &s);
  }
}

TEST_CASE("cdt op encoders produce the C client's layouts", "[msgpack]") {
  namespace cdt = proto::cdt;
  CHECK(hex(cdt::list_append(I(1))) == "920101");
  cdt::ListPolicy ordered{1, 4};
  CHECK(hex(cdt::list_append(I(1), &ordered)) == "9401010104");
  CHECK(hex(cdt::list_get_range(-1, 2)) == "9312ff02");
  CHECK(hex(cdt::list_remove_by_value(S("a"), cdt::return_type::kCount)) == "932305a20361");
  CHECK(hex(cdt::map_put(S("k"), I(2))) == "9443a2036b0200");
  cdt::MapPolicy flags{1, cdt::map_write::kCreateOnly};
  CHECK(hex(cdt::map_put(S("k"), I(2), flags)) == "9543a2036b020101");
  CHECK(hex(cdt::map_size({cdt::ctx_map_key(S("a"))})) == "93ccff9222a203619160");
  CHECK(hex(cdt::list_size({cdt::ctx_list_index_create(0, 1, false)})) ==
        "93ccff92ccd0009110");
}
