// The asd verbs (verbs.h): parse, collect, print.

#include "verbs.h"

#include <iostream>

#include "info_table.h"
#include "manage_config.h"
#include "sheet.h"
#include "stats_collect.h"
#include "summary_table.h"

namespace asadm {

namespace {

int usage_error(const std::string& verb, const std::string& message) {
  std::cerr << "asadm: " << verb << ": " << message << "\n";
  return 1;
}

int print(const std::string& text, const NodesReport& report) {
  std::cout << text;
  std::cout.flush();
  return any_answered(report) ? 0 : 1;
}

}  // namespace

int run_info(const VerbContext& context, const std::vector<std::string>& words) {
  std::string error;
  auto sections = parse_info_sections(words, error);
  if (!sections) return usage_error("info", error);
  NodesReport report = collect_answers(context.seeds, info_plan(*sections), context.timeout_ms);
  std::vector<Sheet> sheets = info_sheets(report, *sections);
  return print(context.json ? render_sheets_json("tables", sheets) : render_sheets_text(sheets), report);
}

int run_show_keys(const VerbContext& context, KeysKind kind, const std::vector<std::string>& words) {
  std::string error;
  auto request = parse_keys_request(kind, words, error);
  if (!request) {
    std::cerr << "asadm: " << error << "\n";
    return 1;
  }
  NodesReport report = collect_answers(context.seeds, keys_plan(*request), context.timeout_ms);
  std::vector<KeysSection> sections = keys_sections(report, *request);
  return print(context.json ? format_keys_json(sections) : format_keys_text(sections), report);
}

int run_show_catalog(const VerbContext& context, Catalog catalog) {
  NodesReport report = collect_answers(context.seeds, catalog_plan(catalog), context.timeout_ms);
  Sheet sheet = catalog_sheet(report, catalog);
  return print(context.json ? render_sheet_json(sheet) + "\n" : render_sheet_text(sheet), report);
}

int run_summary(const VerbContext& context) {
  NodesReport report = collect_answers(context.seeds, summary_plan(), context.timeout_ms);
  SummaryReport summary = build_summary(report);
  return print(context.json ? format_summary_json(summary) : format_summary_text(summary), report);
}

int run_manage_config(const VerbContext& context, const std::vector<std::string>& words) {
  std::string error;
  auto change = parse_config_change(words, error);
  if (!change) return usage_error("manage config", error);
  NodesReport report = collect_answers(context.seeds, change_plan(*change), context.timeout_ms);
  size_t refused = 0;
  Sheet sheet = change_sheet(report, *change, refused);
  print(context.json ? render_sheet_json(sheet) + "\n" : render_sheet_text(sheet), report);
  if (refused == 0 && !report.nodes.empty()) return 0;
  std::cerr << "asadm: manage config: " << refused << " of " << report.nodes.size() << " nodes did not apply "
            << change->key << "=" << change->value;
  for (const SheetRow& row : sheet.rows) {
    if (row.status != "ok") std::cerr << "\n  " << row.cells[0] << ": " << row.status << " (" << row.error << ")";
  }
  std::cerr << "\n";
  return 1;
}

}  // namespace asadm
