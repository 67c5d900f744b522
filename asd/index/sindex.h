#pragma once
// Secondary indexes (docs/sindex-udf-design.md §3): an index on one bin of a namespace
// (optionally one set) maps each record's value of that bin to its digest, kept per
// partition and changed only under that partition's lock, in the same critical section
// that changes the record (Namespace::commit and Namespace::erase). Keys are int64: the
// value for integer indexes, a 64-bit hash of the bytes for string and blob indexes (so
// an equality query is one key; candidates are checked against the record itself).
//
// Supported: NUMERIC (INTEGER), STRING, BLOB and GEO2DSPHERE, on a bin's value (DEFAULT)
// or on the elements of a list bin (LIST), the keys or the values of a map bin (MAPKEYS,
// MAPVALUES): a record then has one key per distinct matching element. A GeoJSON value's
// keys are grid cells (base/geo_cells.h): one for a point, the cover of its bounding box
// for a region. A context index reads the element a CDT context addresses inside the bin;
// an expression index reads the value an expression computes from the record (the bin
// is then the expression's value, and a record where it is unknown has no key).

#include <array>
#include <atomic>
#include <memory>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/exp/expression.h"
#include "base/record.h"
#include "common/digest.h"
#include "common/ids.h"
#include "proto/msgpack.h"

namespace asd {

namespace base {
struct Geometry;
}
class Namespace;

enum class SindexType : uint8_t { Numeric, String, Blob, Geo };
// What of the bin is indexed; the values are the wire's index type (field 26).
enum class SindexCollection : uint8_t { Default = 0, List = 1, MapKeys = 2, MapValues = 3 };

const char* sindex_collection_name(SindexCollection c);  // "DEFAULT", "LIST", "MAPKEYS", "MAPVALUES"

const char* sindex_type_name(SindexType type);  // "NUMERIC", "STRING", "BLOB", "GEO2DSPHERE"
// The particle type of the values an index holds (1 integer, 3 string, 4 blob, 23 GeoJSON).
uint8_t sindex_particle(SindexType type);
// The type an expression index's expression must yield: the key type's for DEFAULT, a
// list for LIST, a map for MAPKEYS and MAPVALUES.
exp::Type sindex_expression_type(SindexType type, SindexCollection collection);
const char* expression_type_name(exp::Type type);

struct SindexDef {
  std::string ns;
  std::string name;
  std::string set;  // empty: every record of the namespace
  std::string bin;
  SindexType type = SindexType::Numeric;
  SindexCollection collection = SindexCollection::Default;
  // A CDT context index: the msgpack context ([type, value, ...]) of the element of the
  // bin that is indexed; empty for the bin itself.
  std::string context;
  // An expression index (server 8.1): the msgpack expression whose value, computed per
  // record, is indexed in place of a bin's; `bin` is then empty.
  std::string exp;

  bool operator==(const SindexDef&) const = default;
};

// The system metadata module holding the definitions (smd/).
inline constexpr std::string_view kSindexMetadataModule = "sindex";

// The metadata item of a definition: key "<ns>|<name>", value
// "set=..;bin=..;type=..;itype=..;", "ctx=<base64>;" for a context index and
// "exp=<base64>;" for an expression index.
std::string sindex_metadata_key(std::string_view ns, std::string_view name);
std::string encode_sindex_def(const SindexDef& def);
// nullopt when the key or the value does not parse.
std::optional<SindexDef> decode_sindex_def(std::string_view key, std::string_view value);

// 64-bit FNV-1a: the key of a string or blob value.
int64_t sindex_hash(std::string_view bytes);

class SecondaryIndex {
 public:
  using Entry = std::pair<int64_t, common::Digest>;
  using PartitionEntries = std::set<Entry>;

  // `set_id`: the set's id in the namespace (0 when the index has no set). An expression
  // index's definition must hold an expression that parses (sindex-create checks it).
  SecondaryIndex(SindexDef def, uint16_t set_id);

  const SindexDef& def() const { return def_; }
  // The namespace an expression index asks for what its expression reads of a record
  // (set name, sizes); Namespace::add_sindex attaches it.
  void attach(const Namespace* ns) { ns_ = ns; }

  // The keys a record (with digest `d`) has in this index, sorted and distinct: none when
  // it is in another set, has no such bin (or the expression yields nothing), or holds no
  // value of the index's type there.
  std::vector<int64_t> keys_of(const Record& r, const common::Digest& d) const;
  // Whether the record holds exactly `bytes` where this string or blob index looks (the
  // key is only a hash of it).
  bool holds_bytes(const Record& r, const common::Digest& d, std::string_view bytes) const;
  // GEO2DSPHERE: whether r's value (or one of its elements) answers the query: a point
  // query asks for regions holding the point, a region query for points inside it.
  bool geo_matches(const Record& r, const common::Digest& d, const base::Geometry& query) const;
  // Whether `key` is one of r's keys in this index.
  bool has_key(const Record& r, const common::Digest& d, int64_t key) const;

  // Under partition `pid`'s lock: a record's keys changed from `before` to `after`.
  void update(uint32_t pid, const common::Digest& digest, const std::vector<int64_t>& before,
              const std::vector<int64_t>& after);
  // Under partition `pid`'s lock: the entries of one partition.
  const PartitionEntries& entries(uint32_t pid) const { return parts_[pid]; }

  // The background build: a partition is built once its existing records are in.
  void mark_built(uint32_t pid);
  bool built(uint32_t pid) const { return built_flags_[pid].load(std::memory_order_acquire); }
  uint32_t built_partitions() const { return built_count_.load(std::memory_order_relaxed); }
  bool readable() const { return built_partitions() == common::kPartitions; }
  void drop() { dropped_.store(true); }
  bool dropped() const { return dropped_.load(); }

  int64_t entries_total() const { return entries_.load(std::memory_order_relaxed); }
  uint64_t queries() const { return queries_.load(std::memory_order_relaxed); }
  void count_query() { queries_.fetch_add(1, std::memory_order_relaxed); }

 private:
  // A context index's element of bin `b`; nullopt when it addresses nothing.
  std::optional<proto::msgpack::Value> context_value(const Bin& b) const;
  // The bin this index reads: the named one, or the expression's value as a bin (kept in
  // *scratch); nullptr when there is none.
  const Bin* source(const Record& r, const common::Digest& d, Bin* scratch) const;

  const SindexDef def_;
  const uint16_t set_id_;
  std::shared_ptr<const exp::Expression> expression_;
  const Namespace* ns_ = nullptr;
  std::array<PartitionEntries, common::kPartitions> parts_;
  std::array<std::atomic<bool>, common::kPartitions> built_flags_{};
  std::atomic<uint32_t> built_count_{0};
  std::atomic<bool> dropped_{false};
  std::atomic<int64_t> entries_{0};
  std::atomic<uint64_t> queries_{0};
};

}  // namespace asd
