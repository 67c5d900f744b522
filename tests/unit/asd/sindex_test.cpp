#include <catch2/catch.hpp>

#include "common/bytes.h"
#include "index/namespace.h"
#include "index/sindex.h"
#include "proto/msgpack.h"

using asd::Bin;
using asd::Record;
using asd::SecondaryIndex;
using asd::SindexDef;
using asd::SindexType;

namespace {

const common::Digest kNoDigest{};

Bin int_bin(std::string name, int64_t v) {
  Bin b;
  b.name = std::move(name);
  b.particle = 1;
  b.value.resize(8);
  common::store_be64(reinterpret_cast<uint8_t*>(b.value.data()), uint64_t(v));
  return b;
}

Bin str_bin(std::string name, std::string v) {
  Bin b;
  b.name = std::move(name);
  b.particle = 3;
  b.value = std::move(v);
  return b;
}

SindexDef def(std::string bin, SindexType type, std::string set = "") {
  SindexDef d;
  d.ns = "test";
  d.name = "idx";
  d.set = std::move(set);
  d.bin = std::move(bin);
  d.type = type;
  return d;
}

common::Digest digest(uint8_t b) {
  common::Digest d;
  d.bytes[0] = b;
  return d;
}

}  // namespace

TEST_CASE("index definitions round-trip through their metadata item", "[sindex]") {
  SindexDef d = def("age", SindexType::Numeric, "people");
  auto back = asd::decode_sindex_def(asd::sindex_metadata_key("test", "idx"), asd::encode_sindex_def(d));
  REQUIRE(back);
  CHECK(*back == d);
  CHECK(!asd::decode_sindex_def("no-bar", asd::encode_sindex_def(d)));
  CHECK(!asd::decode_sindex_def("test|idx", "set=;bin=;type=NUMERIC;"));
  CHECK(!asd::decode_sindex_def("test|idx", "set=;bin=a;type=GEO;"));
}

TEST_CASE("a record's keys: its value for integers, a hash for strings, none for others", "[sindex]") {
  using Keys = std::vector<int64_t>;
  SecondaryIndex numeric(def("n", SindexType::Numeric), 0);
  SecondaryIndex text(def("s", SindexType::String), 0);
  SecondaryIndex in_set(def("n", SindexType::Numeric, "people"), 3);
  Record r;
  r.bins = {int_bin("n", -42), str_bin("s", "abc")};
  CHECK(numeric.keys_of(r, kNoDigest) == Keys{-42});
  CHECK(text.keys_of(r, kNoDigest) == Keys{asd::sindex_hash("abc")});
  CHECK(text.holds_bytes(r, kNoDigest, "abc"));
  CHECK(!text.holds_bytes(r, kNoDigest, "abd"));
  CHECK(in_set.keys_of(r, kNoDigest).empty());  // another set
  r.set_id = 3;
  CHECK(in_set.keys_of(r, kNoDigest) == Keys{-42});
  Record wrong_type;
  wrong_type.bins = {str_bin("n", "not a number")};
  CHECK(numeric.keys_of(wrong_type, kNoDigest).empty());
  Record gone = r;
  gone.tombstone = true;
  gone.bins.clear();
  CHECK(numeric.keys_of(gone, kNoDigest).empty());
}

