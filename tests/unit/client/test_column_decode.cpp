// Particle -> cell decoding (column_decode.h): every kind and size, the casts aerospike-py's
// NumPy batch read applies, S/V/sub-array copies, missing bins and rows, padding, and the
// batch answer body decoded into rows, meta and result codes.

#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <vector>

#include "client/column_decode.h"
#include "client/value.h"
#include "proto/message.h"

using client::ColumnLayout;
using client::ColumnLayoutBuilder;
using client::RowMeta;
using client::Value;
using common::ResultCode;

namespace {

ColumnLayout build(const ColumnLayoutBuilder& builder) {
  auto layout = builder.build();
  REQUIRE(layout.ok());
  return std::move(*layout);
}

template <typename T>
T cell(const std::vector<uint8_t>& row, size_t offset) {
  T v;
  std::memcpy(&v, row.data() + offset, sizeof v);
  return v;
}

// Decodes one value into a single-field layout; returns the row (the cell at offset 0).
std::vector<uint8_t> one(std::string_view type, const Value& v, int64_t count = 1, ResultCode expect = ResultCode::Ok) {
  ColumnLayout layout = build(ColumnLayoutBuilder().add("b", type, count));
  std::vector<uint8_t> row(layout.itemsize(), 0);
  auto st = client::decode_cell(layout.fields()[0], v.particle(), v.bytes(), row.data());
  CHECK(st.code() == expect);
  return row;
}

// A record message (batch row or scan record) carrying `bins`.
std::string record_message(const std::vector<client::Bin>& bins, uint8_t result = 0, uint32_t index = 0,
                           uint32_t generation = 3, uint32_t void_time = 0) {
  std::string out;
  proto::MsgHeader h;
  h.result_code = result;
  h.generation = generation;
  h.record_ttl = void_time;
  h.transaction_ttl = index;
  h.n_ops = uint16_t(bins.size());
  proto::append_msg_header(out, h);
  for (const auto& b : bins) proto::append_op(out, proto::OpType::Read, b.value.particle(), b.name, b.value.bytes());
  return out;
}

std::string last_message() {
  std::string out;
  proto::MsgHeader h;
  h.info3 = proto::info3::kLast;
  proto::append_msg_header(out, h);
  return out;
}

std::string floats_blob(const std::vector<float>& values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace

TEST_CASE("integers into every integer size truncate like a C cast", "[client][columns]") {
  CHECK(cell<int8_t>(one("i1", Value(int64_t(300))), 0) == 44);  // 300 mod 256
  CHECK(cell<int8_t>(one("i1", Value(int64_t(-129))), 0) == 127);
  CHECK(cell<int8_t>(one("i1", Value(int64_t(-5))), 0) == -5);
  CHECK(cell<int16_t>(one("i2", Value(int64_t(70000))), 0) == int16_t(70000 - 65536));
  CHECK(cell<int32_t>(one("i4", Value(int64_t(1) << 33 | 7)), 0) == 7);
  CHECK(cell<int64_t>(one("i8", Value(std::numeric_limits<int64_t>::min())), 0) == std::numeric_limits<int64_t>::min());
  CHECK(cell<uint8_t>(one("u1", Value(int64_t(511))), 0) == 255);
  CHECK(cell<uint16_t>(one("u2", Value(int64_t(65537))), 0) == 1);
  CHECK(cell<uint32_t>(one("u4", Value(int64_t(4000000000))), 0) == 4000000000u);
  CHECK(cell<uint64_t>(one("u8", Value(std::numeric_limits<int64_t>::max())), 0) == uint64_t(INT64_MAX));
  // aerospike-py refuses a negative integer into an unsigned field.
  CHECK(cell<uint32_t>(one("u4", Value(int64_t(-1)), 1, ResultCode::IncompatibleType), 0) == 0);
}

TEST_CASE("integers into floats, doubles into every kind", "[client][columns]") {
  CHECK(cell<float>(one("f4", Value(int64_t(16777217))), 0) == 16777216.0f);  // nearest float
  CHECK(cell<double>(one("f8", Value(int64_t(-42))), 0) == -42.0);
  CHECK(cell<double>(one("f8", Value(2.5)), 0) == 2.5);
  CHECK(cell<float>(one("f4", Value(0.1)), 0) == 0.1f);
  CHECK(cell<float>(one("f4", Value(1e300)), 0) == std::numeric_limits<float>::infinity());
  CHECK(cell<int64_t>(one("i8", Value(-2.9)), 0) == -2);  // toward zero
  CHECK(cell<int64_t>(one("i8", Value(2.9)), 0) == 2);
  CHECK(cell<int8_t>(one("i1", Value(300.7)), 0) == 44);   // 300, then the i1 cast
  CHECK(cell<uint16_t>(one("u2", Value(65536.5 + 3)), 0) == 3);
  CHECK(cell<uint64_t>(one("u8", Value(1e19)), 0) == 10000000000000000000ull);
  one("i8", Value(std::numeric_limits<double>::quiet_NaN()), 1, ResultCode::IncompatibleType);
  one("i4", Value(std::numeric_limits<double>::infinity()), 1, ResultCode::IncompatibleType);
  one("i8", Value(1e19), 1, ResultCode::IncompatibleType);
  one("u4", Value(-0.5), 1, ResultCode::IncompatibleType);
  one("u8", Value(2e19), 1, ResultCode::IncompatibleType);
}

TEST_CASE("bools count as 1 and 0; nil leaves zero", "[client][columns]") {
  CHECK(cell<int32_t>(one("i4", Value::boolean(true)), 0) == 1);
  CHECK(cell<uint8_t>(one("u1", Value::boolean(false)), 0) == 0);
  CHECK(cell<double>(one("f8", Value::boolean(true)), 0) == 1.0);
  CHECK(cell<int64_t>(one("i8", Value::nil()), 0) == 0);
  one("S4", Value::boolean(true), 1, ResultCode::IncompatibleType);
}

TEST_CASE("strings and blobs fill S and V truncated and zero-padded", "[client][columns]") {
  auto s = one("S8", Value("abc"));
  CHECK(std::string(s.begin(), s.end()) == std::string("abc\0\0\0\0\0", 8));
  s = one("S3", Value("abcdef"));
  CHECK(std::string(s.begin(), s.end()) == "abc");
  auto v = one("V4", Value::blob(std::string("\x01\x02", 2)));
  CHECK(v == std::vector<uint8_t>{1, 2, 0, 0});
  v = one("V2", Value::blob("\x01\x02\x03"));
  CHECK(v == std::vector<uint8_t>{1, 2});
  v = one("S4", Value::raw(proto::ParticleType::PythonBlob, "xy"));  // any blob flavour
  CHECK(v == std::vector<uint8_t>{'x', 'y', 0, 0});
  one("S8", Value(int64_t(1)), 1, ResultCode::IncompatibleType);
  one("V8", Value(1.5), 1, ResultCode::IncompatibleType);
}

TEST_CASE("a blob fills a numeric sub-array with its raw bytes", "[client][columns]") {
  auto row = one("f4", Value::blob(floats_blob({1.5f, -2.0f, 3.25f, 4.0f})), 4);
  CHECK(cell<float>(row, 0) == 1.5f);
  CHECK(cell<float>(row, 12) == 4.0f);
  row = one("f4", Value::blob(floats_blob({1.5f, -2.0f})), 4);  // shorter: zero-padded
  CHECK(cell<float>(row, 4) == -2.0f);
  CHECK(cell<float>(row, 8) == 0.0f);
  CHECK(cell<float>(row, 12) == 0.0f);
  row = one("f4", Value::blob(floats_blob({1, 2, 3, 4, 5, 6})), 4);  // longer: truncated
  CHECK(row.size() == 16);
  CHECK(cell<float>(row, 12) == 4.0f);
  row = one("i2", Value::blob(std::string("\x01\x00\x02", 3)), 2);  // a partial element stays partial
  CHECK(cell<int16_t>(row, 0) == 1);
  CHECK(cell<int16_t>(row, 2) == 2);
  // A scalar particle fills element 0 of a sub-array.
  row = one("i8", Value(int64_t(9)), 3);
  CHECK(cell<int64_t>(row, 0) == 9);
  CHECK(cell<int64_t>(row, 8) == 0);
  // A blob or string cannot be a scalar number.
  one("f8", Value::blob(floats_blob({1, 2})), 1, ResultCode::IncompatibleType);
  one("i4", Value("12"), 1, ResultCode::IncompatibleType);
  one("f4", Value("abcd"), 4, ResultCode::IncompatibleType);
}

TEST_CASE("lists, maps and GeoJSON are refused by field name", "[client][columns]") {
  ColumnLayout layout = build(ColumnLayoutBuilder().add("tags", "V16"));
  std::vector<uint8_t> row(16);
  Value list = Value::list_msgpack("\x91\x01");
  auto st = client::decode_cell(layout.fields()[0], list.particle(), list.bytes(), row.data());
  CHECK(st.code() == ResultCode::IncompatibleType);
  CHECK(st.message() == "column 'tags' (kind 'V'): unsupported particle type 20");
}

TEST_CASE("a row: padding zeroed, missing bins zero, other bins ignored", "[client][columns]") {
  // Aligned like np.dtype([("a","i1"),("b","f8"),("s","S3")], align=True): gaps at 1..7 and 19..23.
  ColumnLayout layout = build(ColumnLayoutBuilder().add_at("a", "i1", 0).add_at("b", "f8", 8).add_at("s", "S3", 16).itemsize(24));
  std::string body = record_message({{"s", Value("xyz")}, {"other", Value(int64_t(5))}, {"a", Value(int64_t(-3))}});
  proto::Message msg;
  REQUIRE(proto::parse_message(body, &msg).ok());
  std::vector<uint8_t> row(24, 0xAA);  // stale bytes from an earlier use
  REQUIRE(client::decode_row(layout, msg, row.data()).ok());
  CHECK(cell<int8_t>(row, 0) == -3);
  for (size_t i = 1; i < 8; ++i) CHECK(row[i] == 0);
  CHECK(cell<double>(row, 8) == 0.0);  // bin "b" absent
  CHECK(std::string(row.begin() + 16, row.begin() + 19) == "xyz");
  for (size_t i = 19; i < 24; ++i) CHECK(row[i] == 0);

  // Every cell is tried; the first error is reported.
  body = record_message({{"b", Value("no")}, {"a", Value(int64_t(1))}});
  REQUIRE(proto::parse_message(body, &msg).ok());
  auto st = client::decode_row(layout, msg, row.data());
  CHECK(st.code() == ResultCode::IncompatibleType);
  CHECK(st.message() == "column 'b' (kind 'f'): string bin");
  CHECK(cell<int8_t>(row, 0) == 1);
}

TEST_CASE("a batch answer body fills rows, meta and result codes by index", "[client][columns]") {
  ColumnLayout layout = build(ColumnLayoutBuilder().add("i", "i8").add("d", "f4"));
  const uint32_t now = 1000;
  std::string body = record_message({{"i", Value(int64_t(7))}, {"d", Value(0.5)}}, 0, 2, 4, 1500) +
                     record_message({}, uint8_t(ResultCode::NotFound), 0) +
                     record_message({{"i", Value(int64_t(8))}}, 0, 1, 1, 0);
  std::vector<uint8_t> rows(3 * layout.itemsize(), 0xAA);
  std::vector<RowMeta> meta(3, RowMeta{9, 9});
  std::vector<int32_t> codes(3, -1);
  client::ColumnBuffer out{rows.data(), meta.data(), codes.data(), 3};
  common::Status cell_error;
  auto last = client::decode_batch_columns(body, layout, out, now, cell_error);
  REQUIRE(last.ok());
  CHECK_FALSE(*last);
  CHECK(cell_error.ok());
  CHECK(codes == std::vector<int32_t>{2, 0, 0});
  CHECK(meta[0].gen == 0);
  CHECK(meta[0].ttl == 0);
  for (size_t i = 0; i < layout.itemsize(); ++i) CHECK(rows[i] == 0);  // not found: zeros
  CHECK(meta[1].gen == 1);
  CHECK(meta[1].ttl == 0xFFFFFFFF);  // never expires
  CHECK(cell<int64_t>(rows, 12) == 8);
  CHECK(cell<float>(rows, 20) == 0.0f);  // missing bin
  CHECK(meta[2].gen == 4);
  CHECK(meta[2].ttl == 500);
  CHECK(cell<int64_t>(rows, 24) == 7);
  CHECK(cell<float>(rows, 32) == 0.5f);

  // A cell error does not stop the stream; LAST is still seen.
  body = record_message({{"i", Value("text")}}, 0, 0) + last_message();
  auto done = client::decode_batch_columns(body, layout, out, now, cell_error);
  REQUIRE(done.ok());
  CHECK(*done);
  CHECK(cell_error.code() == ResultCode::IncompatibleType);

  // Out-of-range indexes are the server's fault, as for batch_get.
  common::Status ignored;
  auto bad = client::decode_batch_columns(record_message({}, 0, 3), layout, out, now, ignored);
  CHECK(bad.code() == ResultCode::ServerError);
}
