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
  Ok,           // answered as an xdr daemon
  Unreachable,  // no connection, timeout, or the connection broke mid-way
  NotXdr,       // answered, but not the xdr commands (e.g. asd's service port)
};

struct NodeReport {
  std::string address;  // HOST:PORT as asked
  NodeState state = NodeState::Unreachable;
  std::string error;    // why, when state != Ok
  std::string node_id;  // the daemon's `node` answer
  Fields statistics;
  std::vector<XdrRow> rows;  // each DC row followed by its namespace rows
};

// Fetches everything `show xdr` prints from one node. Blocks up to ~3 * timeout_ms.
NodeReport collect_node(const client::Host& host, uint32_t timeout_ms);

}  // namespace asadm
