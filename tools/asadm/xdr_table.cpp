// Text and JSON rendering of xdr stats (layouts documented in xdr_table.h).

#include "xdr_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "text_table.h"
#include "xdr_summary.h"

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
    // Per-record lag (ack at the remote - LUT) over the last 10 s.
    {"lag p50(ms)", "lag_p50_ms", true},
    {"lag p99(ms)", "lag_p99_ms", true},
    {"in_queue", "in_queue", true},
    {"in_prog", "in_progress", true},
    {"success", "success", true},
    {"not_found", "not_found", true},
    {"abandoned", "abandoned", true},
    {"retries", "retries", true},
    {"rec/s", "throughput", true},
    {"lat_ms", "latency_ms", true},
    {"compr", "compression_ratio", true},
    {"dlog%", "dlog_used_pct", true},
    // Takeovers (xdr-design.md §10): tasks done and pending, records shipped for peers
    // that left or whose xdr is down; then recovery scans (§7).
    {"tk", "takeovers", true},
    {"tk_pend", "takeovers_pending", true},
    {"tk_rec", "takeover_records", true},
    {"rcv", "recoveries", true},
};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);
constexpr size_t kFirstStat = 4;  // columns before this one describe the row, not stats

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

// "10.0.0.5:3004 (asd A2)": the address, and the asd node id when the node came from one.
std::string node_title(const NodeReport& node) {
  return node.asd_id.empty() ? node.address : node.address + " (asd " + node.asd_id + ")";
}

// The headline of a SeenDown row: down when any observer says so (or that it left the
// cluster, its takeover still pending somewhere), else unknown.
const char* seen_down_word(const NodeReport& node) {
  bool left = false;
  for (const auto& observer : node.seen_by) {
    if (observer.seen.state == "down") return "down";
    left = left || observer.seen.state == "left";
  }
  return left ? "down, left the cluster" : "unknown";
}

// The one line of a node that has no table; empty for an Ok node.
std::string state_line(const NodeReport& node) {
  switch (node.state) {
    case NodeState::Ok: return {};
    case NodeState::Unreachable: return "unreachable (" + node.error + ")";
    case NodeState::NotXdr:
    case NodeState::Error: return "error (" + node.error + ")";
    case NodeState::XdrDown: return "xdr down (" + node.error + ")";
    case NodeState::AsdUnreachable: return "asd unreachable (" + node.error + ")";
    case NodeState::XdrDisabled: return "xdr not enabled (" + node.error + ")";
    case NodeState::SeenDown: return std::string(seen_down_word(node)) + " (" + node.error + ")";
  }
  return "error (" + node.error + ")";
}

