#pragma once
// aql statements as typed values, and the parser that makes them from text. Keywords
// are case-insensitive; names (namespaces, sets, bins, indexes, modules) are kept as
// written. The grammar follows Aerospike's aql:
//
//   INSERT INTO ns[.set] (PK, bin, ...) VALUES (key, value, ...)
//   SELECT * | bin, ... FROM ns[.set] [IN LIST|MAPKEYS|MAPVALUES]
//          [WHERE PK = v | WHERE bin = v | WHERE bin BETWEEN a AND b
//           | WHERE bin CONTAINS|WITHIN GeoJSON('...')]
//   DELETE FROM ns[.set] WHERE PK = v
//   SHOW NAMESPACES | SETS [ns] | BINS [ns] | INDEXES [ns] | MODULES
//   CREATE [LIST|MAPKEYS|MAPVALUES] INDEX name ON ns[.set] (bin) NUMERIC|STRING|GEO2DSPHERE
//   DROP INDEX ns[.set] name
//   REGISTER MODULE 'path'    REMOVE MODULE name.lua    DESC MODULE name.lua
//   EXECUTE module.fn(args) ON ns[.set] WHERE PK = v
//   AGGREGATE module.fn(args) ON ns[.set] [IN ...] [WHERE bin = v | BETWEEN ...]
//   SET OUTPUT TABLE|JSON    SET TIMEOUT ms    SET KEY_SEND true|false    HELP
//
// Values: integers, floats, 'strings' or "strings", JSON('...'), LIST('[...]'),
// MAP('{...}'), GeoJSON('...'), true, false, NULL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "client/policy.h"
#include "client/value.h"
#include "common/result.h"

namespace aql {

struct Target {
  std::string ns;
  std::string set;  // empty: no set
};

// A secondary-index predicate: bin = value, bin BETWEEN value AND upper, or a GeoJSON
// region or point (CONTAINS / WITHIN both mean "use the bin's geo index").
struct Predicate {
  enum class Kind : uint8_t { Equals, Between, Geo };
  Kind kind = Kind::Equals;
  std::string bin;
  client::Value value;
  client::Value upper;
};

struct Insert {
  Target target;
  client::Value key;
  std::vector<client::Bin> bins;
};

struct Select {
  std::vector<std::string> bins;  // empty: all (*)
  Target target;
  client::IndexCollection collection = client::IndexCollection::Default;
  std::optional<client::Value> pk;
  std::optional<Predicate> where;
};

struct Delete {
  Target target;
  client::Value pk;
};

struct Show {
  enum class What : uint8_t { Namespaces, Sets, Bins, Indexes, Modules };
  What what = What::Namespaces;
  std::string ns;  // Sets, Bins, Indexes: only this namespace when set
};

struct CreateIndex {
  std::string name;
  Target target;
  std::string bin;
  client::IndexCollection collection = client::IndexCollection::Default;
  std::string type;  // NUMERIC, STRING or GEO2DSPHERE
};

struct DropIndex {
  Target target;
  std::string name;
};

struct RegisterModule {
  std::string path;
};

struct RemoveModule {
  std::string filename;
};

struct DescModule {
  std::string filename;
};

struct UdfCall {
  std::string module;  // without ".lua"
  std::string function;
  std::vector<client::Value> args;
};

struct Execute {
  UdfCall call;
  Target target;
  client::Value pk;
};

struct Aggregate {
  UdfCall call;
  Target target;
  client::IndexCollection collection = client::IndexCollection::Default;
  std::optional<Predicate> where;
};

enum class OutputMode : uint8_t { Table, Json };

struct SetOutput {
  OutputMode mode = OutputMode::Table;
};

struct SetTimeout {
  uint32_t ms = 0;
};

struct SetKeySend {
  bool on = true;
};

struct Help {};

using Statement = std::variant<Insert, Select, Delete, Show, CreateIndex, DropIndex, RegisterModule, RemoveModule,
                               DescModule, Execute, Aggregate, SetOutput, SetTimeout, SetKeySend, Help>;

// Parameter error with the message aql prints after "Error: ": "Invalid command: '...'"
// for an unknown first word, else "Syntax error near '<token>' (column N): expected ...".
common::Result<Statement> parse_statement(std::string_view text);

}  // namespace aql
