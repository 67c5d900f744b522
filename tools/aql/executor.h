#pragma once
// Runs aql statements against a cluster through the client library and prints what
// Aerospike's aql prints for them:
//
//   records   SELECT: a table, "N rows in set (T secs)", a blank line, "OK".
//   writes    "OK, 1 record affected." (INSERT, DELETE).
//   admin     SHOW: one table per node, "[host:port] N rows in set (T secs)", then "OK";
//             CREATE/DROP INDEX, REGISTER/REMOVE MODULE: "OK, 1 index added." etc.
//   failures  "Error: (CODE) NAME" or "Error: <message>".
//
// Every output ends with a blank line. In JSON mode a result set is printed as a JSON
// array alone (no row count, no OK), so `aql -o json -c "SELECT ..."` is valid JSON.
// Blocking; one statement at a time; the client must outlive the executor.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "client/client.h"
#include "error_text.h"
#include "result_set.h"
#include "statement.h"

namespace aql {

struct Settings {
  OutputMode output = OutputMode::Table;
  uint32_t timeout_ms = 1000;  // every command's total timeout (scans included)
  bool key_send = true;        // store the PK with INSERTed records (SELECT * shows it)
  bool echo = false;           // print each statement before its output (-c, -f)
};

class Executor {
 public:
  Executor(client::Client& client, Settings settings, std::ostream& out)
      : client_(client), settings_(settings), out_(out) {}

  // Parses and runs one statement, printing its output or its error. False when it
  // failed (bad statement or failed command).
  bool run(std::string_view text);

  const Settings& settings() const { return settings_; }

 private:
  using Outcome = std::optional<Failure>;  // nullopt: success, output printed

  Outcome execute(const Statement& statement);
  Outcome insert(const Insert& s);
  Outcome select(const Select& s);
  Outcome remove(const Delete& s);
  Outcome show(const Show& s);
  Outcome show_bins(const Show& s);
  Outcome create_index(const CreateIndex& s);
  Outcome drop_index(const DropIndex& s);
  Outcome register_module(const RegisterModule& s);
  Outcome remove_module(const RemoveModule& s);
  Outcome desc_module(const DescModule& s);
  Outcome execute_udf(const Execute& s);
  Outcome aggregate(const Aggregate& s);
  Outcome help();

  // One table (or JSON array) with its row-count line, "[node] " first when given.
  void print_set(const ResultSet& set, double seconds, const std::string& node = {});
  // "OK" closing a result output (table mode only).
  void print_ok();
  // An info command on every node; the answer, or the node's failure.
  struct NodeAnswer {
    std::string node;  // host:port
    std::string name;
    std::string value;
  };
  std::optional<Failure> info_all(const std::string& command, std::vector<NodeAnswer>* answers);
  // Polls `command` on every node until `done(value)` holds for each, up to 10 s.
  void wait_all(const std::string& command, bool (*done)(std::string_view value, std::string_view arg),
                std::string_view arg);

  client::Client& client_;
  Settings settings_;
  std::ostream& out_;
};

// Milliseconds of steady time as seconds, for the row-count line.
double seconds_since(uint64_t start_ms);

}  // namespace aql
