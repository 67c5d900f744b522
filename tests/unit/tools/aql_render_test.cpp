// aql's output: value texts, tables, JSON, row-count lines, info answers as tables and
// error lines, all byte for byte.

#include <catch2/catch.hpp>

#include <string>

#include "error_text.h"
#include "info_table.h"
#include "json_literal.h"
#include "proto/msgpack.h"
#include "result_set.h"
#include "value_text.h"

using namespace aql;

namespace {

client::Value from_json(const std::string& text) {
  auto tree = parse_json(text);
  REQUIRE(tree.ok());
  std::string bytes = proto::msgpack::encode(*tree);
  return tree->kind == proto::msgpack::Kind::Map ? client::Value::map_msgpack(bytes) : client::Value::list_msgpack(bytes);
}

client::Record record(std::vector<client::Bin> bins, std::optional<client::Value> key = std::nullopt) {
  client::Record r;
  r.bins = std::move(bins);
  r.user_key = std::move(key);
  return r;
}

}  // namespace

TEST_CASE("value texts in tables and in JSON", "[aql]") {
  CHECK(table_text(client::Value(42)) == "42");
  CHECK(table_text(client::Value(2.5)) == "2.5");
  CHECK(table_text(client::Value("a \"b\"")) == "\"a \"b\"\"");
  CHECK(json_text(client::Value("a \"b\"")) == "\"a \\\"b\\\"\"");
  CHECK(table_text(client::Value::nil()).empty());
  CHECK(json_text(client::Value::nil()) == "null");
  CHECK(table_text(client::Value::boolean(true)) == "true");
  CHECK(table_text(client::Value::blob("\x01\xab")) == "01 AB");
  CHECK(table_text(from_json("[1, \"two\", 3.5, [4]]")) == "LIST('[1, \"two\", 3.5, [4]]')");
  CHECK(table_text(from_json("{\"a\":1,\"b\":{\"c\":null}}")) == "MAP('{\"a\":1, \"b\":{\"c\":null}}')");
  CHECK(json_text(from_json("{\"a\":[true,false]}")) == "{\"a\":[true, false]}");
  CHECK(table_text(client::Value::geojson("{\"type\":\"Point\",\"coordinates\":[1,2]}")) ==
        "GeoJSON('{\"type\":\"Point\",\"coordinates\":[1,2]}')");

  // JSON keys must be strings; the table shows integer keys as they are.
  proto::msgpack::Value map = proto::msgpack::Value::make_map({{proto::msgpack::Value::integer(1), proto::msgpack::Value::string("x")}});
  client::Value int_keys = client::Value::map_msgpack(proto::msgpack::encode(map));
  CHECK(table_text(int_keys) == "MAP('{1:\"x\"}')");
  CHECK(json_text(int_keys) == "{\"1\":\"x\"}");
}

TEST_CASE("result set: PK first, columns in order of appearance, gaps empty", "[aql]") {
  ResultSet set;
  set.add_record(record({{"name", client::Value("Bob White")}, {"age", client::Value(22)}}, client::Value("u1")), true);
  set.add_record(record({{"age", client::Value(28)}, {"gender", client::Value("F")}}, client::Value(7)), true);
  CHECK(render_table(set) ==
        "+------+-------------+-----+--------+\n"
        "| PK   | name        | age | gender |\n"
        "+------+-------------+-----+--------+\n"
        "| \"u1\" | \"Bob White\" | 22  |        |\n"
        "| 7    |             | 28  | \"F\"    |\n"
        "+------+-------------+-----+--------+\n");
  CHECK(render_json(set) ==
        "[\n"
        "  {\n"
        "    \"PK\": \"u1\",\n"
        "    \"name\": \"Bob White\",\n"
        "    \"age\": 22\n"
        "  },\n"
        "  {\n"
        "    \"PK\": 7,\n"
        "    \"age\": 28,\n"
        "    \"gender\": \"F\"\n"
        "  }\n"
        "]\n");

  ResultSet projected;
  projected.columns = {"age", "missing"};
  projected.add_projected(record({{"name", client::Value("x")}, {"age", client::Value(3)}}));
  CHECK(render_table(projected) ==
        "+-----+---------+\n"
        "| age | missing |\n"
        "+-----+---------+\n"
        "| 3   |         |\n"
        "+-----+---------+\n");

  ResultSet empty;
  empty.columns = {"a"};
  CHECK(render_table(empty).empty());
  CHECK(render_json(empty) == "[]\n");
}

