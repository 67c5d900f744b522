#include "transaction/batch.h"

#include <cstdint>
#include <memory>
#include <optional>

#include "cluster/cluster.h"
#include "common/bytes.h"
#include "index/namespace.h"
#include "proto/batch.h"
#include "proto/frame.h"
#include "security/session.h"
#include "storage/device_storage.h"
#include "transaction/access_check.h"
#include "transaction/context.h"
#include "transaction/filter.h"
#include "transaction/record_request.h"
#include "transaction/response_sink.h"

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

// The proxied rows' answers, once all have finished, as batch rows (the row index in the
// transaction_ttl slot, as the real server does with a proxied row's answer); a row
// whose node did not answer gets a timeout.
void append_proxied(std::string& out, std::vector<ProxiedRow>& rows) {
  for (ProxiedRow& row : rows) {
    std::string answer;
    if (row.answer->ok() && row.answer->has_answer()) answer = row.answer->take_answer();
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

// One batch in progress. Runs rows until one must wait or a chunk is full, then returns
// to the service thread and resumes from a continuation.
class BatchJob : public std::enable_shared_from_this<BatchJob> {
 public:
  BatchJob(TransactionContext& ctx, const proto::Message& parent, ResponseSink& sink,
           std::function<void(bool)> done)
      : ctx_(ctx), parent_(parent), sink_(sink), done_(std::move(done)) {}

  void start() {
    ctx_.batch_stats().initiate.fetch_add(1, std::memory_order_relaxed);
    proto_offset_ = proto::begin_proto(sink_.buffer(), proto::ProtoType::Message);
    const proto::Field* field = parent_.field(proto::FieldType::BatchIndex);
    if (!field) field = parent_.field(proto::FieldType::BatchIndexWithSet);
    if (!field) {
      ctx_.batch_stats().error.fetch_add(1, std::memory_order_relaxed);
      return finish(ResultCode::Parameter);
    }
    // One parse of the parent's filter for every row that has none of its own.
    auto filter = parse_filter(parent_);
    if (!filter) {
      ctx_.batch_stats().error.fetch_add(1, std::memory_order_relaxed);
      return finish(filter.error().code);
    }
    filter_ = std::move(*filter);
    common::Status parsed = proto::parse_batch_field(field->data, &request_);
    uint32_t max_rows = ctx_.config().service.batch_max_requests;
    if (max_rows != 0 && request_.rows.size() > max_rows) {
      ctx_.batch_stats().error.fetch_add(1, std::memory_order_relaxed);
      return finish(ResultCode::BatchMaxRequests);
    }
    final_code_ = parsed.ok() ? ResultCode::Ok : parsed.code();
    commits_.cluster = ctx_.cluster();
    commits_.udf = ctx_.record_udf();
    commits_.may_redirect = commits_.cluster != nullptr;
    run();
  }

 private:
  void run() {
    std::string& out = sink_.buffer();
    while (next_ < request_.rows.size()) {
      const proto::BatchRow& row = request_.rows[next_];
      const proto::Field* ns_field = row.field(proto::FieldType::Namespace);
      Namespace* ns = ns_field ? ctx_.find_namespace(ns_field->data) : nullptr;
      if (!ns) {
        // The real server stops at a row it cannot place and fails the rest of the batch.
        final_code_ = ResultCode::Parameter;
        break;
      }
      proto::MsgHeader header = row.header;
      // The XDR flag applies to read rows of a parent that carries it too: the shipper's
      // batched reads of current versions (LUT, origin, tombstones), never to writes.
      const bool xdr_read = (parent_.header.info1 & proto::info1::kXdr) && !(header.info2 & proto::info2::kWrite);
      if (!xdr_read) header.info1 &= uint8_t(~proto::info1::kXdr);
      common::Result<RecordRequest> req = make_record_request(header, row.fields, row.ops, &row.digest);
      if (req && req->filter.empty() && filter_) req->parsed_filter = &*filter_;
      ResultCode allowed = ResultCode::Ok;
      if (req && sink_.session()) {
        allowed = sink_.session()->check(record_permissions(*req), ns->name(), req->set, record_action(*req));
        // A row whose write waited runs again: it was counted against the quota already.
        if (allowed == ResultCode::Ok && counted_row_ != next_) {
          allowed = sink_.session()->admit(record_quota_kind(*req), ns->name(), req->set, record_action(*req));
        }
        counted_row_ = next_;
      }
      if (!req) {
        append_error_message(out, req.code(), row.index);
      } else if (allowed != ResultCode::Ok) {
        // Each row is checked on its own: a refused row answers its code, the rest run.
        append_error_message(out, allowed, row.index);
      } else {
        execute_record_request(*ns, *req, row.index, out, &commits_);
        if (commits_.deferred) return wait_for_row(std::exchange(commits_.deferred, nullptr));
      }
      if (commits_.redirected) {
        // The client's partition map is behind: the node serving the partition answers.
        commits_.redirected = false;
        proxied_.push_back({row.index, ctx_.cluster()->proxy(commits_.redirect_to, proto::ProtoType::Message,
                                                             proto::single_record_message(row, parent_filter()), 1)});
      }
      commits_.write_deadline_ms = 0;
      ++next_;
      if (out.size() - proto_offset_ >= kStreamFlushBytes || proxied_.size() >= kMaxProxiedRows) return settle(false);
    }
    settle(true);
  }

  // The row's write waits for a new cluster's balance or its record's other copies: the
  // same row runs again after, or answers a timeout.
  void wait_for_row(CompletionPtr ready) {
    ready->then([self = shared_from_this(), ready] {
      self->sink_.post([self, ready] {
        if (!ready->ok()) {
          append_error_message(self->sink_.buffer(), ResultCode::Timeout, self->request_.rows[self->next_].index);
          self->commits_.write_deadline_ms = 0;
          ++self->next_;
        }
        self->run();
      });
    });
  }

  // What the rows so far wait for (commit-to-device, the replicas, the proxied rows'
  // nodes) must be done before their answers go out.
  void settle(bool last) {
    std::vector<CompletionPtr> parts = std::move(commits_.completions);
    for (const ProxiedRow& row : proxied_) parts.push_back(row.answer);
    storage::DeviceStorage* storage = commits_.storage;
    uint64_t pos = commits_.pos;
    commits_.completions.clear();
    commits_.storage = nullptr;
    commits_.pos = 0;
    when_all(parts, [self = shared_from_this(), storage, pos, last](bool) {
      auto resume = [self, last] { self->sink_.post([self, last] { self->settled(last); }); };
      if (storage) storage->when_durable(pos, resume);
      else resume();
    });
  }

  void settled(bool last) {
    std::string& out = sink_.buffer();
    append_proxied(out, proxied_);
    if (last) {
      if (final_code_ != ResultCode::Ok) ctx_.batch_stats().error.fetch_add(1, std::memory_order_relaxed);
      else ctx_.batch_stats().complete.fetch_add(1, std::memory_order_relaxed);
      return finish(final_code_);
    }
    proto::end_proto(out, proto_offset_);
    sink_.flush_async([self = shared_from_this()](bool ok) {
      if (!ok) return self->done_(true);
      self->proto_offset_ = proto::begin_proto(self->sink_.buffer(), proto::ProtoType::Message);
      self->run();
    });
  }

  void finish(ResultCode code) {
    std::string& out = sink_.buffer();
    append_error_message(out, code, 0, proto::info3::kLast);
    proto::end_proto(out, proto_offset_);
    done_(false);
  }

  TransactionContext& ctx_;
  proto::Message parent_;
  ResponseSink& sink_;
  std::function<void(bool)> done_;
  std::string_view parent_filter() const {
    const proto::Field* f = parent_.field(proto::FieldType::Filter);
    return f ? f->data : std::string_view();
  }

  proto::BatchRequest request_;
  std::optional<exp::Expression> filter_;  // the parent's field 43
  size_t next_ = 0;
  size_t counted_row_ = SIZE_MAX;  // the row counted against the user's rate quota last
  size_t proto_offset_ = 0;
  ResultCode final_code_ = ResultCode::Ok;
  CommitWait commits_;
  std::vector<ProxiedRow> proxied_;
};

}  // namespace

void execute_batch(TransactionContext& ctx, const proto::Message& parent, ResponseSink& sink,
                   std::function<void(bool close)> done) {
  std::make_shared<BatchJob>(ctx, parent, sink, std::move(done))->start();
}

}  // namespace asd
