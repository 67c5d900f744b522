// `show config` and `show statistics`: keys x nodes tables (layout in config_table.h).

#include "config_table.h"

#include <algorithm>

#include "text_table.h"

namespace asadm {

namespace {

const std::vector<std::string> kConfigContexts = {"service", "network", "namespace", "xdr"};
const std::vector<std::string> kStatisticsContexts = {"service", "namespace", "set", "xdr"};

std::string xdr_dc_config_command(const std::string& dc) { return std::string(kXdrConfigCommand) + ";dc=" + dc; }

bool wants(const KeysRequest& request, const std::string& context) {
  return std::find(request.contexts.begin(), request.contexts.end(), context) != request.contexts.end();
}

Fields filtered(const Fields& fields, const std::vector<std::string>& likes) {
  Fields out;
  for (const auto& pair : fields) {
    if (key_matches(pair.first, likes)) out.push_back(pair);
  }
  return out;
}

// A column from one answer (`value` nullptr: the node was not asked, or did not answer).
KeysColumn column_from(const NodeAnswers& node, const std::string* value, const std::vector<std::string>& likes) {
  KeysColumn column;
  column.address = node.address;
  column.node_id = node.node_id;
  if (!node.ok()) {
    column.status = node_status(node);
    column.error = node.error;
  } else if (value == nullptr) {
    column.status = "error";
    column.error = "no answer";
  } else if (is_error_answer(*value) || value->starts_with("type=unknown")) {
    column.status = "error";
    column.error = *value;
  } else {
    column.values = filtered(parse_fields(*value), likes);
  }
  return column;
}

// A section whose every node answers `command`.
KeysSection command_section(const NodesReport& report, const KeysRequest& request, std::string title,
                            std::string context, std::string id, const std::string& command) {
  KeysSection section{std::move(title), std::move(context), std::move(id), {}};
  for (const NodeAnswers& node : report.nodes) section.columns.push_back(column_from(node, node.answer(command), request.likes));
  return section;
}

bool any_xdr(const NodesReport& report) {
  return std::any_of(report.nodes.begin(), report.nodes.end(), [](const NodeAnswers& node) {
    const std::string* value = node.answer(kXdrConfigCommand);
    return value != nullptr && !is_error_answer(*value);
  });
}

void add_set_sections(const NodesReport& report, const KeysRequest& request, std::vector<KeysSection>& out) {
  for (const auto& [ns, set] : all_sets(report)) {
    KeysSection section{ns + " " + set + " Set Statistics", "set", ns + "/" + set, {}};
    for (const NodeAnswers& node : report.nodes) {
      KeysColumn column = column_from(node, node.answer("sets"), request.likes);
      if (column.status == "ok") {
        std::optional<Fields> fields = find_set(node, ns, set);
        column.values = fields ? filtered(*fields, request.likes) : Fields{};
      }
      section.columns.push_back(std::move(column));
    }
    out.push_back(std::move(section));
  }
}

void add_xdr_sections(const NodesReport& report, const KeysRequest& request, std::vector<KeysSection>& out) {
  if (!request.explicit_context && !any_xdr(report)) return;
  bool config = request.kind == KeysKind::Config;
  if (config) out.push_back(command_section(report, request, "XDR Configuration", "xdr", "", kXdrConfigCommand));
  for (const auto& dc : all_xdr_dcs(report)) {
    if (config) {
      out.push_back(command_section(report, request, dc + " DC Configuration", "xdr", dc, xdr_dc_config_command(dc)));
    } else {
      out.push_back(command_section(report, request, dc + " XDR Statistics", "xdr", dc, xdr_stats_command(dc)));
    }
  }
}

// Every key of the section, ascending, once.
std::vector<std::string> section_keys(const KeysSection& section) {
  std::vector<std::string> keys;
  for (const auto& column : section.columns) {
    for (const auto& pair : column.values) keys.push_back(pair.first);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::string section_text(const KeysSection& section) {
  std::vector<TextRow> rows(1);
  rows[0].push_back("Node");
  for (const auto& column : section.columns) rows[0].push_back(column.address);
  for (const auto& key : section_keys(section)) {
    TextRow row{key};
    for (const auto& column : section.columns) {
      const std::string* value = find_field(column.values, key);
      row.push_back(value ? (value->empty() ? "\"\"" : *value) : "-");
    }
    rows.push_back(std::move(row));
  }
  std::string table = render_columns(rows, {});
  std::string out = title_line(section.title, table.find('\n')) + table +
                    "Number of rows: " + std::to_string(rows.size() - 1) + "\n";
  for (const auto& column : section.columns) {
    if (column.status != "ok") out += column.address + ": " + column.status + " (" + column.error + ")\n";
  }
  return out;
}

std::string section_json(const KeysSection& section) {
  std::string out = "{\"title\":" + json_quote(section.title) + ",\"context\":" + json_quote(section.context) +
                    ",\"id\":" + json_string_or_null(section.id) + ",\"nodes\":[";
  for (size_t i = 0; i < section.columns.size(); ++i) {
    const KeysColumn& column = section.columns[i];
    out += std::string(i ? ",\n   " : "\n   ") + "{\"node\":" + json_quote(column.address) +
           ",\"node_id\":" + json_string_or_null(column.node_id) + ",\"status\":" + json_quote(column.status) +
           ",\"error\":" + json_string_or_null(column.error) + ",\"values\":{";
    for (size_t k = 0; k < column.values.size(); ++k) {
      out += (k ? "," : "") + json_quote(column.values[k].first) + ":" + json_value(column.values[k].second);
    }
    out += "}}";
  }
  return out + (section.columns.empty() ? "]}" : "\n  ]}");
}

}  // namespace

bool key_matches(const std::string& key, const std::vector<std::string>& likes) {
  if (likes.empty()) return true;
  return std::any_of(likes.begin(), likes.end(), [&](const std::string& like) { return key.find(like) != std::string::npos; });
}

std::optional<KeysRequest> parse_keys_request(KeysKind kind, const std::vector<std::string>& words,
                                              std::string& error) {
  const std::vector<std::string>& known = kind == KeysKind::Config ? kConfigContexts : kStatisticsContexts;
  const char* verb = kind == KeysKind::Config ? "show config" : "show statistics";
  KeysRequest request;
  request.kind = kind;
  size_t i = 0;
  if (i < words.size() && words[i] != "like") {
    if (std::find(known.begin(), known.end(), words[i]) == known.end()) {
      error = std::string(verb) + ": unknown context '" + words[i] + "' (expected ";
      for (size_t k = 0; k < known.size(); ++k) error += (k ? (k + 1 == known.size() ? " or " : ", ") : "") + known[k];
      error += ")";
      return std::nullopt;
    }
    request.contexts.push_back(words[i++]);
    request.explicit_context = true;
  }
  if (i < words.size()) {
    if (words[i] != "like") {
      error = std::string(verb) + ": unexpected '" + words[i] + "' (expected like PATTERN)";
      return std::nullopt;
    }
    request.likes.assign(words.begin() + long(i) + 1, words.end());
    if (request.likes.empty()) {
      error = std::string(verb) + ": 'like' needs at least one pattern";
      return std::nullopt;
    }
  }
  if (request.contexts.empty()) request.contexts = known;
  return request;
}

InfoPlan keys_plan(const KeysRequest& request) {
  InfoPlan plan;
  bool config = request.kind == KeysKind::Config;
  if (config) {
    if (wants(request, "service")) plan.first.push_back("get-config:context=service");
    if (wants(request, "network")) plan.first.push_back("get-config:context=network");
  } else {
    if (wants(request, "service")) plan.first.push_back("statistics");
    if (wants(request, "set")) plan.first.push_back("sets");
  }
  if (wants(request, "namespace")) {
    add_round(plan, 0, [config](const Fields& answers) {
      std::vector<std::string> commands;
      for (const auto& ns : namespaces_of(answers)) {
        commands.push_back(config ? namespace_config_command(ns) : "namespace/" + ns);
      }
      return commands;
    });
  }
  if (wants(request, "xdr")) {
    add_xdr_dc_rounds(plan);
    add_round(plan, 1, [config](const Fields& answers) {
      std::vector<std::string> commands;
      for (const auto& dc : xdr_dcs_of(answers)) commands.push_back(config ? xdr_dc_config_command(dc) : xdr_stats_command(dc));
      return commands;
    });
  }
  return plan;
}

std::vector<KeysSection> keys_sections(const NodesReport& report, const KeysRequest& request) {
  std::vector<KeysSection> out;
  bool config = request.kind == KeysKind::Config;
  for (const auto& context : request.contexts) {
    if (context == "service") {
      out.push_back(config ? command_section(report, request, "Service Configuration", "service", "",
                                             "get-config:context=service")
                           : command_section(report, request, "Service Statistics", "service", "", "statistics"));
    } else if (context == "network") {
      out.push_back(command_section(report, request, "Network Configuration", "network", "", "get-config:context=network"));
    } else if (context == "namespace") {
      for (const auto& ns : all_namespaces(report)) {
        out.push_back(config ? command_section(report, request, ns + " Namespace Configuration", "namespace", ns,
                                               namespace_config_command(ns))
                             : command_section(report, request, ns + " Namespace Statistics", "namespace", ns,
                                               "namespace/" + ns));
      }
    } else if (context == "set") {
      add_set_sections(report, request, out);
    } else if (context == "xdr") {
      add_xdr_sections(report, request, out);
    }
  }
  return out;
}

std::string format_keys_text(const std::vector<KeysSection>& sections) {
  std::string out;
  for (size_t i = 0; i < sections.size(); ++i) out += (i ? "\n" : "") + section_text(sections[i]);
  return out;
}

std::string format_keys_json(const std::vector<KeysSection>& sections) {
  std::string out = "{\"sections\":[";
  for (size_t i = 0; i < sections.size(); ++i) out += (i ? ",\n " : "\n ") + section_json(sections[i]);
  return out + (sections.empty() ? "]}\n" : "\n]}\n");
}

}  // namespace asadm
