#pragma once
// The info protocol's commands (wire-protocol §2): discovery and tending answers the
// clients depend on, plus statistics, configuration and truncate.

#include <string>
#include <string_view>

namespace asd {

class NodeContext;
namespace security {
class Session;
}

// Answers a whole info request body (one line per command, in order). An empty body
// asks for the summary. With a session (security on), an unauthenticated connection
// gets one "ERROR:80:not authenticated" line, and each command is checked against the
// privilege it needs (ERROR:81 when missing).
std::string answer_info(NodeContext& node, std::string_view body, const security::Session* session = nullptr);

}  // namespace asd
