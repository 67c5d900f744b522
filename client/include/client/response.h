#pragma once
// Answer parsers (wire-protocol.md §7, §8.5, §9.4). They work on AS_MSG bodies, i.e. after
// the proto header is read and a type-4 proto inflated (Connection::read_message). Pure
// functions; records own their bytes, so the body may be dropped afterwards.

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "client/record.h"
#include "common/result.h"
#include "proto/message.h"

namespace client {

// Header fields and bins/fields of one message turned into a Record (generation, void
// time, namespace, set, digest, user key, bins in order).
Record to_record(const proto::Message& message);

// One single-record answer: the header (with the result code) and the record. Parsing
// errors are ServerError; the server's own code is left in header.result_code.
struct Answer {
  proto::MsgHeader header;
  Record record;

  common::ResultCode result() const { return common::ResultCode(header.result_code); }
};
common::Result<Answer> parse_answer(std::string_view body);

// One proto body of a batch answer stream. Rows land in results[batch index] (indexes out
// of range are a ServerError). Returns true once the LAST message was seen; a LAST with a
// non-zero code fails the whole batch with that code.
common::Result<bool> parse_batch_answer(std::string_view body, std::vector<BatchRecord>& results);

// One proto body of a scan answer stream. Calls on_record for each record (false stops the
// scan) and on_partition_done for partition-done messages with a non-zero code.
enum class StreamState { More, Last, Stopped };
using RecordSink = std::function<bool(Record&)>;
using PartitionSink = std::function<void(uint32_t pid, common::ResultCode code)>;
// A non-LAST message with a non-zero code other than NotFound is fatal (that code);
// NotFound ends the stream quietly (Last).
common::Result<StreamState> parse_scan_answer(std::string_view body, const RecordSink& on_record,
                                              const PartitionSink& on_partition_done);

}  // namespace client
