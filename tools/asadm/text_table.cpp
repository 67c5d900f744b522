// The shared column layout (text_table.h).

#include "text_table.h"

#include <algorithm>

namespace asadm {

namespace {

void append_padded(std::string& out, const std::string& cell, size_t width, bool right) {
  size_t pad = width > cell.size() ? width - cell.size() : 0;
  if (right) out.append(pad, ' ');
  out += cell;
  if (!right) out.append(pad, ' ');
}

}  // namespace

std::string render_columns(const std::vector<TextRow>& rows, const std::vector<bool>& right_aligned) {
  size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      bool spanning = row.size() != columns && c + 1 == row.size();
      if (!spanning) widths[c] = std::max(widths[c], row[c].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string text;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) text += "  ";
      bool spanning = row.size() != columns && c + 1 == row.size();
      bool right = c < right_aligned.size() && right_aligned[c];
      append_padded(text, row[c], spanning ? 0 : widths[c], right && !spanning);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

std::string title_line(const std::string& title, size_t width) {
  std::string middle = " " + title + " ";
  size_t total = std::max(width, middle.size() + 8);
  size_t left = (total - middle.size()) / 2;
  return std::string(left, '~') + middle + std::string(total - middle.size() - left, '~') + "\n";
}

}  // namespace asadm
