#include "transaction/scan.h"

#include <optional>
#include <set>
#include <vector>

#include "index/namespace.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "common/log.h"
#include "proto/frame.h"
#include "transaction/context.h"
#include "transaction/response_sink.h"
#include "transaction/record_request.h"

namespace asd {

using common::ResultCode;
using proto::FieldType;

namespace {

constexpr size_t kChunkRecords = 128;

struct PartitionTarget {
  uint32_t pid = 0;
  std::optional<common::Digest> after;  // resume: only digests smaller than this
  std::optional<int64_t> after_bval;    // query resume: only entries after (bval, digest)
};

// A secondary-index query's filter (field 22): the index and the key range it selects;
// `value` is the exact bytes a string or blob equality asks for (the key is their hash).
struct IndexFilter {
  std::shared_ptr<SecondaryIndex> index;
  int64_t begin = 0;
  int64_t end = 0;
  std::string value;
};

struct ScanPlan {
  Namespace* ns = nullptr;
  bool has_set = false;
  uint16_t set_id = 0;
  bool set_unknown = false;
  std::vector<PartitionTarget> targets;
  uint64_t max_records = 0;
  bool no_bins = false;
  std::vector<std::string_view> bins;  // selected bins; empty = all
  uint64_t since_lut = 0;   // XDR recovery: only records with LUT >= this
  bool xdr_fields = false;  // XDR: add LUT (14) and origin src-id (200) to each record
  bool explicit_partitions = false;  // the client listed partitions (fields 11/12)
  std::optional<IndexFilter> filter;  // a secondary-index query
};

// As the real server reserves a partition for a scan: a scan of every partition (no
// list) covers this node's share, the partitions it masters; a partition the client
// listed may be read from any full copy, so a client whose map is a moment behind a
// hand-over still gets it from the node it asked, which holds it whole.
bool serves_scan(Partition& part, bool listed) {
  std::lock_guard lock(part.mu);
  return part.role.master || (listed && part.role.readable);
}

void append_partition_unavailable(std::string& out, uint32_t pid) {
  proto::MsgHeader h;
  h.result_code = uint8_t(ResultCode::Unavailable);
  h.info3 = proto::info3::kPartitionDone;
  h.generation = pid;
  proto::append_msg_header(out, h);
}

// Field 22 (wire-protocol §9.6): one filter on a bin; the index is the one named by field
// 21, else the one on the query's set (then one without a set) for that bin and value
// type. No such index: 201; one still being built: 203.
ResultCode plan_filter(Namespace& ns, const proto::Message& req, std::string_view data, ScanPlan* plan) {
  const uint8_t* p = common::as_bytes(data);
  size_t left = data.size();
  auto take = [&](size_t n) -> const uint8_t* {
    if (left < n) return nullptr;
    const uint8_t* at = p;
    p += n;
    left -= n;
    return at;
  };
  const uint8_t* count = take(1);
  if (!count || *count != 1) return ResultCode::Parameter;
  const uint8_t* name_len = take(1);
  if (!name_len) return ResultCode::Parameter;
  const uint8_t* name = take(*name_len);
  const uint8_t* particle = take(1);
  const uint8_t* begin_len = take(4);
  if (!name || !particle || !begin_len) return ResultCode::Parameter;
  uint32_t bl = common::load_be32(begin_len);
  const uint8_t* begin = take(bl);
  const uint8_t* end_len = begin ? take(4) : nullptr;
  if (!end_len) return ResultCode::Parameter;
  uint32_t el = common::load_be32(end_len);
  const uint8_t* end = take(el);
  if (!end || left != 0) return ResultCode::Parameter;
  std::string_view bin(reinterpret_cast<const char*>(name), *name_len);

  SindexCollection collection = SindexCollection::Default;
  if (const proto::Field* itype = req.field(FieldType::IndexType); itype && !itype->data.empty()) {
    if (uint8_t(itype->data[0]) > uint8_t(SindexCollection::MapValues)) return ResultCode::SindexNotFound;
    collection = SindexCollection(uint8_t(itype->data[0]));
  }
  // Context and expression indexes are not built yet: no such index exists.
  if (req.field(FieldType::IndexContext) || req.field(FieldType::IndexExpression)) return ResultCode::SindexNotFound;

  std::optional<SindexType> type;
  if (*particle == sindex_particle(SindexType::Numeric)) type = SindexType::Numeric;
  else if (*particle == sindex_particle(SindexType::String)) type = SindexType::String;
  else if (*particle == sindex_particle(SindexType::Blob)) type = SindexType::Blob;
  if (!type) return ResultCode::SindexNotFound;

  std::shared_ptr<SecondaryIndex> index;
  if (const proto::Field* by_name = req.field(FieldType::IndexName)) {
    index = ns.find_sindex(by_name->data);
    if (index && (index->def().type != *type || index->def().collection != collection)) index = nullptr;
  } else {
    const proto::Field* set = req.field(FieldType::Set);
    std::string_view set_name = set ? set->data : std::string_view();
    for (bool any_set : {false, true}) {
      for (const auto& candidate : *ns.sindexes()) {
        const SindexDef& d = candidate->def();
        if (d.bin != bin || d.type != *type || d.collection != collection) continue;
        if (any_set ? !d.set.empty() : d.set != set_name) continue;
        index = candidate;
        break;
      }
      if (index || set_name.empty()) break;
    }
  }
  if (!index) return ResultCode::SindexNotFound;
  if (!index->readable()) return ResultCode::SindexNotReadable;

  IndexFilter f;
  f.index = index;
  if (*type == SindexType::Numeric) {
    if (bl != 8 || el != 8) return ResultCode::Parameter;
    f.begin = int64_t(common::load_be64(begin));
    f.end = int64_t(common::load_be64(end));
    if (f.begin > f.end) return ResultCode::Parameter;
  } else {
    // Equality only: the server uses the begin value.
    f.value.assign(reinterpret_cast<const char*>(begin), bl);
    f.begin = f.end = sindex_hash(f.value);
  }
  index->count_query();
  plan->filter = std::move(f);
  return ResultCode::Ok;
}

ResultCode plan_scan(const TransactionContext& ctx, const proto::Message& req, ScanPlan* plan) {
  const proto::Field* ns_field = req.field(FieldType::Namespace);
  if (!ns_field) return ResultCode::Namespace;
  plan->ns = ctx.find_namespace(ns_field->data);
  if (!plan->ns) return ResultCode::Namespace;
  if (req.field(FieldType::Filter) || req.field(FieldType::UdfPackageName)) {
    return ResultCode::UnsupportedFeature;
  }
  if (const proto::Field* range = req.field(FieldType::IndexRange)) {
    ResultCode rc = plan_filter(*plan->ns, req, range->data, plan);
    if (rc != ResultCode::Ok) return rc;
  } else if (req.field(FieldType::IndexName)) {
    return ResultCode::SindexNotFound;
  }
  if (req.header.info2 & proto::info2::kWrite) return ResultCode::UnsupportedFeature;
  if (!(req.header.info3 & proto::info3::kPartitionDone)) return ResultCode::UnsupportedFeature;

  if (const proto::Field* set = req.field(FieldType::Set); set && !set->data.empty()) {
    plan->has_set = true;
    std::optional<uint16_t> id = plan->ns->set_id(set->data, false);
    if (id) plan->set_id = *id;
    else plan->set_unknown = true;
  }
  std::set<uint32_t> seen;
  if (const proto::Field* pids = req.field(FieldType::PidArray)) {
    if (pids->data.empty() || pids->data.size() % 2 != 0) return ResultCode::Parameter;
    for (size_t i = 0; i < pids->data.size(); i += 2) {
      uint32_t pid = common::load_le16(common::as_bytes(pids->data) + i);
      if (pid >= common::kPartitions || !seen.insert(pid).second) return ResultCode::Parameter;
      plan->targets.push_back({pid, std::nullopt});
    }
  }
  if (const proto::Field* digests = req.field(FieldType::DigestArray)) {
    if (digests->data.empty() || digests->data.size() % common::kDigestSize != 0) {
      return ResultCode::Parameter;
    }
    size_t n = digests->data.size() / common::kDigestSize;
    // A query resumes at (bval, digest): one 8-byte little-endian bval per digest.
    const proto::Field* bvals = req.field(FieldType::BvalArray);
    if (plan->filter && (!bvals || bvals->data.size() != n * 8)) return ResultCode::Parameter;
    for (size_t k = 0; k < n; ++k) {
      common::Digest d = common::Digest::from(digests->data.substr(k * common::kDigestSize, common::kDigestSize));
      uint32_t pid = common::partition_id(d).value;
      if (!seen.insert(pid).second) return ResultCode::Parameter;
      PartitionTarget target{pid, d, std::nullopt};
      if (plan->filter) target.after_bval = int64_t(common::load_le64(common::as_bytes(bvals->data) + k * 8));
      plan->targets.push_back(target);
    }
  }
  plan->explicit_partitions = req.field(FieldType::PidArray) || req.field(FieldType::DigestArray);
  if (!plan->explicit_partitions) {
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) plan->targets.push_back({pid, std::nullopt});
  }
  if (const proto::Field* max = req.field(FieldType::MaxRecords)) {
    if (max->data.size() != 8) return ResultCode::Parameter;
    plan->max_records = common::load_be64(common::as_bytes(max->data));
  }
  if (const proto::Field* lut = req.field(FieldType::Lut)) {
    if (lut->data.size() != 8) return ResultCode::Parameter;
    plan->since_lut = common::load_be64(common::as_bytes(lut->data));
  }
  plan->xdr_fields = req.header.info1 & proto::info1::kXdr;
  plan->no_bins = req.header.info1 & proto::info1::kGetNoBinData;
  for (const proto::Op& op : req.ops) {
    if (op.op != uint8_t(proto::OpType::Read)) return ResultCode::UnsupportedFeature;
    plan->bins.push_back(op.name);
  }
  return ResultCode::Ok;
}

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

// Copies the next chunk of live records of one partition into `out` under its lock.
// Returns false when the partition is exhausted.
bool scan_chunk(const ScanPlan& plan, Partition& part, std::optional<common::Digest>& after,
                uint32_t now, std::string& out, uint64_t& sent) {
  std::lock_guard lock(part.mu);
  auto it = after ? part.records.upper_bound(*after) : part.records.begin();
  size_t taken = 0;
  for (; it != part.records.end() && taken < kChunkRecords; ++it) {
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
    if (!plan.no_bins && !plan.ns->data_in_memory()) {
      // The bins live on the device only; a copy that fails its checksum is left out.
      thread_local Record loaded;
      loaded = r;
      if (!plan.ns->load_bins(it->first, loaded)) continue;
      data = &loaded;
    }
    if (append_record(out, plan, it->first, *data)) {
      ++sent;
      ++taken;
    }
  }
  return it != part.records.end();
}

// Copies the next chunk of records one partition's index selects into `out` under the
// partition's lock; `after` is the last (key, digest) sent. Each candidate is checked
// against its record: a string or blob key is a hash, and only the exact value matches.
bool query_chunk(const ScanPlan& plan, Partition& part, uint32_t pid, std::optional<SecondaryIndex::Entry>& after,
                 std::set<common::Digest>& returned, uint32_t now, std::string& out, uint64_t& sent) {
  const IndexFilter& f = *plan.filter;
  std::lock_guard lock(part.mu);
  const SecondaryIndex::PartitionEntries& entries = f.index->entries(pid);
  auto it = after ? entries.upper_bound(*after) : entries.lower_bound({f.begin, common::Digest{}});
  size_t taken = 0;
  for (; it != entries.end() && it->first <= f.end && taken < kChunkRecords; ++it) {
    if (plan.max_records && sent >= plan.max_records) return false;
    after = *it;
    auto rec = part.records.find(it->second);
    if (rec == part.records.end()) continue;
    const Record& r = rec->second;
    if (r.tombstone || plan.ns->is_dead(r, now) || r.lut < plan.since_lut) continue;
    if (plan.has_set && r.set_id != plan.set_id) continue;
    // The entries change with the records under this lock, so an entry is the record's
    // current key; a string or blob key is a hash, though, and only the exact bytes match.
    if (f.index->def().type != SindexType::Numeric && !f.index->holds_bytes(r, f.value)) continue;
    // A record with several matching elements has several entries: it goes out once.
    if (f.index->def().collection != SindexCollection::Default && !returned.insert(it->second).second) continue;
    if (append_record(out, plan, it->second, r, it->first)) {
      ++sent;
      ++taken;
    }
  }
  return it != entries.end() && it->first <= f.end;
}

}  // namespace

