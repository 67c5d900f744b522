// Aggregation queries (wire-protocol §10.4): every node runs the stream UDF's server
// stages over the records it masters (or the partitions the client listed) that the
// query selects, and streams each output value as a message with one SUCCESS bin. A
// Lua error ends the stream with a FAILURE bin and status 100.

#include "transaction/aggregate.h"

#include "common/log.h"
#include "index/namespace.h"
#include "proto/frame.h"
#include "transaction/context.h"
#include "transaction/rate_pacer.h"
#include "transaction/record_request.h"
#include "transaction/record_udf.h"
#include "transaction/response_sink.h"

namespace asd {

using common::ResultCode;

namespace {

constexpr size_t kChunkRecords = 128;

// The records the plan selects, partition by partition, copied a chunk at a time under
// each partition's lock (the Lua work runs without it).
class PlanRecords final : public UdfRecordSource {
 public:
  explicit PlanRecords(const ScanPlan& plan) : plan_(plan), selection_(plan.selection()), pacer_(plan.rps) {}

  const UdfTarget* next() override {
    while (pos_ >= chunk_.size()) {
      if (!fill()) return nullptr;
    }
    const Item& item = chunk_[pos_++];
    target_.digest = &item.digest;
    SetStats* set = plan_.ns->set_stats(item.record.set_id);
    target_.set = set ? std::string_view(set->name) : std::string_view();
    target_.key = item.record.key;
    target_.record = &item.record;
    return &target_;
  }

 private:
  struct Item {
    common::Digest digest;
    Record record;
  };

  bool fill() {
    chunk_.clear();
    pos_ = 0;
    while (chunk_.empty()) {
      if (plan_.set_unknown || target_index_ >= plan_.targets.size()) return false;
      uint32_t pid = plan_.targets[target_index_].pid;
      Partition& part = plan_.ns->partition(pid);
      bool more = false;
      if (serves_scan(part, plan_.explicit_partitions)) {
        more = visit_chunk(selection_, part, pid, cursor_, pacer_.chunk(kChunkRecords), [this](const common::Digest& d, const Record& r, int64_t) {
          Item item{d, r};
          // Without data-in-memory the bins are on the device (an index filter has read
          // them already: a live record has at least one); a copy that fails its checksum
          // is left out.
          if (item.record.bins.empty() && !plan_.ns->load_bins(d, item.record)) return false;
          chunk_.push_back(std::move(item));
          return true;
        });
      }
      if (!more) {
        ++target_index_;
        cursor_ = PartitionCursor();
      }
    }
    // The stream UDF gets the records no faster than the query's records-per-second limit.
    taken_ += chunk_.size();
    pacer_.wait(taken_);
    return true;
  }

  const ScanPlan& plan_;
  RecordSelection selection_;
  size_t target_index_ = 0;
  PartitionCursor cursor_;
  std::vector<Item> chunk_;
  size_t pos_ = 0;
  RatePacer pacer_;
  uint64_t taken_ = 0;
  UdfTarget target_;
};

// Output values as SUCCESS messages, flushed to the client as they pile up.
class SinkValues final : public UdfValueSink {
 public:
  SinkValues(ResponseSink& sink, size_t* proto_offset) : sink_(sink), proto_offset_(proto_offset) {}

  bool emit(uint8_t particle, std::string_view value) override {
    std::string& out = sink_.buffer();
    proto::MsgHeader h;
    h.n_ops = 1;
    proto::append_msg_header(out, h);
    proto::append_op(out, proto::OpType::Read, particle, "SUCCESS", value);
    if (out.size() - *proto_offset_ < kStreamFlushBytes) return true;
    proto::end_proto(out, *proto_offset_);
    if (!sink_.flush()) return false;
    *proto_offset_ = proto::begin_proto(out, proto::ProtoType::Message);
    return true;
  }

 private:
  ResponseSink& sink_;
  size_t* proto_offset_;
};

}  // namespace

void execute_aggregation(const TransactionContext& ctx, const ScanPlan& plan, ResponseSink& sink,
                         size_t proto_offset) {
  std::string& out = sink.buffer();
  RecordUdfRunner* runner = ctx.record_udf();
  if (!runner) {
    append_error_message(out, ResultCode::UnsupportedFeature);
    proto::end_proto(out, proto_offset);
    return;
  }
  PlanRecords records(plan);
  SinkValues values(sink, &proto_offset);
  UdfOutcome outcome = runner->run_stream(plan.udf_module, plan.udf_function, plan.udf_args, records, values);
  if (outcome.code == ResultCode::Ok) {
    append_error_message(out, ResultCode::Ok, 0, proto::info3::kLast);
  } else {
    common::logger("query")->warn("aggregation {}.{} failed: {}", plan.udf_module, plan.udf_function,
                                  outcome.failure.empty() ? common::result_code_name(outcome.code) : outcome.failure);
    proto::MsgHeader h;
    h.result_code = uint8_t(outcome.code);
    h.info3 = proto::info3::kLast;
    h.n_ops = outcome.failure.empty() ? 0 : 1;
    proto::append_msg_header(out, h);
    if (!outcome.failure.empty()) {
      proto::append_op(out, proto::OpType::Read, uint8_t(proto::ParticleType::String), "FAILURE", outcome.failure);
    }
  }
  proto::end_proto(out, proto_offset);
}

}  // namespace asd
