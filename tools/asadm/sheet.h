#pragma once
// Sheet: one titled asadm table (a row per node, or per node and namespace, ...) that
// prints as text or as JSON from the same cells, so the two never disagree. Cells hold
// raw values as the server sent them (or as computed); a column's Format says how text
// shows them, while JSON keeps the raw value (numbers as numbers). Pure functions.
//
// Text:
//   ~~~~~~~~~~ Network Information ~~~~~~~~~~
//   Node            Node ID  ...  Uptime
//   127.0.0.1:3000  *A1      ...  00:01:05
//   127.0.0.1:3020  A3       unreachable (connect: Connection refused)
//   Number of rows: 2
// A failed row (fewer cells than columns) prints its leading cells, then
// "<status> (<error>)" spanning the rest. Notes follow "Number of rows".
//
// JSON: {"title":"Network Information","rows":[{"node":"127.0.0.1:3000","node_id":"A1",
//         ...,"status":"ok","error":null}]}
// Every row has every column key (null when absent or not given), then status and error;
// "notes":[...] follows "rows" when there are notes.

#include <string>
#include <vector>

namespace asadm {

enum class CellFormat {
  Plain,     // as sent
  Bytes,     // 1536 -> "1.500 KB"
  Duration,  // seconds -> "HH:MM:SS" (hours unbounded)
  Percent,   // 12.5 -> "12.50 %"
};

struct SheetColumn {
  std::string title;  // as asadm titles it, e.g. "Client Conns"
  std::string key;    // JSON key, snake_case, stable
  bool numeric = false;
  CellFormat format = CellFormat::Plain;
  bool summed = false;  // a total row adds this column up
};

struct SheetRow {
  std::vector<std::string> cells;  // by column; "" = absent; fewer cells than columns when failed
  std::string status = "ok";       // ok, total, unreachable or error
  std::string error;               // the failure text, for unreachable and error rows
};

struct Sheet {
  std::string title;
  std::vector<SheetColumn> columns;
  std::vector<SheetRow> rows;
  std::vector<std::string> notes;  // lines under the table (e.g. nodes that did not answer)
};

// A row for a node that did not answer: `leading` cells, then "<status> (<error>)" in text.
SheetRow failed_row(std::vector<std::string> leading, std::string status, std::string error);

// The total of rows [first, last) of `sheet`: `leading` cells, then for each summed
// column the sum of the numeric cells ("" when none is a number), "" for the others.
SheetRow total_row(const Sheet& sheet, size_t first, size_t last, std::vector<std::string> leading);

// The cell as text shows it ("-" when absent).
std::string format_cell(const std::string& raw, CellFormat format);

std::string render_sheet_text(const Sheet& sheet);

// One JSON object (no trailing newline).
std::string render_sheet_json(const Sheet& sheet);

// Several sheets as {"<key>":[sheet,...]} with a trailing newline.
std::string render_sheets_json(const std::string& key, const std::vector<Sheet>& sheets);

// Several sheets as text, a blank line between them.
std::string render_sheets_text(const std::vector<Sheet>& sheets);

}  // namespace asadm
