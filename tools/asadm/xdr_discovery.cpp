// collect_xdr(): seeds -> clusters -> members -> their xdr daemons (steps in
// xdr_discovery.h), and the parsers of the answers it relies on.

#include "xdr_discovery.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <utility>

#include "client/client.h"
#include "client/cluster_info.h"
#include "parallel.h"
#include "xdr_table.h"

namespace asadm {

namespace {

constexpr const char* kXdrCluster = "xdr-cluster";
constexpr const char* kPeers = "peers-clear-std";
constexpr const char* kXdrConfig = "get-config:context=xdr";
constexpr size_t kQuoteLimit = 120;

// An answer quoted in an error: cut, so that one runaway answer cannot flood the table.
std::string quote(std::string_view text) {
  if (text.size() <= kQuoteLimit) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kQuoteLimit)) + "...'";
}

common::Error bad(std::string message) { return {common::ResultCode::Parameter, std::move(message)}; }

bool parse_u64(std::string_view text, uint64_t& out, int base = 10) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool is_hex_id(std::string_view id) {
  uint64_t value = 0;
  return id.size() <= 16 && parse_u64(id, value, 16);
}

bool parse_port(std::string_view text, uint16_t& port) {
  uint64_t value = 0;
  if (!parse_u64(text, value) || value == 0 || value > 65535) return false;
  port = uint16_t(value);
  return true;
}

// What the first round trip learnt about one seed.
struct Seed {
  enum class Kind { Failed, Xdr, Asd, Neither };
  Kind kind = Kind::Failed;
  NodeState state = NodeState::Unreachable;  // Failed and Neither: the row's state
  std::string error;                         // Failed and Neither: why
  Fields first;                              // Xdr: the answer, reused as collect_node's first round
  std::string cluster;                       // Asd
  std::vector<AsdMember> members;            // Asd: the seed itself first
};

std::string answer_text(const std::string* value) { return value ? quote(*value) : std::string("nothing"); }

// An asd seed without `xdr-cluster` (e.g. a stock Aerospike server): members from its peers.
// False when the seed refused peers-clear-std as well; true when this settled the seed (an
// asd seed, or an error row for a list that does not parse).
bool members_from_peers(const client::Host& host, const Fields& answer, Seed& seed) {
  const std::string* value = find_field(answer, kPeers);
  if (value == nullptr || is_error_answer(*value)) return false;
  auto peers = client::parse_peers(*value);
  if (!peers) {
    seed.kind = Seed::Kind::Neither;
    seed.state = NodeState::Error;
    seed.error = "asd sent unreadable peers-clear-std " + quote(*value) + ": " + peers.error().message;
    return true;
  }
  seed.kind = Seed::Kind::Asd;
  const std::string* node = find_field(answer, "node");
  seed.members.push_back({node && !is_error_answer(*node) ? *node : std::string(), host});
  for (const client::Peer& peer : peers->peers) {
    AsdMember member{peer.node_name, std::nullopt};
    if (!peer.hosts.empty()) member.service = peer.hosts.front();  // the first is the preferred one
    seed.members.push_back(std::move(member));
  }
  if (const std::string* stats = find_field(answer, "statistics"); stats && !is_error_answer(*stats)) {
    seed.cluster = std::string(field(parse_fields(*stats), "cluster_key"));
  }
  return true;
}

// Step 1: xdr answers `dcs`; asd refuses it and answers xdr-cluster (ours) or peers (any).
// A discovery answer that does not parse makes the seed an error row: falling back to
// the other list would hide that the node said something wrong.
Seed probe(const client::Host& host, uint32_t timeout_ms) {
  Seed seed;
  // collect_node()'s first round plus asd's lists: an xdr seed then costs no extra trip.
  std::vector<std::string> commands = first_round_commands();
  commands.insert(commands.end(), {kXdrCluster, kPeers});
  auto answer = client::Client::info_host(host, commands, timeout_ms);
  if (!answer) {
    seed.error = answer.error().message;
    return seed;
  }
  const std::string* dcs = find_field(*answer, "dcs");
  if (dcs && !is_error_answer(*dcs)) {
    seed.kind = Seed::Kind::Xdr;
    seed.first = std::move(*answer);
    return seed;
  }
  const std::string* cluster = find_field(*answer, kXdrCluster);
  if (cluster && !is_error_answer(*cluster)) {
    auto parsed = parse_xdr_cluster(*cluster);
    if (!parsed) {
      seed.kind = Seed::Kind::Neither;
      seed.state = NodeState::Error;
      seed.error = "asd sent an unreadable xdr-cluster: " + parsed.error().message;
      return seed;
    }
    seed.kind = Seed::Kind::Asd;
    seed.cluster = parsed->key;
    seed.members = std::move(parsed->members);
    seed.members.front().service = host;
    return seed;
  }
  if (members_from_peers(host, *answer, seed)) return seed;
  seed.kind = Seed::Kind::Neither;
  seed.state = NodeState::NotXdr;
  seed.error = "neither an xdr info port nor an asd service port: dcs answered " + answer_text(dcs) +
               ", xdr-cluster " + answer_text(cluster);
  return seed;
}

