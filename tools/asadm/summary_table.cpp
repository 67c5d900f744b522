// `asadm summary` (summary_table.h): sums over the nodes that answered.

#include "summary_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "text_table.h"

namespace asadm {

namespace {

constexpr const char* kStatistics = "statistics";
constexpr const char* kSindexList = "sindex-list:";
constexpr const char* kUdfList = "udf-list";

double number(std::string_view text) { return text.empty() ? 0 : std::strtod(std::string(text).c_str(), nullptr); }

std::string integer_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", value);
  return buf;
}

std::string pct_text(double part, double total) {
  if (total <= 0) return {};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", part * 100 / total);
  return buf;
}

// Total, used and available bytes of one kind of storage, summed.
struct Usage {
  double total = 0;
  double used = 0;
  double avail = 0;
  bool any = false;

  void add(const Usage& other) {
    total += other.total;
    used += other.used;
    avail += other.avail;
    any = any || other.any;
  }
};

struct NamespaceTotals {
  std::string name;
  std::vector<uint64_t> devices_per_node;  // one entry per answering node
  Usage memory;
  Usage device;
  std::vector<std::string> replication_factors;  // distinct, sorted
  double master_objects = 0;
  double objects = 0;
};

uint64_t device_count(const Fields& ns) {
  return split_list(field(ns, "storage-engine.file"), ',').size() + split_list(field(ns, "storage-engine.device"), ',').size();
}

void add_distinct(std::vector<std::string>& list, std::string_view value) {
  if (value.empty() || std::find(list.begin(), list.end(), value) != list.end()) return;
  list.emplace_back(value);
  std::sort(list.begin(), list.end());
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

NamespaceTotals namespace_totals(const NodesReport& report, const std::string& name) {
  NamespaceTotals totals;
  totals.name = name;
  for (const NodeAnswers& node : report.nodes) {
    if (!node.ok()) continue;
    Fields ns = node.fields("namespace/" + name);
    if (ns.empty()) continue;
    totals.devices_per_node.push_back(device_count(ns));
    double size = number(field(ns, "memory-size"));
    double used = number(field(ns, "memory_used_bytes"));
    totals.memory.add({size, used, std::max(0.0, size - used), true});
    if (!field(ns, "device_total_bytes").empty()) {
      double total = number(field(ns, "device_total_bytes"));
      totals.device.add({total, number(field(ns, "device_used_bytes")),
                         total * number(field(ns, "device_available_pct")) / 100, true});
    }
    std::string_view rf = field(ns, "replication-factor");
    add_distinct(totals.replication_factors, rf.empty() ? field(ns, "effective_replication_factor") : rf);
    totals.master_objects += number(field(ns, "master_objects"));
    totals.objects += number(field(ns, "objects"));
  }
  return totals;
}

uint64_t sum(const std::vector<uint64_t>& values) {
  uint64_t out = 0;
  for (uint64_t value : values) out += value;
  return out;
}

// Every distinct answer of the nodes to `command` (or to `key` of their statistics).
std::string distinct_answers(const NodesReport& report, const std::function<std::string(const NodeAnswers&)>& value_of) {
  std::vector<std::string> values;
  for (const NodeAnswers& node : report.nodes) {
    if (node.ok()) add_distinct(values, value_of(node));
  }
  return join(values);
}

std::string plain_answer(const NodeAnswers& node, const char* command) {
  const std::string* value = node.answer(command);
  return value && !is_error_answer(*value) && *value != "null" ? *value : std::string();
}

// What the cluster is used for, judged from counters and catalogs.
std::string active_features(const NodesReport& report, const std::vector<std::string>& namespaces) {
  double kvs = 0, scan = 0, udf = 0, xdr_out = 0, xdr_in = 0;
  bool sindex = false, udf_modules = false;
  for (const NodeAnswers& node : report.nodes) {
    if (!node.ok()) continue;
    xdr_out += number(field(node.fields(kStatistics), "xdr_frames_written"));
    sindex = sindex || !plain_answer(node, kSindexList).empty();
    udf_modules = udf_modules || !plain_answer(node, kUdfList).empty();
    for (const auto& name : namespaces) {
      Fields ns = node.fields("namespace/" + name);
      kvs += number(field(ns, "client_read_success")) + number(field(ns, "client_write_success")) +
             number(field(ns, "client_delete_success"));
      scan += number(field(ns, "scan_basic_complete"));
      udf += number(field(ns, "client_udf_complete"));
      xdr_in += number(field(ns, "xdr_write_success"));
    }
  }
  std::vector<std::string> features;
  if (kvs > 0) features.push_back("KVS");
  if (scan > 0) features.push_back("Scan");
  if (sindex) features.push_back("SINDEX");
  if (udf > 0 || udf_modules) features.push_back("UDF");
  if (xdr_out > 0) features.push_back("XDR Source");
  if (xdr_in > 0) features.push_back("XDR Destination");
  std::string out;
  for (const auto& feature : features) out += (out.empty() ? "" : ", ") + feature;
  return out;
}

void add_usage_items(std::vector<SummaryItem>& items, const std::string& title, const std::string& key,
                     const Usage& usage) {
  if (!usage.any) return;
  items.push_back({title + " Total", key + "_total", integer_text(usage.total), CellFormat::Bytes});
  items.push_back({title + " Used", key + "_used", integer_text(usage.used), CellFormat::Bytes});
  items.push_back({title + " Used%", key + "_used_pct", pct_text(usage.used, usage.total), CellFormat::Percent});
  items.push_back({title + " Avail", key + "_avail", integer_text(usage.avail), CellFormat::Bytes});
  items.push_back({title + " Avail%", key + "_avail_pct", pct_text(usage.avail, usage.total), CellFormat::Percent});
}

Sheet namespace_sheet(const std::vector<NamespaceTotals>& all) {
  Sheet sheet{"Namespace Summary",
              {{"Namespace", "namespace"},
               {"Devices Total", "devices_total", true},
               {"Devices Per-Node", "devices_per_node", true},
               {"Memory Total", "memory_total", true, CellFormat::Bytes},
               {"Memory Used%", "memory_used_pct", true, CellFormat::Percent},
               {"Memory Avail%", "memory_avail_pct", true, CellFormat::Percent},
               {"Device Total", "device_total", true, CellFormat::Bytes},
               {"Device Used%", "device_used_pct", true, CellFormat::Percent},
               {"Device Avail%", "device_avail_pct", true, CellFormat::Percent},
               {"Replication Factors", "replication_factors", true},
               {"Master Objects", "master_objects", true}},
              {},
              {}};
  for (const NamespaceTotals& ns : all) {
    uint64_t devices = sum(ns.devices_per_node);
    bool equal = std::adjacent_find(ns.devices_per_node.begin(), ns.devices_per_node.end(),
                                    std::not_equal_to<>()) == ns.devices_per_node.end();
    SheetRow row;
    row.cells = {ns.name,
                 std::to_string(devices),
                 equal && !ns.devices_per_node.empty() ? std::to_string(ns.devices_per_node.front()) : std::string(),
                 ns.memory.any ? integer_text(ns.memory.total) : std::string(),
                 pct_text(ns.memory.used, ns.memory.total),
                 pct_text(ns.memory.avail, ns.memory.total),
                 ns.device.any ? integer_text(ns.device.total) : std::string(),
                 pct_text(ns.device.used, ns.device.total),
                 pct_text(ns.device.avail, ns.device.total),
                 join(ns.replication_factors),
                 integer_text(ns.master_objects)};
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

}  // namespace

InfoPlan summary_plan() {
  InfoPlan plan{{kStatistics, "build", "edition", "build_os", "cluster-name", kSindexList, kUdfList}, {}};
  add_round(plan, 0, [](const Fields& answers) {
    std::vector<std::string> commands;
    for (const auto& ns : namespaces_of(answers)) commands.push_back("namespace/" + ns);
    return commands;
  });
  return plan;
}

SummaryReport build_summary(const NodesReport& report) {
  SummaryReport out;
  std::vector<NamespaceTotals> namespaces;
  const std::vector<std::string> names = all_namespaces(report);
  for (const auto& name : names) namespaces.push_back(namespace_totals(report, name));

  bool migrating = false;
  std::vector<uint64_t> devices_per_node;
  for (const NodeAnswers& node : report.nodes) {
    if (!node.ok()) continue;
    migrating = migrating || number(field(node.fields(kStatistics), "migrate_partitions_remaining")) > 0;
    uint64_t devices = 0;
    for (const auto& name : names) devices += device_count(node.fields("namespace/" + name));
    devices_per_node.push_back(devices);
  }
  Usage memory, device;
  std::vector<std::string> rfs;
  double master_objects = 0;
  size_t active = 0;
  for (const NamespaceTotals& ns : namespaces) {
    memory.add(ns.memory);
    device.add(ns.device);
    for (const auto& rf : ns.replication_factors) add_distinct(rfs, rf);
    master_objects += ns.master_objects;
    active += ns.objects > 0;
  }
  bool equal = std::adjacent_find(devices_per_node.begin(), devices_per_node.end(), std::not_equal_to<>()) ==
               devices_per_node.end();

  auto& items = out.cluster;
  items.push_back({"Migrations", "migrations", migrating ? "true" : "false"});
  items.push_back({"Cluster Name", "cluster_name", distinct_answers(report, [](const NodeAnswers& n) {
                     return plain_answer(n, "cluster-name");
                   })});
  items.push_back({"Server Version", "server_version", distinct_answers(report, build_text)});
  items.push_back({"OS Version", "os_version", distinct_answers(report, [](const NodeAnswers& n) {
                     return plain_answer(n, "build_os");
                   })});
  items.push_back({"Cluster Size", "cluster_size", distinct_answers(report, [](const NodeAnswers& n) {
                     return std::string(field(n.fields(kStatistics), "cluster_size"));
                   })});
  items.push_back({"Devices Total", "devices_total", std::to_string(sum(devices_per_node))});
  items.push_back({"Devices Per-Node", "devices_per_node",
                   equal && !devices_per_node.empty() ? std::to_string(devices_per_node.front()) : std::string()});
  items.push_back({"Devices Equal Across Nodes", "devices_equal_across_nodes", equal ? "true" : "false"});
  add_usage_items(items, "Memory", "memory", memory);
  add_usage_items(items, "Device", "device", device);
  items.push_back({"Replication Factors", "replication_factors", join(rfs)});
  items.push_back({"Master Objects", "master_objects", integer_text(master_objects)});
  items.push_back({"Namespaces Active", "namespaces_active", std::to_string(active)});
  items.push_back({"Namespaces Total", "namespaces_total", std::to_string(namespaces.size())});
  items.push_back({"Active Features", "active_features", active_features(report, names)});

  out.namespaces = namespace_sheet(namespaces);
  out.notes = failure_notes(report);
  return out;
}

std::string format_summary_text(const SummaryReport& summary) {
  std::vector<TextRow> rows;
  for (const SummaryItem& item : summary.cluster) {
    std::string text = format_cell(item.raw, item.format);
    if (item.raw == "true" || item.raw == "false") text = item.raw == "true" ? "True" : "False";
    rows.push_back({item.title, text});
  }
  std::string table = render_columns(rows, {});
  std::string out = title_line("Cluster Summary", table.find('\n')) + table;
  for (const auto& note : summary.notes) out += note + "\n";
  Sheet namespaces = summary.namespaces;
  namespaces.notes = summary.notes;
  return out + "\n" + render_sheet_text(namespaces);
}

std::string format_summary_json(const SummaryReport& summary) {
  std::string out = "{\"cluster\":{";
  for (size_t i = 0; i < summary.cluster.size(); ++i) {
    const SummaryItem& item = summary.cluster[i];
    bool text = item.key == "cluster_name" || item.key == "server_version" || item.key == "os_version" ||
                item.key == "active_features" || item.key == "replication_factors" || item.key == "cluster_size";
    out += (i ? "," : "") + json_quote(item.key) + ":" + (text ? json_string_or_null(item.raw) : json_or_null(item.raw));
  }
  out += "},\n \"namespaces\":" + render_sheet_json(summary.namespaces) + ",\n \"notes\":[";
  for (size_t i = 0; i < summary.notes.size(); ++i) out += (i ? "," : "") + json_quote(summary.notes[i]);
  return out + "]}\n";
}

}  // namespace asadm
