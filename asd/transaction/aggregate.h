#pragma once
// Internal to transaction/: running an aggregation query (§10.4).

#include <cstddef>

#include "transaction/scan_plan.h"

namespace asd {

class TransactionContext;
class ResponseSink;

// Streams the aggregation's output into `sink`, whose buffer has a proto begun at
// `proto_offset`; ends with the LAST message (or a FAILURE one) and closes the proto.
void execute_aggregation(const TransactionContext& ctx, const ScanPlan& plan, ResponseSink& sink,
                         size_t proto_offset);

}  // namespace asd