void append_node_table(std::string& out, const NodeReport& node, int64_t now_ms) {
  if (node.state != NodeState::Ok) {
    out += node_title(node) + "  " + state_line(node) + "\n";
    return;
  }
  if (node.rows.empty()) {
    out += node_title(node) + "  no datacenters configured\n";
    return;
  }

  size_t dc_count = 0;
  for (const auto& row : node.rows) dc_count += row.ns.empty();
  out += node.address;
  if (!node.node_id.empty() || !node.asd_id.empty()) {
    out += " (";
    if (!node.node_id.empty()) out += "node " + node.node_id + (node.asd_id.empty() ? "" : ", ");
    if (!node.asd_id.empty()) out += "asd " + node.asd_id;
    out += ")";
  }
  out += ": " + std::to_string(dc_count) + (dc_count == 1 ? " DC" : " DCs");
  if (auto used = field(node.statistics, "dlog_used_pct"); !used.empty()) out += ", dlog used " + std::string(used) + "%";
  if (auto lost = field(node.statistics, "dlog_overwritten"); !lost.empty()) out += ", overwritten " + std::string(lost);
  if (!node.peers_error.empty()) out += ", peer view unreadable (" + node.peers_error + ")";
  out += "\n";

  std::vector<TextRow> lines;
  lines.emplace_back();
  std::vector<bool> right;
  for (const auto& column : kColumns) {
    lines.back().push_back(column.title);
    right.push_back(column.numeric);
  }
  for (const auto& row : node.rows) lines.push_back(row_cells(node.address, row, now_ms));
  // An error row's message is one short row's spanning cell: it does not widen the link column.
  out += render_columns(lines, right);
  // Why a link is down does not fit a column: one line per DC under the table.
  for (const auto& row : node.rows) {
    if (!row.ns.empty()) continue;
    if (auto reason = field(row.fields, "link_reason"); !reason.empty()) {
      out += "  " + row.dc + " link down: " + std::string(reason) + "\n";
    }
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

const char* state_name(NodeState state) {
  switch (state) {
    case NodeState::Ok: return "ok";
    case NodeState::Unreachable: return "unreachable";
    case NodeState::NotXdr:
    case NodeState::Error: return "error";
    case NodeState::XdrDown: return "xdr_down";
    case NodeState::AsdUnreachable: return "asd_unreachable";
    case NodeState::XdrDisabled: return "xdr_disabled";
    case NodeState::SeenDown: return "seen_down";
  }
  return "error";
}

std::string json_strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_quote(items[i]);
  return out + "]";
}

// The fields added for multi-node DCs, after the original ones so those keep their place.
std::string json_cluster_fields(const NodeReport& node) {
  std::string out = ",\"asd_id\":" + json_string_or_null(node.asd_id) + ",\"asd\":" + json_string_or_null(node.asd_address) +
                    ",\"peers_error\":" + json_string_or_null(node.peers_error) + ",\"seen_by\":[";
  for (size_t i = 0; i < node.seen_by.size(); ++i) {
    const Observer& observer = node.seen_by[i];
    out += (i ? "," : "") + std::string("{\"node\":") + json_quote(observer.node) +
           ",\"state\":" + json_quote(observer.seen.state) +
           ",\"silent_ms\":" + std::to_string(observer.seen.silent_ms) + "}";
  }
  return out + "]";
}

std::string json_dc(const DcSummary& summary) {
  std::string out = "{\"dc\":" + json_quote(summary.dc) + ",\"answered\":" + std::to_string(summary.answered.size()) +
                    ",\"down\":" + std::to_string(summary.down.size()) +
                    ",\"error\":" + std::to_string(summary.error.size());
  std::vector<std::string> partial;
  for (const DcStat& stat : summary.stats) {
    out += ",\"" + std::string(stat.key) + "\":" + (stat.reported ? std::to_string(stat.value) : "null");
    if (stat.reported && summary.partial(stat)) partial.push_back(stat.key);
  }
  return out + ",\"partial\":" + json_strings(partial) + ",\"answered_nodes\":" + json_strings(summary.answered) +
         ",\"down_nodes\":" + json_strings(summary.down) + ",\"error_nodes\":" + json_strings(summary.error) + "}";
}

// One line per DC after the node tables (xdr_summary.h says what is counted).
void append_dc_summary(std::string& out, const std::vector<DcSummary>& summaries) {
  const std::vector<std::string> titles = {"DC", "answered", "down", "error", "lag(s)", "lag p50(ms)",
                                           "lag p99(ms)", "in_queue", "tk", "tk_pend", "tk_rec", "rcv"};
  std::vector<TextRow> lines{titles};
  for (const DcSummary& summary : summaries) {
    std::vector<std::string> line{summary.dc, std::to_string(summary.answered.size()),
                                  std::to_string(summary.down.size()), std::to_string(summary.error.size())};
    for (const DcStat& stat : summary.stats) line.push_back(summary.text(stat));
    lines.push_back(std::move(line));
  }
  std::vector<bool> right(titles.size(), true);
  right[0] = false;
  out += "DC summary (lag, lag p50, lag p99: the largest over the nodes that answered; other counts: sums)\n";
  out += render_columns(lines, right);
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
  if (auto summaries = summarize_dcs(nodes); !summaries.empty()) {
    out += "\n";
    append_dc_summary(out, summaries);
  }
  return out;
}

std::string format_json(const std::vector<NodeReport>& nodes) {
  std::string out = "{\"nodes\":[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeReport& node = nodes[i];
    out += i ? ",\n " : "\n ";
    out += "{\"node\":" + json_quote(node.address) + ",\"status\":\"" + state_name(node.state) + "\"" +
           ",\"error\":" + json_string_or_null(node.error) + ",\"id\":" + json_string_or_null(node.node_id) +
           ",\"statistics\":" + json_object(node.statistics) + ",\"rows\":[";
    for (size_t r = 0; r < node.rows.size(); ++r) {
      const XdrRow& row = node.rows[r];
      out += r ? ",\n   " : "\n   ";
      out += "{\"dc\":" + json_quote(row.dc) + ",\"ns\":" + json_string_or_null(row.ns) +
             ",\"error\":" + json_string_or_null(row.error) + ",\"stats\":" + json_object(row.fields) + "}";
    }
    out += node.rows.empty() ? "]" : "\n ]";
    out += json_cluster_fields(node) + "}";
  }
  out += nodes.empty() ? "],\n \"dcs\":[" : "\n ],\n \"dcs\":[";
  auto summaries = summarize_dcs(nodes);
  for (size_t i = 0; i < summaries.size(); ++i) out += (i ? ",\n  " : "\n  ") + json_dc(summaries[i]);
  out += summaries.empty() ? "]}\n" : "\n ]}\n";
  return out;
}

}  // namespace asadm
