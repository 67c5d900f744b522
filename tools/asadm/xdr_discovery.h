#pragma once
// collect_xdr(): from the hosts given with -h to every xdr daemon `show xdr` prints.
//
// A seed is either an xdr info port or an asd service port; one round trip tells which
// (`node`, `dcs`, `statistics`, `xdr-cluster`, `peers-clear-std`: xdr answers `dcs`, asd
// answers `xdr-cluster` or `peers-clear-std` and refuses `dcs`). Then, each step on all
// nodes in parallel:
//   1. probe every seed (above);
//   2. the members of every asd seed's cluster (`xdr-cluster`, else `peers-clear-std`),
//      each node once: same asd id or same service address;
//   3. each member's asd: `get-config:context=xdr` -> `enable-xdr`, `xdr-info-port`; its
//      xdr lives at the member's service host and that port;
//   4. every xdr once (same HOST:PORT, whether given as a seed or found in step 3), as
//      collect_node() does (two more round trips for an xdr seed, three for the others);
//   5. nodes that some xdr's `peers` lists as down or unknown and that no other row
//      stands for become SeenDown rows (no round trip).
// Five round trips in sequence at worst, so the command costs about five timeouts however
// many nodes. Nothing throws: every node that fails is a row saying why.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/host.h"
#include "common/result.h"
#include "xdr_report.h"

namespace asadm {

// A cluster member as asd's `xdr-cluster` names it.
struct AsdMember {
  std::string id;                        // asd node id, hex
  std::optional<client::Host> service;  // its service port; nullopt when no peer entry gives one
};

struct XdrCluster {
  std::string self;
  std::string key;
  std::vector<AsdMember> members;  // self first, without address (the caller asked it)
};

// asd's `self=<id>;key=<hex>;integrity=..;members=<id>,...;peers=<id>@<host>:<port>,...`.
// Parameter error on a missing self, a bad id, or a bad peer entry.
common::Result<XdrCluster> parse_xdr_cluster(std::string_view answer);

// What a member's asd says about its xdr (`get-config:context=xdr`).
struct XdrConfig {
  bool enabled = false;
  uint16_t port = 0;  // xdr-info-port; 0 when disabled and not given
};

// Parameter error when enable-xdr is absent or not true/false, or when it is true and
// xdr-info-port is absent or not a port.
common::Result<XdrConfig> parse_xdr_config(std::string_view answer);

// An xdr's `statistics` `peers` value: `<id>:up|down|unknown:<ms>,...` (empty: no peers).
// Parameter error when any item does not read that way.
common::Result<std::vector<PeerSeen>> parse_peer_view(std::string_view value);

// Node ids compare as numbers when they are hex (so "0A1" is "a1"), else as text ignoring
// case. Returns the comparison form; empty stays empty.
std::string node_id_key(std::string_view id);

// Steps 1-5 above. The result lists seeds in the order given, each asd seed's members in
// its place, then the SeenDown rows. A node reached twice is listed once: an xdr seed that
// is also a member's xdr where first reached, with the member's asd id; a seed that did
// not answer and is a member's asd port as that member.
std::vector<NodeReport> collect_xdr(const std::vector<client::Host>& seeds, uint32_t timeout_ms);

}  // namespace asadm