// One row in the making.
struct Candidate {
  NodeReport report;                     // address, asd_*, cluster; state/error once final
  std::optional<client::Host> service;  // a member's asd, to ask where its xdr is
  std::optional<client::Host> xdr;      // the xdr to collect
  const Fields* first = nullptr;        // an xdr seed's probe answer
  std::string known_error;              // a failed seed's error: do not pay its timeout twice
  bool member = false;                  // found in an asd seed's cluster
  bool done = false;                    // report is final
  bool dropped = false;                 // merged into an earlier candidate
};

bool same_id(const std::string& a, const std::string& b) { return !a.empty() && node_id_key(a) == node_id_key(b); }

// Step 2: one candidate per member, whichever seed listed it.
void add_member(std::vector<Candidate>& list, const AsdMember& member, const std::string& cluster) {
  for (Candidate& seen : list) {
    if (!seen.member) continue;
    bool same_service = member.service && seen.service && *member.service == *seen.service;
    if (!same_id(seen.report.asd_id, member.id) && !same_service) continue;
    if (seen.report.asd_id.empty()) seen.report.asd_id = member.id;
    if (!seen.service && member.service) {
      seen.service = member.service;
      seen.report.address = seen.report.asd_address = member.service->to_string();
      seen.report.state = NodeState::Unreachable;
      seen.report.error.clear();
      seen.done = false;
    }
    return;
  }
  Candidate next;
  next.member = true;
  next.report.asd_id = member.id;
  next.report.cluster = cluster;
  next.service = member.service;
  if (member.service) {
    next.report.address = next.report.asd_address = member.service->to_string();
  } else {
    next.report.address = "-";
    next.report.state = NodeState::AsdUnreachable;
    next.report.error = "its cluster lists no address for it";
    next.done = true;
  }
  list.push_back(std::move(next));
}

// A seed that did not answer may be a member's asd: the member row reports it, once.
void fold_failed_seeds_into_members(std::vector<Candidate>& list) {
  for (Candidate& failed : list) {
    if (failed.known_error.empty() || !failed.xdr) continue;
    for (Candidate& member : list) {
      if (member.service && *member.service == *failed.xdr && !member.done) {
        member.report.state = NodeState::AsdUnreachable;
        member.report.error = failed.known_error;
        member.done = true;
        failed.dropped = true;
        break;
      }
    }
  }
}

// Step 3 for one member: where its xdr listens.
void locate_xdr(Candidate& candidate, uint32_t timeout_ms) {
  NodeReport& report = candidate.report;
  auto answer = client::Client::info_host(*candidate.service, {kXdrConfig}, timeout_ms);
  const std::string* value = answer ? find_field(*answer, kXdrConfig) : nullptr;
  if (!answer) {
    report.state = NodeState::AsdUnreachable;
    report.error = answer.error().message;
  } else if (value == nullptr || is_error_answer(*value)) {
    report.state = NodeState::Error;
    report.error = std::string("its asd answered ") + kXdrConfig + " with " + answer_text(value);
  } else if (auto config = parse_xdr_config(*value); !config) {
    report.state = NodeState::Error;
    report.error = std::string("its asd's ") + kXdrConfig + " is unreadable: " + config.error().message;
  } else if (!config->enabled) {
    report.state = NodeState::XdrDisabled;
    report.error = "enable-xdr=false";
  } else {
    candidate.xdr = client::Host{candidate.service->address, config->port};
    report.address = candidate.xdr->to_string();
    return;
  }
  candidate.done = true;
}