TEST_CASE("collection indexes key every distinct element of the right type", "[sindex]") {
  using Keys = std::vector<int64_t>;
  namespace mp = proto::msgpack;
  SindexDef d = def("l", SindexType::Numeric);
  d.collection = asd::SindexCollection::List;
  SecondaryIndex list(d, 0);
  SindexDef dk = def("m", SindexType::String);
  dk.collection = asd::SindexCollection::MapKeys;
  SecondaryIndex map_keys(dk, 0);
  SindexDef dv = def("m", SindexType::Numeric);
  dv.collection = asd::SindexCollection::MapValues;
  SecondaryIndex map_values(dv, 0);
  Record r;
  Bin l;
  l.name = "l";
  l.particle = 20;
  l.value = mp::encode(mp::Value::make_list({mp::Value::integer(7), mp::Value::string("x"), mp::Value::integer(3),
                                             mp::Value::integer(7)}));
  Bin m;
  m.name = "m";
  m.particle = 19;
  m.value = mp::encode(mp::Value::make_map({{mp::Value::string("a"), mp::Value::integer(1)},
                                            {mp::Value::string("b"), mp::Value::string("no")}}));
  r.bins = {l, m};
  CHECK(list.keys_of(r, kNoDigest) == Keys{3, 7});
  CHECK(map_keys.keys_of(r, kNoDigest).size() == 2);
  CHECK(map_keys.holds_bytes(r, kNoDigest, "b"));
  CHECK(!map_keys.holds_bytes(r, kNoDigest, "c"));
  CHECK(map_values.keys_of(r, kNoDigest) == Keys{1});
  // A plain integer bin is not a list.
  Record plain;
  plain.bins = {int_bin("l", 5)};
  CHECK(list.keys_of(plain, kNoDigest).empty());
  auto back = asd::decode_sindex_def("test|idx", asd::encode_sindex_def(dk));
  REQUIRE(back);
  CHECK(*back == dk);
}

TEST_CASE("updates move a digest between keys and count entries", "[sindex]") {
  SecondaryIndex index(def("n", SindexType::Numeric), 0);
  index.update(7, digest(1), {}, {10});
  index.update(7, digest(2), {}, {10});
  index.update(7, digest(1), {10}, {20});
  CHECK(index.entries_total() == 2);
  const auto& entries = index.entries(7);
  REQUIRE(entries.size() == 2);
  CHECK(entries.begin()->first == 10);
  CHECK(entries.rbegin()->first == 20);
  index.update(7, digest(2), {10}, {});
  CHECK(index.entries_total() == 1);
  // Several keys at once: only the difference changes.
  index.update(7, digest(3), {}, {1, 5, 9});
  index.update(7, digest(3), {1, 5, 9}, {5, 9, 12});
  CHECK(index.entries_total() == 4);
  CHECK(!index.readable());
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) index.mark_built(pid);
  index.mark_built(0);
  CHECK(index.built_partitions() == common::kPartitions);
  CHECK(index.readable());
}

