#pragma once
// Parsers for the info values that cluster discovery and tending read
// (wire-protocol.md §2.4-§2.5): node identity, `peers-clear-std`, `replicas`, and the
// `ERROR:<code>:<message>` convention. Pure functions, thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/connection.h"
#include "client/host.h"
#include "common/result.h"

namespace client {

// Node ids are hex and shorter than 20 characters (the C client keeps 19).
inline constexpr size_t kMaxNodeNameSize = 19;

// Step 1 of discovery: the answer to `node\npartition-generation\nbuild\n[cluster-name\n]`.
struct NodeIdentity {
  std::string name;
  int64_t partition_generation = -1;
  std::string build;
};

// Checks the answer positionally as the C client does: node non-empty and short,
// partition-generation not -1, build >= 4.9.0.3, cluster name equal when one is expected.
// ServerError (with the reason) otherwise.
common::Result<NodeIdentity> parse_node_identity(const InfoAnswer& answer,
                                                 std::string_view expected_cluster_name);

// Compares a `build` string ("8.1.2.0") with a version; false when it does not parse.
bool build_at_least(std::string_view build, int major, int minor, int patch, int revision = 0);

struct Peer {
  std::string node_name;
  std::string tls_name;
  std::vector<Host> hosts;
};

struct Peers {
  uint64_t generation = 0;
  uint16_t default_port = kDefaultPort;
  std::vector<Peer> peers;
};

// `<gen>,<default-port>,[[<id>,<tls>,[<host>[:<port>],...]],...]`; IPv6 hosts in brackets.
// An empty default port means 3000. ServerError on any syntax error.
common::Result<Peers> parse_peers(std::string_view value);

inline constexpr size_t kBitmapBytes = 512;         // 4096 partitions, one bit each
inline constexpr size_t kBitmapBase64Size = 684;
inline constexpr size_t kMaxReplicaColumns = 3;     // the C client keeps at most 3

struct NamespaceReplicas {
  std::string ns;
  uint32_t regime = 0;
  uint32_t replication_factor = 0;
  // Decoded bitmaps, column 0 = master; at most kMaxReplicaColumns kept.
  std::vector<std::array<uint8_t, kBitmapBytes>> columns;

  // Partition `pid` is set in column `column` (MSB-first bit order).
  bool owns(size_t column, uint32_t pid) const;
};

// `<ns>:<regime>,<n>,<b64>,...;<ns2>:...`. Like the C client, a bitmap of the wrong length
// or a bad entry discards the whole update (ServerError).
common::Result<std::vector<NamespaceReplicas>> parse_replicas(std::string_view value);

// `ERROR:<code>:<msg>`, `ERROR::<msg>`, `FAIL:<code>:<msg>` -> that code (1 when missing);
// any other value -> Ok.
common::Status parse_info_error(std::string_view value);

}  // namespace client
