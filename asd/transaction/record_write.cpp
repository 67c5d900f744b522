#include "transaction/record_write.h"

#include <algorithm>

#include "common/bytes.h"
#include "common/clock.h"
#include "index/namespace.h"
#include "transaction/ttl.h"

namespace asd::detail {

using common::ResultCode;
using proto::OpType;
namespace info2 = proto::info2;

void append_reply(std::string& out, const Reply& reply, uint32_t response_ttl) {
  proto::MsgHeader h;
  h.result_code = uint8_t(reply.code);
  h.generation = reply.generation;
  h.record_ttl = reply.void_time;
  h.transaction_ttl = response_ttl;
  // Only successful replies carry bins: clients parse ops for result 0 only, and for a
  // A UDF failure (100) carries its FAILURE bin.
  bool with_ops = reply.code == ResultCode::Ok || !reply.results.empty();
  // An XDR read of a tombstone answers 2 with the delete's LUT and origin (see do_read).
  bool with_xdr = reply.xdr_fields && (with_ops || reply.code == ResultCode::NotFound);
  h.n_ops = with_ops ? uint16_t(reply.results.size()) : 0;
  h.n_fields = with_xdr ? uint16_t(reply.key.empty() ? 2 : 3) : 0;
  append_msg_header(out, h);
  if (!with_ops && !with_xdr) return;
  if (with_xdr) {
    std::string lut(8, '\0');
    common::store_be64(reinterpret_cast<uint8_t*>(lut.data()), reply.lut);
    proto::append_field(out, proto::FieldType::Lut, lut);
    proto::append_field(out, proto::FieldType::XdrSrcId, std::string(1, char(reply.origin_src_id)));
    if (!reply.key.empty()) proto::append_field(out, proto::FieldType::Key, reply.key);
  }
  for (const OpResult& r : reply.results) {
    append_op(out, OpType(r.op == 0 ? uint8_t(OpType::Read) : r.op), r.particle, r.name, r.value);
  }
}

Record* find_entry(Namespace& ns, Partition& part, const common::Digest& digest, uint32_t now) {
  auto it = part.records.find(digest);
  if (it == part.records.end()) return nullptr;
  if (!ns.is_dead(it->second, now)) return &it->second;
  if (is_expired(it->second, now)) ns.stats().expired_objects.fetch_add(1, std::memory_order_relaxed);
  ns.erase(part, it);
  return nullptr;
}

bool xdr_wins(const RecordRequest& req, const Record& local) {
  uint64_t lut = req.has_xdr_lut ? req.xdr_lut : 0;
  if (lut != local.lut) return lut > local.lut;
  return req.xdr_src_id > local.origin_src_id;
}

ResultCode remove_record(Namespace& ns, Partition& part, const RecordRequest& req, Record* entry,
                         const Announcement& a, uint16_t set_id, uint64_t* commit_pos) {
  if (!req.is_xdr && !ns.xdr_policy().ship && !ns.storage()) {
    if (entry) ns.erase(part, part.records.find(req.digest));
    return ResultCode::Ok;
  }
  Record tomb;
  tomb.tombstone = true;
  tomb.lut = a.lut;
  tomb.origin_src_id = a.origin_src_id;
  tomb.set_id = set_id;
  tomb.generation = a.generation;
  return ns.commit(part, req.digest, entry, std::move(tomb), true, commit_pos);
}

Announcement removal_of(Namespace& ns, const RecordRequest& req, const Record& gone) {
  Announcement a;
  a.op = proto::XdrOp::Delete;
  a.digest = &req.digest;
  SetStats* set = ns.set_stats(gone.set_id);
  a.set = set ? std::string_view(set->name) : std::string_view();
  a.lut = req.is_xdr && req.has_xdr_lut ? req.xdr_lut : std::max(common::now_cl_ms(), gone.lut + 1);
  a.generation = gone.generation;
  a.origin_src_id = req.is_xdr ? req.xdr_src_id : ns.xdr_policy().local_src_id;
  a.from_xdr = req.is_xdr;
  a.durable = req.header.info2 & info2::kDurableDelete;
  return a;
}

ResultCode begin_version(Namespace& ns, const conf::Namespace& config, const RecordRequest& req,
                         const Record* existing, Record* work) {
  if (ns.stop_writes(config)) {
    ns.stats().stop_writes_count.fetch_add(1, std::memory_order_relaxed);
    return ResultCode::OutOfSpace;
  }
  if (existing) {
    *work = *existing;
    return ResultCode::Ok;
  }
  std::optional<uint16_t> set_id = ns.set_id(req.set, true);
  if (!set_id) return ResultCode::Forbidden;
  work->set_id = *set_id;
  return ResultCode::Ok;
}

Reply commit_write(Namespace& ns, const conf::Namespace& config, const RecordRequest& req, Partition& part,
                   Record* entry, const Record* existing, Record work, uint32_t ttl_field, uint32_t now_sec,
                   Reply reply, bool store_key) {
  if (work.bins.empty()) {
    // A write that leaves no bins removes the record (or creates nothing).
    if (existing) {
      Announcement a = removal_of(ns, req, *existing);
      if (ResultCode rc = remove_record(ns, part, req, entry, a, existing->set_id, &reply.commit_pos);
          rc != ResultCode::Ok) {
        ns.stats().client_write_error.fetch_add(1, std::memory_order_relaxed);
        return {rc};
      }
      announce_to_xdr(ns, a);
      reply.mutated = true;
    }
    ns.stats().client_write_success.fetch_add(1, std::memory_order_relaxed);
    return reply;
  }

  uint32_t set_default_ttl = 0;
  if (SetStats* s = ns.set_stats(work.set_id); s && !config.sets.empty()) {
    if (const conf::SetConfig* set_cfg = config.find_set(s->name); set_cfg && set_cfg->default_ttl) {
      set_default_ttl = uint32_t(*set_cfg->default_ttl);
    }
  }
  common::Result<uint32_t> void_time = resolve_void_time(ttl_field, config, existing, set_default_ttl, now_sec);
  if (!void_time) return {void_time.code()};
  if (config.max_record_size != 0 && work.record_size() > config.max_record_size) {
    ns.stats().fail_record_too_big.fetch_add(1, std::memory_order_relaxed);
    return {ResultCode::RecordTooBig};
  }
  if (store_key && req.has_key && work.key.empty()) work.key.assign(req.key);
  work.void_time = *void_time;
  work.generation = next_generation(existing ? existing->generation : 0);
  if (req.is_xdr) {
    // The shipped version keeps its source LUT and origin, so every DC holding it
    // compares versions the same way.
    work.lut = req.has_xdr_lut ? req.xdr_lut : common::now_cl_ms();
    work.origin_src_id = req.xdr_src_id;
  } else {
    uint64_t now_ms = common::now_cl_ms();
    work.lut = std::max(now_ms, ns.truncate_threshold(work.set_id) + 1);
    // After a delete (tombstone) too: a local write that follows must win everywhere.
    if (entry) work.lut = std::max(work.lut, entry->lut + 1);
    work.origin_src_id = ns.xdr_policy().local_src_id;
  }

  Announcement a;
  a.op = proto::XdrOp::Write;
  a.digest = &req.digest;
  SetStats* set = ns.set_stats(work.set_id);
  a.set = set ? std::string_view(set->name) : std::string_view();
  a.lut = work.lut;
  a.generation = work.generation;
  a.origin_src_id = work.origin_src_id;
  a.from_xdr = req.is_xdr;

  reply.generation = work.generation;
  reply.void_time = work.void_time;
  // Replaces a live record, or the tombstone it follows.
  if (ResultCode rc = ns.commit(part, req.digest, entry, std::move(work), false, &reply.commit_pos);
      rc != ResultCode::Ok) {
    if (rc == ResultCode::OutOfSpace) ns.stats().stop_writes_count.fetch_add(1, std::memory_order_relaxed);
    ns.stats().client_write_error.fetch_add(1, std::memory_order_relaxed);
    return {rc};
  }
  ns.stats().client_write_success.fetch_add(1, std::memory_order_relaxed);
  if (req.is_xdr) ns.stats().xdr_write_success.fetch_add(1, std::memory_order_relaxed);
  announce_to_xdr(ns, a);
  reply.mutated = true;
  return reply;
}


}  // namespace asd::detail
