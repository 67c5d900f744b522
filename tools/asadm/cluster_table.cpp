// Text and JSON rendering of `show cluster` (layouts in cluster_table.h), and the summary
// both print.

#include "cluster_table.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>

#include "text_table.h"

namespace asadm {

namespace {

// The per-namespace stats shown, as master/replica pairs.
struct PairColumn {
  const char* title;  // after the namespace name
  const char* master;
  const char* replica;
};
constexpr PairColumn kPairColumns[] = {
    {"parts M/R", "master_partitions", "prole_partitions"},
    {"objects M/R", "master_objects", "prole_objects"},
};

struct Column {
  std::string title;
  bool numeric;  // right-aligned
};

// A member as the summary names it: its id when known, else its address.
std::string label(const ClusterMember& member) { return member.node_id.empty() ? member.address : member.node_id; }

const NamespaceStats* find_namespace(const ClusterMember& member, const std::string& name) {
  for (const auto& ns : member.namespaces) {
    if (ns.name == name) return &ns;
  }
  return nullptr;
}

// Every namespace any member reported, in first-seen order.
std::vector<std::string> all_namespaces(const ClusterReport& report) {
  std::vector<std::string> out;
  for (const auto& member : report.members) {
    for (const auto& ns : member.namespaces) {
      if (std::find(out.begin(), out.end(), ns.name) == out.end()) out.push_back(ns.name);
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

// "*" on the principal, empty on the others, "-" when the node does not say who it is.
std::string principal_cell(const ClusterMember& member) {
  std::string_view principal = field(member.statistics, "cluster_principal");
  if (principal.empty()) return "-";
  return same_node_id(principal, member.node_id) ? "*" : "";
}

std::string pair_cell(const NamespaceStats* ns, const PairColumn& column) {
  if (ns == nullptr) return "-";
  std::string_view master = field(ns->fields, column.master);
  std::string_view replica = field(ns->fields, column.replica);
  if (master.empty() && replica.empty()) return "-";
  return or_dash(master) + "/" + or_dash(replica);
}

std::vector<std::string> member_cells(const ClusterMember& member, const std::vector<std::string>& namespaces) {
  std::vector<std::string> cells{member.address, or_dash(member.node_id)};
  if (member.state != MemberState::Ok) {
    // Spans the rest of the row; the width is not padded for it.
    cells.push_back(std::string(status_name(member.state)) + " (" + member.error + ")");
    return cells;
  }
  const Fields& stats = member.statistics;
  cells.push_back(principal_cell(member));
  for (const char* key : {"cluster_key", "cluster_size", "cluster_integrity", "migrate_partitions_remaining"}) {
    cells.push_back(or_dash(field(stats, key)));
  }
  for (const auto& name : namespaces) {
    const NamespaceStats* ns = find_namespace(member, name);
    for (const auto& column : kPairColumns) cells.push_back(pair_cell(ns, column));
  }
  return cells;
}

uint64_t to_number(std::string_view text, bool& ok) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  ok = error == std::errc() && end == text.data() + text.size();
  return value;
}

std::string json_member(const ClusterMember& member) {
  const Fields& stats = member.statistics;
  std::string principal = "null";
  if (std::string cell = principal_cell(member); member.state == MemberState::Ok && cell != "-") {
    principal = cell == "*" ? "true" : "false";
  }
  std::string out = "{\"node\":" + json_quote(member.address) + ",\"status\":\"" + status_name(member.state) +
                    "\",\"error\":" + json_string_or_null(member.error) +
                    ",\"id\":" + json_string_or_null(member.node_id) + ",\"principal\":" + principal +
                    ",\"cluster_key\":" + json_string_or_null(field(stats, "cluster_key"));
  for (const char* key : {"cluster_size", "cluster_integrity", "migrate_partitions_remaining"}) {
    out += ",\"" + std::string(key) + "\":" + json_or_null(field(stats, key));
  }
  out += ",\"namespaces\":{";
  for (size_t i = 0; i < member.namespaces.size(); ++i) {
    const NamespaceStats& ns = member.namespaces[i];
    out += (i ? "," : "") + json_quote(ns.name) + ":{\"error\":" + json_string_or_null(ns.error);
    for (const auto& column : kPairColumns) {
      for (const char* key : {column.master, column.replica}) {
        out += ",\"" + std::string(key) + "\":" + json_or_null(field(ns.fields, key));
      }
    }
    out += "}";
  }
  return out + "}}";
}

// Members grouped by the value of one statistic, groups in first-seen order ("" = absent).
using Groups = std::vector<std::pair<std::string, std::vector<const ClusterMember*>>>;

Groups group_by(const std::vector<const ClusterMember*>& members, std::string_view key) {
  Groups groups;
  for (const auto* member : members) {
    std::string value(field(member->statistics, key));
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& group) { return group.first == value; });
    if (it == groups.end()) it = groups.insert(groups.end(), {value, {}});
    it->second.push_back(member);
  }
  return groups;
}

std::string labels(const std::vector<const ClusterMember*>& members) {
  std::vector<std::string> names;
  for (const auto* member : members) names.push_back(label(*member));
  return join(names, ", ");
}

// The agreement line: one key (and size) on every answering member, or who says what.
void add_agreement(const std::vector<const ClusterMember*>& answered, ClusterSummary& summary) {
  Groups keys = group_by(answered, "cluster_key");
  Groups sizes = group_by(answered, "cluster_size");
  if (keys.size() == 1 && keys[0].first.empty()) {
    summary.lines.push_back("cluster key unknown: no node reports cluster_key");
  } else if (keys.size() == 1) {
    summary.agree = true;
    summary.cluster_key = keys[0].first;
    if (sizes.size() == 1) summary.cluster_size = sizes[0].first;
    summary.lines.push_back("all nodes agree on cluster key " + summary.cluster_key + ", size " +
                            or_dash(summary.cluster_size));
    if (sizes.size() > 1) {
      std::vector<std::string> parts;
      for (const auto& [size, members] : sizes) parts.push_back(or_dash(size) + " on " + labels(members));
      summary.lines.push_back("WARNING: nodes report different cluster sizes: " + join(parts, "; "));
    }
  } else {
    std::vector<std::string> parts;
    for (const auto& [key, members] : keys) {
      std::string size(field(members.front()->statistics, "cluster_size"));
      parts.push_back((key.empty() ? "no key" : key + " (size " + or_dash(size) + ")") + " on " + labels(members));
    }
    summary.lines.push_back("WARNING: nodes disagree on the cluster key: " + join(parts, "; "));
  }
}

}  // namespace

ClusterSummary summarize(const ClusterReport& report) {
  ClusterSummary summary;
  std::vector<const ClusterMember*> answered;
  std::vector<std::string> unreachable, refused, not_asd, no_integrity, ns_errors;
  for (const auto& member : report.members) {
    if (member.state == MemberState::Unreachable) unreachable.push_back(member.address);
    if (member.state == MemberState::Refused) refused.push_back(member.address);
    if (member.state == MemberState::NotAsd) not_asd.push_back(member.address);
    if (member.state != MemberState::Ok) continue;
    answered.push_back(&member);
    if (field(member.statistics, "cluster_integrity") == "false") no_integrity.push_back(label(member));
    for (const auto& ns : member.namespaces) {
      if (!ns.error.empty()) ns_errors.push_back("namespace " + ns.name + " on " + label(member) + ": " + ns.error);
    }
  }
  if (answered.empty()) {
    summary.lines.push_back("WARNING: no node answered");
  } else {
    add_agreement(answered, summary);
  }
  uint64_t remaining = 0;
  size_t reporting = 0;
  for (const auto* member : answered) {
    bool ok = false;
    uint64_t value = to_number(field(member->statistics, "migrate_partitions_remaining"), ok);
    if (ok) {
      remaining += value;
      ++reporting;
    }
  }
  if (reporting > 0) {
    summary.lines.push_back(remaining == 0 ? std::string("migrations: none remaining")
                                           : "migrations: " + std::to_string(remaining) + " partitions remaining");
  }
  bool size_ok = false;
  uint64_t size = to_number(summary.cluster_size, size_ok);
  if (size_ok && size != answered.size()) {
    summary.lines.push_back("WARNING: cluster_size is " + summary.cluster_size + " but " +
                            std::to_string(answered.size()) + (answered.size() == 1 ? " node" : " nodes") +
                            " answered");
  }
  const std::string of_total = " of " + std::to_string(report.members.size()) + " nodes ";
  if (!unreachable.empty()) {
    summary.lines.push_back("WARNING: " + std::to_string(unreachable.size()) + of_total +
                            "unreachable: " + join(unreachable, ", "));
  }
  if (!refused.empty()) {
    summary.lines.push_back("WARNING: " + std::to_string(refused.size()) + of_total +
                            "refused: " + join(refused, ", ") + " (a secured cluster: -U USER -P [PASSWORD])");
  }
  if (!not_asd.empty()) {
    summary.lines.push_back("WARNING: not an asd service port: " + join(not_asd, ", "));
  }
  if (!no_integrity.empty()) summary.lines.push_back("WARNING: cluster_integrity false on " + join(no_integrity, ", "));

  for (const auto& text : ns_errors) summary.lines.push_back("WARNING: " + text);
  for (const auto& text : report.problems) summary.lines.push_back("WARNING: " + text);
  return summary;
}

std::string format_cluster_table(const ClusterReport& report) {
  std::vector<Column> columns = {{"Node", false}, {"Node ID", false},   {"Principal", false}, {"Cluster Key", false},
                                 {"Size", true},  {"Integrity", false}, {"Migrations", true}};
  const std::vector<std::string> namespaces = all_namespaces(report);
  for (const auto& ns : namespaces) {
    for (const auto& column : kPairColumns) columns.push_back({ns + " " + column.title, true});
  }
  std::vector<TextRow> rows;
  rows.emplace_back();
  std::vector<bool> right;
  for (const auto& column : columns) {
    rows.back().push_back(column.title);
    right.push_back(column.numeric);
  }
  for (const auto& member : report.members) rows.push_back(member_cells(member, namespaces));

  std::string out = render_columns(rows, right) + "\n";
  for (const auto& line : summarize(report).lines) out += line + "\n";
  return out;
}

std::string format_cluster_json(const ClusterReport& report) {
  std::string out = "{\"seeds\":[";
  for (size_t i = 0; i < report.seeds.size(); ++i) out += (i ? "," : "") + json_quote(report.seeds[i]);
  out += "],\n \"nodes\":[";
  for (size_t i = 0; i < report.members.size(); ++i) out += (i ? ",\n  " : "\n  ") + json_member(report.members[i]);
  out += report.members.empty() ? "],\n" : "\n ],\n";
  ClusterSummary summary = summarize(report);
  out += " \"summary\":{\"agree\":" + std::string(summary.agree ? "true" : "false") +
         ",\"cluster_key\":" + json_string_or_null(summary.cluster_key) +
         ",\"cluster_size\":" + json_or_null(summary.cluster_size) + ",\"lines\":[";
  for (size_t i = 0; i < summary.lines.size(); ++i) out += (i ? "," : "") + json_quote(summary.lines[i]);
  return out + "]}}\n";
}

}  // namespace asadm
