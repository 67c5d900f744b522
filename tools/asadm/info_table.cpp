// The `info` tables (layouts in info_table.h).

#include "info_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace asadm {

namespace {

constexpr const char* kStatistics = "statistics";
constexpr const char* kSets = "sets";

std::string namespace_command(const std::string& ns) { return "namespace/" + ns; }

// used * 100 / total with two decimals; "" when either is missing or total is 0.
std::string percent(std::string_view used, std::string_view total) {
  double u = std::strtod(std::string(used).c_str(), nullptr);
  double t = std::strtod(std::string(total).c_str(), nullptr);
  if (used.empty() || total.empty() || t <= 0) return {};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", u * 100 / t);
  return buf;
}

Sheet network_sheet(const NodesReport& report) {
  Sheet sheet{"Network Information",
              {{"Node", "node"},
               {"Node ID", "node_id"},
               {"IP", "ip"},
               {"Build", "build"},
               {"Migrations", "migrations", true},
               {"Cluster Size", "cluster_size", true},
               {"Cluster Key", "cluster_key"},
               {"Cluster Integrity", "cluster_integrity"},
               {"Cluster Principal", "cluster_principal"},
               {"Client Conns", "client_conns", true},
               {"Uptime", "uptime", true, CellFormat::Duration}},
              {}};
  for (const NodeAnswers& node : report.nodes) {
    if (!node.ok()) {
      sheet.rows.push_back(failed_row({node.address, node.node_id}, node_status(node), node.error));
      continue;
    }
    Fields stats = node.fields(kStatistics);
    const std::string* ip = node.answer("service-clear-std");
    SheetRow row;
    row.cells = {node.address, node.node_id, ip && !is_error_answer(*ip) ? *ip : std::string(), build_text(node)};
    for (const char* key : {"migrate_partitions_remaining", "cluster_size", "cluster_key", "cluster_integrity",
                            "cluster_principal", "client_connections", "uptime"}) {
      row.cells.emplace_back(field(stats, key));
    }
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

// One block of rows per namespace, each closed by its total.
template <class RowFn>
void add_namespace_rows(Sheet& sheet, const NodesReport& report, RowFn row_for) {
  for (const auto& ns : all_namespaces(report)) {
    size_t first = sheet.rows.size();
    for (const NodeAnswers& node : report.nodes) {
      if (!node.ok()) {
        sheet.rows.push_back(failed_row({ns, node.address}, node_status(node), node.error));
        continue;
      }
      const std::string* value = node.answer(namespace_command(ns));
      if (value == nullptr || is_error_answer(*value) || value->starts_with("type=unknown")) {
        sheet.rows.push_back(failed_row({ns, node.address}, "error", value ? *value : "namespace not on this node"));
        continue;
      }
      SheetRow row;
      row.cells = {ns, node.address};
      row_for(parse_fields(*value), row.cells);
      sheet.rows.push_back(std::move(row));
    }
    sheet.rows.push_back(total_row(sheet, first, sheet.rows.size(), {ns, "total"}));
  }
}

Sheet namespace_usage_sheet(const NodesReport& report) {
  Sheet sheet{"Namespace Usage Information",
              {{"Namespace", "namespace"},
               {"Node", "node"},
               {"Evictions", "evictions", true, CellFormat::Plain, true},
               {"Stop Writes", "stop_writes"},
               {"Memory Used", "memory_used_bytes", true, CellFormat::Bytes, true},
               {"Memory Used%", "memory_used_pct", true, CellFormat::Percent},
               {"Memory HWM%", "memory_hwm_pct", true, CellFormat::Percent},
               {"Memory Stop%", "memory_stop_pct", true, CellFormat::Percent},
               {"Device Used", "device_used_bytes", true, CellFormat::Bytes, true},
               {"Device Used%", "device_used_pct", true, CellFormat::Percent},
               {"Device Avail%", "device_avail_pct", true, CellFormat::Percent}},
              {}};
  add_namespace_rows(sheet, report, [](const Fields& ns, std::vector<std::string>& cells) {
    cells.emplace_back(field(ns, "evicted_objects"));
    cells.emplace_back(field(ns, "stop_writes"));
    cells.emplace_back(field(ns, "memory_used_bytes"));
    cells.push_back(percent(field(ns, "memory_used_bytes"), field(ns, "memory-size")));
    cells.emplace_back(field(ns, "high-water-memory-pct"));
    cells.emplace_back(field(ns, "stop-writes-pct"));
    cells.emplace_back(field(ns, "device_used_bytes"));
    cells.push_back(percent(field(ns, "device_used_bytes"), field(ns, "device_total_bytes")));
    cells.emplace_back(field(ns, "device_available_pct"));
  });
  return sheet;
}

// master + prole + non-replica objects, plus tombstones: every copy this node holds.
std::string total_records(const Fields& ns) {
  uint64_t sum = 0;
  bool any = false;
  for (const char* key : {"master_objects", "prole_objects", "non_replica_objects", "tombstones"}) {
    std::string_view value = field(ns, key);
    if (value.empty()) continue;
    sum += std::strtoull(std::string(value).c_str(), nullptr, 10);
    any = true;
  }
  return any ? std::to_string(sum) : std::string();
}

Sheet namespace_object_sheet(const NodesReport& report) {
  Sheet sheet{"Namespace Object Information",
              {{"Namespace", "namespace"},
               {"Node", "node"},
               {"Rack ID", "rack_id", true},
               {"Repl Factor", "repl_factor", true},
               {"Expirations", "expirations", true, CellFormat::Plain, true},
               {"Total Records", "total_records", true, CellFormat::Plain, true},
               {"Objects Master", "master_objects", true, CellFormat::Plain, true},
               {"Objects Prole", "prole_objects", true, CellFormat::Plain, true},
               {"Objects Non-Replica", "non_replica_objects", true, CellFormat::Plain, true},
               {"Tombstones", "tombstones", true, CellFormat::Plain, true},
               {"Pending Migrates Tx", "migrate_tx_partitions_remaining", true, CellFormat::Plain, true},
               {"Pending Migrates Rx", "migrate_rx_partitions_remaining", true, CellFormat::Plain, true}},
              {}};
  add_namespace_rows(sheet, report, [](const Fields& ns, std::vector<std::string>& cells) {
    cells.emplace_back(field(ns, "rack-id"));
    std::string_view rf = field(ns, "effective_replication_factor");
    cells.emplace_back(rf.empty() ? field(ns, "replication-factor") : rf);
    cells.emplace_back(field(ns, "expired_objects"));
    cells.push_back(total_records(ns));
    for (const char* key : {"master_objects", "prole_objects", "non_replica_objects", "tombstones",
                            "migrate_tx_partitions_remaining", "migrate_rx_partitions_remaining"}) {
      cells.emplace_back(field(ns, key));
    }
  });
  return sheet;
}

Sheet set_sheet(const NodesReport& report) {
  Sheet sheet{"Set Information",
              {{"Namespace", "namespace"},
               {"Set", "set"},
               {"Node", "node"},
               {"Memory Used", "memory_data_bytes", true, CellFormat::Bytes, true},
               {"Total Records", "objects", true, CellFormat::Plain, true},
               {"Tombstones", "tombstones", true, CellFormat::Plain, true},
               {"Records Quota", "stop_writes_count", true},
               {"Disable Eviction", "disable_eviction"}},
              {}};
  for (const auto& [ns, set] : all_sets(report)) {
    size_t first = sheet.rows.size();
    for (const NodeAnswers& node : report.nodes) {
      if (!node.ok()) {
        sheet.rows.push_back(failed_row({ns, set, node.address}, node_status(node), node.error));
        continue;
      }
      std::optional<Fields> found = find_set(node, ns, set);
      SheetRow row;
      row.cells = {ns, set, node.address};
      for (const char* key : {"memory_data_bytes", "objects", "tombstones", "stop-writes-count", "disable-eviction"}) {
        row.cells.emplace_back(found ? field(*found, key) : std::string_view());
      }
      sheet.rows.push_back(std::move(row));
    }
    sheet.rows.push_back(total_row(sheet, first, sheet.rows.size(), {ns, set, "total"}));
  }
  return sheet;
}

Sheet xdr_sheet(const NodesReport& report, const std::string& dc) {
  Sheet sheet{dc.empty() ? "XDR Information" : dc + " XDR Information",
              {{"Node", "node"},
               {"Node ID", "node_id"},
               {"Success", "success", true, CellFormat::Plain, true},
               {"Retry Connection Reset", "retry_conn_reset", true, CellFormat::Plain, true},
               {"Retry Destination", "retry_dest", true, CellFormat::Plain, true},
               {"Recoveries Pending", "recoveries_pending", true, CellFormat::Plain, true},
               {"Lag (hh:mm:ss)", "lag", true, CellFormat::Duration},
               {"Avg Latency (ms)", "latency_ms", true},
               {"Throughput (rec/s)", "throughput", true, CellFormat::Plain, true},
               {"In Queue", "in_queue", true, CellFormat::Plain, true},
               {"Link", "link"}},
              {}};
  for (const NodeAnswers& node : report.nodes) {
    std::vector<std::string> leading{node.address, node.node_id};
    if (!node.ok()) {
      sheet.rows.push_back(failed_row(leading, node_status(node), node.error));
      continue;
    }
    const std::string* config = node.answer(kXdrConfigCommand);
    const std::string* value = dc.empty() ? nullptr : node.answer(xdr_stats_command(dc));
    if (config == nullptr || is_error_answer(*config)) {
      sheet.rows.push_back(failed_row(leading, "error", config ? *config : "no xdr config answer"));
    } else if (value == nullptr) {
      sheet.rows.push_back(failed_row(leading, "error", dc.empty() ? "no datacenters configured"
                                                                   : "does not ship to " + dc));
    } else if (is_error_answer(*value)) {
      sheet.rows.push_back(failed_row(leading, "error", *value));
    } else {
      Fields stats = parse_fields(*value);
      SheetRow row;
      row.cells = leading;
      for (const char* key : {"success", "retry_conn_reset", "retry_dest", "recoveries_pending", "lag", "latency_ms",
                              "throughput", "in_queue", "link"}) {
        row.cells.emplace_back(field(stats, key));
      }
      sheet.rows.push_back(std::move(row));
    }
  }
  if (!dc.empty()) sheet.rows.push_back(total_row(sheet, 0, sheet.rows.size(), {"total", ""}));
  return sheet;
}

}  // namespace

std::optional<std::vector<InfoSection>> parse_info_sections(const std::vector<std::string>& words,
                                                            std::string& error) {
  static const std::pair<const char*, InfoSection> kNames[] = {{"network", InfoSection::Network},
                                                               {"namespace", InfoSection::Namespace},
                                                               {"set", InfoSection::Set},
                                                               {"xdr", InfoSection::Xdr}};
  std::vector<InfoSection> out;
  for (const auto& word : words) {
    auto it = std::find_if(std::begin(kNames), std::end(kNames), [&](const auto& n) { return word == n.first; });
    if (it == std::end(kNames)) {
      error = "unknown info section '" + word + "' (expected network, namespace, set or xdr)";
      return std::nullopt;
    }
    if (std::find(out.begin(), out.end(), it->second) != out.end()) {
      error = "info section '" + word + "' given twice";
      return std::nullopt;
    }
    out.push_back(it->second);
  }
  if (out.empty()) {
    for (const auto& [name, section] : kNames) out.push_back(section);
  }
  return out;
}

InfoPlan info_plan(const std::vector<InfoSection>& sections) {
  InfoPlan plan;
  for (InfoSection section : sections) {
    switch (section) {
      case InfoSection::Network:
        plan.first.insert(plan.first.end(), {kStatistics, "build", "edition", "service-clear-std"});
        break;
      case InfoSection::Namespace:
        add_round(plan, 0, [](const Fields& answers) {
          std::vector<std::string> commands;
          for (const auto& ns : namespaces_of(answers)) commands.push_back(namespace_command(ns));
          return commands;
        });
        break;
      case InfoSection::Set:
        plan.first.push_back(kSets);
        break;
      case InfoSection::Xdr:
        add_xdr_dc_rounds(plan);
        add_round(plan, 1, [](const Fields& answers) {
          std::vector<std::string> commands;
          for (const auto& dc : xdr_dcs_of(answers)) commands.push_back(xdr_stats_command(dc));
          return commands;
        });
        break;
    }
  }
  return plan;
}

std::vector<Sheet> info_sheets(const NodesReport& report, const std::vector<InfoSection>& sections) {
  std::vector<Sheet> out;
  for (InfoSection section : sections) {
    switch (section) {
      case InfoSection::Network:
        out.push_back(network_sheet(report));
        break;
      case InfoSection::Namespace:
        out.push_back(namespace_usage_sheet(report));
        out.push_back(namespace_object_sheet(report));
        break;
      case InfoSection::Set:
        out.push_back(set_sheet(report));
        break;
      case InfoSection::Xdr: {
        std::vector<std::string> dcs = all_xdr_dcs(report);
        if (dcs.empty()) out.push_back(xdr_sheet(report, ""));
        for (const auto& dc : dcs) out.push_back(xdr_sheet(report, dc));
        break;
      }
    }
  }
  // The namespace and set sheets give a failed node a row per namespace or set someone
  // listed; when no node listed any (none answered), the reasons go under the table.
  for (Sheet& sheet : out) {
    if (sheet.rows.empty()) sheet.notes = failure_notes(report);
  }
  return out;
}

}  // namespace asadm
