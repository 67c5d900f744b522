#include "failover/cluster_view.h"

#include <algorithm>
#include <charconv>

#include "client/client.h"
#include "common/base64.h"
#include "common/digest.h"
#include "failover/progress.h"

namespace failover {

namespace {

common::Error bad(const std::string& why) { return common::Error{common::ResultCode::Parameter, why}; }

std::map<std::string, std::string, std::less<>> pairs(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    size_t end = text.find(';');
    std::string_view item = text.substr(0, end);
    size_t eq = item.find('=');
    if (eq != std::string_view::npos) out[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::vector<std::string_view> items(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t end = text.find(',');
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::optional<PartitionSet> bitmap(std::string_view b64) {
  auto bytes = common::base64_decode(b64);
  if (!bytes || bytes->size() != common::kPartitions / 8) return std::nullopt;
  PartitionSet set(common::kPartitions, false);
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    set[pid] = (uint8_t((*bytes)[pid / 8]) & (0x80 >> (pid % 8))) != 0;
  }
  return set;
}

}  // namespace

bool ClusterView::is_member(uint64_t node) const {
  return std::find(members.begin(), members.end(), node) != members.end();
}

common::Result<ClusterView> parse_cluster(std::string_view answer) {
  auto kv = pairs(answer);
  ClusterView v;
  v.self = parse_node_hex(kv["self"]);
  if (v.self == 0) return bad("xdr-cluster: no self id in '" + std::string(answer.substr(0, 80)) + "'");
  v.key = kv.count("key") ? parse_node_hex(kv["key"]) : 0;
  v.integrity = kv["integrity"] == "true";
  for (std::string_view id : items(kv["members"])) {
    uint64_t n = parse_node_hex(id);
    if (n == 0) return bad("xdr-cluster: bad member id");
    v.members.push_back(n);
  }
  if (!v.is_member(v.self)) v.members.push_back(v.self);
  for (std::string_view peer : items(kv["peers"])) {
    size_t at = peer.find('@');
    size_t colon = peer.rfind(':');
    if (at == std::string_view::npos || colon == std::string_view::npos || colon < at) return bad("xdr-cluster: bad peer");
    uint64_t id = parse_node_hex(peer.substr(0, at));
    unsigned port = 0;
    std::string_view port_text = peer.substr(colon + 1);
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (id == 0 || ec != std::errc() || port == 0 || port > 65535) return bad("xdr-cluster: bad peer");
    v.services[id] = client::Host{std::string(peer.substr(at + 1, colon - at - 1)), uint16_t(port)};
  }
  return v;
}

common::Result<std::pair<uint64_t, NsRoles>> parse_roles(std::string_view answer) {
  if (answer.rfind("ERROR", 0) == 0) return bad("xdr-roles: " + std::string(answer));
  auto kv = pairs(answer);
  uint64_t key = parse_node_hex(kv["key"]);
  NsRoles roles;
  auto master = bitmap(kv["master"]);
  if (!master) return bad("xdr-roles: bad master bitmap");
  roles.master = std::move(*master);
  for (std::string_view group : items(kv["replica"])) {
    size_t colon = group.find(':');
    if (colon == std::string_view::npos) return bad("xdr-roles: bad replica group");
    uint64_t id = parse_node_hex(group.substr(0, colon));
    auto set = bitmap(group.substr(colon + 1));
    if (id == 0 || !set) return bad("xdr-roles: bad replica group");
    roles.replica_of[id] = std::move(*set);
  }
  return std::pair{key, std::move(roles)};
}

common::Result<ClusterView> fetch_cluster_view(const client::Host& local_asd, client::NodeSession* login,
                                               const std::vector<std::string>& namespaces, uint32_t timeout_ms) {
  std::vector<std::string> commands = {"xdr-cluster"};
  for (const std::string& ns : namespaces) commands.push_back("xdr-roles:namespace=" + ns);
  auto answer = client::Client::info_host(local_asd, commands, timeout_ms, nullptr, login);
  if (!answer) return answer.error();
  std::map<std::string, std::string> by_command(answer->begin(), answer->end());
  auto view = parse_cluster(by_command["xdr-cluster"]);
  if (!view) return view.error();
  for (const std::string& ns : namespaces) {
    auto roles = parse_roles(by_command["xdr-roles:namespace=" + ns]);
    if (!roles) return roles.error();
    if (roles->first == view->key) view->roles.emplace(ns, std::move(roles->second));
  }
  return view;
}

}  // namespace failover
