#include "transaction/scan_plan.h"

#include <set>

#include "common/bytes.h"
#include "base/geo_cells.h"
#include "base/geojson.h"
#include "common/clock.h"
#include "index/namespace.h"
#include "index/sindex.h"
#include "transaction/context.h"
#include "transaction/filter.h"

namespace asd {

using common::ResultCode;
using proto::FieldType;

namespace {

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
  // An expression index is chosen by its expression (the same msgpack bytes), a context
  // index by its context too (the packed msgpack context); the server refuses either
  // alongside an index name, and both together.
  const proto::Field* exp_field = req.field(FieldType::IndexExpression);
  const proto::Field* ctx_field = req.field(FieldType::IndexContext);
  if ((exp_field || ctx_field) && req.field(FieldType::IndexName)) return ResultCode::Parameter;
  if (exp_field && ctx_field) return ResultCode::Parameter;
  if (exp_field && exp_field->data.empty()) return ResultCode::Parameter;
  std::string_view context = ctx_field ? ctx_field->data : std::string_view();
  std::string_view expression = exp_field ? exp_field->data : std::string_view();

  std::optional<SindexType> type;
  for (SindexType t : {SindexType::Numeric, SindexType::String, SindexType::Blob, SindexType::Geo}) {
    if (*particle == sindex_particle(t)) type = t;
  }
  if (!type) return ResultCode::SindexNotFound;

