#pragma once
// Per-command policies. A timeout of 0 means "the client's ClientConfig::timeout_ms".
// Each field maps to header bits or fields as wire-protocol.md §3.6 describes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace client {

// Special record TTLs (wire-protocol.md §7.4). Any other value is seconds from now.
inline constexpr uint32_t kTtlNamespaceDefault = 0;
inline constexpr uint32_t kTtlNeverExpire = 0xFFFFFFFF;
inline constexpr uint32_t kTtlDontUpdate = 0xFFFFFFFE;

enum class ExistsAction {
  Ignore,       // create or merge bins
  UpdateOnly,   // must exist (else NotFound); merge bins
  Replace,      // create, or replace all bins (CREATE_OR_REPLACE)
  ReplaceOnly,  // must exist; replace all bins
  CreateOnly,   // must not exist (else RecordExists)
};

enum class GenerationPolicy { Ignore, Eq, Gt };

struct ReadPolicy {
  uint32_t timeout_ms = 0;
  bool compress = false;          // allow a compressed (type-4) answer
  int32_t read_touch_ttl_pct = 0;  // 0 namespace default, -1 never touch, 1..100
  bool send_key = false;
  // XDR shipping read (info1 XDR bit): the answer also carries the record's LUT (field
  // 14) and origin src-id (field 200), returned as Record::lut / Record::origin_src_id.
  // A deleted record whose tombstone the server keeps comes back as a Record with
  // `tombstone` set (the delete's LUT and origin, no bins) instead of NotFound.
  bool xdr = false;
};

// Request sizes of one write, before and after compression (equal when sent plain).
struct WireSizes {
  uint64_t plain = 0;
  uint64_t sent = 0;
};

struct WritePolicy {
  ExistsAction exists = ExistsAction::Ignore;
  GenerationPolicy generation_policy = GenerationPolicy::Ignore;
  uint32_t generation = 0;
  uint32_t ttl = kTtlNamespaceDefault;
  bool durable_delete = false;
  bool send_key = false;
  bool compress = false;  // type-4 request when it exceeds 128 bytes
  uint32_t timeout_ms = 0;
  bool respond_all_ops = false;  // one result per op (operate); ignored with read-all

  // XDR shipping (our shipper): info1 XDR bit, source LUT (field 14, ms since the CL
  // epoch) and origin DC id (field 200). Ordinary clients leave them unset.
  bool xdr = false;
  std::optional<uint64_t> lut;
  std::optional<uint8_t> src_id;
  // With compress: a zstd frame instead of a zlib stream in the type-4 proto. Only for
  // peers whose `features` lists `zstd-compression` (xdr-design.md §7).
  bool zstd = false;
  // When set, receives the request's size before and after compression (the shipper's
  // compression_ratio). Must outlive the call.
  WireSizes* wire_sizes = nullptr;
};

struct BatchPolicy {
  uint32_t timeout_ms = 0;
  bool compress = false;
};

// What a batch read returns per key.
struct BatchRead {
  bool header_only = false;
  std::vector<std::string> bins;  // empty: all bins
  // XDR shipping reads (as ReadPolicy::xdr): rows carry LUT and origin src-id, and a
  // deleted record whose tombstone the server keeps comes back as a NotFound row whose
  // record has `tombstone` set with the delete's LUT and origin.
  bool xdr = false;

  static BatchRead all() { return {}; }
  static BatchRead header() { return {true, {}}; }
  static BatchRead selected(std::vector<std::string> names) { return {false, std::move(names)}; }
};

// What an index covers (field 26): the bin itself, or the elements of a list bin, or
// the keys or values of a map bin.
enum class IndexCollection : uint8_t { Default = 0, List = 1, MapKeys = 2, MapValues = 3 };

// A secondary-index filter (wire-protocol §9.6). A scan with one is a query. By default
// an inclusive integer range on a bin with a NUMERIC index; `kind` String asks for the
// records whose STRING-indexed bin equals `text`, GeoJson for the points inside the
// region `text` (or the regions holding the point `text`) of a GEO2DSPHERE index.
struct IndexRange {
  enum class Kind : uint8_t { Integer, String, GeoJson };

  std::string bin;
  int64_t begin = 0;
  int64_t end = 0;
  Kind kind = Kind::Integer;
  std::string text;
  IndexCollection collection = IndexCollection::Default;
};

struct ScanPolicy {
  std::vector<uint16_t> partitions;  // empty: all 4096
  std::optional<IndexRange> filter;  // a query through the bin's index
  uint64_t max_records = 0;          // 0: no limit; split between nodes
  std::vector<std::string> bins;     // empty: all bins
  bool no_bins = false;              // metadata only (GET_NOBINDATA)
  uint32_t records_per_second = 0;   // 0: unthrottled
  // Longest silence tolerated between two answer protos; also sent as field 9.
  uint32_t socket_timeout_ms = 30000;
  // Total time for the whole scan; 0 = unlimited.
  uint32_t total_timeout_ms = 0;
  // XDR recovery scans: the info1 XDR bit (records carry LUT and origin src-id) and
  // field 14, so only records with LUT >= since_lut (ms since the CL epoch) come back.
  bool xdr = false;
  std::optional<uint64_t> since_lut;
};

}  // namespace client
