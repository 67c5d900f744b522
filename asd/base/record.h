#pragma once
// A record as the primary index holds it: metadata plus bins, each bin keeping its
// particle type and the exact bytes a client sent (so values come back byte-exact).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asd {

struct Bin {
  std::string name;
  uint8_t particle = 0;
  std::string value;
};

// Where the current copy of a record sits on a device namespace's files.
struct StorageLoc {
  static constexpr uint32_t kNone = 0xFFFFFFFF;
  uint32_t block = kNone;  // block number across the namespace's files
  uint32_t offset = 0;     // byte offset of the record within the block
  uint32_t size = 0;       // bytes on disk, padding included

  bool valid() const { return block != kNone; }
  bool operator==(const StorageLoc&) const = default;
};

struct Record {
  uint16_t generation = 0;
  uint32_t void_time = 0;   // seconds since CL epoch; 0 = never expires
  uint64_t lut = 0;         // last-update time, ms since CL epoch
  uint16_t set_id = 0;      // 0 = no set
  uint8_t origin_src_id = 0;  // DC id of the write that produced this version (0 = local)
  // A deleted record of an XDR namespace: no bins, but its LUT and origin stay, so an
  // older version arriving later from another DC loses the conflict check instead of
  // resurrecting it. Reads, scans and counts treat it as absent; nsup drops it later.
  bool tombstone = false;
  std::string key;          // stored user key: particle type byte + key bytes; empty = none
  // Device namespaces: the copy on disk. Without data-in-memory the bins live only
  // there and `bins` stays empty in the index.
  StorageLoc loc;
  std::vector<Bin> bins;

  Bin* find_bin(std::string_view name);
  const Bin* find_bin(std::string_view name) const;
  // Removes the bin; returns whether it existed.
  bool remove_bin(std::string_view name);
  // Approximate bytes of memory the record costs (index entry + data), for accounting.
  size_t memory_bytes() const;
  // Serialized size as a client would see it, for max-record-size checks.
  size_t record_size() const;
};

inline bool is_expired(const Record& r, uint32_t now_sec) {
  return r.void_time != 0 && r.void_time <= now_sec;
}

// How long a tombstone is kept: far longer than any in-flight XDR version can take.
inline constexpr uint64_t kTombstoneKeepMs = 24ull * 3600 * 1000;

// Generation after a successful write: 1..65535, wrapping past 0 which is reserved.
inline uint16_t next_generation(uint16_t gen) { return gen == 0xFFFF ? 1 : uint16_t(gen + 1); }

}  // namespace asd
