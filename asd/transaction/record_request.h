#pragma once
// Single-record transactions: read, write/operate, delete, touch. One entry point serves
// both direct requests and batch rows, so every batch row kind behaves exactly as the
// equivalent single command.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/exp/expression.h"
#include "common/digest.h"
#include "common/result.h"
#include "proto/message.h"
#include "cluster/completion.h"

namespace asd {

class Namespace;
namespace storage {
class DeviceStorage;
}
namespace cluster {
class Cluster;
}
class RecordUdfRunner;

// A write on a commit-to-device namespace may be answered only once the device holds
// everything up to `pos`; the caller sends the answer then (group commit).
//
// In a cluster the answer also waits for the replicas' acks (`completions`), or is the
// answer of the node the request was proxied to (`proxied`). The cluster expires every
// completion it hands out, so none of these waits is unbounded.
struct CommitWait {
  // The cluster the request runs in (null on a node without one, as in unit tests).
  cluster::Cluster* cluster = nullptr;
  // Runs record UDFs (null: apply is refused as unsupported).
  RecordUdfRunner* udf = nullptr;
  storage::DeviceStorage* storage = nullptr;
  uint64_t pos = 0;
  std::vector<CompletionPtr> completions;
  bool proxied = false;
  // Set by the caller when it can proxy: a request for a partition this node does not
  // serve then appends nothing and names the node that does (0: none).
  bool may_redirect = false;
  bool redirected = false;
  uint64_t redirect_to = 0;
  // A write that must wait before it can run (a new cluster's balance, duplicate
  // resolution) appends nothing and sets `deferred`: the caller runs the same request
  // again once it finishes ok, or answers a timeout when it finishes not ok. The first
  // try sets `write_deadline_ms`; tries again keep it.
  CompletionPtr deferred;
  uint64_t write_deadline_ms = 0;
};

struct RecordRequest {
  proto::MsgHeader header;
  std::span<const proto::Field> fields;
  std::span<const proto::Op> ops;
  common::Digest digest;
  std::string_view set;
  bool has_key = false;
  std::string_view key;  // particle type byte + key bytes (field 2)
  // Filter expression (field 43), as sent; or one the caller parsed already (a batch's
  // parent filter, shared by its rows), which takes precedence.
  std::string_view filter;
  const exp::Expression* parsed_filter = nullptr;
  // A record UDF call (fields 30, 31, 32): module without ".lua", function, msgpack args.
  bool is_udf = false;
  std::string_view udf_module;
  std::string_view udf_function;
  std::string_view udf_args;
  // XDR shipping (info1 XDR bit): the source record's LUT (field 14) and origin DC id
  // (field 200). Reads with the bit answer the local LUT and origin as fields 14/200.
  bool is_xdr = false;
  bool has_xdr_lut = false;
  uint64_t xdr_lut = 0;
  uint8_t xdr_src_id = 0;
};

// Extracts digest, set and key from the fields and validates them. `row_digest` is the
// digest of a batch row (which has no digest field). Parameter when the digest is
// missing or not 20 bytes, or a set name is too long.
common::Result<RecordRequest> make_record_request(const proto::MsgHeader& header,
                                                  std::span<const proto::Field> fields,
                                                  std::span<const proto::Op> ops,
                                                  const common::Digest* row_digest = nullptr);

// Executes the request under the partition lock and appends exactly one response
// message (22-byte header + ops, no proto header) to `out`. `response_ttl` goes into
// the transaction_ttl slot (the batch index for batch rows, 0 otherwise). Never throws.
// With `wait` null (no cluster), a commit-to-device write blocks until durable; otherwise
// `wait` receives what to wait for before the answer may go out.
void execute_record_request(Namespace& ns, const RecordRequest& req, uint32_t response_ttl,
                            std::string& out, CommitWait* wait = nullptr);

// Appends a header-only response message carrying `code`.
void append_error_message(std::string& out, common::ResultCode code, uint32_t response_ttl = 0,
                          uint8_t info3 = 0);

}  // namespace asd
