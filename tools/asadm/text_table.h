#pragma once
// The text layout every asadm table shares: cells in columns two spaces apart, and the
// "rows x nodes" sheets of `show config` / `show statistics`. Pure functions.
//
//   Node            Node ID  Size       <- rows[0], usually the titles
//   127.0.0.1:3000  A1          3
//   127.0.0.1:3020  A3       unreachable (connect refused)    <- a short row: its last
//                                                               cell spans the rest
// A row with fewer cells than the widest row ends in a spanning cell: it is printed as is
// and does not widen its column. Trailing spaces are trimmed.

#include <string>
#include <vector>

namespace asadm {

using TextRow = std::vector<std::string>;

// right_aligned[c] right-aligns column c (numbers); missing entries mean left.
std::string render_columns(const std::vector<TextRow>& rows, const std::vector<bool>& right_aligned);

// asadm's section title: "~~~~ test Namespace Configuration ~~~~" (width at least `width`).
std::string title_line(const std::string& title, size_t width);

}  // namespace asadm
