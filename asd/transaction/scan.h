#pragma once
// Partition scans (wire-protocol §9): records stream out partition by partition in
// descending digest order, a bounded chunk at a time (the partition lock is held only
// while a chunk is copied), so memory stays bounded however large the set is.

#include "proto/message.h"

namespace asd {

class Node;
class ResponseSink;

void execute_scan(Node& node, const proto::Message& request, ResponseSink& sink);

}  // namespace asd