TEST_CASE("row-count lines", "[aql]") {
  CHECK(rows_line(1, 0.0012) == "1 row in set (0.001 secs)");
  CHECK(rows_line(0, 0) == "0 rows in set (0.000 secs)");
  CHECK(rows_line(3, 1.5, "127.0.0.1:3000") == "[127.0.0.1:3000] 3 rows in set (1.500 secs)");
}

TEST_CASE("info answers as tables", "[aql]") {
  ResultSet sets = info_items("ns=test:set=demo:objects=2:truncate_lut=0;ns=test:set=people:objects=10:extra=x;", ':');
  CHECK(sets.columns == std::vector<std::string>{"ns", "set", "objects", "truncate_lut", "extra"});
  CHECK(render_table(sets) ==
        "+--------+----------+---------+--------------+-------+\n"
        "| ns     | set      | objects | truncate_lut | extra |\n"
        "+--------+----------+---------+--------------+-------+\n"
        "| \"test\" | \"demo\"   | 2       | 0            |       |\n"
        "| \"test\" | \"people\" | 10      |              | \"x\"   |\n"
        "+--------+----------+---------+--------------+-------+\n");
  ResultSet modules = info_items("filename=sum.lua,hash=abc,type=LUA;", ',');
  CHECK(modules.columns == std::vector<std::string>{"filename", "hash", "type"});
  CHECK(modules.rows.size() == 1);
  CHECK(info_items("", ':').rows.empty());
  ResultSet ns = info_list("test;bar", "namespaces");
  CHECK(render_table(ns) ==
        "+------------+\n"
        "| namespaces |\n"
        "+------------+\n"
        "| \"test\"     |\n"
        "| \"bar\"      |\n"
        "+------------+\n");
}

TEST_CASE("bin names from a real server's bins answer", "[aql]") {
  ResultSet bins = info_bin_names("test:bin_names=2,bin_names_quota=65535,age,name;bar:bin_names=0,bin_names_quota=65535;");
  CHECK(render_table(bins) ==
        "+-----------+--------+\n"
        "| namespace | bin    |\n"
        "+-----------+--------+\n"
        "| \"test\"    | \"age\"  |\n"
        "| \"test\"    | \"name\" |\n"
        "+-----------+--------+\n");
}

TEST_CASE("info errors and error lines", "[aql]") {
  CHECK(!info_failure("ok"));
  CHECK(error_line(*info_failure("ERROR:200:'i' already exists with different definition")) ==
        "Error: (200) 'i' already exists with different definition");
  CHECK(error_line(*info_failure("ERROR:4:invalid namespace")) == "Error: (4) invalid namespace");
  CHECK(error_line(*info_failure("ERROR:201")) == "Error: (201) AEROSPIKE_ERR_INDEX_NOT_FOUND");
  CHECK(error_line(*info_failure("error=invalid_filename")) == "Error: (100) invalid_filename");
  // "oops" in base64.
  CHECK(error_line(*info_failure("error=compile_error;file=bad.lua;line=3;message=b29wcw==")) ==
        "Error: (100) bad.lua:3: oops");

  CHECK(error_line(client_failure({common::ResultCode::NotFound, "record not found"})) ==
        "Error: (2) AEROSPIKE_ERR_RECORD_NOT_FOUND");
  CHECK(error_line(client_failure({common::ResultCode::Namespace, "client: namespace 'x' not in any node's replicas"})) ==
        "Error: (20) AEROSPIKE_ERR_NAMESPACE_NOT_FOUND");
  CHECK(error_line(client_failure({common::ResultCode::Unavailable, "client: no seed answered: 127.0.0.1:1"})) ==
        "Error: (11) AEROSPIKE_ERR_CLUSTER: no seed answered: 127.0.0.1:1");
  CHECK(error_line(client_failure({common::ResultCode::UdfExecution, "sum.lua:2: boom"})) == "Error: (100) sum.lua:2: boom");
  CHECK(error_line(local_failure("Invalid command: 'x'")) == "Error: Invalid command: 'x'");
}
