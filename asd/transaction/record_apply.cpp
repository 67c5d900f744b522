// A record UDF call (wire-protocol §10.2): the runner sees the record, the change it
// asks for is committed like a write, and the answer carries one SUCCESS or FAILURE bin.

#include "index/namespace.h"
#include "transaction/record_udf.h"
#include "transaction/record_write.h"

namespace asd::detail {

using common::ResultCode;

namespace {

constexpr std::string_view kSuccessBin = "SUCCESS";
constexpr std::string_view kFailureBin = "FAILURE";

OpResult result_bin(std::string_view name, uint8_t particle, std::string value) {
  return OpResult{uint8_t(proto::OpType::Read), std::string(name), particle, std::move(value)};
}

}  // namespace

Reply do_apply(Namespace& ns, const conf::Namespace& config, const RecordRequest& req, Partition& part,
               Record* entry, const Record* existing, uint32_t now_sec, RecordUdfRunner& runner) {
  if (req.udf_module.empty() || req.udf_function.empty()) return {ResultCode::Parameter};
  UdfTarget target;
  target.digest = &req.digest;
  target.set = req.set;
  if (existing && req.set.empty()) {
    if (SetStats* s = ns.set_stats(existing->set_id)) target.set = s->name;
  }
  target.key = req.has_key ? req.key : existing ? std::string_view(existing->key) : std::string_view();
  target.record = existing;
  UdfOutcome outcome = runner.run(req.udf_module, req.udf_function, req.udf_args, target);

  if (outcome.code == ResultCode::UdfExecution) {
    ns.stats().client_udf_error.fetch_add(1, std::memory_order_relaxed);
    Reply reply;
    reply.code = ResultCode::UdfExecution;
    reply.results.push_back(result_bin(kFailureBin, uint8_t(proto::ParticleType::String), outcome.failure));
    return reply;
  }
  if (outcome.code != ResultCode::Ok) {
    ns.stats().client_udf_error.fetch_add(1, std::memory_order_relaxed);
    return {outcome.code};
  }

  Reply reply;
  if (existing) {
    reply.generation = existing->generation;
    reply.void_time = existing->void_time;
  }
  if (outcome.change == UdfOutcome::Change::Delete && existing) {
    Announcement a = removal_of(ns, req, *existing);
    if (ResultCode rc = remove_record(ns, part, req, entry, a, existing->set_id, &reply.commit_pos);
        rc != ResultCode::Ok) {
      ns.stats().client_udf_error.fetch_add(1, std::memory_order_relaxed);
      return {rc};
    }
    announce_to_xdr(ns, a);
    reply.mutated = true;
    reply.generation = 0;
    reply.void_time = 0;
  } else if (outcome.change == UdfOutcome::Change::Write) {
    Record work;
    if (ResultCode rc = begin_version(ns, config, req, existing, &work); rc != ResultCode::Ok) return {rc};
    work.bins = std::move(outcome.bins);
    if (outcome.drop_key) work.key.clear();
    uint32_t ttl = outcome.ttl ? *outcome.ttl : req.header.record_ttl;
    reply = commit_write(ns, config, req, part, entry, existing, std::move(work), ttl, now_sec, std::move(reply),
                         !outcome.drop_key);
    if (reply.code != ResultCode::Ok) {
      ns.stats().client_udf_error.fetch_add(1, std::memory_order_relaxed);
      return reply;
    }
  }
  ns.stats().client_udf_complete.fetch_add(1, std::memory_order_relaxed);
  reply.results.push_back(result_bin(kSuccessBin, outcome.particle, std::move(outcome.value)));
  return reply;
}

}  // namespace asd::detail
