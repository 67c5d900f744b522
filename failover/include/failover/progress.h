#pragma once
// Progress: how far one node's xdr has shipped, as it publishes it to the xdr of the
// other nodes of its cluster (`xdr-progress` on its info port).
//
// For every (DC, namespace) it ships, and every partition, a LUT below which every
// write that node is responsible for has reached the DC: the writes it applied as
// master, plus whatever it took over from departed nodes. A node that left the cluster
// is taken over from exactly these LUTs (takeover.h). LUTs are in the publisher's clock;
// so are the LUTs of the writes it mastered, so comparing them needs no clock sync.
//
// Text form (info protocol, one line, no tabs):
//   v=1;node=<hex id>;epoch=<ms>;stamped=<ms>;registered=<hex>@<ms>,...;
//   p=<dc>/<ns>/<base>/<pid>.<lut>:<pid>.<lut>...;p=...
// base is the LUT of every partition not listed after it. epoch is the xdr process's
// start (unix ms: a new epoch is a restart), stamped the publisher's clock (CL ms) when
// it computed the progress, registered the departures whose takeover it has registered
// (with its clock at registration).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace failover {

// Per partition: kPartitions LUTs.
using PartitionLuts = std::vector<uint64_t>;
// (dc, namespace)
using DcNs = std::pair<std::string, std::string>;

struct Registration {
  uint64_t node = 0;
  uint64_t at_ms = 0;
  bool operator==(const Registration&) const = default;
};

struct NodeProgress {
  uint64_t node = 0;
  uint64_t epoch = 0;
  uint64_t stamped_ms = 0;
  std::vector<Registration> registered;
  std::map<DcNs, PartitionLuts> luts;
  bool operator==(const NodeProgress&) const = default;

  // The LUT of one partition; 0 (ship everything) when this (dc, ns) is not published.
  uint64_t lut(const DcNs& key, uint32_t pid) const;
  // Whether this node had registered the takeover of `node` at or after `since_ms`.
  bool registered_since(uint64_t node, uint64_t since_ms) const;
};

// How far ahead of the receiver's clock a published LUT may be before the whole
// publication is refused: the clock skew tolerated between nodes of one DC.
inline constexpr uint64_t kMaxClockSkewMs = 5000;

std::string encode_progress(const NodeProgress& progress);
// Parses and validates: a malformed text, a partition out of range, a name too long, or
// a LUT (or stamp) more than kMaxClockSkewMs ahead of now_cl_ms is refused (Parameter,
// with the reason), never half-trusted.
common::Result<NodeProgress> decode_progress(std::string_view text, uint64_t now_cl_ms);

// A node id as asd prints it (upper-case hex) and back; 0 on a malformed id.
std::string node_hex(uint64_t id);
uint64_t parse_node_hex(std::string_view text);

}  // namespace failover
