// `show sindex` / `show udfs` (catalog_table.h).

#include "catalog_table.h"

#include <algorithm>

namespace asadm {

namespace {

constexpr const char* kSindexList = "sindex-list:";
constexpr const char* kUdfList = "udf-list";

struct CatalogShape {
  const char* command;
  char item_separator;   // between the k=v pairs of one entry
  std::vector<SheetColumn> columns;
  std::vector<const char*> keys;  // the answer's key for each column
};

CatalogShape shape(Catalog catalog) {
  if (catalog == Catalog::Sindex) {
    return {kSindexList,
            ':',
            {{"Index Name", "index_name"},
             {"Namespace", "namespace"},
             {"Set", "set"},
             {"Bin", "bin"},
             {"Bin Type", "bin_type"},
             {"Index Type", "index_type"},
             {"State", "state"}},
            {"indexname", "ns", "set", "bin", "type", "indextype", "state"}};
  }
  return {kUdfList, ',', {{"Filename", "filename"}, {"Hash", "hash"}, {"Type", "type"}}, {"filename", "hash", "type"}};
}

// One entry's cells; a sindex on no set says set=NULL, which asadm shows empty.
std::vector<std::string> entry_cells(const std::string& entry, const CatalogShape& shape) {
  Fields fields;
  for (const auto& pair : split_list(entry, shape.item_separator)) {
    size_t eq = pair.find('=');
    fields.emplace_back(pair.substr(0, eq), eq == std::string::npos ? std::string() : pair.substr(eq + 1));
  }
  std::vector<std::string> cells;
  for (const char* key : shape.keys) {
    std::string value(field(fields, key));
    cells.push_back(value == "NULL" ? std::string() : value);
  }
  return cells;
}

}  // namespace

InfoPlan catalog_plan(Catalog catalog) { return InfoPlan{{shape(catalog).command}, {}}; }

Sheet catalog_sheet(const NodesReport& report, Catalog catalog) {
  CatalogShape s = shape(catalog);
  Sheet sheet{catalog == Catalog::Sindex ? "Secondary Indexes" : "UDF Modules", s.columns, {}, failure_notes(report)};
  std::vector<std::vector<std::string>> entries;
  for (const NodeAnswers& node : report.nodes) {
    const std::string* value = node.answer(s.command);
    if (!node.ok()) continue;
    if (value == nullptr || is_error_answer(*value)) {
      sheet.notes.push_back(node.address + ": error (" + (value ? *value : std::string("no answer")) + ")");
      continue;
    }
    for (const auto& entry : split_list(*value, ';')) {
      std::vector<std::string> cells = entry_cells(entry, s);
      if (std::find(entries.begin(), entries.end(), cells) == entries.end()) entries.push_back(std::move(cells));
    }
  }
  // Index Name, then Namespace, then Set (sindex); Filename (udfs): the first columns.
  std::sort(entries.begin(), entries.end());
  for (auto& cells : entries) sheet.rows.push_back(SheetRow{std::move(cells), "ok", ""});
  return sheet;
}

}  // namespace asadm
