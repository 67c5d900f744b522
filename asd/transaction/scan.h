#pragma once
// Partition scans (wire-protocol §9): records stream out partition by partition in
// descending digest order, a bounded chunk at a time (the partition lock is held only
// while a chunk is copied), so memory stays bounded however large the set is.

#include "proto/message.h"

namespace asd {

class TransactionContext;
class ResponseSink;

// Runs on a thread that may block (the scan pool): flushes with sink.flush().
void execute_scan(const TransactionContext& ctx, const proto::Message& request, ResponseSink& sink);

}  // namespace asd
