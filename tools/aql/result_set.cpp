#include "result_set.h"

#include <algorithm>
#include <cstdio>

#include "json_literal.h"
#include "value_text.h"

namespace aql {

namespace {

size_t column_index(std::vector<std::string>& columns, const std::string& name) {
  auto it = std::find(columns.begin(), columns.end(), name);
  if (it != columns.end()) return size_t(it - columns.begin());
  columns.push_back(name);
  return columns.size() - 1;
}

// Display width: UTF-8 continuation bytes take no column.
size_t width(const std::string& text) {
  return size_t(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

void ResultSet::add_record(const client::Record& record, bool pk) {
  std::vector<std::optional<client::Value>> row(columns.size());
  auto put = [&](const std::string& name, const client::Value& value) {
    size_t i = column_index(columns, name);
    if (i >= row.size()) row.resize(i + 1);
    row[i] = value;
  };
  if (pk && record.user_key) put("PK", *record.user_key);
  for (const client::Bin& bin : record.bins) put(bin.name, bin.value);
  rows.push_back(std::move(row));
  for (auto& r : rows) r.resize(columns.size());
}

void ResultSet::add_projected(const client::Record& record) {
  std::vector<std::optional<client::Value>> row(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    if (const client::Value* v = record.bin(columns[i])) row[i] = *v;
  }
  rows.push_back(std::move(row));
}

std::string render_table(const ResultSet& set) {
  if (set.rows.empty()) return {};
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const auto& c : set.columns) widths.push_back(width(c));
  for (const auto& row : set.rows) {
    std::vector<std::string> texts;
    for (size_t i = 0; i < set.columns.size(); ++i) {
      texts.push_back(i < row.size() && row[i] ? table_text(*row[i]) : std::string());
      widths[i] = std::max(widths[i], width(texts.back()));
    }
    cells.push_back(std::move(texts));
  }
  std::string border = "+";
  for (size_t w : widths) border += std::string(w + 2, '-') + "+";
  border += "\n";
  auto line = [&](const std::vector<std::string>& texts) {
    std::string out = "|";
    for (size_t i = 0; i < texts.size(); ++i) out += " " + texts[i] + std::string(widths[i] - width(texts[i]), ' ') + " |";
    return out + "\n";
  };
  std::string out = border + line(set.columns) + border;
  for (const auto& texts : cells) out += line(texts);
  return out + border;
}

std::string render_json(const ResultSet& set) {
  if (set.rows.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t r = 0; r < set.rows.size(); ++r) {
    out += "  {";
    bool first = true;
    for (size_t i = 0; i < set.columns.size(); ++i) {
      if (i >= set.rows[r].size() || !set.rows[r][i]) continue;
      out += first ? "\n" : ",\n";
      first = false;
      out += "    " + json_quote(set.columns[i]) + ": " + json_text(*set.rows[r][i]);
    }
    out += first ? "}" : "\n  }";
    out += r + 1 < set.rows.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

std::string rows_line(size_t rows, double seconds, const std::string& node) {
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.3f", seconds);
  std::string out = node.empty() ? std::string() : "[" + node + "] ";
  return out + std::to_string(rows) + (rows == 1 ? " row" : " rows") + " in set (" + timing + " secs)";
}

}  // namespace aql