void execute_scan(const TransactionContext& ctx, const proto::Message& request, ResponseSink& sink) {
  std::string& out = sink.buffer();
  ScanPlan plan;
  ResultCode rc = plan_scan(ctx, request, &plan);
  size_t proto_offset = proto::begin_proto(out, proto::ProtoType::Message);
  if (rc != ResultCode::Ok) {
    // Errors before the job starts are one ordinary message without LAST (§9.4).
    append_error_message(out, rc);
    proto::end_proto(out, proto_offset);
    return;
  }
  uint64_t sent = 0;
  uint32_t now = common::now_cl_sec();
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
      std::optional<SecondaryIndex::Entry> after_entry;
      if (target.after && target.after_bval) after_entry = SecondaryIndex::Entry{*target.after_bval, *target.after};
      std::set<common::Digest> returned;  // this request's records of the partition (collection indexes)
      bool more = true;
      while (more) {
        more = plan.filter ? query_chunk(plan, part, target.pid, after_entry, returned, now, out, sent)
                           : scan_chunk(plan, part, after, now, out, sent);
        if (out.size() - proto_offset >= kStreamFlushBytes) {
          proto::end_proto(out, proto_offset);
          if (!sink.flush()) return;
          proto_offset = proto::begin_proto(out, proto::ProtoType::Message);
        }
      }
      if (plan.max_records && sent >= plan.max_records) break;
    }
  }
  append_error_message(out, ResultCode::Ok, 0, proto::info3::kLast);
  proto::end_proto(out, proto_offset);
  plan.ns->stats().scan_basic_complete.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace asd
