#pragma once
// Routing of one complete request proto to the info handler, a single-record
// transaction, a batch or a scan (wire-protocol §3.7).

#include <string_view>

#include "proto/frame.h"

namespace asd {

class Node;
class ResponseSink;

// Scans run on their own threads so they never hold a service thread for long.
bool is_long_running(proto::ProtoType type, std::string_view body);

// Handles one request. The answer is appended to sink.buffer() (streams also flush on
// their way). Sets *close when the connection must be closed (unparseable framing).
void dispatch_request(Node& node, proto::ProtoType type, std::string_view body, ResponseSink& sink,
                      bool* close);

}  // namespace asd
