// aql's lexer and statement parser: every statement form, values and literals, and the
// exact error messages for bad input.

#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "lexer.h"
#include "proto/msgpack.h"
#include "statement.h"

using namespace aql;

namespace {

template <typename T>
T parse_as(const std::string& text) {
  auto parsed = parse_statement(text);
  INFO(text << " -> " << (parsed ? std::string("ok") : parsed.error().message));
  REQUIRE(parsed.ok());
  REQUIRE(std::holds_alternative<T>(*parsed));
  return std::get<T>(*parsed);
}

std::string error_of(const std::string& text) {
  auto parsed = parse_statement(text);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error().message;
}

}  // namespace

TEST_CASE("lexer: words, numbers, strings, punctuation and columns", "[aql]") {
  auto tokens = tokenize("select a-1, -5, 2.5e3 FROM \"x'y\" 'it\\'s' (*)");
  REQUIRE(tokens.ok());
  std::vector<std::pair<TokenKind, std::string>> got;
  for (const auto& t : *tokens) got.emplace_back(t.kind, t.text);
  std::vector<std::pair<TokenKind, std::string>> want = {
      {TokenKind::Word, "select"}, {TokenKind::Word, "a-1"},   {TokenKind::Punct, ","},
      {TokenKind::Integer, "-5"},  {TokenKind::Punct, ","},    {TokenKind::Float, "2.5e3"},
      {TokenKind::Word, "FROM"},   {TokenKind::String, "x'y"}, {TokenKind::String, "it's"},
      {TokenKind::Punct, "("},     {TokenKind::Punct, "*"},    {TokenKind::Punct, ")"},
      {TokenKind::End, ""}};
  CHECK(got == want);
  CHECK((*tokens)[1].column == 8);

  auto bad = tokenize("select 'abc");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "Unterminated string starting at column 8");
  CHECK(tokenize("select @").error().message == "Unexpected character '@' at column 8");
}

TEST_CASE("split_statements: semicolons outside quotes, blanks dropped", "[aql]") {
  CHECK(split_statements(" show sets ;; select * from test where PK = 'a;b' ;") ==
        std::vector<std::string>{"show sets", "select * from test where PK = 'a;b'"});
  CHECK(split_statements("   ").empty());
}

TEST_CASE("INSERT: PK anywhere, typed values, JSON literals", "[aql]") {
  auto s = parse_as<Insert>(
      "insert into test.demo (a, PK, b, c, l, m, g) VALUES (1, 'k1', \"two\", -2.5, LIST('[1, \"x\", [2]]'), "
      "MAP('{\"k\": {\"n\": null}}'), GeoJSON('{\"type\":\"Point\",\"coordinates\":[1,2]}'))");
  CHECK(s.target.ns == "test");
  CHECK(s.target.set == "demo");
  CHECK(s.key.as_string() == "k1");
  REQUIRE(s.bins.size() == 6);
  CHECK(s.bins[0].name == "a");
  CHECK(s.bins[0].value.as_int() == 1);
  CHECK(s.bins[1].value.as_string() == "two");
  CHECK(s.bins[2].value.as_double() == -2.5);
  CHECK(s.bins[3].value.type() == proto::ParticleType::List);
  proto::msgpack::Value list;
  REQUIRE(proto::msgpack::decode(*s.bins[3].value.as_msgpack(), &list));
  REQUIRE(list.list.size() == 3);
  CHECK(list.list[1].bytes == "x");
  CHECK(s.bins[4].value.type() == proto::ParticleType::Map);
  CHECK(s.bins[5].value.as_geojson() == "{\"type\":\"Point\",\"coordinates\":[1,2]}");

  auto plain = parse_as<Insert>("INSERT INTO bar (PK, n) VALUES (7, JSON('12'))");
  CHECK(plain.target.set.empty());
  CHECK(plain.key.as_int() == 7);
  CHECK(plain.bins[0].value.as_int() == 12);
}

TEST_CASE("SELECT: star, projections, PK, equality, BETWEEN, IN, geo", "[aql]") {
  auto all = parse_as<Select>("SELECT * FROM test");
  CHECK(all.bins.empty());
  CHECK(all.target.ns == "test");
  CHECK(!all.pk);
  CHECK(!all.where);

  auto pk = parse_as<Select>("select a, b from test.demo where pk = 'k1'");
  CHECK(pk.bins == std::vector<std::string>{"a", "b"});
  REQUIRE(pk.pk);
  CHECK(pk.pk->as_string() == "k1");

  auto eq = parse_as<Select>("SELECT * FROM test.demo WHERE name = \"bob\"");
  REQUIRE(eq.where);
  CHECK(eq.where->kind == Predicate::Kind::Equals);
  CHECK(eq.where->bin == "name");
  CHECK(eq.where->value.as_string() == "bob");

  auto range = parse_as<Select>("SELECT * FROM test.demo IN LIST WHERE n BETWEEN -1 AND 10");
  CHECK(range.collection == client::IndexCollection::List);
  REQUIRE(range.where);
  CHECK(range.where->kind == Predicate::Kind::Between);
  CHECK(range.where->value.as_int() == -1);
  CHECK(range.where->upper.as_int() == 10);

  auto geo = parse_as<Select>("SELECT * FROM test.places WHERE loc CONTAINS GeoJSON('{\"type\":\"Point\"}')");
  REQUIRE(geo.where);
  CHECK(geo.where->kind == Predicate::Kind::Geo);
}

