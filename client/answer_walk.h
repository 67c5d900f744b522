#pragma once
// The stream rules of batch and scan answers (wire-protocol.md §8.5, §9.4), written once
// and shared by the Record parsers (response.cpp) and the columnar decoders
// (column_decode.cpp), which differ only in what they do with each record message.
// Private to the client module.

#include <string_view>

#include "client/errors.h"
#include "client/response.h"
#include "common/bytes.h"
#include "proto/message.h"

namespace client {

inline common::Error malformed_answer(const common::Error& parse_error) {
  return client_error(common::ResultCode::ServerError, "malformed answer: " + parse_error.message);
}

// Iterates the messages of one proto body; `fn(message)` returns false to stop early.
// One Message is reused for the whole body, so its vectors allocate once per body.
template <typename Fn>
common::Status for_each_message(std::string_view body, Fn&& fn) {
  proto::Message msg;
  size_t pos = 0;
  while (pos < body.size()) {
    auto used = proto::parse_message(body.substr(pos), &msg);
    if (!used) return to_status(malformed_answer(used.error()));
    pos += *used;
    if (!fn(msg)) break;
  }
  return {};
}

// One proto body of a batch answer: on_row(index, message) per row (index < n_rows, else
// a ServerError). True once LAST was seen; a LAST with a non-zero code fails the batch.
template <typename OnRow>
common::Result<bool> walk_batch_answer(std::string_view body, size_t n_rows, OnRow&& on_row) {
  bool last = false;
  common::Status failure;
  auto status = for_each_message(body, [&](const proto::Message& msg) {
    const proto::MsgHeader& h = msg.header;
    if (h.info3 & proto::info3::kLast) {
      last = true;
      if (h.result_code != 0) failure = {common::ResultCode(h.result_code), "batch ended with an error"};
      return false;
    }
    uint32_t index = h.transaction_ttl;  // batch index of the row
    if (index >= n_rows) {
      failure = to_status(client_error(common::ResultCode::ServerError, "batch row index out of range"));
      return false;
    }
    on_row(index, msg);
    return true;
  });
  if (!status.ok()) return to_error(status);
  if (!failure.ok()) return to_error(failure);
  return last;
}

// One proto body of a scan answer: on_record(message, tombstone) per record (false stops
// the scan), on_partition_done(pid, code) for partition-done messages with a non-zero code.
// A non-LAST message with a non-zero code other than NotFound is fatal; NotFound ends the
// stream quietly (Last).
template <typename OnRecord, typename OnPartitionDone>
common::Result<StreamState> walk_scan_answer(std::string_view body, OnRecord&& on_record,
                                             OnPartitionDone&& on_partition_done) {
  using common::ResultCode;
  StreamState state = StreamState::More;
  common::Status failure;
  auto status = for_each_message(body, [&](const proto::Message& msg) {
    const proto::MsgHeader& h = msg.header;
    ResultCode code = ResultCode(h.result_code);
    if (h.info3 & proto::info3::kLast) {
      if (code != ResultCode::Ok) failure = {code, "scan ended with an error"};
      state = StreamState::Last;
      return false;
    }
    if (h.info3 & proto::info3::kPartitionDone) {
      // generation carries the partition id; a zero code needs no action.
      if (code != ResultCode::Ok) on_partition_done(h.generation, code);
      return true;
    }
    // NotFound with a digest is a tombstone, which asd streams to XDR scans only.
    const bool tombstone = code == ResultCode::NotFound && msg.field(proto::FieldType::Digest);
    if (code != ResultCode::Ok && !tombstone) {
      // NotFound (unknown set on some servers) ends the stream quietly, like the C client.
      if (code != ResultCode::NotFound) failure = {code, "scan refused by the server"};
      state = StreamState::Last;
      return false;
    }
    if (!on_record(msg, tombstone)) {
      state = StreamState::Stopped;
      return false;
    }
    return true;
  });
  if (!status.ok()) return to_error(status);
  if (!failure.ok()) return to_error(failure);
  return state;
}

// The digest field of a record message (a zero digest when absent or malformed).
inline common::Digest message_digest(const proto::Message& msg) {
  const proto::Field* f = msg.field(proto::FieldType::Digest);
  if (!f || f->data.size() != common::kDigestSize) return {};
  return common::Digest::from(f->data);
}

// The index key a query record came by (field 15), 0 when absent.
inline int64_t message_bval(const proto::Message& msg) {
  const proto::Field* f = msg.field(proto::FieldType::BvalArray);
  if (!f || f->data.size() != 8) return 0;
  return int64_t(common::load_le64(common::as_bytes(f->data)));
}

}  // namespace client
