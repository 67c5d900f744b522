// The Arrow stream's framing and buffer layout (the format's IPC chapter); that Arrow's
// own reader accepts the result is tested in tests/compat/asexport.js.

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "arrowio/stream_writer.h"

using arrowio::BatchBuilder;
using arrowio::ColumnType;
using arrowio::Field;
using arrowio::StreamWriter;

namespace {

uint32_t u32_at(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}

}  // namespace

TEST_CASE("batch buffers: validity only with nulls, offsets for bytes, everything 8-byte aligned", "[arrowio]") {
  BatchBuilder batch({{"n", ColumnType::Int64, true}, {"s", ColumnType::Utf8, true}, {"f", ColumnType::Bool, true}});
  batch.append_int(0, 7);
  batch.append_bytes(1, "abc");
  batch.append_bool(2, true);
  REQUIRE(batch.end_row().ok());
  batch.append_int(0, -1);
  REQUIRE(batch.append_null(1).ok());
  batch.append_bool(2, false);
  REQUIRE(batch.end_row().ok());

  BatchBuilder::Encoded e = batch.encode();
  REQUIRE(e.nodes.size() == 3);
  CHECK(e.nodes[0] == std::pair<int64_t, int64_t>{2, 0});
  CHECK(e.nodes[1] == std::pair<int64_t, int64_t>{2, 1});
  // n: validity (empty: no nulls) + 16 bytes; s: validity + offsets (3 x int32) + data; f: validity + bits.
  REQUIRE(e.buffers.size() == 7);
  CHECK(e.buffers[0].second == 0);
  CHECK(e.buffers[1].second == 16);
  CHECK(e.buffers[2].second == 1);
  CHECK(e.buffers[3].second == 12);
  CHECK(e.buffers[4].second == 3);
  for (auto [offset, length] : e.buffers) CHECK(offset % 8 == 0);
  CHECK(e.body.size() % 8 == 0);
  CHECK(uint8_t(e.body[size_t(e.buffers[2].first)]) == 0b01);  // row 0 valid, row 1 null
  int32_t offsets[3];
  std::memcpy(offsets, e.body.data() + e.buffers[3].first, sizeof offsets);
  CHECK(offsets[0] == 0);
  CHECK(offsets[1] == 3);
  CHECK(offsets[2] == 3);
  CHECK(uint8_t(e.body[size_t(e.buffers[6].first)]) == 0b01);  // true, false
}

TEST_CASE("a row must give every column one value; a non-nullable column refuses null", "[arrowio]") {
  BatchBuilder batch({{"a", ColumnType::Int64, false}, {"b", ColumnType::Float64, true}});
  CHECK_FALSE(batch.append_null(0).ok());
  batch.append_int(0, 1);
  common::Status missing = batch.end_row();
  CHECK_FALSE(missing.ok());
  CHECK(missing.message() == "row 1 has no single value for column b");
}

TEST_CASE("stream framing: continuation, 8-byte aligned metadata, body, end marker", "[arrowio]") {
  std::string out;
  StreamWriter writer({{"x", ColumnType::Float64, true}}, [&](std::string_view bytes) {
    out.append(bytes);
    return common::Status{};
  });
  REQUIRE(writer.write_schema().ok());
  CHECK(u32_at(out, 0) == 0xFFFFFFFF);
  uint32_t schema_len = u32_at(out, 4);
  CHECK((8 + schema_len) % 8 == 0);
  CHECK(out.size() == 8 + schema_len);
  BatchBuilder batch(writer.schema());
  batch.append_double(0, 1.5);
  REQUIRE(batch.end_row().ok());
  REQUIRE(writer.write_batch(batch).ok());
  size_t at = out.size();
  REQUIRE(writer.finish().ok());
  CHECK(out.size() == at + 8);
  CHECK(u32_at(out, at) == 0xFFFFFFFF);
  CHECK(u32_at(out, at + 4) == 0);
  double value;
  std::memcpy(&value, out.data() + at - 8, 8);  // the last 8 body bytes: the one value
  CHECK(value == 1.5);
}

TEST_CASE("a failing sink fails the write", "[arrowio]") {
  StreamWriter writer({{"x", ColumnType::Int64, true}},
                      [](std::string_view) { return common::Status{common::ResultCode::ServerError, "disk full"}; });
  CHECK(writer.write_schema().message() == "disk full");
}

TEST_CASE("type names round-trip; fixed_size_binary carries its width", "[arrowio]") {
  for (ColumnType t : {ColumnType::Int64, ColumnType::Float64, ColumnType::Bool, ColumnType::Utf8, ColumnType::Binary}) {
    Field back;
    REQUIRE(arrowio::parse_type(arrowio::type_name(Field{"x", t}), &back));
    CHECK(back.type == t);
  }
  Field fixed;
  REQUIRE(arrowio::parse_type("fixed_size_binary[16]", &fixed));
  CHECK(fixed.type == ColumnType::FixedSizeBinary);
  CHECK(fixed.byte_width == 16);
  CHECK(arrowio::type_name(fixed) == "fixed_size_binary[16]");
  Field unused;
  for (const char* bad : {"int32", "fixed_size_binary[0]", "fixed_size_binary[-4]", "fixed_size_binary[]",
                          "fixed_size_binary[4x]", "fixed_size_binary[99999999999]", "fixed_size_binary[2000000]"}) {
    CAPTURE(bad);
    CHECK_FALSE(arrowio::parse_type(bad, &unused));
  }
}

TEST_CASE("fixed_size_binary: width bytes a row, shorter values zero-padded, nulls zeroed", "[arrowio]") {
  Field f{"v", ColumnType::FixedSizeBinary, true, 4};
  BatchBuilder batch({f});
  batch.append_bytes(0, "abcd");
  REQUIRE(batch.end_row().ok());
  batch.append_bytes(0, "xy");
  REQUIRE(batch.end_row().ok());
  REQUIRE(batch.append_null(0).ok());
  REQUIRE(batch.end_row().ok());
  BatchBuilder::Encoded e = batch.encode();
  REQUIRE(e.buffers.size() == 2);  // validity, values
  CHECK(e.nodes[0] == std::pair<int64_t, int64_t>{3, 1});
  CHECK(uint8_t(e.body[size_t(e.buffers[0].first)]) == 0b011);
  REQUIRE(e.buffers[1].second == 12);
  CHECK(e.body.substr(size_t(e.buffers[1].first), 12) == std::string("abcdxy\0\0\0\0\0\0", 12));
}