TEST_CASE("DELETE, SHOW, indexes, modules, UDF calls, SET", "[aql]") {
  auto del = parse_as<Delete>("DELETE FROM test.demo WHERE PK = 3");
  CHECK(del.pk.as_int() == 3);

  CHECK(parse_as<Show>("show namespaces").what == Show::What::Namespaces);
  auto sets = parse_as<Show>("SHOW SETS test");
  CHECK(sets.what == Show::What::Sets);
  CHECK(sets.ns == "test");
  CHECK(parse_as<Show>("SHOW INDEXES").ns.empty());
  CHECK(parse_as<Show>("show modules").what == Show::What::Modules);
  CHECK(parse_as<Show>("show bins").what == Show::What::Bins);

  auto idx = parse_as<CreateIndex>("CREATE MAPKEYS INDEX idx_m ON test.demo (m) string");
  CHECK(idx.name == "idx_m");
  CHECK(idx.collection == client::IndexCollection::MapKeys);
  CHECK(idx.bin == "m");
  CHECK(idx.type == "STRING");
  CHECK(parse_as<CreateIndex>("create index i ON test (n) NUMERIC").collection == client::IndexCollection::Default);

  auto drop = parse_as<DropIndex>("DROP INDEX test.demo idx_m");
  CHECK(drop.target.set == "demo");
  CHECK(drop.name == "idx_m");

  CHECK(parse_as<RegisterModule>("REGISTER MODULE '/tmp/x/sum.lua'").path == "/tmp/x/sum.lua");
  CHECK(parse_as<RemoveModule>("REMOVE MODULE sum.lua").filename == "sum.lua");
  CHECK(parse_as<DescModule>("desc module 'sum.lua'").filename == "sum.lua");

  auto exec = parse_as<Execute>("EXECUTE sum.add('n', 5) ON test.demo WHERE PK = 'k'");
  CHECK(exec.call.module == "sum");
  CHECK(exec.call.function == "add");
  REQUIRE(exec.call.args.size() == 2);
  CHECK(exec.call.args[1].as_int() == 5);
  CHECK(exec.pk.as_string() == "k");

  auto agg = parse_as<Aggregate>("AGGREGATE stats.count() ON test.demo WHERE n BETWEEN 1 AND 3");
  CHECK(agg.call.args.empty());
  REQUIRE(agg.where);
  CHECK(!parse_as<Aggregate>("aggregate stats.count() on test").where);

  CHECK(parse_as<SetOutput>("SET OUTPUT json").mode == OutputMode::Json);
  CHECK(parse_as<SetTimeout>("set timeout 250").ms == 250);
  CHECK(parse_as<SetKeySend>("SET KEY_SEND false").on == false);
}

TEST_CASE("bad statements: the message names the token and what was expected", "[aql]") {
  CHECK(error_of("SELEC * FROM test") == "Invalid command: 'SELEC * FROM test'");
  CHECK(error_of("42") == "Invalid command: '42'");
  CHECK(error_of("SELECT * FORM test") == "Syntax error near 'FORM' (column 10): expected FROM");
  CHECK(error_of("SELECT * FROM") == "Syntax error at end of statement: expected a namespace");
  CHECK(error_of("SELECT * FROM test WHERE") == "Syntax error at end of statement: expected PK or a bin name");
  CHECK(error_of("SELECT * FROM test WHERE a LIKE 'x'") ==
        "Syntax error near 'LIKE' (column 28): expected '=', BETWEEN, CONTAINS or WITHIN");
  CHECK(error_of("SELECT * FROM test junk") == "Syntax error near 'junk' (column 20): expected end of statement");
  CHECK(error_of("INSERT INTO test (PK, a) VALUES ('k')") == "2 bins but 1 values");
  CHECK(error_of("INSERT INTO test (a) VALUES (1)") == "INSERT needs a PK column");
  CHECK(error_of("INSERT INTO test (PK, a) VALUES ('k', LIST('{}'))") == "LIST literal is not a JSON array (column 44)");
  CHECK(error_of("INSERT INTO test (PK, a) VALUES ('k', JSON('[1,'))") ==
        "Invalid JSON at offset 3: unexpected end in JSON literal (column 44)");
  CHECK(error_of("INSERT INTO test (PK, a) VALUES ('k', 99999999999999999999)") ==
        "Integer out of range: 99999999999999999999 (column 39)");
  CHECK(error_of("SELECT * FROM test WHERE n BETWEEN 'a' AND 'b'") == "BETWEEN needs integer bounds");
  CHECK(error_of("SHOW TABLES") == "Syntax error near 'TABLES' (column 6): expected NAMESPACES, SETS, BINS, INDEXES or MODULES");
  CHECK(error_of("CREATE INDEX i ON test (n) TEXT") == "Syntax error near 'TEXT' (column 28): expected NUMERIC, STRING or GEO2DSPHERE");
  CHECK(error_of("DELETE FROM test WHERE n = 1") == "Syntax error near 'n' (column 24): expected PK");
  CHECK(error_of("SET OUTPUT xml") == "Syntax error near 'xml' (column 12): expected TABLE or JSON");
  CHECK(error_of("select 'open") == "Unterminated string starting at column 8");
}
