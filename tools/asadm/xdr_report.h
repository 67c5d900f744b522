#pragma once
// asadm's model of what one xdr daemon reported, and how it is fetched.
//
// collect_node() asks one xdr info port (xdr-design.md §8), on fresh one-shot connections:
//   1. `node`, `dcs`, `statistics`;
//   2. `get-stats:context=xdr;dc=D` for every DC (its `namespaces=` lists the namespaces);
//   3. `get-stats:context=xdr;dc=D;namespace=N` for every DC and namespace.
// Three round trips whatever the number of DCs, so a wide node costs no more latency
// than a small one. It never throws: every failure is recorded in the report, because a
// dead node must not hide the others (asadm prints every node it was given).
//
// collect_xdr() (xdr_discovery.h) builds on it: seeds that are asd service ports lead to
// every member of their cluster, and to that member's xdr.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/host.h"
#include "fields.h"

namespace asadm {

// One line of the table: a DC as a whole (ns empty) or one DC + namespace.
struct XdrRow {
  std::string dc;
  std::string ns;
  Fields fields;
  std::string error;  // the daemon answered `ERROR:...` for this row's get-stats
};

enum class NodeState {
  Ok,              // answered as an xdr daemon
  Unreachable,     // no connection, timeout, or the connection broke mid-way
  NotXdr,          // answered, but not the xdr commands (e.g. asd's service port)
  XdrDown,         // its asd is a cluster member, but the xdr at its xdr-info-port did not answer
  AsdUnreachable,  // a cluster member whose asd could not be asked where its xdr is
  XdrDisabled,     // a cluster member whose asd says enable-xdr=false
  Error,           // answered something asadm cannot use (an unreadable discovery answer)
  SeenDown,        // not reached at all; known only from other xdrs' `peers` (seen_by)
};

// One xdr's view of a cluster peer, from its `statistics` `peers=<id>:<state>:<ms>,...`.
struct PeerSeen {
  std::string id;     // the peer's asd node id, as the observer sent it
  std::string state;  // up, down or unknown (never answered since it joined)
  uint64_t silent_ms = 0;  // since the peer's xdr last answered (or joined, when unknown)
};

// Who reported a SeenDown node, and how.
struct Observer {
  std::string node;  // the observer's label: its asd id, else its address
  PeerSeen seen;
};

struct NodeReport {
  std::string address;  // HOST:PORT of its xdr as asked; for the member states without an
                        // xdr address, its asd's HOST:PORT, or "-" when none is known
  NodeState state = NodeState::Unreachable;
  std::string error;    // why, when state != Ok
  std::string node_id;  // the daemon's `node` answer
  Fields statistics;
  std::vector<XdrRow> rows;  // each DC row followed by its namespace rows

  // Set for nodes found through an asd seed (empty for plain xdr seeds).
  std::string asd_id;       // the member's asd node id
  std::string asd_address;  // HOST:PORT of its asd service port, when known
  std::string cluster;      // which cluster it was found in (asd cluster key, else the seed)

  std::vector<PeerSeen> peers;  // parsed from statistics `peers`, Ok nodes only
  std::string peers_error;      // why `peers` is empty although the daemon sent some
  std::vector<Observer> seen_by;  // SeenDown only
};

// Fetches everything `show xdr` prints from one node. Blocks up to ~3 * timeout_ms.
NodeReport collect_node(const client::Host& host, uint32_t timeout_ms);

// The commands of collect_node()'s first round trip, which also identify an xdr port.
std::vector<std::string> first_round_commands();

// collect_node() after its first round trip: `first` is that round's answer, which said
// `dcs` (so the host is an xdr daemon); a client::InfoAnswer is a Fields. Blocks up to
// ~2 * timeout_ms.
NodeReport collect_node_from(const client::Host& host, const Fields& first, uint32_t timeout_ms);

// A node as the rest of the output names it: its asd id when known, else its address.
std::string node_label(const NodeReport& node);

}  // namespace asadm
