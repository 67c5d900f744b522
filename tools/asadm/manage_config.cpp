// `manage config` (manage_config.h): word parsing, the set-config command, the result.

#include "manage_config.h"

#include <algorithm>

namespace asadm {

namespace {

constexpr const char* kUsage =
    "expected: manage config <service | network SUB | namespace NS | xdr [dc DC] | logging file SINK> "
    "param KEY to VALUE";

const char* const kNetworkSubs[] = {"service", "heartbeat", "fabric", "info"};

std::string capitalized(std::string text) {
  if (!text.empty()) text[0] = char(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// The context's own words before `param` (e.g. "namespace test"); false with `error` set.
bool parse_context(const std::vector<std::string>& words, size_t param_at, ConfigChange& change, std::string& error) {
  std::vector<std::string> head(words.begin(), words.begin() + long(param_at));
  if (head.empty()) {
    error = std::string("missing context; ") + kUsage;
    return false;
  }
  change.context = head[0];
  const std::string& context = change.context;
  auto expect = [&](size_t size, const char* what) {
    if (head.size() == size) return true;
    error = head.size() < size ? "'" + context + "' needs " + what + " before 'param'"
                               : "unexpected '" + head[size] + "' after '" + context + "'";
    return false;
  };
  if (context == "service") return expect(1, "");
  if (context == "namespace") {
    if (!expect(2, "a namespace name")) return false;
    change.id_key = "id";
    change.id = head[1];
    return true;
  }
  if (context == "network") {
    if (!expect(2, "a sub-context (service, heartbeat, fabric or info)")) return false;
    if (std::find(std::begin(kNetworkSubs), std::end(kNetworkSubs), head[1]) == std::end(kNetworkSubs)) {
      error = "unknown network sub-context '" + head[1] + "' (expected service, heartbeat, fabric or info)";
      return false;
    }
    change.id = head[1];  // folded into the key, not sent as an id
    return true;
  }
  if (context == "xdr") {
    if (head.size() == 1) return true;
    if (head[1] != "dc") {
      error = "unexpected '" + head[1] + "' after 'xdr' (expected dc DC)";
      return false;
    }
    if (!expect(3, "a DC name after 'dc'")) return false;
    change.id_key = "dc";
    change.id = head[2];
    return true;
  }
  if (context == "logging") {
    if (head.size() < 2 || head[1] != "file") {
      error = "'logging' needs 'file SINK' (the log file path, or console) before 'param'";
      return false;
    }
    if (!expect(3, "a sink after 'file'")) return false;
    change.id_key = "id";
    change.id = head[2];
    return true;
  }
  error = "unknown context '" + context + "' (expected service, network, namespace, xdr or logging)";
  return false;
}

std::string change_title(const ConfigChange& change, const std::string& param) {
  std::string where = capitalized(change.context);
  if (change.context == "xdr") where = "XDR";
  if (!change.id.empty()) where += (change.id_key == "dc" ? " DC " : " ") + change.id;
  return "Set " + where + " Param " + param + " to " + change.value;
}

}  // namespace

std::string ConfigChange::command() const {
  std::string out = "set-config:context=" + context;
  if (!id_key.empty()) out += ";" + id_key + "=" + id;
  return out + ";" + key + "=" + value;
}

std::optional<ConfigChange> parse_config_change(const std::vector<std::string>& words, std::string& error) {
  auto param = std::find(words.begin(), words.end(), "param");
  if (param == words.end()) {
    error = std::string("missing 'param'; ") + kUsage;
    return std::nullopt;
  }
  size_t at = size_t(param - words.begin());
  ConfigChange change;
  if (!parse_context(words, at, change, error)) return std::nullopt;
  std::vector<std::string> tail(words.begin() + long(at) + 1, words.end());
  if (tail.empty() || tail[0] == "to") {
    error = "missing the key after 'param'";
    return std::nullopt;
  }
  if (tail.size() < 2 || tail[1] != "to") {
    error = "missing 'to VALUE' after 'param " + tail[0] + "'";
    return std::nullopt;
  }
  if (tail.size() < 3) {
    error = "missing the value after 'to'";
    return std::nullopt;
  }
  if (tail.size() > 3) {
    error = "unexpected '" + tail[3] + "' after the value (quote a value with spaces)";
    return std::nullopt;
  }
  for (const std::string* word : {&tail[0], &tail[2], &change.id}) {
    if (word->find_first_of(";:=\n") != std::string::npos) {
      error = "'" + *word + "' may not contain ';', ':', '=' or a newline";
      return std::nullopt;
    }
  }
  change.value = tail[2];
  change.key = change.context == "network" ? change.id + "." + tail[0] : tail[0];
  change.title = change_title(change, tail[0]);
  return change;
}

InfoPlan change_plan(const ConfigChange& change) { return InfoPlan{{change.command()}, {}}; }

std::string refusal_text(const std::string& answer) {
  if (!is_error_answer(answer)) return answer;
  // ERROR[:code]:message; the code may be empty ("ERROR::unknown key").
  size_t first = answer.find(':');
  if (first == std::string::npos) return answer;
  size_t second = answer.find(':', first + 1);
  std::string message = second == std::string::npos ? answer.substr(first + 1) : answer.substr(second + 1);
  return message.empty() ? answer : message;
}

Sheet change_sheet(const NodesReport& report, const ConfigChange& change, size_t& refused) {
  Sheet sheet{change.title, {{"Node", "node"}, {"Node ID", "node_id"}, {"Response", "response"}}, {}, {}};
  refused = 0;
  const std::string command = change.command();
  for (const NodeAnswers& node : report.nodes) {
    const std::string* answer = node.answer(command);
    if (!node.ok() && answer == nullptr) {
      ++refused;
      sheet.rows.push_back(failed_row({node.address, node.node_id}, node_status(node), node.error));
      continue;
    }
    SheetRow row;
    if (answer == nullptr) {
      row = failed_row({node.address, node.node_id}, "error", "no answer");
    } else if (*answer == "ok") {
      row.cells = {node.address, node.node_id, "ok"};
    } else {
      row.cells = {node.address, node.node_id, refusal_text(*answer)};
      row.status = "refused";
      row.error = *answer;
    }
    refused += row.status != "ok";
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

}  // namespace asadm
