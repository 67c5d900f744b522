#pragma once
// The info protocol's commands (wire-protocol §2): discovery and tending answers the
// clients depend on, plus statistics, configuration and truncate.

#include <string>
#include <string_view>

namespace asd {

class NodeContext;

// Answers a whole info request body (one line per command, in order). An empty body
// asks for the summary.
std::string answer_info(NodeContext& node, std::string_view body);

}  // namespace asd
