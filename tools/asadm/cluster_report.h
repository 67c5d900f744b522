#pragma once
// asadm's model of an asd cluster as `show cluster` sees it, and how it is fetched.
//
// collect_cluster() talks to asd service ports (notes/cluster-spec.md, "Info commands"):
//   1. discovery: every given host, in parallel: `node`, `peers-clear-std`. The members are
//      the given hosts plus every peer they list, once each (same node id, or same address:
//      a dead seed that a live node lists is one member, not two);
//   2. every member, in parallel: `node`, `statistics`, `namespaces`, then one round trip
//      with `namespace/<ns>` for each of its namespaces.
// Three round trips in sequence, so the whole command costs about three timeouts at worst,
// however many nodes. Nothing throws: a node that fails is recorded as such, because a dead
// node must not hide the others.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/host.h"
#include "fields.h"
#include "parallel.h"

namespace asadm {

enum class MemberState {
  Ok,           // answered `statistics` and `namespaces`
  Unreachable,  // no connection, timeout, or no address to connect to
  NotAsd,       // answered, but not as asd's service port (e.g. an xdr info port)
  Refused,      // refused the login, or every request without one (security)
};

// How a member that could not be asked failed, from the client's error: Refused for the
// node's own refusal (client::Client::info_host words it "not authenticated (80) from
// ..."), Unreachable for anything that failed on the way ("client: ...").
MemberState failed_state(std::string_view error);

struct NamespaceStats {
  std::string name;
  Fields fields;      // the `namespace/<ns>` answer
  std::string error;  // why `fields` is empty (an ERROR answer, `type=unknown`, ...)
};

struct ClusterMember {
  std::string address;  // HOST:PORT asked, or "-" when a peer advertised none
  MemberState state = MemberState::Unreachable;
  std::string error;    // why, when state != Ok
  std::string node_id;  // the `node` answer; for a dead peer, the id its peers gave
  Fields statistics;
  std::vector<NamespaceStats> namespaces;  // in the order `namespaces` listed them
};

struct ClusterReport {
  std::vector<std::string> seeds;      // the hosts asked for peers, HOST:PORT
  std::vector<ClusterMember> members;  // seeds first, then peers in the order listed
  std::vector<std::string> problems;   // discovery trouble, e.g. a seed's bad peers answer
};

// A member found by step 1, before anything else is asked of it.
struct FoundMember {
  std::optional<client::Host> host;  // nullopt when its peers list no address for it
  std::string node_id;               // its `node` answer, else the id its peers gave
  std::string known_error;           // step 1 could not reach it (a seed): not asked again
};

struct Discovery {
  std::vector<std::string> seeds;     // HOST:PORT, as given
  std::vector<FoundMember> members;   // seeds first, then peers in the order listed
  std::vector<std::string> problems;  // e.g. a seed's unreadable peers answer
};

// Node ids are hex: `node` answers upper case, but nothing promises that a peers list or
// cluster_principal does, so ids compare case-insensitively. Empty ids never match.
bool same_node_id(std::string_view a, std::string_view b);

// Fetches one member (step 2). Blocks up to ~2 * timeout_ms.
ClusterMember collect_member(const client::Host& host, uint32_t timeout_ms);

// Step 1 alone, for the verbs that ask members their own commands (stats_collect.h).
// Blocks up to ~timeout_ms.
Discovery discover_members(const std::vector<client::Host>& seeds, uint32_t timeout_ms);

// Step 2 for any row type with address, error, node_id and state (default Unreachable):
// ask(host) for every member with an address that answered step 1, in parallel; the
// others become Unreachable rows saying why. Rows in the order of `members`.
template <class Row, class Ask>
std::vector<Row> ask_members(const std::vector<FoundMember>& members, Ask ask) {
  std::vector<Row> rows(members.size());
  run_parallel(members.size(), [&](size_t i) {
    const FoundMember& found = members[i];
    Row& row = rows[i];
    if (!found.host) {
      row.address = "-";
      row.error = "its peers list no address for it";
    } else if (!found.known_error.empty()) {
      row.address = found.host->to_string();
      row.error = found.known_error;  // asked once already; a retry would cost another timeout
      row.state = failed_state(row.error);
    } else {
      row = ask(*found.host);
    }
    if (row.node_id.empty()) row.node_id = found.node_id;
  });
  return rows;
}

// "ok", "unreachable", "refused", or "error" (answered, but not as asd), as JSON and
// tables say it.
const char* status_name(MemberState state);

// Discovery and collection (steps 1 and 2). Blocks up to ~3 * timeout_ms.
ClusterReport collect_cluster(const std::vector<client::Host>& seeds, uint32_t timeout_ms);

}  // namespace asadm
