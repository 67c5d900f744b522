// aql against a real asd: the built aql runs as a child process with -c or -f, and its
// whole output (statements echoed, tables, row counts, OK lines, errors) is compared
// with golden text after masking timings and the node's port. Covers records (insert,
// select by PK, scan, projection, delete), SHOW, secondary indexes (create, equality and
// range queries, drop), UDF modules (register, list, execute, aggregate, remove), JSON
// output, bad statements and failing commands, and the exit status.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "support/asd_node.h"
#include "support/process.h"

namespace {

constexpr int kAqlTimeoutMs = 60000;

std::string aql_bin() {
  if (const char* env = std::getenv("AQL_BIN")) return env;
  return AQL_BIN_DEFAULT;
}

struct AqlRun {
  int status = -1;
  std::string output;  // stdout and stderr, interleaved as written
};

// A child aql against `node`; `args` follow the connection options.
class Aql {
 public:
  explicit Aql(const support::AsdNode& node) : port_(node.port()), node_dir_(node.dir()) {}

  AqlRun run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {aql_bin(), "-h", "127.0.0.1", "-p", std::to_string(port_), "-T", "10000"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string log = dir_.path() + "/aql" + std::to_string(++runs_) + ".out";
    support::Process process;
    process.start(argv, log);
    AqlRun result;
    result.status = process.wait(kAqlTimeoutMs);
    result.output = masked(support::read_file(log));
    return result;
  }

  // Runs each statement through its own -c.
  AqlRun commands(const std::vector<std::string>& statements) {
    std::vector<std::string> args;
    for (const auto& s : statements) {
      args.push_back("-c");
      args.push_back(s);
    }
    return run(args);
  }

  const std::string& dir() const { return dir_.path(); }

 private:
  // Timings, the node's port and its directory (UDF error texts name the module file).
  std::string masked(std::string text) const {
    for (size_t at = text.find(node_dir_); at != std::string::npos; at = text.find(node_dir_, at)) {
      text.replace(at, node_dir_.size(), "{dir}");
    }
    text = std::regex_replace(text, std::regex(R"(\(\d+\.\d{3} secs\))"), "(T secs)");
    return std::regex_replace(text, std::regex("127\\.0\\.0\\.1:" + std::to_string(port_)), "127.0.0.1:PORT");
  }

  uint16_t port_;
  std::string node_dir_;
  support::TempDir dir_;
  int runs_ = 0;
};

const char* kStatsModule =
    "function count(stream)\n"
    "  local function one(rec) return 1 end\n"
    "  local function add(a, b) return a + b end\n"
    "  return stream : map(one) : reduce(add)\n"
    "end\n"
    "\n"
    "function add_to(rec, bin, n)\n"
    "  rec[bin] = (rec[bin] or 0) + n\n"
    "  aerospike:update(rec)\n"
    "  return rec[bin]\n"
    "end\n"
    "\n"
    "function fail(rec)\n"
    "  error('no luck')\n"
    "end\n";

}  // namespace

