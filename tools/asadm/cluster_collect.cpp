// collect_cluster(): discovery through `peers-clear-std`, then the per-member round trips
// behind `asadm show cluster` (order and costs in cluster_report.h).

#include <strings.h>

#include <optional>
#include <utility>

#include "client/client.h"
#include "client/cluster_info.h"
#include "client/errors.h"
#include "cluster_report.h"
#include "parallel.h"
#include "service_info.h"

namespace asadm {

namespace {

// What step 1 learnt from one seed.
struct SeedAnswer {
  std::string node_id;
  std::string connect_error;  // set when the seed could not be asked at all
  std::vector<client::Peer> peers;
};

SeedAnswer ask_seed(const client::Host& seed, uint32_t timeout_ms, std::vector<std::string>& problems) {
  SeedAnswer out;
  auto answer = service_info(seed, {"node", peers_command()}, timeout_ms);
  if (!answer) {
    out.connect_error = answer.error().message;
    return out;
  }
  if (const std::string* node = find_field(*answer, "node"); node && !is_error_answer(*node)) out.node_id = *node;
  const std::string* value = find_field(*answer, peers_command());
  if (value == nullptr || is_error_answer(*value)) {
    problems.push_back(seed.to_string() + " did not list its peers: " + (value ? *value : std::string("no answer")));
    return out;
  }
  auto peers = client::parse_peers(*value);
  if (!peers) {
    problems.push_back(seed.to_string() + " sent unreadable peers '" + *value + "': " + peers.error().message);
    return out;
  }
  out.peers = std::move(peers->peers);
  return out;
}

void add_candidate(std::vector<FoundMember>& list, FoundMember next) {
  for (FoundMember& seen : list) {
    bool same_host = next.host && seen.host && *next.host == *seen.host;
    if (same_node_id(seen.node_id, next.node_id) || same_host) {
      if (seen.node_id.empty()) seen.node_id = next.node_id;
      return;
    }
  }
  list.push_back(std::move(next));
}

std::string namespace_command(const std::string& ns) { return "namespace/" + ns; }

}  // namespace

bool same_node_id(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

ClusterMember collect_member(const client::Host& host, uint32_t timeout_ms) {
  ClusterMember member;
  member.address = host.to_string();
  auto first = service_info(host, {"node", "statistics", "namespaces"}, timeout_ms);
  if (!first) {
    member.error = first.error().message;
    member.state = failed_state(member.error);
    return member;
  }
  if (const std::string* node = find_field(*first, "node"); node && !is_error_answer(*node)) member.node_id = *node;
  // An xdr info port answers `node` and `statistics` but not `namespaces`: the usual
  // mistake is `-p 3004`, so say plainly what answered.
  const std::string* statistics = find_field(*first, "statistics");
  const std::string* namespaces = find_field(*first, "namespaces");
  using Answer = std::pair<const char*, const std::string*>;
  for (const auto& [name, value] : {Answer{"statistics", statistics}, Answer{"namespaces", namespaces}}) {
    if (value == nullptr || is_error_answer(*value)) {
      member.state = MemberState::NotAsd;
      member.error = std::string("not an asd service port: ") + name + " answered '" +
                     (value ? *value : std::string("nothing")) + "'";
      return member;
    }
  }
  member.state = MemberState::Ok;
  member.statistics = parse_fields(*statistics);

  std::vector<std::string> commands;
  for (const auto& ns : split_list(*namespaces, ';')) {
    member.namespaces.push_back({ns, {}, {}});
    commands.push_back(namespace_command(ns));
  }
  if (commands.empty()) return member;
  auto second = service_info(host, commands, timeout_ms);
  for (NamespaceStats& ns : member.namespaces) {
    // The node answered its statistics; losing the connection now costs only these cells.
    const std::string* value = second ? find_field(*second, namespace_command(ns.name)) : nullptr;
    if (!second) {
      ns.error = second.error().message;
    } else if (value == nullptr) {
      ns.error = "no answer";
    } else if (is_error_answer(*value) || value->starts_with("type=unknown")) {
      ns.error = *value;
    } else {
      ns.fields = parse_fields(*value);
    }
  }
  return member;
}

Discovery discover_members(const std::vector<client::Host>& seeds, uint32_t timeout_ms) {
  Discovery out;
  std::vector<SeedAnswer> answers(seeds.size());
  std::vector<std::vector<std::string>> problems(seeds.size());
  run_parallel(seeds.size(), [&](size_t i) { answers[i] = ask_seed(seeds[i], timeout_ms, problems[i]); });

  for (size_t i = 0; i < seeds.size(); ++i) {
    out.seeds.push_back(seeds[i].to_string());
    out.problems.insert(out.problems.end(), problems[i].begin(), problems[i].end());
    add_candidate(out.members, {seeds[i], answers[i].node_id, answers[i].connect_error});
  }
  for (const SeedAnswer& answer : answers) {
    for (const client::Peer& peer : answer.peers) {
      FoundMember next{std::nullopt, peer.node_name, {}};
      if (!peer.hosts.empty()) next.host = peer_host(peer);  // the first host is the preferred one
      add_candidate(out.members, std::move(next));
    }
  }
  return out;
}

const char* status_name(MemberState state) {
  switch (state) {
    case MemberState::Ok:
      return "ok";
    case MemberState::Unreachable:
      return "unreachable";
    case MemberState::NotAsd:
      return "error";
    case MemberState::Refused:
      return "refused";
  }
  return "error";
}

MemberState failed_state(std::string_view error) {
  return client::is_client_error(error) ? MemberState::Unreachable : MemberState::Refused;
}

ClusterReport collect_cluster(const std::vector<client::Host>& seeds, uint32_t timeout_ms) {
  Discovery found = discover_members(seeds, timeout_ms);
  ClusterReport report;
  report.seeds = std::move(found.seeds);
  report.problems = std::move(found.problems);
  report.members = ask_members<ClusterMember>(
      found.members, [&](const client::Host& host) { return collect_member(host, timeout_ms); });
  return report;
}

}  // namespace asadm
