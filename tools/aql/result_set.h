#pragma once
// A result set as aql prints it: named columns and rows of values, drawn as a table with
// +---+ borders (every cell left-aligned, as Aerospike's aql draws them) or as a JSON
// array of objects.

#include <optional>
#include <string>
#include <vector>

#include "client/record.h"
#include "client/value.h"

namespace aql {

struct ResultSet {
  std::vector<std::string> columns;
  // One cell per column; nullopt when the record has no such bin (an empty cell, and
  // no member in JSON).
  std::vector<std::vector<std::optional<client::Value>>> rows;

  // Adds a record as a row; new bin names become new columns (existing rows get empty
  // cells). With `pk`, a first column PK holds the record's stored user key.
  void add_record(const client::Record& record, bool pk);
  // Adds the record's bins, only those in `columns` (fixed beforehand), in that order.
  void add_projected(const client::Record& record);
};

// "" when there are no rows (aql prints no table then).
std::string render_table(const ResultSet& set);
// A JSON array with one object per row, members in column order, two-space indents.
std::string render_json(const ResultSet& set);

// "1 row in set (0.001 secs)", "3 rows in set (...)", prefixed by "[host:port] " when
// `node` is not empty.
std::string rows_line(size_t rows, double seconds, const std::string& node = {});

}  // namespace aql
