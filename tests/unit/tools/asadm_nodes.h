#pragma once
// Canned asd answers for the asd verbs' rendering tests: NodeAnswers as collect_answers()
// would fill them, without a server.

#include <string>
#include <utility>
#include <vector>

#include "stats_collect.h"

namespace tools_test {

// An answering node: `answers` are (command, value) pairs; `node` is added.
inline asadm::NodeAnswers ok_node(const std::string& address, const std::string& id,
                                  std::vector<std::pair<std::string, std::string>> answers) {
  asadm::NodeAnswers node;
  node.address = address;
  node.node_id = id;
  node.state = asadm::MemberState::Ok;
  node.answers.emplace_back("node", id);
  for (auto& answer : answers) node.answers.push_back(std::move(answer));
  return node;
}

// A title rule's width follows its table (pinned in asadm_sheet_test.cpp); goldens write
// every run of '~' as "~~".
inline std::string short_rules(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '~' && i > 0 && text[i - 1] == '~') continue;
    out += text[i] == '~' ? "~~" : std::string(1, text[i]);
  }
  return out;
}

// "" when the texts are equal (rules shortened), else the first differing line of each
// (for INFO), so a failing golden comparison names the line instead of printing two
// wrapped tables.
inline std::string golden_diff(const std::string& actual_text, const std::string& expected_text) {
  const std::string actual = short_rules(actual_text), expected = short_rules(expected_text);
  size_t line = 1, a = 0, e = 0;
  while (a < actual.size() || e < expected.size()) {
    size_t a_end = actual.find('\n', a), e_end = expected.find('\n', e);
    std::string got = actual.substr(a, a_end == std::string::npos ? std::string::npos : a_end - a);
    std::string want = expected.substr(e, e_end == std::string::npos ? std::string::npos : e_end - e);
    if (got != want || (a_end == std::string::npos) != (e_end == std::string::npos)) {
      return "line " + std::to_string(line) + "\n got: [" + got + "]\nwant: [" + want + "]";
    }
    if (a_end == std::string::npos) break;
    a = a_end + 1;
    e = e_end + 1;
    ++line;
  }
  return {};
}

// Compares line by line (see golden_diff).
#define CHECK_GOLDEN(actual, expected)                                   \
  do {                                                                   \
    std::string diff_ = tools_test::golden_diff((actual), (expected));  \
    INFO(diff_);                                                         \
    CHECK(diff_.empty());                                                \
  } while (false)

inline asadm::NodeAnswers dead_node(const std::string& address, const std::string& id) {
  asadm::NodeAnswers node;
  node.address = address;
  node.node_id = id;
  node.error = "client: connect " + address + ": Connection refused";
  return node;
}

}  // namespace tools_test