// Step 4's dedup: one candidate per xdr address, the first keeping what the others knew.
void merge_same_xdr(std::vector<Candidate>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    Candidate& keep = list[i];
    if (keep.dropped || keep.done || !keep.xdr) continue;
    for (size_t j = i + 1; j < list.size(); ++j) {
      Candidate& other = list[j];
      if (other.dropped || other.done || !other.xdr || *other.xdr != *keep.xdr) continue;
      if (keep.first == nullptr) keep.first = other.first;
      if (keep.known_error.empty() && keep.first == nullptr) keep.known_error = other.known_error;
      if (keep.report.asd_id.empty() && keep.report.asd_address.empty()) {
        keep.report.asd_id = other.report.asd_id;
        keep.report.asd_address = other.report.asd_address;
        keep.report.cluster = other.report.cluster;
      }
      other.dropped = true;
    }
  }
}

// Step 4 for one candidate.
void collect_candidate(Candidate& candidate, uint32_t timeout_ms) {
  NodeReport found;
  if (candidate.first != nullptr) {
    found = collect_node_from(*candidate.xdr, *candidate.first, timeout_ms);
  } else if (!candidate.known_error.empty()) {
    found.address = candidate.xdr->to_string();
    found.error = candidate.known_error;
  } else {
    found = collect_node(*candidate.xdr, timeout_ms);
  }
  NodeReport& report = candidate.report;
  found.asd_id = std::move(report.asd_id);
  found.asd_address = std::move(report.asd_address);
  found.cluster = std::move(report.cluster);
  // Its asd is a member and named this port: the xdr, not the node, is what is down.
  if (found.state == NodeState::Unreachable && !found.asd_address.empty()) found.state = NodeState::XdrDown;
  report = std::move(found);
}

// "seen by A1, silent 12s; seen by A2 as unknown, silent 3s": each observer's state is
// named when it differs from the row's (down when any observer says down).
std::string seen_down_text(const std::vector<Observer>& observers) {
  bool any_down = false;
  for (const auto& observer : observers) any_down = any_down || observer.seen.state == "down";
  std::string out;
  for (const auto& observer : observers) {
    if (!out.empty()) out += "; ";
    out += "seen by " + observer.node;
    if ((observer.seen.state == "down") != any_down) out += " as " + observer.seen.state;
    out += ", silent " + format_duration(int64_t(observer.seen.silent_ms));
  }
  return out;
}

// Step 5: peers some xdr sees down or unknown that no row stands for.
void add_seen_down(std::vector<NodeReport>& nodes) {
  std::vector<NodeReport> seen;
  auto has_row = [&](const std::string& id) {
    for (const auto& node : nodes) {
      if (same_id(node.asd_id, id)) return true;
    }
    return false;
  };
  for (const NodeReport& observer : nodes) {
    for (const PeerSeen& peer : observer.peers) {
      if (peer.state == "up" || has_row(peer.id)) continue;
      auto it = std::find_if(seen.begin(), seen.end(), [&](const NodeReport& r) { return same_id(r.asd_id, peer.id); });
      if (it == seen.end()) {
        NodeReport row;
        row.address = "-";
        row.state = NodeState::SeenDown;
        row.asd_id = peer.id;
        row.cluster = observer.cluster;
        it = seen.insert(seen.end(), std::move(row));
      }
      it->seen_by.push_back({node_label(observer), peer});
    }
  }
  for (NodeReport& row : seen) {
    row.error = seen_down_text(row.seen_by);
    nodes.push_back(std::move(row));
  }
}

}  // namespace

std::string node_id_key(std::string_view id) {
  uint64_t value = 0;
  if (id.size() <= 16 && parse_u64(id, value, 16)) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(value));
    return buf;
  }
  std::string out(id);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

