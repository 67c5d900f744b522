#pragma once
// Routing of one complete request proto to the info handler, a single-record
// transaction, a batch or a scan (wire-protocol §3.7).

#include <functional>
#include <string_view>

#include "proto/frame.h"

namespace asd {

class NodeContext;
class ResponseSink;

// Scans and truncates run on their own threads so they never hold a service thread for
// long.
bool is_long_running(proto::ProtoType type, std::string_view body);

// Handles one request without blocking the calling thread (scans, which are long
// running, block their own). The answer is appended to sink.buffer() (streams also
// flush on their way); `done(close)` runs once, on the sink's thread, when it is there
// (close: the connection must be closed, for unparseable framing or a client gone
// mid-stream). What the answer still waits for is in sink.commit_wait(). `body` and the
// sink must live until `done`.
void dispatch_request(NodeContext& node, proto::ProtoType type, std::string_view body, ResponseSink& sink,
                      std::function<void(bool close)> done);

}  // namespace asd
