// Columnar reads against a real asd: batch_get_columns compared cell by cell with get(),
// and scan_columns over 50,000 records in bounded batches, with an early stop.

#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <vector>

#include "common/clock.h"
#include "support/asd_node.h"

using client::Key;
using client::Value;
using common::ResultCode;

namespace {

constexpr size_t kVecLen = 16;

std::string vec_blob(int i) {
  float v[kVecLen];
  for (size_t k = 0; k < kVecLen; ++k) v[k] = float(i) + float(k) * 0.25f;
  return std::string(reinterpret_cast<const char*>(v), sizeof v);
}

// int, double, string, a blob of 16 float32, and "opt", missing on every 7th record.
std::vector<client::Bin> record_bins(int i) {
  std::vector<client::Bin> bins = {{"i", Value(int64_t(i) * 1000003 - 5000000)},
                                   {"d", Value(i * 0.5 - 17.25)},
                                   {"s", Value("name-" + std::to_string(i))},
                                   {"vec", Value::blob(vec_blob(i))}};
  if (i % 7 != 0) bins.push_back({"opt", Value(int64_t(i % 1000))});
  return bins;
}

// Offsets of the layout below, with a padding gap (aligned dtype) after "opt".
constexpr size_t kI = 0, kD = 8, kS = 16, kVec = 28, kOpt = 92, kItemsize = 104;

client::ColumnLayout layout() {
  auto l = client::ColumnLayoutBuilder()
               .add_at("i", "i8", kI)
               .add_at("d", "f8", kD)
               .add_at("s", "S12", kS)
               .add_at("vec", "f4", kVec, kVecLen)
               .add_at("opt", "i2", kOpt)
               .itemsize(kItemsize)
               .build();
  REQUIRE(l.ok());
  return std::move(*l);
}

template <typename T>
T cell(const uint8_t* row, size_t offset) {
  T v;
  std::memcpy(&v, row + offset, sizeof v);
  return v;
}

// The row the layout must give for a record read with get().
void check_row(const uint8_t* row, const client::Record& rec) {
  CHECK(cell<int64_t>(row, kI) == *rec.bin("i")->as_int());
  CHECK(cell<double>(row, kD) == *rec.bin("d")->as_double());
  std::string s(*rec.bin("s")->as_string());
  s.resize(12, '\0');
  CHECK(std::string(reinterpret_cast<const char*>(row) + kS, 12) == s);
  CHECK(std::memcmp(row + kVec, rec.bin("vec")->as_blob()->data(), kVecLen * 4) == 0);
  const Value* opt = rec.bin("opt");
  CHECK(cell<int16_t>(row, kOpt) == (opt ? int16_t(*opt->as_int()) : 0));
  for (size_t b = kOpt + 2; b < kItemsize; ++b) CHECK(row[b] == 0);
}

}  // namespace

TEST_CASE("batch_get_columns matches get() cell by cell", "[batch]") {
  // One request per node carries all 10,100 keys, past the default limit of 5000 rows.
  support::AsdOptions options;
  options.service_extra = "batch-max-requests 20000\n";
  support::AsdNode node(options);
  auto c = node.connect();
  const int n = 10000;
  for (int i = 0; i < n; ++i) REQUIRE(c->put(Key("test", "col", i), record_bins(i)).ok());

  // Every 100th position asks for a key that was never written.
  std::vector<Key> keys;
  std::vector<int> ids;
  for (int i = 0; i < n; ++i) {
    if (i % 100 == 50) {
      keys.emplace_back("test", "col", n + i);
      ids.push_back(-1);
    }
    keys.emplace_back("test", "col", i);
    ids.push_back(i);
  }
  const client::ColumnLayout l = layout();
  std::vector<uint8_t> rows(keys.size() * kItemsize, 0xAA);
  std::vector<client::RowMeta> meta(keys.size());
  std::vector<int32_t> codes(keys.size(), -1);
  auto st = c->batch_get_columns(keys, l, {rows.data(), meta.data(), codes.data(), keys.size()});
  INFO(st.message());
  REQUIRE(st.ok());

  const uint32_t now = common::now_cl_sec();
  size_t found = 0;
  for (size_t r = 0; r < keys.size(); ++r) {
    const uint8_t* row = rows.data() + r * kItemsize;
    auto rec = c->get(keys[r]);
    if (ids[r] < 0) {
      CHECK(rec.code() == ResultCode::NotFound);
      CHECK(codes[r] == int32_t(ResultCode::NotFound));
      CHECK(meta[r].gen == 0);
      for (size_t b = 0; b < kItemsize; ++b) CHECK(row[b] == 0);
      continue;
    }
    REQUIRE(rec.ok());
    ++found;
    CHECK(codes[r] == 0);
    CHECK(meta[r].gen == rec->generation);
    const uint32_t ttl = rec->ttl(now);
    CHECK((meta[r].ttl == ttl || (ttl != 0xFFFFFFFF && meta[r].ttl + 2 >= ttl && meta[r].ttl <= ttl + 2)));
    check_row(row, *rec);
  }
  CHECK(found == size_t(n));
}

TEST_CASE("scan_columns delivers every record once in batches of at most 1000", "[scan]") {
  support::AsdNode node;
  auto c = node.connect();
  const int n = 50000;
  for (int i = 0; i < n; ++i) REQUIRE(c->put(Key("test", "col", i), record_bins(i)).ok());
  const client::ColumnLayout l = layout();

  std::vector<int> times_seen(n, 0);
  std::set<common::Digest> digests;
  size_t batches = 0, biggest = 0, rows_total = 0;
  REQUIRE(c->scan_columns("test", "col", l, 1000, [&](const client::ColumnBatch& b) {
             ++batches;
             biggest = std::max(biggest, b.count);
             rows_total += b.count;
             for (size_t r = 0; r < b.count; ++r) {
               const uint8_t* row = b.rows + r * kItemsize;
               // "i" is i * 1000003 - 5000000, so it names the record.
               const int64_t id = (cell<int64_t>(row, kI) + 5000000) / 1000003;
               REQUIRE(id >= 0);
               REQUIRE(id < n);
               ++times_seen[size_t(id)];
               digests.insert(b.digests[r]);
               CHECK(std::memcmp(row + kVec, vec_blob(int(id)).data(), kVecLen * 4) == 0);
               CHECK(cell<int16_t>(row, kOpt) == (id % 7 ? int16_t(id % 1000) : 0));
               CHECK(b.meta[r].gen == 1);
             }
             return true;
           }).ok());
  CHECK(rows_total == size_t(n));
  CHECK(digests.size() == size_t(n));
  CHECK(biggest <= 1000);
  CHECK(batches >= size_t(n) / 1000);
  CHECK(std::all_of(times_seen.begin(), times_seen.end(), [](int t) { return t == 1; }));

  // Stopping early stops the scan: no callback after the one that said stop.
  size_t calls = 0;
  REQUIRE(c->scan_columns("test", "col", l, 1000, [&](const client::ColumnBatch&) { return ++calls < 3; }).ok());
  CHECK(calls == 3);
  // The client is still usable after the abandoned stream.
  size_t again = 0;
  REQUIRE(c->scan_columns("test", "col", l, 5000, [&](const client::ColumnBatch& b) {
             again += b.count;
             return true;
           }).ok());
  CHECK(again == size_t(n));
}