common::Result<XdrCluster> parse_xdr_cluster(std::string_view answer) {
  Fields fields = parse_fields(answer);
  const std::string* self = find_field(fields, "self");
  if (self == nullptr || !is_hex_id(*self)) return bad("no node id in self= of " + quote(answer));
  XdrCluster out;
  out.self = *self;
  out.key = std::string(field(fields, "key"));
  out.members.push_back({*self, std::nullopt});
  for (const auto& id : split_list(field(fields, "members"), ',')) {
    if (!is_hex_id(id)) return bad("bad member id " + quote(id));
    bool known = false;
    for (const auto& member : out.members) known = known || same_id(member.id, id);
    if (!known) out.members.push_back({id, std::nullopt});
  }
  for (const auto& peer : split_list(field(fields, "peers"), ',')) {
    size_t at = peer.find('@');
    size_t colon = peer.rfind(':');
    if (at == std::string::npos || colon == std::string::npos || colon < at) return bad("bad peer " + quote(peer));
    std::string id = peer.substr(0, at);
    std::string host = peer.substr(at + 1, colon - at - 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    uint16_t port = 0;
    if (!is_hex_id(id) || host.empty() || !parse_port(std::string_view(peer).substr(colon + 1), port)) {
      return bad("bad peer " + quote(peer));
    }
    // Peers that are not members (heard, not joined) have no row: the cluster decides who ships.
    for (auto& member : out.members) {
      if (same_id(member.id, id) && !same_id(member.id, out.self)) member.service = client::Host{host, port};
    }
  }
  return out;
}

common::Result<XdrConfig> parse_xdr_config(std::string_view answer) {
  Fields fields = parse_fields(answer);
  const std::string* enable = find_field(fields, "enable-xdr");
  if (enable == nullptr) return bad("no enable-xdr in " + quote(answer));
  if (*enable != "true" && *enable != "false") return bad("enable-xdr is " + quote(*enable));
  XdrConfig config;
  config.enabled = *enable == "true";
  if (!config.enabled) return config;
  const std::string* port = find_field(fields, "xdr-info-port");
  if (port == nullptr) return bad("enable-xdr=true but no xdr-info-port in " + quote(answer));
  if (!parse_port(*port, config.port)) return bad("xdr-info-port is " + quote(*port));
  return config;
}

common::Result<std::vector<PeerSeen>> parse_peer_view(std::string_view value) {
  std::vector<PeerSeen> out;
  for (const auto& item : split_list(value, ',')) {
    size_t first = item.find(':');
    size_t second = first == std::string::npos ? first : item.find(':', first + 1);
    if (second == std::string::npos) return bad("unreadable peers entry " + quote(item));
    PeerSeen peer;
    peer.id = item.substr(0, first);
    peer.state = item.substr(first + 1, second - first - 1);
    // left: the node left the cluster and its takeover is not registered everywhere yet.
    bool state_ok = peer.state == "up" || peer.state == "down" || peer.state == "unknown" || peer.state == "left";
    if (!is_hex_id(peer.id) || !state_ok || !parse_u64(std::string_view(item).substr(second + 1), peer.silent_ms)) {
      return bad("unreadable peers entry " + quote(item));
    }
    out.push_back(std::move(peer));
  }
  return out;
}

std::vector<NodeReport> collect_xdr(const std::vector<client::Host>& seeds, uint32_t timeout_ms) {
  std::vector<Seed> probed(seeds.size());
  run_parallel(seeds.size(), [&](size_t i) { probed[i] = probe(seeds[i], timeout_ms); });

  std::vector<Candidate> list;
  for (size_t i = 0; i < seeds.size(); ++i) {
    Seed& seed = probed[i];
    if (seed.kind == Seed::Kind::Asd) {
      // A seed's cluster tag tells DCs apart in the summary; the seed names a keyless cluster.
      if (seed.cluster.empty()) seed.cluster = "seed " + seeds[i].to_string();
      for (const AsdMember& member : seed.members) add_member(list, member, seed.cluster);
      continue;
    }
    Candidate next;
    next.report.address = seeds[i].to_string();
    next.xdr = seeds[i];
    if (seed.kind == Seed::Kind::Xdr) {
      next.first = &seed.first;
    } else if (seed.kind == Seed::Kind::Failed) {
      next.known_error = seed.error;
    } else {
      next.report.state = seed.state;
      next.report.error = seed.error;
      next.done = true;
    }
    list.push_back(std::move(next));
  }
  fold_failed_seeds_into_members(list);

  run_parallel(list.size(), [&](size_t i) {
    Candidate& candidate = list[i];
    if (!candidate.dropped && !candidate.done && candidate.service) locate_xdr(candidate, timeout_ms);
  });
  merge_same_xdr(list);
  run_parallel(list.size(), [&](size_t i) {
    Candidate& candidate = list[i];
    if (!candidate.dropped && !candidate.done && candidate.xdr) collect_candidate(candidate, timeout_ms);
  });

  std::vector<NodeReport> nodes;
  for (Candidate& candidate : list) {
    if (!candidate.dropped) nodes.push_back(std::move(candidate.report));
  }
  add_seen_down(nodes);
  return nodes;
}

}  // namespace asadm