TEST_CASE("aql writes, reads, scans and deletes records and reports failures", "[aql_records]") {
  support::AsdNode node;
  Aql aql(node);

  AqlRun writes = aql.commands({
      "INSERT INTO test.demo (PK, name, age) VALUES ('u1', 'Bob White', 22)",
      "insert into test.demo (PK, name, age, tags) values ('u2', \"Sally\", 19, LIST('[\"a\", 2]'))",
      "INSERT INTO test.demo (PK, score, prefs) VALUES (7, 2.5, MAP('{\"color\":\"red\"}'))",
  });
  CHECK(writes.status == 0);
  CHECK(writes.output ==
        "INSERT INTO test.demo (PK, name, age) VALUES ('u1', 'Bob White', 22)\n"
        "OK, 1 record affected.\n\n"
        "insert into test.demo (PK, name, age, tags) values ('u2', \"Sally\", 19, LIST('[\"a\", 2]'))\n"
        "OK, 1 record affected.\n\n"
        "INSERT INTO test.demo (PK, score, prefs) VALUES (7, 2.5, MAP('{\"color\":\"red\"}'))\n"
        "OK, 1 record affected.\n\n");

  AqlRun reads = aql.commands({"SELECT * FROM test.demo WHERE PK = 'u1'; select name, tags from test.demo where PK='u2'",
                               "SELECT * FROM test.demo"});
  CHECK(reads.status == 0);
  CHECK(reads.output ==
        "SELECT * FROM test.demo WHERE PK = 'u1'\n"
        "+-------------+-----+\n"
        "| name        | age |\n"
        "+-------------+-----+\n"
        "| \"Bob White\" | 22  |\n"
        "+-------------+-----+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n"
        "select name, tags from test.demo where PK='u2'\n"
        "+---------+------------------+\n"
        "| name    | tags             |\n"
        "+---------+------------------+\n"
        "| \"Sally\" | LIST('[\"a\", 2]') |\n"
        "+---------+------------------+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n"
        "SELECT * FROM test.demo\n"
        "+------+-------------+-----+------------------+-------+------------------------+\n"
        "| PK   | name        | age | tags             | score | prefs                  |\n"
        "+------+-------------+-----+------------------+-------+------------------------+\n"
        "| \"u1\" | \"Bob White\" | 22  |                  |       |                        |\n"
        "| \"u2\" | \"Sally\"     | 19  | LIST('[\"a\", 2]') |       |                        |\n"
        "| 7    |             |     |                  | 2.5   | MAP('{\"color\":\"red\"}') |\n"
        "+------+-------------+-----+------------------+-------+------------------------+\n"
        "3 rows in set (T secs)\n\n"
        "OK\n\n");

  AqlRun show = aql.commands({"SHOW NAMESPACES", "show sets test"});
  CHECK(show.status == 0);
  CHECK(show.output.starts_with(
      "SHOW NAMESPACES\n"
      "+------------+\n"
      "| namespaces |\n"
      "+------------+\n"
      "| \"test\"     |\n"
      "+------------+\n"
      "[127.0.0.1:PORT] 1 row in set (T secs)\n\n"
      "OK\n\n"
      "show sets test\n"));
  // The set's byte count follows asd's accounting: only the columns and counts are fixed.
  CHECK(show.output.find("| ns     | set    | objects | tombstones | memory_data_bytes | truncate_lut |") !=
        std::string::npos);
  CHECK(show.output.find("| \"test\" | \"demo\" | 3       | 0          | ") != std::string::npos);
  CHECK(show.output.ends_with("[127.0.0.1:PORT] 1 row in set (T secs)\n\nOK\n\n"));

  AqlRun errors = aql.commands({
      "SELEC * FROM test",
      "SELECT * FORM test.demo",
      "SELECT * FROM test.demo WHERE PK = 'nobody'",
      "SELECT * FROM nons.demo",
      "INSERT INTO nons.demo (PK, a) VALUES (1, 1)",
      "DELETE FROM test.demo WHERE PK = 'nobody'",
      "SELECT * FROM test.demo WHERE age = 22",
      "SHOW SETS nons",
  });
  CHECK(errors.status == 1);
  CHECK(errors.output ==
        "SELEC * FROM test\n"
        "Error: Invalid command: 'SELEC * FROM test'\n\n"
        "SELECT * FORM test.demo\n"
        "Error: Syntax error near 'FORM' (column 10): expected FROM\n\n"
        "SELECT * FROM test.demo WHERE PK = 'nobody'\n"
        "Error: (2) AEROSPIKE_ERR_RECORD_NOT_FOUND\n\n"
        "SELECT * FROM nons.demo\n"
        "Error: (20) AEROSPIKE_ERR_NAMESPACE_NOT_FOUND\n\n"
        "INSERT INTO nons.demo (PK, a) VALUES (1, 1)\n"
        "Error: (20) AEROSPIKE_ERR_NAMESPACE_NOT_FOUND\n\n"
        "DELETE FROM test.demo WHERE PK = 'nobody'\n"
        "Error: (2) AEROSPIKE_ERR_RECORD_NOT_FOUND\n\n"
        "SELECT * FROM test.demo WHERE age = 22\n"
        "Error: (201) AEROSPIKE_ERR_INDEX_NOT_FOUND\n\n"
        "SHOW SETS nons\n"
        "Error: (20) AEROSPIKE_ERR_NAMESPACE_NOT_FOUND\n\n");

  // A statement file: comments and blank lines skipped, the statements after a failure
  // still run, the status says one failed. A projection skips records that have none of
  // its bins, as the real server does.
  std::string file = aql.dir() + "/statements.aql";
  support::write_file(file,
                      "-- tidy up\n"
                      "\n"
                      "DELETE FROM test.demo WHERE PK = 'u2'; DELETE FROM test.demo WHERE PK = 'u2'\n"
                      "# what is left\n"
                      "SELECT age FROM test.demo\n");
  AqlRun from_file = aql.run({"-f", file});
  CHECK(from_file.status == 1);
  CHECK(from_file.output ==
        "DELETE FROM test.demo WHERE PK = 'u2'\n"
        "OK, 1 record affected.\n\n"
        "DELETE FROM test.demo WHERE PK = 'u2'\n"
        "Error: (2) AEROSPIKE_ERR_RECORD_NOT_FOUND\n\n"
        "SELECT age FROM test.demo\n"
        "+-----+\n"
        "| age |\n"
        "+-----+\n"
        "| 22  |\n"
        "+-----+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n");

  // JSON: the result set alone, so the output parses as JSON.
  AqlRun json = aql.run({"-o", "json", "-c", "SELECT * FROM test.demo WHERE PK = 7"});
  CHECK(json.status == 0);
  CHECK(json.output ==
        "[\n"
        "  {\n"
        "    \"score\": 2.5,\n"
        "    \"prefs\": {\"color\":\"red\"}\n"
        "  }\n"
        "]\n");
  AqlRun switched = aql.commands({"SET OUTPUT JSON; SELECT name FROM test.demo WHERE PK = 'u1'; SET OUTPUT TABLE"});
  CHECK(switched.status == 0);
  CHECK(switched.output ==
        "SET OUTPUT JSON\n"
        "OUTPUT = JSON\n\n"
        "[\n"
        "  {\n"
        "    \"name\": \"Bob White\"\n"
        "  }\n"
        "]\n"
        "OUTPUT = TABLE\n\n");
}

