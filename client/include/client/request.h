#pragma once
// Request encoders: each returns one complete proto, ready to write on a connection, laid
// out exactly as the official C client lays it out (wire-protocol.md §3.6, §8, §9; checked
// byte for byte against Appendix A in the unit tests). `timeout_ms` is the effective
// timeout, sent as the transaction ttl. With a compress policy the request gets
// COMPRESS_RESPONSE and, when longer than 128 bytes, becomes a type-4 proto.
// Pure functions; callers validate first (validate_key / validate_bin_name).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/key.h"
#include "client/operation.h"
#include "client/policy.h"
#include "client/value.h"
#include "common/digest.h"
#include "common/result.h"

namespace client {

inline constexpr size_t kCompressThreshold = 128;

// Parameter for a namespace of 0 or > 31 bytes or a set > 63 bytes.
common::Status validate_key(const Key& key);
// BinName for a bin name longer than 15 bytes.
common::Status validate_bin_name(std::string_view name);

// Reads: all bins when `bins` is empty, else one READ op per name.
std::string encode_get(const Key& key, const std::vector<std::string>& bins,
                       const ReadPolicy& policy, uint32_t timeout_ms);
// Metadata only (exists / get header): READ + GET_NOBINDATA.
std::string encode_get_header(const Key& key, const ReadPolicy& policy, uint32_t timeout_ms);
std::string encode_put(const Key& key, const std::vector<Bin>& bins, const WritePolicy& policy,
                       uint32_t timeout_ms);
std::string encode_remove(const Key& key, const WritePolicy& policy, uint32_t timeout_ms);
// Also touch (a single TOUCH op).
std::string encode_operate(const Key& key, const std::vector<Operation>& ops,
                           const WritePolicy& policy, uint32_t timeout_ms);

// A record UDF call (§10.2): module without ".lua", function, and the msgpack list of
// its arguments (an empty list when none).
std::string encode_apply(const Key& key, std::string_view module, std::string_view function,
                         std::string_view args_msgpack, const WritePolicy& policy, uint32_t timeout_ms);

// A batch parent request ("batch any" rows, §8) for the keys at `indexes` of `keys`; each
// row carries its index so answers can come back in any order. Consecutive rows of the
// same namespace and set are sent as REPEAT rows.
std::string encode_batch(std::span<const Key> keys, const std::vector<uint32_t>& indexes,
                         const BatchRead& read, const BatchPolicy& policy, uint32_t timeout_ms);

// One node's share of a partition scan (§9.2): partitions to read from their start, and
// partitions to resume after the last digest received.
struct ScanRequest {
  std::string ns;
  std::string set;
  std::vector<uint16_t> partitions;
  std::vector<common::Digest> resume_after;
  uint64_t task_id = 0;
  uint64_t max_records = 0;  // for this node; 0 = none
  std::vector<int64_t> resume_bvals;  // a query: the index key of each resume digest
  // An aggregation (§10.4) when `udf_module` is set: the stream UDF (module without
  // ".lua") and the msgpack list of its arguments. Sent to every node with no
  // partition list and no partition tracking.
  std::string udf_module;
  std::string udf_function;
  std::string udf_args;
};
std::string encode_scan(const ScanRequest& request, const ScanPolicy& policy);

// Truncate command text (info protocol): `truncate:namespace=..;set=..` or
// `truncate-namespace:namespace=..` when `set` is empty.
std::string truncate_command(std::string_view ns, std::string_view set);

}  // namespace client
