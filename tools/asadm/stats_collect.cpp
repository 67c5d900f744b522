// collect_answers(): discovery, then each member's InfoPlan rounds (stats_collect.h).

#include "stats_collect.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <tuple>
#include <utility>

#include "client/client.h"
#include "service_info.h"

namespace asadm {

namespace {

constexpr const char* kNode = "node";
constexpr const char* kNamespaces = "namespaces";
constexpr const char* kSets = "sets";

void add_unique(std::vector<std::string>& commands, const std::string& command) {
  if (std::find(commands.begin(), commands.end(), command) == commands.end()) commands.push_back(command);
}

// Every item `items_of` gives for any node's answers, once each, in first-seen order.
std::vector<std::string> union_over(const NodesReport& report,
                                    std::vector<std::string> (*items_of)(const Fields& answers)) {
  std::vector<std::string> out;
  for (const NodeAnswers& node : report.nodes) {
    for (const auto& item : items_of(node.answers)) add_unique(out, item);
  }
  return out;
}

}  // namespace

void add_round(InfoPlan& plan, size_t depth, NextRound round) {
  while (plan.next.size() <= depth) plan.next.push_back([](const Fields&) { return std::vector<std::string>{}; });
  plan.next[depth] = [before = std::move(plan.next[depth]), round = std::move(round)](const Fields& answers) {
    std::vector<std::string> commands = before(answers);
    for (auto& command : round(answers)) commands.push_back(std::move(command));
    return commands;
  };
}

Fields NodeAnswers::fields(std::string_view command) const {
  const std::string* value = answer(command);
  if (value == nullptr || is_error_answer(*value)) return {};
  return parse_fields(*value);
}

NodeAnswers ask_node(const client::Host& host, const InfoPlan& plan, uint32_t timeout_ms) {
  NodeAnswers node;
  node.address = host.to_string();
  std::vector<std::string> commands{kNode, kNamespaces};
  for (const auto& command : plan.first) add_unique(commands, command);
  auto first = service_info(host, commands, timeout_ms);
  if (!first) {
    node.error = first.error().message;
    node.state = failed_state(node.error);
    return node;
  }
  node.answers = std::move(*first);
  if (const std::string* id = node.answer(kNode); id && !is_error_answer(*id)) node.node_id = *id;
  // An xdr info port answers `node` but not `namespaces`: say plainly what answered.
  const std::string* namespaces = node.answer(kNamespaces);
  if (namespaces == nullptr || is_error_answer(*namespaces)) {
    node.state = MemberState::NotAsd;
    node.error = "not an asd service port: namespaces answered '" + (namespaces ? *namespaces : std::string("nothing")) + "'";
    return node;
  }
  node.state = MemberState::Ok;
  for (const NextRound& round : plan.next) {
    std::vector<std::string> more;
    for (const auto& command : round(node.answers)) {
      if (node.answer(command) == nullptr) add_unique(more, command);
    }
    if (more.empty()) continue;
    auto answer = service_info(host, more, timeout_ms);
    if (!answer) {
      // It answered before: keep what it said, and say why the rest is missing.
      node.error = answer.error().message;
      node.state = failed_state(node.error);
      return node;
    }
    node.answers.insert(node.answers.end(), answer->begin(), answer->end());
  }
  return node;
}

NodesReport collect_answers(const std::vector<client::Host>& seeds, const InfoPlan& plan, uint32_t timeout_ms) {
  Discovery found = discover_members(seeds, timeout_ms);
  NodesReport report;
  report.seeds = std::move(found.seeds);
  report.problems = std::move(found.problems);
  report.nodes = ask_members<NodeAnswers>(
      found.members, [&](const client::Host& host) { return ask_node(host, plan, timeout_ms); });
  // asadm orders its tables by node name: host, then port as a number; "-" last.
  auto order = [](const NodeAnswers& node) {
    size_t colon = node.address.rfind(':');
    if (node.address == "-" || colon == std::string::npos) return std::make_tuple(1, node.address, 0ul);
    return std::make_tuple(0, node.address.substr(0, colon), std::strtoul(node.address.c_str() + colon + 1, nullptr, 10));
  };
  std::stable_sort(report.nodes.begin(), report.nodes.end(),
                   [&](const NodeAnswers& a, const NodeAnswers& b) { return order(a) < order(b); });
  return report;
}

std::vector<std::string> namespaces_of(const Fields& answers) {
  const std::string* value = find_field(answers, kNamespaces);
  if (value == nullptr || is_error_answer(*value)) return {};
  return split_list(*value, ';');
}

bool any_answered(const NodesReport& report) {
  return std::any_of(report.nodes.begin(), report.nodes.end(), [](const NodeAnswers& node) { return node.ok(); });
}

std::string node_status(const NodeAnswers& node) { return status_name(node.state); }

std::string build_text(const NodeAnswers& node) {
  const std::string* build = node.answer("build");
  const std::string* edition = node.answer("edition");
  if (build == nullptr || is_error_answer(*build)) return {};
  std::string text = edition ? *edition : std::string();
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (text.find("community") != std::string::npos) return "C-" + *build;
  if (text.find("enterprise") != std::string::npos) return "E-" + *build;
  return *build;
}

std::vector<std::string> failure_notes(const NodesReport& report) {
  std::vector<std::string> out;
  for (const NodeAnswers& node : report.nodes) {
    if (!node.ok()) out.push_back(node.address + ": " + node_status(node) + " (" + node.error + ")");
  }
  return out;
}

std::vector<std::string> all_namespaces(const NodesReport& report) { return union_over(report, namespaces_of); }

std::vector<SetFields> parse_sets(std::string_view answer) {
  std::vector<SetFields> out;
  for (const auto& item : split_list(answer, ';')) {
    SetFields set;
    for (const auto& pair : split_list(item, ':')) {
      size_t eq = pair.find('=');
      set.fields.emplace_back(pair.substr(0, eq), eq == std::string::npos ? std::string() : pair.substr(eq + 1));
    }
    set.ns = std::string(field(set.fields, "ns"));
    set.set = std::string(field(set.fields, "set"));
    out.push_back(std::move(set));
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> all_sets(const NodesReport& report) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const NodeAnswers& node : report.nodes) {
    const std::string* value = node.answer(kSets);
    if (!node.ok() || value == nullptr || is_error_answer(*value)) continue;
    for (const SetFields& set : parse_sets(*value)) {
      std::pair<std::string, std::string> name{set.ns, set.set};
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
  }
  return out;
}

std::optional<Fields> find_set(const NodeAnswers& node, const std::string& ns, const std::string& set) {
  const std::string* value = node.answer(kSets);
  if (value == nullptr || is_error_answer(*value)) return std::nullopt;
  for (SetFields& item : parse_sets(*value)) {
    if (item.ns == ns && item.set == set) return std::move(item.fields);
  }
  return std::nullopt;
}

const char* const kXdrConfigCommand = "get-config:context=xdr";

std::string namespace_config_command(const std::string& ns) { return "get-config:context=namespace;id=" + ns; }

void add_xdr_dc_rounds(InfoPlan& plan) {
  plan.first.push_back(kXdrConfigCommand);
  add_round(plan, 0, [](const Fields& answers) {
    std::vector<std::string> commands;
    for (const auto& ns : namespaces_of(answers)) commands.push_back(namespace_config_command(ns));
    return commands;
  });
}

std::vector<std::string> xdr_dcs_of(const Fields& answers) {
  std::vector<std::string> out;
  const std::string* config = find_field(answers, kXdrConfigCommand);
  if (config == nullptr || is_error_answer(*config)) return out;
  if (const std::string* dcs = find_field(parse_fields(*config), "dcs")) {
    for (const auto& dc : split_list(*dcs, ',')) add_unique(out, dc);
    return out;
  }
  for (const auto& ns : namespaces_of(answers)) {
    const std::string* value = find_field(answers, namespace_config_command(ns));
    if (value == nullptr || is_error_answer(*value)) continue;
    for (const auto& dc : split_list(field(parse_fields(*value), "xdr-remote-datacenter"), ',')) add_unique(out, dc);
  }
  return out;
}

std::vector<std::string> all_xdr_dcs(const NodesReport& report) { return union_over(report, xdr_dcs_of); }

std::string xdr_stats_command(const std::string& dc) { return "get-stats:context=xdr;dc=" + dc; }

}  // namespace asadm