TEST_CASE("aql creates indexes, queries through them and drops them", "[aql_index]") {
  support::AsdNode node;
  Aql aql(node);
  std::vector<std::string> inserts;
  for (int i = 1; i <= 5; ++i) {
    inserts.push_back("INSERT INTO test.people (PK, name, age) VALUES (" + std::to_string(i) + ", 'p" +
                      std::to_string(i % 2) + "', " + std::to_string(20 + i) + ")");
  }
  REQUIRE(aql.commands(inserts).status == 0);

  AqlRun run = aql.commands({
      "CREATE INDEX idx_age ON test.people (age) NUMERIC",
      "CREATE INDEX idx_name ON test.people (name) STRING",
      "SHOW INDEXES test",
      "SELECT name, age FROM test.people WHERE age BETWEEN 22 AND 24",
      "SELECT age FROM test.people WHERE name = 'p0'",
      "SELECT age FROM test.people WHERE age = 99",
      "CREATE INDEX idx_age ON test.people (name) STRING",
      "DROP INDEX test.people idx_age",
      "SELECT * FROM test.people WHERE age = 21",
  });
  CHECK(run.status == 1);
  CHECK(run.output ==
        "CREATE INDEX idx_age ON test.people (age) NUMERIC\n"
        "OK, 1 index added.\n\n"
        "CREATE INDEX idx_name ON test.people (name) STRING\n"
        "OK, 1 index added.\n\n"
        "SHOW INDEXES test\n"
        "+--------+------------+----------+--------+-----------+-----------+---------+-------+\n"
        "| ns     | indexname  | set      | bin    | type      | indextype | context | state |\n"
        "+--------+------------+----------+--------+-----------+-----------+---------+-------+\n"
        "| \"test\" | \"idx_age\"  | \"people\" | \"age\"  | \"numeric\" | \"default\" | \"NULL\"  | \"RW\"  |\n"
        "| \"test\" | \"idx_name\" | \"people\" | \"name\" | \"string\"  | \"default\" | \"NULL\"  | \"RW\"  |\n"
        "+--------+------------+----------+--------+-----------+-----------+---------+-------+\n"
        "[127.0.0.1:PORT] 2 rows in set (T secs)\n\n"
        "OK\n\n"
        "SELECT name, age FROM test.people WHERE age BETWEEN 22 AND 24\n"
        "+------+-----+\n"
        "| name | age |\n"
        "+------+-----+\n"
        "| \"p0\" | 22  |\n"
        "| \"p1\" | 23  |\n"
        "| \"p0\" | 24  |\n"
        "+------+-----+\n"
        "3 rows in set (T secs)\n\n"
        "OK\n\n"
        "SELECT age FROM test.people WHERE name = 'p0'\n"
        "+-----+\n"
        "| age |\n"
        "+-----+\n"
        "| 22  |\n"
        "| 24  |\n"
        "+-----+\n"
        "2 rows in set (T secs)\n\n"
        "OK\n\n"
        "SELECT age FROM test.people WHERE age = 99\n"
        "0 rows in set (T secs)\n\n"
        "OK\n\n"
        "CREATE INDEX idx_age ON test.people (name) STRING\n"
        "Error: (200) 'idx_age' already exists with different definition\n\n"
        "DROP INDEX test.people idx_age\n"
        "OK, 1 index removed.\n\n"
        "SELECT * FROM test.people WHERE age = 21\n"
        "Error: (201) AEROSPIKE_ERR_INDEX_NOT_FOUND\n\n");
}

