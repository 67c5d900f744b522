#pragma once
// Internal to transaction/: what a scan or query request asks for (wire-protocol §9),
// checked and resolved against the namespace: the partitions, the set, the index range
// of a query, the bins, and for a background job the UDF or ops it applies. String views
// point into the request.

#include <cstdint>
#include <functional>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/exp/expression.h"
#include "common/digest.h"
#include "common/result_code.h"
#include "index/sindex.h"
#include "proto/message.h"

namespace asd {

class Namespace;
struct Record;
namespace base {
struct Geometry;
}
class TransactionContext;
struct Partition;

struct PartitionTarget {
  uint32_t pid = 0;
  std::optional<common::Digest> after;  // resume: only digests smaller than this
  std::optional<int64_t> after_bval;    // query resume: only entries after (bval, digest)
};

// A secondary-index query's filter (field 22): the index and the key range it selects;
// `value` is the exact bytes a string or blob equality asks for (the key is their hash).
struct IndexFilter {
  std::shared_ptr<SecondaryIndex> index;
  // Inclusive key ranges, sorted and disjoint: one for integer, string and blob filters,
  // the cells of the query's geometry for a GEO2DSPHERE filter.
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::string value;                          // string or blob equality: the exact bytes
  std::shared_ptr<const base::Geometry> geo;  // GEO2DSPHERE: the query's point or region
  bool dedupe = false;  // a record may come by several entries: return it once

  // Whether a candidate (with its bins) matches; `checked_key`: its bins came from the
  // device, so the entry's key is checked against them too.
  bool matches(const Record& r, const common::Digest& d, int64_t key, bool checked_key) const;

  // Calls fn(entry) for the partition's entries in the ranges, after `after` when given,
  // in key order, until fn returns false. True when entries may remain.
  template <class Fn>
  bool walk(const SecondaryIndex::PartitionEntries& entries, const std::optional<SecondaryIndex::Entry>& after,
            Fn&& fn) const {
    for (const auto& [lo, hi] : ranges) {
      if (after && after->first > hi) continue;
      auto it = after && after->first >= lo ? entries.upper_bound(*after) : entries.lower_bound({lo, common::Digest{}});
      for (; it != entries.end() && it->first <= hi; ++it) {
        if (!fn(*it)) return true;
      }
    }
    return false;
  }
};

// Which records of a namespace a scan or query selects (live ones only).
struct RecordSelection {
  Namespace* ns = nullptr;
  bool has_set = false;
  uint16_t set_id = 0;
  std::optional<IndexFilter> filter;
  std::shared_ptr<const exp::Expression> exp_filter;  // field 43: only records it passes
};

// Where a walk through one partition's selected records stands.
struct PartitionCursor {
  std::optional<common::Digest> after;
  std::optional<SecondaryIndex::Entry> after_entry;  // query: the last index entry
  std::set<common::Digest> seen;  // query on a collection index: records already visited
};

struct ScanPlan {
  Namespace* ns = nullptr;
  bool has_set = false;
  std::string_view set_name;
  uint16_t set_id = 0;
  bool set_unknown = false;
  std::vector<PartitionTarget> targets;
  uint64_t max_records = 0;
  uint32_t rps = 0;  // records per second (field 10, rate_pacer.h); 0: no limit
  bool no_bins = false;
  std::vector<std::string_view> bins;  // selected bins; empty = all
  uint64_t since_lut = 0;   // XDR recovery: only records with LUT >= this
  bool xdr_fields = false;  // XDR: add LUT (14) and origin src-id (200) to each record
  bool explicit_partitions = false;  // the client listed partitions (fields 11/12)
  std::optional<IndexFilter> filter;  // a secondary-index query
  std::shared_ptr<const exp::Expression> exp_filter;  // a filter expression (field 43)

  // A background job (§10.5) applies a record UDF or write ops to every record selected.
  // An aggregation (§10.4) streams the records through a stream UDF instead.
  enum class Mode : uint8_t { Stream, BackgroundUdf, BackgroundOps, Aggregate };
  Mode mode = Mode::Stream;
  std::string_view udf_module, udf_function, udf_args;
  uint64_t task_id = 0;
  uint32_t record_ttl = 0;  // a background write's TTL (the request's record_ttl)
  std::vector<proto::Op> write_ops;

  RecordSelection selection() const { return {ns, has_set, set_id, filter, exp_filter}; }
};

// As the real server reserves a partition for a scan: a scan of every partition (no
// list) covers this node's share, the partitions it masters; a partition the client
// listed may be read from any full copy, so a client whose map is a moment behind a
// hand-over still gets it from the node it asked, which holds it whole.
bool serves_scan(Partition& part, bool listed);

void append_partition_unavailable(std::string& out, uint32_t pid);

// Calls `visit(digest, record, key)` for the next selected records of partition `pid`
// (`key`: the index key it came by; 0 without a filter), under the partition's lock (so
// `visit` must be quick and not lock it again), until `limit` visits returned true.
// Returns false when the partition has no more.
bool visit_chunk(const RecordSelection& selection, Partition& part, uint32_t pid, PartitionCursor& cursor,
                 size_t limit, const std::function<bool(const common::Digest&, const Record&, int64_t key)>& visit);

// Checks the request and fills `plan`; the result code answers a request it refuses.
common::ResultCode plan_scan(const TransactionContext& ctx, const proto::Message& req, ScanPlan* plan);

}  // namespace asd
