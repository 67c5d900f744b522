#pragma once
// What reads return: record metadata and bins; scan records also carry where they came
// from (namespace, set, digest, stored user key).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/value.h"
#include "common/digest.h"
#include "common/result_code.h"

namespace client {

// Seconds a record with this void time has left at `now_cl_sec`: 0xFFFFFFFF when it
// never expires, at least 1 while it has not been expired (as the C client reports).
uint32_t ttl_from_void_time(uint32_t void_time, uint32_t now_cl_sec);

struct Record {
  uint32_t generation = 0;
  uint32_t void_time = 0;  // seconds since the CL epoch (2010-01-01); 0 = never expires
  std::vector<Bin> bins;   // in response order; operate may return one name twice

  // Filled for scan results (fields 0, 1, 4, 2 of the record message).
  std::string ns;
  std::string set;
  common::Digest digest;
  std::optional<Value> user_key;

  // Filled by XDR reads and scans (fields 14 and 200); 0 when the server sent none.
  uint64_t lut = 0;          // ms since the CL epoch
  // Query results: the index key the record came by (field 15), to resume after.
  std::optional<int64_t> bval;
  uint8_t origin_src_id = 0; // DC that wrote this version; 0 = a local client write
  // XDR reads and scans only: a deleted record's tombstone (LUT, origin; no bins).
  bool tombstone = false;

  // First bin of that name, or nullptr.
  const Value* bin(std::string_view name) const;
  // Seconds left to live from `now_cl_sec`, 0xFFFFFFFF when it never expires.
  uint32_t ttl(uint32_t now_cl_sec) const;
};

// One row of a batch answer, in the order of the keys asked for.
struct BatchRecord {
  common::ResultCode result = common::ResultCode::NotFound;
  Record record;  // meaningful when result == Ok

  bool found() const { return result == common::ResultCode::Ok; }
};

}  // namespace client
