#include "transaction/batch.h"

#include "base/namespace.h"
#include "cluster/cluster.h"
#include "common/bytes.h"
#include "common/log.h"
#include "node.h"
#include "proto/batch.h"
#include "proto/frame.h"
#include "service/response_sink.h"
#include "storage/device_storage.h"
#include "transaction/record_request.h"

namespace asd {

using common::ResultCode;

namespace {

constexpr size_t kTransactionTtlOffset = 14;  // in the message header
// Rows in flight to other nodes before the batch waits for their answers.
constexpr size_t kMaxProxiedRows = 256;

// A row for a partition another node serves, sent there as a single-record request.
struct ProxiedRow {
  uint32_t index = 0;
  CompletionPtr answer;
};

// The proxied rows' answers, as batch rows (the row index in the transaction_ttl slot,
// as the real server does with a proxied row's answer); a row whose node did not answer
// gets a timeout.
void append_proxied(std::string& out, std::vector<ProxiedRow>& rows) {
  for (ProxiedRow& row : rows) {
    std::string answer;
    if (row.answer->wait(kReplicaWaitMs) && row.answer->ok() && row.answer->has_answer()) {
      answer = row.answer->take_answer();
    }
    if (answer.size() < proto::kProtoHeaderSize + proto::kMsgHeaderSize) {
      append_error_message(out, ResultCode::Timeout, row.index);
      continue;
    }
    size_t at = out.size();
    out.append(answer, proto::kProtoHeaderSize);
    common::store_be32(reinterpret_cast<uint8_t*>(out.data()) + at + kTransactionTtlOffset, row.index);
  }
  rows.clear();
}

// Commit-to-device rows: everything sent so far must be durable first.
// Rows written in a cluster: their replicas must have them too.
void wait_commits(CommitWait& wait, std::string& out, std::vector<ProxiedRow>& proxied) {
  for (const CompletionPtr& c : wait.completions) c->wait(kReplicaWaitMs);
  if (wait.storage) wait.storage->wait_durable(wait.pos);
  bool may_redirect = wait.may_redirect;
  wait = {};
  wait.may_redirect = may_redirect;
  append_proxied(out, proxied);
}

void finish(ResponseSink& sink, size_t proto_offset, ResultCode code) {
  std::string& out = sink.buffer();
  append_error_message(out, code, 0, proto::info3::kLast);
  proto::end_proto(out, proto_offset);
}

}  // namespace

void execute_batch(Node& node, const proto::Message& parent, ResponseSink& sink) {
  node.stats().batch_index_initiate.fetch_add(1, std::memory_order_relaxed);
  std::string& out = sink.buffer();
  size_t proto_offset = proto::begin_proto(out, proto::ProtoType::Message);

  const proto::Field* field = parent.field(proto::FieldType::BatchIndex);
  if (!field) field = parent.field(proto::FieldType::BatchIndexWithSet);
  if (!field) {
    node.stats().batch_index_error.fetch_add(1, std::memory_order_relaxed);
    return finish(sink, proto_offset, ResultCode::Parameter);
  }
  if (parent.field(proto::FieldType::Filter)) {
    return finish(sink, proto_offset, ResultCode::UnsupportedFeature);
  }

  proto::BatchRequest request;
  common::Status parsed = proto::parse_batch_field(field->data, &request);
  uint32_t max_rows = node.config().service.batch_max_requests;
  if (max_rows != 0 && request.rows.size() > max_rows) {
    node.stats().batch_index_error.fetch_add(1, std::memory_order_relaxed);
    return finish(sink, proto_offset, ResultCode::BatchMaxRequests);
  }

  ResultCode final_code = parsed.ok() ? ResultCode::Ok : parsed.code();
  CommitWait commits;
  commits.may_redirect = node.cluster() != nullptr;
  std::vector<ProxiedRow> proxied;
  for (const proto::BatchRow& row : request.rows) {
    const proto::Field* ns_field = row.field(proto::FieldType::Namespace);
    Namespace* ns = ns_field ? node.find_namespace(ns_field->data) : nullptr;
    if (!ns) {
      // The real server stops at a row it cannot place and fails the rest of the batch.
      final_code = ResultCode::Parameter;
      break;
    }
    proto::MsgHeader header = row.header;
    // The XDR flag applies to read rows of a parent that carries it too: the shipper's
    // batched reads of current versions (LUT, origin, tombstones), never to writes.
    const bool xdr_read = (parent.header.info1 & proto::info1::kXdr) && !(header.info2 & proto::info2::kWrite);
    if (!xdr_read) header.info1 &= uint8_t(~proto::info1::kXdr);
    common::Result<RecordRequest> req = make_record_request(header, row.fields, row.ops, &row.digest);
    if (!req) append_error_message(out, req.code(), row.index);
    else execute_record_request(*ns, *req, row.index, out, &commits);
    if (commits.redirected) {
      // The client's partition map is behind: the node serving the partition answers.
      commits.redirected = false;
      proxied.push_back(
          {row.index, node.cluster()->proxy(commits.redirect_to, proto::ProtoType::Message,
                                            proto::single_record_message(row), 1)});
    }
    if (out.size() - proto_offset >= kStreamFlushBytes || proxied.size() >= kMaxProxiedRows) {
      wait_commits(commits, out, proxied);
      proto::end_proto(out, proto_offset);
      if (!sink.flush()) return;
      proto_offset = proto::begin_proto(out, proto::ProtoType::Message);
    }
  }
  wait_commits(commits, out, proxied);
  if (final_code != ResultCode::Ok) {
    node.stats().batch_index_error.fetch_add(1, std::memory_order_relaxed);
  } else {
    node.stats().batch_index_complete.fetch_add(1, std::memory_order_relaxed);
  }
  finish(sink, proto_offset, final_code);
}

}  // namespace asd
