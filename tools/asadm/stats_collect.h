#pragma once
// What the asd verbs (info, show config|statistics|sindex|udfs, summary, manage config)
// fetch: the members of the cluster the seeds belong to (discover_members(), the same
// step 1 as `show cluster`), then on every member, in parallel, the verb's InfoPlan: a
// first round of info commands, then follow-up rounds whose commands depend on what came
// back (e.g. `namespaces` -> `namespace/<ns>` for each). One round trip per round, so a
// dead node costs one timeout whatever the number of nodes. Nothing throws: a node that
// fails is recorded as such and the others are still shown.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/host.h"
#include "cluster_report.h"
#include "fields.h"

namespace asadm {

// Follow-up commands computed from every answer so far (command -> value).
using NextRound = std::function<std::vector<std::string>(const Fields& answers)>;

struct InfoPlan {
  std::vector<std::string> first;  // `node` and `namespaces` are always added
  std::vector<NextRound> next;     // next[0] runs after `first`, next[1] after next[0], ...
};

// Adds `round` to follow-up round `depth` (0: right after the first round), sharing the
// round trip with whatever else is asked at that depth. Rounds up to `depth` are created
// empty as needed.
void add_round(InfoPlan& plan, size_t depth, NextRound round);

struct NodeAnswers {
  std::string address;  // HOST:PORT asked, or "-" when no address is known
  MemberState state = MemberState::Unreachable;
  std::string error;    // why, when state != Ok (or a later round's lost connection)
  std::string node_id;
  Fields answers;       // command -> value over every round, in the order asked

  // The answer to `command`, or nullptr when it was not asked or not answered.
  const std::string* answer(std::string_view command) const { return find_field(answers, command); }
  // The answer parsed as `k=v;...`; empty when absent or an error answer.
  Fields fields(std::string_view command) const;
  bool ok() const { return state == MemberState::Ok; }
};

struct NodesReport {
  std::vector<std::string> seeds;
  std::vector<NodeAnswers> nodes;  // by address (host, then port number), as asadm orders nodes
  std::vector<std::string> problems;
};

// Runs `plan` on one asd service port. Blocks up to ~(1 + plan.next.size()) * timeout_ms.
NodeAnswers ask_node(const client::Host& host, const InfoPlan& plan, uint32_t timeout_ms);

// Discovery from the seeds, then `plan` on every member in parallel.
NodesReport collect_answers(const std::vector<client::Host>& seeds, const InfoPlan& plan, uint32_t timeout_ms);

// The namespaces a node listed (`namespaces`), in its order.
std::vector<std::string> namespaces_of(const Fields& answers);

// True when at least one node answered.
bool any_answered(const NodesReport& report);

// "ok", "unreachable", "refused", or "error" (answered, but not as asd).
std::string node_status(const NodeAnswers& node);

// The node's build as asadm prints it: "C-7.2.0.0" for a community edition (`build`,
// `edition`), "E-..." for enterprise; empty when not asked or not answered.
std::string build_text(const NodeAnswers& node);

// "127.0.0.1:3020: unreachable (why)" for each node that did not answer (or failed later),
// "refused (why)" for one that refused the login.
std::vector<std::string> failure_notes(const NodesReport& report);

// Every namespace any node listed, in first-seen order.
std::vector<std::string> all_namespaces(const NodesReport& report);

// One set of a `sets` answer ("ns=test:set=demo:objects=3:...;ns=...").
struct SetFields {
  std::string ns;
  std::string set;
  Fields fields;  // every k=v of the item, ns and set included
};
std::vector<SetFields> parse_sets(std::string_view answer);
// Every (namespace, set) any node's `sets` answer lists, in first-seen order.
std::vector<std::pair<std::string, std::string>> all_sets(const NodesReport& report);
// One set's fields in a node's `sets` answer; nullopt when it does not list the set.
std::optional<Fields> find_set(const NodeAnswers& node, const std::string& ns, const std::string& set);

// XDR through asd (asd forwards context=xdr commands to its node's xdr daemon). The DCs a
// node ships to are `dcs` of `get-config:context=xdr` when the answer has it (Aerospike
// 5+), else every `xdr-remote-datacenter` of its namespaces' configs.
extern const char* const kXdrConfigCommand;  // "get-config:context=xdr"
// Adds what xdr_dcs_of() needs: the xdr config first, each namespace's config at depth 0,
// so xdr_dcs_of() can be used from depth 1 on.
void add_xdr_dc_rounds(InfoPlan& plan);
std::vector<std::string> xdr_dcs_of(const Fields& answers);
// Every DC xdr_dcs_of() gives for any node, in first-seen order.
std::vector<std::string> all_xdr_dcs(const NodesReport& report);
// `get-stats:context=xdr;dc=<dc>`
std::string xdr_stats_command(const std::string& dc);
// `get-config:context=namespace;id=<ns>`
std::string namespace_config_command(const std::string& ns);

}  // namespace asadm
