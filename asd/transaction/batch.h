#pragma once
// Batch-index requests (wire-protocol §8): every row runs as the equivalent single-record
// command and answers with its batch index; the stream ends with a LAST message.

#include <functional>

#include "proto/message.h"

namespace asd {

class TransactionContext;
class ResponseSink;

// Runs the batch on the sink's thread without blocking it: rows that wait (replicas, the
// device, duplicate resolution, a proxied row's node) continue through sink.post(), and
// full chunks go out through sink.flush_async(). `done(close)` runs once, on the sink's
// thread, when the last chunk is in sink.buffer() (close: the client is gone). `parent`
// and the body it points into, and the sink, must live until then.
void execute_batch(TransactionContext& ctx, const proto::Message& parent, ResponseSink& sink,
                   std::function<void(bool close)> done);

}  // namespace asd
