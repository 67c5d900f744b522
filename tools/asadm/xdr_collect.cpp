// collect_node(): the three info round trips behind `asadm show xdr` for one node.

#include "client/client.h"
#include "xdr_discovery.h"
#include "xdr_report.h"

namespace asadm {

namespace {

// Info answers echo each command; find ours by its text (order is not relied on).
const std::string* answer_for(const Fields& answer, const std::string& command) {
  for (const auto& [name, value] : answer) {
    if (name == command) return &value;
  }
  return nullptr;
}

std::string dc_command(const std::string& dc) { return "get-stats:context=xdr;dc=" + dc; }

std::string ns_command(const std::string& dc, const std::string& ns) {
  return dc_command(dc) + ";namespace=" + ns;
}

// Fills `row` from one get-stats answer; an absent answer is an error row, not a crash.
void fill_row(XdrRow& row, const std::string* value) {
  if (value == nullptr) {
    row.error = "no answer";
  } else if (is_error_answer(*value)) {
    row.error = *value;
  } else {
    row.fields = parse_fields(*value);
  }
}

// The xdr's view of its cluster peers. An unreadable list is recorded, not dropped: the
// table prints why no peer view is shown for this node.
void fill_peers(NodeReport& report) {
  const std::string* value = find_field(report.statistics, "peers");
  if (value == nullptr) return;
  auto peers = parse_peer_view(*value);
  if (peers) {
    report.peers = std::move(*peers);
  } else {
    report.peers_error = peers.error().message;
  }
}

}  // namespace

std::vector<std::string> first_round_commands() { return {"node", "dcs", "statistics"}; }

std::string node_label(const NodeReport& node) { return node.asd_id.empty() ? node.address : node.asd_id; }

NodeReport collect_node(const client::Host& host, uint32_t timeout_ms) {
  auto first = client::Client::info_host(host, first_round_commands(), timeout_ms);
  if (!first) {
    NodeReport report;
    report.address = host.to_string();
    report.error = first.error().message;
    return report;
  }
  return collect_node_from(host, *first, timeout_ms);
}

NodeReport collect_node_from(const client::Host& host, const Fields& first, uint32_t timeout_ms) {
  NodeReport report;
  report.address = host.to_string();
  const std::string* dcs = answer_for(first, "dcs");
  // asd's service port answers `ERROR:4:unrecognized command` here: the usual mistake is
  // pointing asadm at port 3000 instead of xdr-info-port, so say that plainly.
  if (dcs == nullptr || is_error_answer(*dcs)) {
    report.state = NodeState::NotXdr;
    report.error = "not an xdr info port: dcs answered '" + (dcs ? *dcs : std::string("nothing")) + "'";
    return report;
  }
  report.state = NodeState::Ok;
  if (const std::string* node = answer_for(first, "node"); node && !is_error_answer(*node)) report.node_id = *node;
  if (const std::string* stats = answer_for(first, "statistics"); stats && !is_error_answer(*stats)) {
    report.statistics = parse_fields(*stats);
    fill_peers(report);
  }

  std::vector<std::string> dc_names = split_list(*dcs, ';');
  if (dc_names.empty()) return report;

  std::vector<std::string> commands;
  for (const auto& dc : dc_names) commands.push_back(dc_command(dc));
  auto second = client::Client::info_host(host, commands, timeout_ms);
  if (!second) {
    report.state = NodeState::Unreachable;
    report.error = second.error().message;
    return report;
  }

  // DC rows first, remembering which namespaces each DC reported.
  std::vector<std::vector<std::string>> namespaces(dc_names.size());
  std::vector<XdrRow> dc_rows(dc_names.size());
  commands.clear();
  for (size_t i = 0; i < dc_names.size(); ++i) {
    dc_rows[i].dc = dc_names[i];
    fill_row(dc_rows[i], answer_for(*second, dc_command(dc_names[i])));
    namespaces[i] = split_list(field(dc_rows[i].fields, "namespaces"), ',');
    for (const auto& ns : namespaces[i]) commands.push_back(ns_command(dc_names[i], ns));
  }

  client::InfoAnswer third;
  if (!commands.empty()) {
    auto answer = client::Client::info_host(host, commands, timeout_ms);
    if (!answer) {
      report.state = NodeState::Unreachable;
      report.error = answer.error().message;
      return report;
    }
    third = std::move(*answer);
  }

  for (size_t i = 0; i < dc_names.size(); ++i) {
    report.rows.push_back(std::move(dc_rows[i]));
    for (const auto& ns : namespaces[i]) {
      XdrRow row;
      row.dc = dc_names[i];
      row.ns = ns;
      fill_row(row, answer_for(third, ns_command(dc_names[i], ns)));
      report.rows.push_back(std::move(row));
    }
  }
  return report;
}

}  // namespace asadm
