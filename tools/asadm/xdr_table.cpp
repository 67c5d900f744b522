// Text and JSON rendering of xdr stats (layouts documented in xdr_table.h).

#include "xdr_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace asadm {

namespace {

struct Column {
  const char* title;
  const char* key;  // get-stats field; nullptr for the computed columns
  bool numeric;     // right-aligned
};

// The operator's view of lag (architecture.md "Lag, as operators see it"), in the order
// one reads a pipeline: is the link up, how far behind, what waits, what happened.
constexpr Column kColumns[] = {
    {"node", nullptr, false},
    {"DC", nullptr, false},
    {"ns", nullptr, false},
    {"link", nullptr, false},
    {"lag(s)", "lag", true},
    {"in_queue", "in_queue", true},
    {"in_progress", "in_progress", true},
    {"success", "success", true},
    {"not_found", "not_found", true},
    {"abandoned", "abandoned", true},
    {"retries", "retries", true},
    {"rec/s", "throughput", true},
    {"latency_ms", "latency_ms", true},
    {"compression", "compression_ratio", true},
    {"dlog%", "dlog_used_pct", true},
};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);
constexpr size_t kFirstStat = 4;  // columns before this one describe the row, not stats

std::string or_dash(std::string_view value) { return value.empty() ? "-" : std::string(value); }

std::string link_text(const Fields& fields, int64_t now_ms) {
  std::string link = or_dash(field(fields, "link"));
  std::string_view since = field(fields, "link_since");
  if (since.empty()) return link;
  char* end = nullptr;
  std::string since_text(since);
  long long since_ms = std::strtoll(since_text.c_str(), &end, 10);
  if (end == since_text.c_str() || *end != '\0' || since_ms <= 0) return link;
  return link + " " + format_duration(now_ms - since_ms);
}

std::vector<std::string> row_cells(const std::string& node, const XdrRow& row, int64_t now_ms) {
  std::vector<std::string> cells{node, row.dc, row.ns.empty() ? "all" : row.ns};
  if (!row.error.empty()) {
    cells.push_back("error: " + row.error);  // spans the rest; width is not padded for it
    return cells;
  }
  cells.push_back(link_text(row.fields, now_ms));
  for (size_t c = kFirstStat; c < kColumnCount; ++c) cells.push_back(or_dash(field(row.fields, kColumns[c].key)));
  return cells;
}

void append_padded(std::string& out, const std::string& cell, size_t width, bool right) {
  if (right) out.append(width > cell.size() ? width - cell.size() : 0, ' ');
  out += cell;
  if (!right) out.append(width > cell.size() ? width - cell.size() : 0, ' ');
}

void append_node_table(std::string& out, const NodeReport& node, int64_t now_ms) {
  switch (node.state) {
    case NodeState::Unreachable:
      out += node.address + "  unreachable (" + node.error + ")\n";
      return;
    case NodeState::NotXdr:
      out += node.address + "  error (" + node.error + ")\n";
      return;
    case NodeState::Ok:
      break;
  }
  if (node.rows.empty()) {
    out += node.address + "  no datacenters configured\n";
    return;
  }

  size_t dc_count = 0;
  for (const auto& row : node.rows) dc_count += row.ns.empty();
  out += node.address;
  if (!node.node_id.empty()) out += " (node " + node.node_id + ")";
  out += ": " + std::to_string(dc_count) + (dc_count == 1 ? " DC" : " DCs");
  if (auto used = field(node.statistics, "dlog_used_pct"); !used.empty()) out += ", dlog used " + std::string(used) + "%";
  if (auto lost = field(node.statistics, "dlog_overwritten"); !lost.empty()) out += ", overwritten " + std::string(lost);
  out += "\n";

  std::vector<std::vector<std::string>> lines;
  lines.emplace_back();
  for (const auto& column : kColumns) lines.back().push_back(column.title);
  for (const auto& row : node.rows) lines.push_back(row_cells(node.address, row, now_ms));

  std::vector<size_t> widths(kColumnCount, 0);
  for (const auto& line : lines) {
    // An error row's message is one long cell; keep it from widening the link column.
    if (line.size() != kColumnCount) continue;
    for (size_t c = 0; c < kColumnCount; ++c) widths[c] = std::max(widths[c], line[c].size());
  }
  for (size_t c = 0; c < 3; ++c) {
    for (const auto& line : lines) widths[c] = std::max(widths[c], line[c].size());
  }

  for (const auto& line : lines) {
    std::string text;
    for (size_t c = 0; c < line.size(); ++c) {
      if (c) text += "  ";
      bool last = c + 1 == line.size();
      if (line.size() != kColumnCount && last) {
        text += line[c];
      } else {
        append_padded(text, line[c], widths[c], kColumns[c].numeric);
      }
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
}

std::string json_object(const Fields& fields) {
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ",";
    out += json_quote(fields[i].first) + ":" + json_value(fields[i].second);
  }
  return out + "}";
}

std::string json_optional(const std::string& text) { return text.empty() ? "null" : json_quote(text); }

const char* state_name(NodeState state) {
  switch (state) {
    case NodeState::Ok: return "ok";
    case NodeState::Unreachable: return "unreachable";
    case NodeState::NotXdr: return "error";
  }
  return "error";
}

}  // namespace

std::string format_duration(int64_t ms) {
  int64_t s = std::max<int64_t>(ms, 0) / 1000;
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", (long long)s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
  }
  return buf;
}

std::string format_table(const std::vector<NodeReport>& nodes, int64_t now_ms) {
  std::string out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) out += "\n";
    append_node_table(out, nodes[i], now_ms);
  }
  return out;
}

std::string format_json(const std::vector<NodeReport>& nodes) {
  std::string out = "[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeReport& node = nodes[i];
    out += i ? ",\n " : "\n ";
    out += "{\"node\":" + json_quote(node.address) + ",\"status\":\"" + state_name(node.state) + "\"" +
           ",\"error\":" + json_optional(node.error) + ",\"id\":" + json_optional(node.node_id) +
           ",\"statistics\":" + json_object(node.statistics) + ",\"rows\":[";
    for (size_t r = 0; r < node.rows.size(); ++r) {
      const XdrRow& row = node.rows[r];
      out += r ? ",\n   " : "\n   ";
      out += "{\"dc\":" + json_quote(row.dc) + ",\"ns\":" + json_optional(row.ns) +
             ",\"error\":" + json_optional(row.error) + ",\"stats\":" + json_object(row.fields) + "}";
    }
    out += node.rows.empty() ? "]}" : "\n ]}";
  }
  out += nodes.empty() ? "]\n" : "\n]\n";
  return out;
}

}  // namespace asadm
