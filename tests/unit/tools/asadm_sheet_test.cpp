// The shared table layout (text_table.h) and Sheet (sheet.h): column widths, spanning
// failure cells, cell formats, totals, and the JSON shape.

#include <catch2/catch.hpp>

#include <string>

#include "sheet.h"
#include "text_table.h"

using asadm::CellFormat;
using asadm::Sheet;

TEST_CASE("render_columns pads, right-aligns, and lets a short row's last cell span", "[tools][asadm]") {
  std::string text = asadm::render_columns({{"Node", "Size", "Key"},
                                            {"127.0.0.1:3000", "3", "AB"},
                                            {"127.0.0.1:3010", "unreachable (connect refused: a long reason)"}},
                                           {false, true, false});
  CHECK(text ==
        "Node            Size  Key\n"
        "127.0.0.1:3000     3  AB\n"
        "127.0.0.1:3010  unreachable (connect refused: a long reason)\n");
}

TEST_CASE("title_line centres the title in rules at least as wide as the table", "[tools][asadm]") {
  CHECK(asadm::title_line("Set Information", 30) == "~~~~~~ Set Information ~~~~~~~\n");
  CHECK(asadm::title_line("Set Information", 0) == "~~~~ Set Information ~~~~\n");
}

TEST_CASE("cells format bytes, durations and percentages; absent is a dash", "[tools][asadm]") {
  CHECK(asadm::format_cell("", CellFormat::Bytes) == "-");
  CHECK(asadm::format_cell("512", CellFormat::Bytes) == "512 B");
  CHECK(asadm::format_cell("1536", CellFormat::Bytes) == "1.500 KB");
  CHECK(asadm::format_cell("1610612736", CellFormat::Bytes) == "1.500 GB");
  CHECK(asadm::format_cell("3725", CellFormat::Duration) == "01:02:05");
  CHECK(asadm::format_cell("360000", CellFormat::Duration) == "100:00:00");
  CHECK(asadm::format_cell("12.5", CellFormat::Percent) == "12.50 %");
  CHECK(asadm::format_cell("n/a", CellFormat::Percent) == "n/a");  // not a number: as sent
}

TEST_CASE("a sheet prints failed rows, totals and notes, and the same cells as JSON", "[tools][asadm]") {
  Sheet sheet{"Demo",
              {{"Node", "node"},
               {"Used", "used", true, CellFormat::Bytes, true},
               {"Rate", "rate", true, CellFormat::Plain, true},
               {"Name", "name"}},
              {},
              {"127.0.0.1:3020: unreachable (refused)"}};
  sheet.rows.push_back({{"127.0.0.1:3000", "2048", "1.5", "007"}, "ok", ""});
  sheet.rows.push_back({{"127.0.0.1:3010", "1024", "2", ""}, "ok", ""});
  sheet.rows.push_back(asadm::failed_row({"127.0.0.1:3020"}, "unreachable", "refused"));
  sheet.rows.push_back(asadm::total_row(sheet, 0, 3, {"total"}));
  CHECK(asadm::render_sheet_text(sheet) ==
        "~~~~~~~~~~~~~~~ Demo ~~~~~~~~~~~~~~~\n"
        "Node                Used  Rate  Name\n"
        "127.0.0.1:3000  2.000 KB   1.5  007\n"
        "127.0.0.1:3010  1.000 KB     2  -\n"
        "127.0.0.1:3020  unreachable (refused)\n"
        "total           3.000 KB  3.50  -\n"
        "Number of rows: 4\n"
        "127.0.0.1:3020: unreachable (refused)\n");
  CHECK(asadm::render_sheet_json(sheet) ==
        "{\"title\":\"Demo\",\"rows\":[\n"
        "  {\"node\":\"127.0.0.1:3000\",\"used\":2048,\"rate\":1.5,\"name\":\"007\",\"status\":\"ok\",\"error\":null},\n"
        "  {\"node\":\"127.0.0.1:3010\",\"used\":1024,\"rate\":2,\"name\":null,\"status\":\"ok\",\"error\":null},\n"
        "  {\"node\":\"127.0.0.1:3020\",\"used\":null,\"rate\":null,\"name\":null,\"status\":\"unreachable\","
        "\"error\":\"refused\"},\n"
        "  {\"node\":\"total\",\"used\":3072,\"rate\":3.50,\"name\":null,\"status\":\"total\",\"error\":null}\n"
        " ],\"notes\":[\"127.0.0.1:3020: unreachable (refused)\"]}");
}
