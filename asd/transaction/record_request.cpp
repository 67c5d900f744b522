#include "transaction/record_request.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "index/namespace.h"
#include "cluster/cluster.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "transaction/bin_ops.h"
#include "transaction/exp_ops.h"
#include "transaction/filter.h"
#include "transaction/record_write.h"
#include "transaction/ttl.h"
#include "storage/device_storage.h"
#include "xdr_pipe/announce.h"

namespace asd {

using common::ResultCode;
using proto::OpType;
namespace info1 = proto::info1;
namespace info2 = proto::info2;
namespace info3 = proto::info3;

namespace {

using detail::Reply;
using detail::append_reply;
using detail::begin_version;
using detail::commit_write;
using detail::find_entry;
using detail::removal_of;
using detail::remove_record;
using detail::xdr_wins;

bool is_supported_op(uint8_t op) {
  switch (OpType(op)) {
    case OpType::Read:
    case OpType::Write:
    case OpType::CdtRead:
    case OpType::CdtModify:
    case OpType::Incr:
    case OpType::Append:
    case OpType::Prepend:
    case OpType::Touch:
    case OpType::DeleteAll:
    case OpType::ExpRead:
    case OpType::ExpModify:
    case OpType::BitRead:
    case OpType::BitModify:
    case OpType::HllRead:
    case OpType::HllModify:
      return true;
    default:
      return false;
  }
}

void add_all_bins(const Record& record, std::vector<OpResult>& results) {
  for (const Bin& b : record.bins) {
    results.push_back(OpResult{uint8_t(OpType::Read), b.name, b.particle, b.value});
  }
}

// `tombstone`: the entry when the record is deleted and its tombstone kept. An XDR read
// (a shipper) learns from it when, and by which DC, the record was deleted: a NotFound
// without them means this node never held the record (a copy behind its master), which
// must not be shipped as a delete.
Reply do_read(Namespace& ns, const RecordRequest& req, const Record* record, const Record* tombstone) {
  Reply reply;
  if (!record) {
    ns.stats().client_read_not_found.fetch_add(1, std::memory_order_relaxed);
    reply.code = ResultCode::NotFound;
    if (req.is_xdr && tombstone) {
      reply.xdr_fields = true;
      reply.lut = tombstone->lut;
      reply.origin_src_id = tombstone->origin_src_id;
    }
    return reply;
  }
  reply.generation = record->generation;
  reply.void_time = record->void_time;
  if (req.is_xdr) {
    reply.xdr_fields = true;
    reply.lut = record->lut;
    reply.origin_src_id = record->origin_src_id;
    reply.key = record->key;
  }
  if (req.header.info1 & info1::kGetNoBinData) return reply;
  if (req.header.info1 & info1::kGetAll) add_all_bins(*record, reply.results);
  bool respond_all = req.header.info2 & info2::kRespondAllOps;
  for (const proto::Op& op : req.ops) {
    if (op.op == uint8_t(OpType::Read) && op.name.empty()) {
      if (!(req.header.info1 & info1::kGetAll)) add_all_bins(*record, reply.results);
      continue;
    }
    std::optional<OpResult> result;
    ResultCode rc = op.op == uint8_t(OpType::ExpRead) ? exp_read(ns, *record, req.digest, op, &result)
                                                       : apply_read_op(*record, op, &result);
    if (rc != ResultCode::Ok) return {rc};
    if (result) reply.results.push_back(std::move(*result));
    else if (respond_all) reply.results.push_back(OpResult{op.op, std::string(op.name), 0, {}});
  }
  ns.stats().client_read_success.fetch_add(1, std::memory_order_relaxed);
  return reply;
}

// An XDR delete of a record this DC does not hold (never arrived, or already deleted):
// remembered as a tombstone unless a newer version of the deletion is already here, so an
// older write arriving afterwards cannot resurrect the record.
Reply do_xdr_delete_absent(Namespace& ns, const RecordRequest& req, Partition& part, Record* tomb) {
  uint64_t lut = req.has_xdr_lut ? req.xdr_lut : common::now_cl_ms();
  if (tomb && !xdr_wins(req, *tomb)) return {};
  std::optional<uint16_t> set_id = ns.set_id(req.set, true);
  Announcement a;
  a.op = proto::XdrOp::Delete;
  a.digest = &req.digest;
  a.set = req.set;
  a.lut = lut;
  a.generation = tomb ? tomb->generation : 0;
  a.origin_src_id = req.xdr_src_id;
  a.from_xdr = true;
  Reply reply;
  if (ResultCode rc = remove_record(ns, part, req, tomb, a, set_id.value_or(0), &reply.commit_pos);
      rc != ResultCode::Ok) {
    return {rc};
  }
  ns.stats().xdr_write_success.fetch_add(1, std::memory_order_relaxed);
  announce_to_xdr(ns, a);
  reply.mutated = true;
  return reply;
}

Reply do_delete(Namespace& ns, const RecordRequest& req, Partition& part, Record* entry) {
  Record* record = entry && !entry->tombstone ? entry : nullptr;
  if (!record) {
    if (req.is_xdr) return do_xdr_delete_absent(ns, req, part, entry);
    ns.stats().client_delete_not_found.fetch_add(1, std::memory_order_relaxed);
    return {ResultCode::NotFound};
  }
  // Same rule as for writes, ties included, or a delete and a write made in the same
  // millisecond in two DCs would each win on one side.
  if (req.is_xdr && !xdr_wins(req, *record)) {
    ns.stats().xdr_lost_conflict.fetch_add(1, std::memory_order_relaxed);
    return {ResultCode::LostConflict};
  }
  if ((req.header.info2 & info2::kGeneration) && req.header.generation != record->generation) {
    ns.stats().fail_generation.fetch_add(1, std::memory_order_relaxed);
    return {ResultCode::Generation};
  }
  if ((req.header.info2 & info2::kGenerationGt) && req.header.generation <= record->generation) {
    ns.stats().fail_generation.fetch_add(1, std::memory_order_relaxed);
    return {ResultCode::Generation};
  }
  Announcement a = removal_of(ns, req, *record);
  Reply reply;
  if (ResultCode rc = remove_record(ns, part, req, record, a, record->set_id, &reply.commit_pos);
      rc != ResultCode::Ok) {
    ns.stats().client_delete_error.fetch_add(1, std::memory_order_relaxed);
    return {rc};
  }
  ns.stats().client_delete_success.fetch_add(1, std::memory_order_relaxed);
  if (req.is_xdr) ns.stats().xdr_write_success.fetch_add(1, std::memory_order_relaxed);
  announce_to_xdr(ns, a);
  reply.mutated = true;
  return reply;
}

ResultCode check_write_preconditions(Namespace& ns, const RecordRequest& req, const Record* existing) {
  const auto& h = req.header;
  if ((h.info2 & info2::kCreateOnly) && existing) return ResultCode::RecordExists;
  if ((h.info3 & (info3::kUpdateOnly | info3::kReplaceOnly)) && !existing) return ResultCode::NotFound;
  if (existing && (h.info2 & info2::kGeneration) && h.generation != existing->generation) {
    ns.stats().fail_generation.fetch_add(1, std::memory_order_relaxed);
    return ResultCode::Generation;
  }
  if (existing && (h.info2 & info2::kGenerationGt) && h.generation <= existing->generation) {
    ns.stats().fail_generation.fetch_add(1, std::memory_order_relaxed);
    return ResultCode::Generation;
  }
  return ResultCode::Ok;
}

// `entry` is the index entry (record or tombstone, or nullptr); `existing` the live
// record with its bins loaded, or nullptr.
Reply do_write(Namespace& ns, const conf::Namespace& config, const RecordRequest& req, Partition& part,
               Record* entry, const Record* existing, uint32_t now_sec) {
  const auto& h = req.header;
  if (req.ops.empty()) return {ResultCode::Parameter};
  if (req.is_xdr && entry && !xdr_wins(req, *entry)) {
    ns.stats().xdr_lost_conflict.fetch_add(1, std::memory_order_relaxed);
    return {ResultCode::LostConflict};
  }
  if (ResultCode rc = check_write_preconditions(ns, req, existing); rc != ResultCode::Ok) return {rc};
  Record work;
  if (ResultCode rc = begin_version(ns, config, req, existing, &work); rc != ResultCode::Ok) return {rc};
  if (existing && (h.info3 & (info3::kCreateOrReplace | info3::kReplaceOnly))) work.bins.clear();

  Reply reply;
  bool respond_all = h.info2 & info2::kRespondAllOps;
  for (const proto::Op& op : req.ops) {
    std::optional<OpResult> result;
    ResultCode rc = ResultCode::Ok;
    switch (OpType(op.op)) {
      case OpType::Touch:
        if (!existing) return {ResultCode::NotFound};
        break;
      case OpType::DeleteAll:
        work.bins.clear();
        break;
      case OpType::Read:
        if (op.name.empty()) add_all_bins(work, reply.results);
        else rc = apply_read_op(work, op, &result);
        if (op.name.empty()) continue;
        break;
      case OpType::CdtRead:
      case OpType::BitRead:
      case OpType::HllRead:
        rc = apply_read_op(work, op, &result);
        break;
      case OpType::ExpRead:
        rc = exp_read(ns, work, req.digest, op, &result);
        break;
      case OpType::ExpModify:
        rc = exp_modify(ns, work, req.digest, op);
        break;
      default:
        rc = apply_write_op(work, op, &result);
        break;
    }
    if (rc != ResultCode::Ok) {
      ns.stats().client_write_error.fetch_add(1, std::memory_order_relaxed);
      return {rc};
    }
    if (result) reply.results.push_back(std::move(*result));
    else if (respond_all && OpType(op.op) != OpType::Touch) {
      reply.results.push_back(OpResult{op.op, std::string(op.name), 0, {}});
    }
  }
  if (h.info1 & info1::kGetAll) add_all_bins(work, reply.results);

  return commit_write(ns, config, req, part, entry, existing, std::move(work), h.record_ttl, now_sec,
                      std::move(reply));
}

}  // namespace

common::Result<RecordRequest> make_record_request(const proto::MsgHeader& header,
                                                  std::span<const proto::Field> fields,
                                                  std::span<const proto::Op> ops,
                                                  const common::Digest* row_digest) {
  RecordRequest req;
  req.header = header;
  req.fields = fields;
  req.ops = ops;
  bool has_digest = row_digest != nullptr;
  if (row_digest) req.digest = *row_digest;
  for (const proto::Field& f : fields) {
    switch (proto::FieldType(f.type)) {
      case proto::FieldType::Digest:
        if (f.data.size() != common::kDigestSize) return {ResultCode::Parameter, "bad digest field"};
        req.digest = common::Digest::from(f.data);
        has_digest = true;
        break;
      case proto::FieldType::Set:
        if (f.data.size() > proto::kMaxSetNameSize) return {ResultCode::Parameter, "set name too long"};
        req.set = f.data;
        break;
      case proto::FieldType::Key:
        if (f.data.empty()) return {ResultCode::Parameter, "empty key field"};
        req.has_key = true;
        req.key = f.data;
        break;
      case proto::FieldType::Filter:
        req.filter = f.data;
        break;
      case proto::FieldType::UdfPackageName:
        req.is_udf = true;
        req.udf_module = f.data;
        break;
      case proto::FieldType::UdfFunction:
        req.udf_function = f.data;
        break;
      case proto::FieldType::UdfArgList:
        req.udf_args = f.data;
        break;
      case proto::FieldType::Lut:
        if (f.data.size() != 8) return {ResultCode::Parameter, "bad lut field"};
        req.has_xdr_lut = true;
        req.xdr_lut = common::load_be64(common::as_bytes(f.data));
        break;
      case proto::FieldType::XdrSrcId:
        if (f.data.size() != 1) return {ResultCode::Parameter, "bad src-id field"};
        req.xdr_src_id = uint8_t(f.data[0]);
        break;
      case proto::FieldType::TxnId:
      case proto::FieldType::TxnDeadline:
      case proto::FieldType::RecordVersion:
        return {ResultCode::UnsupportedFeature, "multi-record transactions"};
      default:
        break;
    }
  }
  if (!has_digest) return {ResultCode::Parameter, "missing digest"};
  req.is_xdr = header.info1 & info1::kXdr;
  return req;
}

void append_error_message(std::string& out, ResultCode code, uint32_t response_ttl, uint8_t info3_bits) {
  proto::MsgHeader h;
  h.result_code = uint8_t(code);
  h.transaction_ttl = response_ttl;
  h.info3 = info3_bits;
  proto::append_msg_header(out, h);
}

namespace {

// Read-touch (a read's record_ttl: 0 the namespace's default-read-touch-ttl-pct, -1 never,
// 1..100): the TTL the record was last written with, when its remaining TTL is below that
// percentage of it; 0 when the read does not touch. Parameter for other values.
common::Result<uint32_t> read_touch_ttl(Namespace& ns, const RecordRequest& req, const Record& record,
                                        uint32_t now_sec) {
  auto pct = int32_t(req.header.record_ttl);
  if (pct == -1 || req.is_xdr) return uint32_t(0);  // shippers' reads never touch
  if (pct < 0 || pct > 100) return common::Error{ResultCode::Parameter, "read-touch-ttl-percent out of range"};
  // Most records never expire: they are settled before the config snapshot is taken.
  if (record.void_time == 0) return uint32_t(0);
  if (pct == 0) pct = int32_t(ns.config()->default_read_touch_ttl_pct);
  if (pct == 0) return uint32_t(0);
  uint64_t written_sec = record.lut / 1000;
  if (record.void_time <= written_sec || record.void_time <= now_sec) return uint32_t(0);
  uint64_t total = record.void_time - written_sec;
  uint64_t remaining = record.void_time - now_sec;
  return remaining * 100 < total * uint64_t(pct) ? uint32_t(total) : uint32_t(0);
}

}  // namespace

void execute_record_request(Namespace& ns, const RecordRequest& req, uint32_t response_ttl,
                            std::string& out, CommitWait* wait) {
  const auto& h = req.header;
  std::optional<exp::Expression> own_filter;
  const exp::Expression* filter = req.parsed_filter;
  if (!filter && !req.filter.empty()) {
    auto parsed = exp::Expression::parse(req.filter);
    if (!parsed) return append_error_message(out, parsed.error().code, response_ttl);
    own_filter.emplace(std::move(*parsed));
    filter = &*own_filter;
  }
  if (h.info4 != 0) return append_error_message(out, ResultCode::UnsupportedFeature, response_ttl);
  for (const proto::Op& op : req.ops) {
    if (!is_supported_op(op.op)) {
      return append_error_message(out, ResultCode::UnsupportedFeature, response_ttl);
    }
    if (op.name.size() > proto::kMaxBinNameSize) {
      return append_error_message(out, ResultCode::BinName, response_ttl);
    }
  }
  bool is_write = h.info2 & info2::kWrite;
  RecordUdfRunner* udf = nullptr;
  if (req.is_udf) {
    // A UDF runs as a write: it may change the record, so the master runs it.
    udf = wait ? wait->udf : nullptr;
    if (!udf || req.is_xdr) return append_error_message(out, ResultCode::UnsupportedFeature, response_ttl);
    if (!req.ops.empty()) return append_error_message(out, ResultCode::Parameter, response_ttl);
    is_write = true;
  }
  if (!is_write) {
    for (const proto::Op& op : req.ops) {
      if (!proto::is_read_op(op.op)) return append_error_message(out, ResultCode::Parameter, response_ttl);
    }
  }

  // One snapshot per transaction: set-config may swap it meanwhile.
  std::shared_ptr<const conf::Namespace> config = is_write ? ns.config() : nullptr;
  if (is_write) {
    if (req.is_xdr ? !config->allow_xdr_writes : !config->allow_nonxdr_writes) {
      ns.stats().xdr_forbidden.fetch_add(1, std::memory_order_relaxed);
      return append_error_message(out, ResultCode::Forbidden, response_ttl);
    }
  }

  uint32_t now_sec = common::now_cl_sec();
  Partition& part = ns.partition_of(req.digest);
  cluster::Cluster* cluster = wait ? wait->cluster : nullptr;
  if (is_write && cluster) {
    if (wait->write_deadline_ms == 0) wait->write_deadline_ms = common::steady_ms() + cluster::kWriteGateMs;
    cluster::WriteGate gate = cluster->prepare_write(ns, part, req.digest, wait->write_deadline_ms);
    if (gate.state == cluster::WriteGate::State::Refuse) {
      return append_error_message(out, ResultCode::Timeout, response_ttl);
    }
    if (gate.state == cluster::WriteGate::State::Wait) {
      wait->deferred = std::move(gate.ready);
      return;
    }
  }
  Reply reply;
  CompletionPtr replicated;
  {
    std::lock_guard lock(part.mu);
    // Only the acting master takes writes; reads need a complete, current copy.
    if (is_write ? !part.role.master : !part.role.readable) {
      uint64_t owner = part.role.acting_master;
      if (wait && wait->may_redirect && owner != 0) {
        wait->redirected = true;
        wait->redirect_to = owner;
        return;
      }
      ns.stats().client_unavailable.fetch_add(1, std::memory_order_relaxed);
      return append_error_message(out, ResultCode::Unavailable, response_ttl);
    }
    Record* entry = find_entry(ns, part, req.digest, now_sec);
    Record* record = entry && !entry->tombstone ? entry : nullptr;
    bool is_delete = is_write && !udf && (h.info2 & info2::kDelete);
    // Without data-in-memory the index has no bins: read them from the device (a delete
    // needs them only for its filter).
    Record loaded;
    const Record* data = record;
    if (record && (!is_delete || filter) && !ns.data_in_memory()) {
      loaded = *record;
      data = ns.load_bins(req.digest, loaded) ? &loaded : nullptr;
    }
    if (record && !data) {
      reply.code = ResultCode::ServerError;
    } else if (record && req.has_key && !record->key.empty() && record->key != req.key) {
      reply.code = ResultCode::KeyMismatch;
    } else if (filter && record && !filter->matches(ns.expression_view(*data, req.digest))) {
      // Only an existing record is filtered: a write creating one, or a read of a missing
      // one, goes on as without the filter.
      auto& stats = ns.stats();
      (udf ? stats.client_udf_filtered_out
           : !is_write ? stats.client_read_filtered_out
           : is_delete ? stats.client_delete_filtered_out
                       : stats.client_write_filtered_out)
          .fetch_add(1, std::memory_order_relaxed);
      reply.code = ResultCode::FilteredOut;
    } else if (udf) {
      reply = detail::do_apply(ns, *config, req, part, entry, data, now_sec, *udf);
    } else if (!is_write) {
      reply = do_read(ns, req, data, entry && entry->tombstone ? entry : nullptr);
      if (reply.code == ResultCode::Ok && record) {
        common::Result<uint32_t> touch_ttl = read_touch_ttl(ns, req, *record, now_sec);
        if (!touch_ttl) {
          reply = Reply{touch_ttl.error().code};
        } else if (*touch_ttl != 0 && part.role.master && part.role.dupres_from.empty()) {
          // The answer keeps the TTL the record had; the touch (a write, so it goes to
          // the replicas and to XDR) resets it to the TTL it was last written with.
          proto::Op touch_op;
          touch_op.op = uint8_t(OpType::Touch);
          RecordRequest touch = req;
          touch.header.info1 = 0;
          touch.header.info2 = info2::kWrite;
          touch.header.info3 = 0;
          touch.header.record_ttl = *touch_ttl;
          touch.ops = std::span<const proto::Op>(&touch_op, 1);
          touch.filter = {};
          touch.parsed_filter = nullptr;
          Reply touched = do_write(ns, *ns.config(), touch, part, entry, data, now_sec);
          reply.mutated = touched.mutated;
        }
      }
    } else if (is_delete) {
      reply = do_delete(ns, req, part, entry);
    } else {
      reply = do_write(ns, *config, req, part, entry, data, now_sec);
    }
    if (reply.mutated && !part.role.replicate_to.empty() && cluster) {
      replicated = cluster->replicate(ns, part, req.digest);
    }
  }
  // Commit level master (info3): the replica write still goes out, but the answer does
  // not wait for its ack, as the real server answers such a write.
  if (replicated && !(req.header.info3 & info3::kCommitMaster)) wait->completions.push_back(std::move(replicated));
  if (reply.commit_pos != 0) {
    if (wait) {
      wait->storage = ns.storage();
      wait->pos = std::max(wait->pos, reply.commit_pos);
    } else {
      ns.storage()->wait_durable(reply.commit_pos);
    }
  }
  append_reply(out, reply, response_ttl);
}

}  // namespace asd
