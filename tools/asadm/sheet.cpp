// Text and JSON rendering of a Sheet (sheet.h).

#include "sheet.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "fields.h"
#include "text_table.h"

namespace asadm {

namespace {

bool to_double(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

std::string bytes_text(double value) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < sizeof kUnits / sizeof kUnits[0]) {
    value /= 1024;
    ++unit;
  }
  char buf[48];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%.0f B", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f %s", value, kUnits[unit]);
  }
  return buf;
}

std::string duration_text(double seconds) {
  long long s = seconds < 0 ? 0 : static_cast<long long>(seconds);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s % 3600 / 60, s % 60);
  return buf;
}

std::string row_json(const Sheet& sheet, const SheetRow& row) {
  std::string out = "{";
  for (size_t c = 0; c < sheet.columns.size(); ++c) {
    const std::string raw = c < row.cells.size() ? row.cells[c] : std::string();
    out += (c ? "," : "") + json_quote(sheet.columns[c].key) + ":";
    // Names and ids stay strings even when they look like numbers (node id "123").
    out += sheet.columns[c].numeric ? json_or_null(raw) : json_string_or_null(raw);
  }
  out += std::string(sheet.columns.empty() ? "" : ",") + "\"status\":" + json_quote(row.status) +
         ",\"error\":" + json_string_or_null(row.error);
  return out + "}";
}

std::string number_text(double value) {
  char buf[48];
  if (value == std::floor(value) && std::fabs(value) < 9e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", value);
  }
  return buf;
}

}  // namespace

SheetRow failed_row(std::vector<std::string> leading, std::string status, std::string error) {
  SheetRow row;
  row.cells = std::move(leading);
  row.status = std::move(status);
  row.error = std::move(error);
  return row;
}

SheetRow total_row(const Sheet& sheet, size_t first, size_t last, std::vector<std::string> leading) {
  SheetRow row;
  row.status = "total";
  row.cells = std::move(leading);
  for (size_t c = row.cells.size(); c < sheet.columns.size(); ++c) {
    double sum = 0;
    bool any = false;
    for (size_t r = first; r < last && sheet.columns[c].summed; ++r) {
      double value = 0;
      const SheetRow& node = sheet.rows[r];
      if (c < node.cells.size() && to_double(node.cells[c], value)) {
        sum += value;
        any = true;
      }
    }
    row.cells.push_back(any ? number_text(sum) : std::string());
  }
  return row;
}

std::string format_cell(const std::string& raw, CellFormat format) {
  double value = 0;
  if (raw.empty()) return "-";
  if (format == CellFormat::Plain || !to_double(raw, value)) return raw;
  switch (format) {
    case CellFormat::Bytes:
      return bytes_text(value);
    case CellFormat::Duration:
      return duration_text(value);
    case CellFormat::Percent: {
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.2f %%", value);
      return buf;
    }
    case CellFormat::Plain:
      break;
  }
  return raw;
}

std::string render_sheet_text(const Sheet& sheet) {
  std::vector<TextRow> rows(1);
  std::vector<bool> right;
  for (const auto& column : sheet.columns) {
    rows[0].push_back(column.title);
    right.push_back(column.numeric);
  }
  for (const auto& row : sheet.rows) {
    TextRow text;
    for (size_t c = 0; c < row.cells.size() && c < sheet.columns.size(); ++c) {
      text.push_back(format_cell(row.cells[c], sheet.columns[c].format));
    }
    if (row.cells.size() < sheet.columns.size()) text.push_back(row.status + " (" + row.error + ")");
    rows.push_back(std::move(text));
  }
  std::string table = render_columns(rows, right);
  size_t width = table.find('\n');
  std::string out = title_line(sheet.title, width) + table + "Number of rows: " + std::to_string(sheet.rows.size()) + "\n";
  for (const auto& note : sheet.notes) out += note + "\n";
  return out;
}

std::string render_sheet_json(const Sheet& sheet) {
  std::string out = "{\"title\":" + json_quote(sheet.title) + ",\"rows\":[";
  for (size_t i = 0; i < sheet.rows.size(); ++i) out += (i ? ",\n  " : "\n  ") + row_json(sheet, sheet.rows[i]);
  out += sheet.rows.empty() ? "]" : "\n ]";
  if (!sheet.notes.empty()) {
    out += ",\"notes\":[";
    for (size_t i = 0; i < sheet.notes.size(); ++i) out += (i ? "," : "") + json_quote(sheet.notes[i]);
    out += "]";
  }
  return out + "}";
}

std::string render_sheets_json(const std::string& key, const std::vector<Sheet>& sheets) {
  std::string out = "{" + json_quote(key) + ":[";
  for (size_t i = 0; i < sheets.size(); ++i) out += (i ? ",\n " : "\n ") + render_sheet_json(sheets[i]);
  return out + (sheets.empty() ? "]}\n" : "\n]}\n");
}

std::string render_sheets_text(const std::vector<Sheet>& sheets) {
  std::string out;
  for (size_t i = 0; i < sheets.size(); ++i) out += (i ? "\n" : "") + render_sheet_text(sheets[i]);
  return out;
}

}  // namespace asadm