TEST_CASE("aql registers modules, runs record and stream UDFs and removes modules", "[aql_udf]") {
  support::AsdNode node;
  Aql aql(node);
  std::string module = aql.dir() + "/stats.lua";
  support::write_file(module, kStatsModule);
  std::string broken = aql.dir() + "/broken.lua";
  support::write_file(broken, "function oops(rec)\n  return (\nend\n");

  AqlRun run = aql.commands({
      "REGISTER MODULE '" + module + "'",
      "REGISTER MODULE '" + aql.dir() + "/missing.lua'",
      "INSERT INTO test.t (PK, n) VALUES ('a', 1); INSERT INTO test.t (PK, n) VALUES ('b', 2)",
      "EXECUTE stats.add_to('n', 40) ON test.t WHERE PK = 'a'",
      "SELECT n FROM test.t WHERE PK = 'a'",
      "EXECUTE stats.fail() ON test.t WHERE PK = 'a'",
      "AGGREGATE stats.count() ON test.t",
      "CREATE INDEX idx_n ON test.t (n) NUMERIC",
      "AGGREGATE stats.count() ON test.t WHERE n BETWEEN 0 AND 10",
      "REMOVE MODULE stats.lua",
      "SHOW MODULES",
  });
  CHECK(run.status == 1);
  CHECK(run.output ==
        "REGISTER MODULE '" + module + "'\n"
        "OK, 1 module added.\n\n"
        "REGISTER MODULE '" + aql.dir() + "/missing.lua'\n"
        "Error: Cannot read module file '" + aql.dir() + "/missing.lua'\n\n"
        "INSERT INTO test.t (PK, n) VALUES ('a', 1)\n"
        "OK, 1 record affected.\n\n"
        "INSERT INTO test.t (PK, n) VALUES ('b', 2)\n"
        "OK, 1 record affected.\n\n"
        "EXECUTE stats.add_to('n', 40) ON test.t WHERE PK = 'a'\n"
        "+--------+\n"
        "| add_to |\n"
        "+--------+\n"
        "| 41     |\n"
        "+--------+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n"
        "SELECT n FROM test.t WHERE PK = 'a'\n"
        "+----+\n"
        "| n  |\n"
        "+----+\n"
        "| 41 |\n"
        "+----+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n"
        "EXECUTE stats.fail() ON test.t WHERE PK = 'a'\n"
        "Error: (100) {dir}/usr/udf/lua/stats.lua:14: no luck\n\n"
        "AGGREGATE stats.count() ON test.t\n"
        "+-------+\n"
        "| count |\n"
        "+-------+\n"
        "| 2     |\n"
        "+-------+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n"
        "CREATE INDEX idx_n ON test.t (n) NUMERIC\n"
        "OK, 1 index added.\n\n"
        "AGGREGATE stats.count() ON test.t WHERE n BETWEEN 0 AND 10\n"
        "+-------+\n"
        "| count |\n"
        "+-------+\n"
        "| 1     |\n"
        "+-------+\n"
        "1 row in set (T secs)\n\n"
        "OK\n\n"
        "REMOVE MODULE stats.lua\n"
        "OK, 1 module removed.\n\n"
        "SHOW MODULES\n"
        "[127.0.0.1:PORT] 0 rows in set (T secs)\n\n"
        "OK\n\n");

  AqlRun refused = aql.commands({"REGISTER MODULE '" + broken + "'"});
  CHECK(refused.status == 1);
  CHECK(refused.output == "REGISTER MODULE '" + broken + "'\nError: (100) broken.lua:3: unexpected symbol near 'end'\n\n");
}