TEST_CASE("a namespace keeps its indexes current through commit and erase, and builds new ones", "[sindex]") {
  conf::Namespace cfg;
  cfg.name = "test";
  cfg.memory_size = 1ull << 30;
  asd::Namespace ns(cfg);
  // Records present before the index is created are found by the build.
  for (uint8_t i = 1; i <= 20; ++i) {
    common::Digest d = digest(i);
    asd::Partition& part = ns.partition_of(d);
    std::lock_guard lock(part.mu);
    Record r;
    r.bins = {int_bin("n", i)};
    REQUIRE(ns.commit(part, d, nullptr, std::move(r), false, nullptr) == common::ResultCode::Ok);
  }
  auto index = std::make_shared<SecondaryIndex>(def("n", SindexType::Numeric), 0);
  REQUIRE(ns.add_sindex(index));
  CHECK(!ns.add_sindex(std::make_shared<SecondaryIndex>(def("n", SindexType::Numeric), 0)));
  for (int i = 0; i < 500 && !index->readable(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(index->readable());
  CHECK(index->entries_total() == 20);
  // An update replaces the key; an erase removes it.
  common::Digest d = digest(5);
  asd::Partition& part = ns.partition_of(d);
  {
    std::lock_guard lock(part.mu);
    auto it = part.records.find(d);
    REQUIRE(it != part.records.end());
    Record r = it->second;
    r.bins = {str_bin("n", "now a string")};
    REQUIRE(ns.commit(part, d, &it->second, std::move(r), false, nullptr) == common::ResultCode::Ok);
  }
  CHECK(index->entries_total() == 19);
  common::Digest six = digest(6);
  asd::Partition& six_part = ns.partition_of(six);
  {
    std::lock_guard lock(six_part.mu);
    ns.erase(six_part, six_part.records.find(six));
  }
  CHECK(index->entries_total() == 18);
  CHECK(ns.drop_sindex("idx"));
  CHECK(!ns.drop_sindex("idx"));
  CHECK(index->dropped());
  CHECK(ns.sindexes()->empty());
}

TEST_CASE("context indexes key the element their context addresses; the context travels in the definition",
          "[sindex]") {
  using Keys = std::vector<int64_t>;
  namespace mp = proto::msgpack;
  // [map key "stats", map key "score"]: 0x22 = map | key.
  std::string ctx = mp::encode(mp::Value::make_list({mp::Value::integer(0x22), mp::Value::string("stats"),
                                                    mp::Value::integer(0x22), mp::Value::string("score")}));
  SindexDef d = def("doc", SindexType::Numeric);
  d.context = ctx;
  SecondaryIndex index(d, 0);
  Bin doc;
  doc.name = "doc";
  doc.particle = 19;
  doc.value = mp::encode(mp::Value::make_map(
      {{mp::Value::string("stats"), mp::Value::make_map({{mp::Value::string("score"), mp::Value::integer(77)}})}}));
  Record r;
  r.bins = {doc};
  CHECK(index.keys_of(r, kNoDigest) == Keys{77});
  Record without;
  doc.value = mp::encode(mp::Value::make_map({{mp::Value::string("other"), mp::Value::integer(1)}}));
  without.bins = {doc};
  CHECK(index.keys_of(without, kNoDigest).empty());
  auto back = asd::decode_sindex_def(asd::sindex_metadata_key("test", "idx"), asd::encode_sindex_def(d));
  REQUIRE(back);
  CHECK(back->context == ctx);
  CHECK(!asd::decode_sindex_def("test|idx", "set=;bin=a;type=NUMERIC;itype=DEFAULT;ctx=kQE=;"));
}

TEST_CASE("expression indexes key the expression's value; its type is known before any record", "[sindex]") {
  using Keys = std::vector<int64_t>;
  namespace mp = proto::msgpack;
  // [add, [bin, int, "a"], [bin, int, "b"]]
  std::string program;
  mp::Writer w(&program);
  w.array_header(3);
  w.integer(20);
  for (std::string_view name : {"a", "b"}) {
    w.array_header(3);
    w.integer(81);
    w.integer(2);
    w.raw_str(name);
  }
  auto parsed = asd::exp::Expression::parse(program);
  REQUIRE(parsed);
  CHECK(parsed->result_type() == asd::exp::Type::Int);
  CHECK(asd::sindex_expression_type(SindexType::Numeric, asd::SindexCollection::Default) == asd::exp::Type::Int);
  CHECK(asd::sindex_expression_type(SindexType::String, asd::SindexCollection::MapKeys) == asd::exp::Type::Map);

  SindexDef d = def("", SindexType::Numeric);
  d.exp = program;
  SecondaryIndex index(d, 0);
  Record r;
  r.bins = {int_bin("a", 40), int_bin("b", 2)};
  CHECK(index.keys_of(r, kNoDigest) == Keys{42});
  Record one_missing;
  one_missing.bins = {int_bin("a", 40)};
  CHECK(index.keys_of(one_missing, kNoDigest).empty());  // unknown: not indexed
  Record strings;
  strings.bins = {str_bin("a", "x"), str_bin("b", "y")};
  CHECK(index.keys_of(strings, kNoDigest).empty());

  auto back = asd::decode_sindex_def(asd::sindex_metadata_key("test", "idx"), asd::encode_sindex_def(d));
  REQUIRE(back);
  CHECK(back->exp == program);
  CHECK(back->bin.empty());
  // Exactly one of a bin and an expression; the expression must parse.
  CHECK(!asd::decode_sindex_def("test|idx", "set=;bin=a;type=NUMERIC;itype=DEFAULT;exp=kxQ=;"));
  CHECK(!asd::decode_sindex_def("test|idx", "set=;bin=;type=NUMERIC;itype=DEFAULT;exp=kQ==;"));
}
