#pragma once
// Batch-index requests (wire-protocol §8): every row runs as the equivalent single-record
// command and answers with its batch index; the stream ends with a LAST message.

#include "proto/message.h"

namespace asd {

class Node;
class ResponseSink;

void execute_batch(Node& node, const proto::Message& parent, ResponseSink& sink);

}  // namespace asd
