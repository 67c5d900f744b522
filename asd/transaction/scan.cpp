#include "transaction/scan.h"

#include <optional>
#include <set>
#include <vector>

#include "index/namespace.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "common/log.h"
#include "proto/frame.h"
#include "security/session.h"
#include "transaction/access_check.h"
#include "transaction/context.h"
#include "transaction/response_sink.h"
#include "transaction/record_request.h"
#include "transaction/aggregate.h"
#include "transaction/background.h"
#include "transaction/filter.h"
#include "transaction/rate_pacer.h"
#include "transaction/scan_plan.h"

namespace asd {

using common::ResultCode;
using proto::FieldType;

namespace {

constexpr size_t kChunkRecords = 128;

// Appends one record message; returns false when bin selection skips the record.
bool append_record(std::string& out, const ScanPlan& plan, const common::Digest& digest, const Record& r,
                   std::optional<int64_t> bval = std::nullopt) {
  std::vector<const Bin*> bins;
  if (!plan.no_bins) {
    if (plan.bins.empty()) {
      for (const Bin& b : r.bins) bins.push_back(&b);
    } else {
      for (std::string_view name : plan.bins) {
        if (const Bin* b = r.find_bin(name)) bins.push_back(b);
      }
      if (bins.empty()) return false;
    }
  }
  SetStats* set = plan.ns->set_stats(r.set_id);
  proto::MsgHeader h;
  h.info1 = plan.no_bins ? proto::info1::kGetNoBinData : 0;
  h.generation = r.generation;
  h.record_ttl = r.void_time;
  h.n_fields = uint16_t(2 + (set ? 1 : 0) + (r.key.empty() ? 0 : 1) + (plan.xdr_fields ? 2 : 0) + (bval ? 1 : 0));
  h.n_ops = uint16_t(bins.size());
  proto::append_msg_header(out, h);
  proto::append_field(out, FieldType::Namespace, plan.ns->name());
  proto::append_field(out, FieldType::Digest, digest.view());
  if (set) proto::append_field(out, FieldType::Set, set->name);
  if (!r.key.empty()) proto::append_field(out, FieldType::Key, r.key);
  if (plan.xdr_fields) {
    std::string lut(8, '\0');
    common::store_be64(reinterpret_cast<uint8_t*>(lut.data()), r.lut);
    proto::append_field(out, FieldType::Lut, lut);
    proto::append_field(out, FieldType::XdrSrcId, std::string(1, char(r.origin_src_id)));
  }
  if (bval) {
    std::string le(8, '\0');
    common::store_le64(reinterpret_cast<uint8_t*>(le.data()), uint64_t(*bval));
    proto::append_field(out, FieldType::BvalArray, le);
  }
  for (const Bin* b : bins) proto::append_op(out, proto::OpType::Read, b->particle, b->name, b->value);
  return true;
}

// An XDR scan's tombstone: the deleted record's digest, set, LUT and origin with result
// code 2 (KEY_NOT_FOUND) and no bins, so a recovery ships the delete too. Only our xdr
// sets the XDR bit on a scan; it tells these from a NotFound that ends a stream by the
// digest field.
void append_tombstone(std::string& out, const ScanPlan& plan, const common::Digest& digest, const Record& r) {
  SetStats* set = plan.ns->set_stats(r.set_id);
  proto::MsgHeader h;
  h.result_code = uint8_t(ResultCode::NotFound);
  h.generation = r.generation;
  h.n_fields = uint16_t(4 + (set ? 1 : 0));
  proto::append_msg_header(out, h);
  proto::append_field(out, FieldType::Namespace, plan.ns->name());
  proto::append_field(out, FieldType::Digest, digest.view());
  if (set) proto::append_field(out, FieldType::Set, set->name);
  std::string lut(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(lut.data()), r.lut);
  proto::append_field(out, FieldType::Lut, lut);
  proto::append_field(out, FieldType::XdrSrcId, std::string(1, char(r.origin_src_id)));
}

// Copies the next chunk (up to `chunk` records) of live records of one partition into
// `out` under its lock. Returns false when the partition is exhausted.
bool scan_chunk(const ScanPlan& plan, Partition& part, std::optional<common::Digest>& after,
                uint32_t now, std::string& out, uint64_t& sent, size_t chunk) {
  std::lock_guard lock(part.mu);
  auto it = after ? part.records.upper_bound(*after) : part.records.begin();
  size_t taken = 0;
  for (; it != part.records.end() && taken < chunk; ++it) {
    if (plan.max_records && sent >= plan.max_records) return false;
    after = it->first;
    const Record& r = it->second;
    if (plan.has_set && r.set_id != plan.set_id) continue;
    if (r.lut < plan.since_lut) continue;
    if (r.tombstone) {
      if (plan.xdr_fields) {
        append_tombstone(out, plan, it->first, r);
        ++sent;
        ++taken;
      }
      continue;
    }
    if (plan.ns->is_dead(r, now)) continue;
    const Record* data = &r;
    if ((!plan.no_bins || plan.exp_filter) && !plan.ns->data_in_memory()) {
      // The bins live on the device only; a copy that fails its checksum is left out.
      thread_local Record loaded;
      loaded = r;
      if (!plan.ns->load_bins(it->first, loaded)) continue;
      data = &loaded;
    }
    if (plan.exp_filter && !plan.exp_filter->matches(plan.ns->expression_view(*data, it->first))) continue;
    if (append_record(out, plan, it->first, *data)) {
      ++sent;
      ++taken;
    }
  }
  return it != part.records.end();
}

// Copies the next chunk (up to `chunk` records) one partition's index selects into `out`
// under the partition's lock; the cursor holds the last (key, digest) sent. Returns false
// when the partition is exhausted or max-records is reached.
bool query_chunk(const ScanPlan& plan, Partition& part, uint32_t pid, PartitionCursor& cursor, std::string& out,
                 uint64_t& sent, size_t chunk) {
  size_t limit = chunk;
  bool capped = false;
  if (plan.max_records) {
    if (sent >= plan.max_records) return false;
    if (plan.max_records - sent <= limit) {
      limit = size_t(plan.max_records - sent);
      capped = true;
    }
  }
  bool more = visit_chunk(plan.selection(), part, pid, cursor, limit,
                          [&](const common::Digest& d, const Record& r, int64_t key) {
                            if (r.lut < plan.since_lut || !append_record(out, plan, d, r, key)) return false;
                            ++sent;
                            return true;
                          });
  return more && !(capped && sent >= plan.max_records);
}

}  // namespace

void execute_scan(const TransactionContext& ctx, const proto::Message& request, ResponseSink& sink) {
  std::string& out = sink.buffer();
  ScanPlan plan;
  ResultCode rc = plan_scan(ctx, request, &plan);
  // The job's records-per-second limit, held against the user's rate quota until it ends.
  security::QuotaReservation reservation;
  if (rc == ResultCode::Ok && sink.session()) {
    rc = sink.session()->reserve(scan_quota_kind(plan), plan.rps, plan.ns->name(), plan.set_name, "query",
                                 &reservation);
  }
  size_t proto_offset = proto::begin_proto(out, proto::ProtoType::Message);
  if (rc != ResultCode::Ok) {
    // Errors before the job starts are one ordinary message without LAST (§9.4).
    append_error_message(out, rc);
    proto::end_proto(out, proto_offset);
    return;
  }
  if (plan.mode == ScanPlan::Mode::Aggregate) return execute_aggregation(ctx, plan, sink, proto_offset);
  if (plan.mode != ScanPlan::Mode::Stream) {
    // A background job: one answer once it is accepted (§10.5); it runs on its own.
    rc = start_background(ctx, plan, std::move(reservation));
    if (rc != ResultCode::Ok) append_error_message(out, rc);
    else append_error_message(out, ResultCode::Ok, 0, proto::info3::kLast);
    proto::end_proto(out, proto_offset);
    return;
  }
  uint64_t sent = 0;
  uint32_t now = common::now_cl_sec();
  RatePacer pacer(plan.rps);
  auto flush = [&] {
    proto::end_proto(out, proto_offset);
    if (!sink.flush()) return false;
    proto_offset = proto::begin_proto(out, proto::ProtoType::Message);
    return true;
  };
  if (!plan.set_unknown) {
    for (PartitionTarget& target : plan.targets) {
      Partition& part = plan.ns->partition(target.pid);
      if (!serves_scan(part, plan.explicit_partitions)) {
        // Not a full copy here (a fill under way, or none at all): the client asks
        // elsewhere.
        if (plan.explicit_partitions) append_partition_unavailable(out, target.pid);
        continue;
      }
      std::optional<common::Digest> after = target.after;
      PartitionCursor cursor;  // a query's place in the index, and the records it returned
      if (target.after && target.after_bval) cursor.after_entry = SecondaryIndex::Entry{*target.after_bval, *target.after};
      bool more = true;
      while (more) {
        const size_t chunk = pacer.chunk(kChunkRecords);
        more = plan.filter ? query_chunk(plan, part, target.pid, cursor, out, sent, chunk)
                           : scan_chunk(plan, part, after, now, out, sent, chunk);
        // Ahead of a records-per-second limit, what is ready goes out before the pause, so
        // the client hears from the scan within its socket timeout.
        const bool pause = pacer.ahead(sent);
        const size_t buffered = out.size() - proto_offset - proto::kProtoHeaderSize;
        if ((buffered >= kStreamFlushBytes || (pause && buffered > 0)) && !flush()) return;
        if (pause) pacer.wait(sent);
      }
      if (plan.max_records && sent >= plan.max_records) break;
    }
  }
  append_error_message(out, ResultCode::Ok, 0, proto::info3::kLast);
  proto::end_proto(out, proto_offset);
  plan.ns->stats().scan_basic_complete.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace asd
