// Exports of records: schema text, inference, the three formats' bytes, values that do not
// fit their column (fixed_size_binary width included), and the inference buffer of
// ScanExport. That Arrow's own reader accepts the streams is tested in
// tests/compat/asexport.js and tests/python/test_arrow.py.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "recexport/json_value.h"
#include "recexport/scan_export.h"
#include "recexport/schema.h"

using arrowio::ColumnType;
using recexport::Format;
using recexport::ScanExport;

namespace {

client::Record record(std::vector<client::Bin> bins, bool tombstone = false) {
  client::Record r;
  r.bins = std::move(bins);
  r.tombstone = tombstone;
  return r;
}

struct Collected {
  std::string bytes;
  recexport::ByteSink sink() {
    return [this](std::string_view b) {
      bytes.append(b);
      return common::Status{};
    };
  }
};

}  // namespace

TEST_CASE("schema text: every type, fixed_size_binary widths, clear errors", "[recexport]") {
  auto ok = recexport::parse_schema("a:int64,b:float64,c:bool,d:utf8,e:binary,v:fixed_size_binary[16]");
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 6);
  CHECK((*ok)[5].type == ColumnType::FixedSizeBinary);
  CHECK((*ok)[5].byte_width == 16);

  auto bad_type = recexport::parse_schema("a:int32");
  REQUIRE_FALSE(bad_type.ok());
  CHECK(bad_type.error().message.find("bad schema type 'int32' for a") == 0);
  auto bad_width = recexport::parse_schema("v:fixed_size_binary[0]");
  REQUIRE_FALSE(bad_width.ok());
  CHECK(bad_width.error().message.find("fixed_size_binary[N] (N 1..1048576)") != std::string::npos);
  CHECK(recexport::parse_schema("a").error().message == "bad schema item 'a': expected name:type");
  CHECK(recexport::parse_schema("a:int64,a:utf8").error().message == "the schema names column a twice");
}

TEST_CASE("inferred schema: first appearance order, particle types, the bin list's order", "[recexport]") {
  std::vector<client::Record> rs{record({{"i", client::Value(1)}, {"s", client::Value("x")}}),
                                 record({{"b", client::Value::blob("\x01")}, {"d", client::Value(0.5)}})};
  auto all = recexport::infer_schema(rs, {});
  REQUIRE(all.size() == 4);
  CHECK(all[0].name == "i");
  CHECK(all[1].type == ColumnType::Utf8);
  CHECK(all[2].type == ColumnType::Binary);
  CHECK(all[3].type == ColumnType::Float64);
  auto some = recexport::infer_schema(rs, {"d", "i", "missing"});
  REQUIRE(some.size() == 2);
  CHECK(some[0].name == "d");
  CHECK(some[1].name == "i");
}

TEST_CASE("csv: fixed_size_binary as hex, nulls empty; jsonl skips nulls", "[recexport]") {
  auto schema = recexport::parse_schema("k:int64,v:fixed_size_binary[4]");
  REQUIRE(schema.ok());
  Collected csv, jsonl;
  ScanExport c(Format::Csv, *schema, {}, 10, csv.sink(), "--schema");
  ScanExport j(Format::Jsonl, *schema, {}, 10, jsonl.sink(), "--schema");
  for (ScanExport* ex : {&c, &j}) {
    REQUIRE(ex->add(record({{"k", client::Value(1)}, {"v", client::Value::blob("\xab\x01")}})).ok());
    REQUIRE(ex->add(record({{"k", client::Value(2)}})).ok());
    REQUIRE(ex->add(record({}, true)).ok());  // a tombstone: no row
    REQUIRE(ex->finish().ok());
    CHECK(ex->rows() == 2);
  }
  CHECK(csv.bytes == "\"k\",\"v\"\r\n1,ab01\r\n2,\r\n");
  CHECK(jsonl.bytes == "{\"k\":1,\"v\":\"AB 01\"}\n{\"k\":2}\n");
}

TEST_CASE("a value longer than its fixed_size_binary column stops the export with the hint", "[recexport]") {
  auto schema = recexport::parse_schema("v:fixed_size_binary[2]");
  REQUIRE(schema.ok());
  Collected out;
  ScanExport ex(Format::Arrow, *schema, {}, 1, out.sink(), "schema=");
  REQUIRE(ex.add(record({{"v", client::Value::blob("ab")}})).ok());
  common::Status s = ex.add(record({{"v", client::Value::blob("abc")}}));
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == common::ResultCode::Parameter);
  CHECK(s.message().find("a blob of 3 bytes does not fit column v (fixed_size_binary[2]); give the column types "
                         "with schema=") != std::string::npos);
  CHECK(ex.finish().message() == s.message());  // the failure sticks
}

TEST_CASE("inferred columns: records wait for the first batch; a later misfit names the inference", "[recexport]") {
  Collected out;
  ScanExport ex(Format::Arrow, {}, {}, 2, out.sink(), "--schema");
  CHECK(ex.requested_bins().empty());
  REQUIRE(ex.add(record({{"n", client::Value(1)}})).ok());
  CHECK(out.bytes.empty());  // waiting for batch_rows records
  CHECK(ex.schema().empty());
  REQUIRE(ex.add(record({{"n", client::Value(2)}})).ok());
  CHECK(out.bytes.size() > 16);  // the schema message and the first record batch
  REQUIRE(ex.schema().size() == 1);
  CHECK(ex.schema()[0].type == ColumnType::Int64);
  common::Status s = ex.add(record({{"n", client::Value("three")}}));
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("a string does not fit column n (int64) (columns inferred from the first records); give "
                         "the column types with --schema") != std::string::npos);
}

TEST_CASE("a given schema selects the bins the scan asks for; bins outside it are counted", "[recexport]") {
  auto schema = recexport::parse_schema("a:int64");
  REQUIRE(schema.ok());
  Collected out;
  ScanExport ex(Format::Jsonl, *schema, {}, 5, out.sink(), "--schema");
  CHECK(ex.requested_bins() == std::vector<std::string>{"a"});
  REQUIRE(ex.add(record({{"a", client::Value(1)}, {"z", client::Value(2)}})).ok());
  REQUIRE(ex.finish().ok());
  CHECK(ex.dropped() == 1);
  ScanExport limited(Format::Jsonl, {}, {"x", "y"}, 5, out.sink(), "--schema");
  CHECK(limited.requested_bins() == std::vector<std::string>{"x", "y"});
}

TEST_CASE("JSON text of values", "[recexport]") {
  CHECK(recexport::json_quote("a\"\n\x01") == "\"a\\\"\\n\\u0001\"");
  CHECK(recexport::json_text(client::Value(0.25)) == "0.25");
  CHECK(recexport::json_text(client::Value::blob("\x0a\xff")) == "\"0A FF\"");
  CHECK(recexport::hex_bytes("") == "");
}
