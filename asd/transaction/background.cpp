// Background scans and queries (wire-protocol §10.5): the request is answered once the
// job is accepted, and the job applies its UDF or write ops to every record it selects
// in the partitions this node masters, each as a single-record write (so every change
// replicates, updates indexes and ships by XDR), on a thread of its own.

#include "transaction/background.h"

#include <future>

#include "cluster/completion.h"
#include "common/clock.h"
#include "common/log.h"
#include "index/namespace.h"
#include "index/sindex.h"
#include "storage/device_storage.h"
#include "transaction/context.h"
#include "transaction/jobs.h"
#include "transaction/rate_pacer.h"
#include "transaction/record_request.h"

namespace asd {

using common::ResultCode;

namespace {

constexpr size_t kChunkDigests = 128;

// An op of a background ops job, owning its bytes (the request is gone by then).
struct OwnedOp {
  uint8_t op = 0;
  uint8_t particle = 0;
  std::string name;
  std::string value;
};

// What the job needs of its request, copied: it outlives the request's buffer.
struct Task {
  Namespace* ns = nullptr;
  RecordSelection selection;
  std::vector<uint32_t> pids;
  ScanPlan::Mode mode = ScanPlan::Mode::BackgroundUdf;
  std::string module, function, args;
  uint32_t record_ttl = 0;
  std::vector<OwnedOp> ops;
  uint32_t rps = 0;  // records per second; 0: no limit
  security::QuotaReservation reservation;
};

// Blocks this job thread until every completion has finished; false when one failed.
bool wait_all(const std::vector<CompletionPtr>& parts) {
  if (parts.empty()) return true;
  std::promise<bool> done;
  std::future<bool> result = done.get_future();
  when_all(parts, [&done](bool ok) { done.set_value(ok); });
  return result.get();
}

// Applies the task to one record as a write of its own; true when it succeeded.
bool apply_one(const TransactionContext& ctx, const Task& task, const common::Digest& digest) {
  proto::MsgHeader h;
  h.info2 = proto::info2::kWrite;
  h.record_ttl = task.record_ttl;
  std::string digest_bytes(reinterpret_cast<const char*>(digest.bytes.data()), digest.bytes.size());
  std::vector<proto::Field> fields = {{uint8_t(proto::FieldType::Namespace), task.ns->name()},
                                      {uint8_t(proto::FieldType::Digest), digest_bytes}};
  std::vector<proto::Op> ops;
  if (task.mode == ScanPlan::Mode::BackgroundUdf) {
    fields.push_back({uint8_t(proto::FieldType::UdfPackageName), task.module});
    fields.push_back({uint8_t(proto::FieldType::UdfFunction), task.function});
    fields.push_back({uint8_t(proto::FieldType::UdfArgList), task.args});
  } else {
    for (const OwnedOp& op : task.ops) ops.push_back(proto::Op{op.op, op.particle, 0, op.name, op.value, 0});
  }
  common::Result<RecordRequest> req = make_record_request(h, fields, ops);
  if (!req) return false;
  CommitWait wait;
  wait.cluster = ctx.cluster();
  wait.udf = ctx.record_udf();
  std::string out;
  for (;;) {
    out.clear();
    execute_record_request(*task.ns, *req, 0, out, &wait);
    CompletionPtr deferred = std::exchange(wait.deferred, nullptr);
    if (!deferred) break;
    if (!wait_all({deferred})) return false;
  }
  if (!wait_all(wait.completions)) return false;
  if (wait.pos != 0 && wait.storage) wait.storage->wait_durable(wait.pos);
  return out.size() >= proto::kMsgHeaderSize && uint8_t(out[5]) == uint8_t(ResultCode::Ok);
}

void run(const TransactionContext& ctx, const Task& task, Job& job) {
  RatePacer pacer(task.rps);
  uint64_t applied = 0;
  for (uint32_t pid : task.pids) {
    if (job.abort_requested.load(std::memory_order_relaxed)) return;
    Partition& part = task.ns->partition(pid);
    // Writes go to masters: a partition this node does not master is its master's work.
    if (serves_scan(part, false)) {
      PartitionCursor cursor;
      bool more = true;
      std::vector<common::Digest> chunk;
      while (more && !job.abort_requested.load(std::memory_order_relaxed)) {
        chunk.clear();
        more = visit_chunk(task.selection, part, pid, cursor, pacer.chunk(kChunkDigests),
                           [&chunk](const common::Digest& d, const Record&, int64_t) {
                             chunk.push_back(d);
                             return true;
                           });
        for (const common::Digest& d : chunk) {
          if (apply_one(ctx, task, d)) job.recs_succeeded.fetch_add(1, std::memory_order_relaxed);
          else job.recs_failed.fetch_add(1, std::memory_order_relaxed);
        }
        applied += chunk.size();
        pacer.wait(applied);
      }
    }
    job.partitions_done.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace

ResultCode start_background(const TransactionContext& ctx, const ScanPlan& plan,
                            security::QuotaReservation reservation) {
  if (plan.mode == ScanPlan::Mode::BackgroundUdf && !ctx.record_udf()) return ResultCode::UnsupportedFeature;
  auto task = std::make_shared<Task>();
  task->ns = plan.ns;
  task->selection = plan.selection();
  for (const PartitionTarget& t : plan.targets) task->pids.push_back(t.pid);
  if (plan.set_unknown) task->pids.clear();  // no record can match: done at once
  task->mode = plan.mode;
  task->module.assign(plan.udf_module);
  task->function.assign(plan.udf_function);
  task->args.assign(plan.udf_args);
  task->record_ttl = plan.record_ttl;
  task->rps = plan.rps;
  task->reservation = std::move(reservation);
  for (const proto::Op& op : plan.write_ops) {
    task->ops.push_back(OwnedOp{op.op, op.particle, std::string(op.name), std::string(op.value)});
  }

  auto job = std::make_shared<Job>();
  job->trid = plan.task_id;
  job->kind = plan.mode == ScanPlan::Mode::BackgroundUdf ? "background-udf" : "background-ops";
  job->ns = plan.ns->name();
  job->set.assign(plan.set_name);
  if (plan.mode == ScanPlan::Mode::BackgroundUdf) job->udf = task->module + "." + task->function;
  job->partitions_total = uint32_t(task->pids.size());
  bool started = ctx.jobs().start(job, [&ctx, task](Job& j) {
    run(ctx, *task, j);
    task->reservation.release();
    common::logger("query")->info("background job trid={} done succeeded={} failed={}", j.trid,
                                  j.recs_succeeded.load(), j.recs_failed.load());
  });
  return started ? ResultCode::Ok : ResultCode::Parameter;
}

}  // namespace asd