  std::shared_ptr<SecondaryIndex> index;
  if (const proto::Field* by_name = req.field(FieldType::IndexName)) {
    index = ns.find_sindex(by_name->data);
    // Named, the index is the one: its context need not come with the query.
    if (index && (index->def().type != *type || index->def().collection != collection)) index = nullptr;
  } else {
    const proto::Field* set = req.field(FieldType::Set);
    std::string_view set_name = set ? set->data : std::string_view();
    for (bool any_set : {false, true}) {
      for (const auto& candidate : *ns.sindexes()) {
        const SindexDef& d = candidate->def();
        if (d.type != *type || d.collection != collection || d.context != context || d.exp != expression) continue;
        if (expression.empty() && d.bin != bin) continue;
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
  f.dedupe = index->def().collection != SindexCollection::Default;
  if (*type == SindexType::Numeric) {
    if (bl != 8 || el != 8) return ResultCode::Parameter;
    int64_t lo = int64_t(common::load_be64(begin));
    int64_t hi = int64_t(common::load_be64(end));
    if (lo > hi) return ResultCode::Parameter;
    f.ranges.emplace_back(lo, hi);
  } else if (*type == SindexType::Geo) {
    // A point asks for the regions holding it, a region (polygon, circle) for the points
    // inside it. The text may come with the particle's flags and cells or without.
    std::string_view text(reinterpret_cast<const char*>(begin), bl);
    auto geo = base::parse_geometry(text);
    if (!geo) {
      if (auto inner = base::geojson_particle_text(text)) geo = base::parse_geometry(*inner);
    }
    if (!geo) return ResultCode::GeoInvalidGeojson;
    if (geo->is_region()) {
      f.ranges = base::geo_within_ranges(*geo);
    } else {
      for (int64_t k : base::geo_containing_keys(geo->point)) f.ranges.emplace_back(k, k);
    }
    f.geo = std::make_shared<const base::Geometry>(std::move(*geo));
    f.dedupe = true;
  } else {
    // Equality only: the server uses the begin value.
    f.value.assign(reinterpret_cast<const char*>(begin), bl);
    int64_t k = sindex_hash(f.value);
    f.ranges.emplace_back(k, k);
  }
  index->count_query();
  plan->filter = std::move(f);
  return ResultCode::Ok;
}

}  // namespace

bool IndexFilter::matches(const Record& r, const common::Digest& d, int64_t key, bool checked_key) const {
  if (geo) return index->geo_matches(r, d, *geo);
  // A string or blob key is a hash: only the exact value matches.
  if (index->def().type != SindexType::Numeric && !index->holds_bytes(r, d, value)) return false;
  return !checked_key || index->has_key(r, d, key);
}

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

bool visit_chunk(const RecordSelection& selection, Partition& part, uint32_t pid, PartitionCursor& cursor,
                 size_t limit, const std::function<bool(const common::Digest&, const Record&, int64_t key)>& visit) {
  uint32_t now = common::now_cl_sec();
  size_t taken = 0;
  std::lock_guard lock(part.mu);
  auto selected = [&](const Record& r) {
    return !r.tombstone && !selection.ns->is_dead(r, now) && (!selection.has_set || r.set_id == selection.set_id);
  };
  // The filter expression sees the bins (loaded from the device when not in memory);
  // `visit` still gets the index entry, as without a filter.
  auto passes = [&](const common::Digest& d, const Record& r) {
    if (!selection.exp_filter) return true;
    Record loaded;
    const Record& data = *selection.ns->with_bins(d, &r, &loaded);
    return selection.exp_filter->matches(selection.ns->expression_view(data, d));
  };
  if (!selection.filter) {
    auto it = cursor.after ? part.records.upper_bound(*cursor.after) : part.records.begin();
    for (; it != part.records.end() && taken < limit; ++it) {
      cursor.after = it->first;
      if (selected(it->second) && passes(it->first, it->second) && visit(it->first, it->second, 0)) ++taken;
    }
    return it != part.records.end();
  }
  const IndexFilter& f = *selection.filter;
  return f.walk(f.index->entries(pid), cursor.after_entry, [&](const SecondaryIndex::Entry& e) {
    if (taken >= limit) return false;
    cursor.after_entry = e;
    auto rec = part.records.find(e.second);
    if (rec == part.records.end() || !selected(rec->second)) return true;
    Record loaded;
    const Record& r = *selection.ns->with_bins(e.second, &rec->second, &loaded);
    if (!f.matches(r, e.second, e.first, &r != &rec->second)) return true;
    if (selection.exp_filter && !selection.exp_filter->matches(selection.ns->expression_view(r, e.second))) return true;
    if (f.dedupe && !cursor.seen.insert(e.second).second) return true;
    if (visit(e.second, r, e.first)) ++taken;
    return true;
  });
}

ResultCode plan_scan(const TransactionContext& ctx, const proto::Message& req, ScanPlan* plan) {
  const proto::Field* ns_field = req.field(FieldType::Namespace);
  if (!ns_field) return ResultCode::Namespace;
  plan->ns = ctx.find_namespace(ns_field->data);
  if (!plan->ns) return ResultCode::Namespace;
  auto exp_filter = parse_filter(req);
  if (!exp_filter) return exp_filter.error().code;
  if (*exp_filter) plan->exp_filter = std::make_shared<const exp::Expression>(std::move(**exp_filter));
  if (const proto::Field* udf_op = req.field(FieldType::UdfOp)) {
    // 1: an aggregation (stream UDF); 2: a background UDF job.
    if (udf_op->data.size() != 1 || (udf_op->data[0] != 1 && udf_op->data[0] != 2)) return ResultCode::Parameter;
    const proto::Field* module = req.field(FieldType::UdfPackageName);
    const proto::Field* function = req.field(FieldType::UdfFunction);
    if (!module || !function || module->data.empty() || function->data.empty()) return ResultCode::Parameter;
    plan->mode = udf_op->data[0] == 1 ? ScanPlan::Mode::Aggregate : ScanPlan::Mode::BackgroundUdf;
    plan->udf_module = module->data;
    plan->udf_function = function->data;
    if (const proto::Field* args = req.field(FieldType::UdfArgList)) plan->udf_args = args->data;
  } else if (req.field(FieldType::UdfPackageName)) {
    return ResultCode::Parameter;
  } else if (req.header.info2 & proto::info2::kWrite) {
    plan->mode = ScanPlan::Mode::BackgroundOps;
  }
  if (const proto::Field* task = req.field(FieldType::TaskId); task && task->data.size() == 8) {
    plan->task_id = common::load_be64(common::as_bytes(task->data));
  }
  plan->record_ttl = req.header.record_ttl;
  if (const proto::Field* range = req.field(FieldType::IndexRange)) {
    ResultCode rc = plan_filter(*plan->ns, req, range->data, plan);
    if (rc != ResultCode::Ok) return rc;
  } else if (req.field(FieldType::IndexName)) {
    return ResultCode::SindexNotFound;
  }
  // Aggregations and background jobs go to every node without partition tracking.
  if (plan->mode == ScanPlan::Mode::Stream && !(req.header.info3 & proto::info3::kPartitionDone)) {
    return ResultCode::UnsupportedFeature;
  }

  if (const proto::Field* set = req.field(FieldType::Set); set && !set->data.empty()) {
    plan->has_set = true;
    plan->set_name = set->data;
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
  if (const proto::Field* rps = req.field(FieldType::RecordsPerSecond)) {
    if (rps->data.size() != 4) return ResultCode::Parameter;
    plan->rps = common::load_be32(common::as_bytes(rps->data));
  }
  if (const proto::Field* lut = req.field(FieldType::Lut)) {
    if (lut->data.size() != 8) return ResultCode::Parameter;
    plan->since_lut = common::load_be64(common::as_bytes(lut->data));
  }
  plan->xdr_fields = req.header.info1 & proto::info1::kXdr;
  plan->no_bins = req.header.info1 & proto::info1::kGetNoBinData;
  for (const proto::Op& op : req.ops) {
    if (plan->mode == ScanPlan::Mode::BackgroundOps) {
      // Every op of a background ops job changes the record: reads have no one to go to.
      if (proto::is_read_op(op.op)) return ResultCode::Parameter;
      plan->write_ops.push_back(op);
      continue;
    }
    if (plan->mode == ScanPlan::Mode::BackgroundUdf) return ResultCode::Parameter;
    if (op.op != uint8_t(proto::OpType::Read)) return ResultCode::UnsupportedFeature;
    plan->bins.push_back(op.name);
  }
  if (plan->mode == ScanPlan::Mode::BackgroundOps && plan->write_ops.empty()) return ResultCode::Parameter;
  return ResultCode::Ok;
}

}  // namespace asd
