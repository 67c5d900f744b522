#include "cluster/peers.h"

#include "cluster/cluster.h"
#include "cluster/mix.h"

namespace asd::cluster {

void Peers::send(NodeId n, std::string message) {
  if (n == self_) return;
  std::string endpoint;
  {
    std::lock_guard lock(mu_);
    if (blocked_.count(n)) return;
    auto it = members_.find(n);
    if (it == members_.end() || it->second.fabric_endpoint.empty()) {
      Unsent& q = unsent_[n];
      if (q.bytes + message.size() > kMaxUnsentBytes) return;
      q.bytes += message.size();
      q.messages.push_back(std::move(message));
      return;
    }
    endpoint = it->second.fabric_endpoint;
  }
  fabric_.send(endpoint, std::move(message), false);
}

bool Peers::learn(NodeId n, const Member& m) {
  std::lock_guard lock(mu_);
  Member& slot = members_[n];
  if (slot.fabric_endpoint != m.fabric_endpoint && !slot.fabric_endpoint.empty()) {
    fabric_.disconnect(slot.fabric_endpoint);
  }
  bool service_changed = slot.service_host != m.service_host || slot.service_port != m.service_port ||
                         slot.tls_port != m.tls_port || slot.tls_name != m.tls_name;
  slot = m;
  auto held = unsent_.find(n);
  // No fabric endpoint this node can use (a TLS-only peer, no TLS here): keep holding.
  if (held != unsent_.end() && !m.fabric_endpoint.empty()) {
    // Under the lock, so that no other sender's message to it overtakes these.
    for (std::string& message : held->second.messages) fabric_.send(m.fabric_endpoint, std::move(message), false);
    unsent_.erase(held);
  }
  return service_changed;
}

void Peers::keep_only(const std::vector<NodeId>& members, const std::vector<NodeId>& departed) {
  std::lock_guard lock(mu_);
  for (auto it = unsent_.begin(); it != unsent_.end();) {
    if (contains(members, it->first)) ++it;
    else it = unsent_.erase(it);
  }
  for (NodeId n : departed) {
    auto it = members_.find(n);
    if (it != members_.end() && !it->second.fabric_endpoint.empty()) fabric_.disconnect(it->second.fabric_endpoint);
  }
}

std::vector<std::string> Peers::heartbeat_endpoints(std::vector<std::string>* blocked) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, m] : members_) {
    out.push_back(m.heartbeat_endpoint);
    if (blocked_.count(id)) blocked->push_back(m.heartbeat_endpoint);
  }
  return out;
}

std::vector<PeerAddress> Peers::service_addresses(const std::vector<NodeId>& nodes) const {
  std::lock_guard lock(mu_);
  std::vector<PeerAddress> out;
  for (NodeId n : nodes) {
    if (n == self_) continue;
    auto it = members_.find(n);
    if (it == members_.end()) continue;
    const Member& m = it->second;
    out.push_back(PeerAddress{n, m.service_host, m.service_port, m.tls_port, m.tls_name});
  }
  return out;
}

bool Peers::is_blocked(NodeId n) const {
  std::lock_guard lock(mu_);
  return blocked_.count(n) != 0;
}

void Peers::block(std::vector<NodeId> nodes) {
  std::lock_guard lock(mu_);
  blocked_ = std::set<NodeId>(nodes.begin(), nodes.end());
}

}  // namespace asd::cluster
