#include "cluster/waits.h"

#include <limits>

#include "cluster/mix.h"

namespace asd::cluster {

uint64_t WaitTable::add_replica(PendingReply wait) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  replicas_.emplace(id, std::move(wait));
  return id;
}

std::optional<std::pair<PendingReply, bool>> WaitTable::ack(uint64_t id, NodeId from, bool ok, uint64_t retry_ms) {
  std::lock_guard lock(mu_);
  auto it = replicas_.find(id);
  if (it == replicas_.end() || !it->second.waiting.count(from)) return std::nullopt;
  PendingReply& p = it->second;
  if (ok) {
    p.waiting.erase(from);
    if (!p.waiting.empty()) return std::nullopt;
  } else if (!p.offer) {
    p.refused.insert(from);
    if (p.retry_ms == 0) p.retry_ms = retry_ms;
    return std::nullopt;
  }
  std::pair<PendingReply, bool> done{std::move(p), ok};
  replicas_.erase(it);
  return done;
}

std::vector<RetryDue> WaitTable::due_retries(uint64_t now) {
  std::lock_guard lock(mu_);
  std::vector<RetryDue> due;
  for (auto& [id, p] : replicas_) {
    if (p.refused.empty() || p.retry_ms > now) continue;
    due.push_back(RetryDue{id, p.ns_index, p.digest, p.role_key, p.refused});
    p.retry_ms = std::numeric_limits<uint64_t>::max();  // until sent again
  }
  return due;
}

bool WaitTable::resent(const RetryDue& due, bool same_role, const std::set<NodeId>& targets, uint64_t role_key,
                       bool* complete) {
  std::lock_guard lock(mu_);
  auto it = replicas_.find(due.id);
  if (it == replicas_.end()) return false;
  PendingReply& p = it->second;
  if (!same_role) p.waiting.clear();
  for (NodeId n : due.refused) p.waiting.erase(n);
  p.waiting.insert(targets.begin(), targets.end());
  p.refused.clear();
  p.retry_ms = 0;
  p.role_key = role_key;
  *complete = p.waiting.empty();
  return true;
}

std::optional<PendingReply> WaitTable::take_replica(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = replicas_.find(id);
  if (it == replicas_.end()) return std::nullopt;
  PendingReply wait = std::move(it->second);
  replicas_.erase(it);
  return wait;
}

uint64_t WaitTable::add_proxy(NodeId target, CompletionPtr completion, uint64_t now) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  PendingReply& p = proxies_[id];
  p.completion = std::move(completion);
  p.waiting.insert(target);
  p.started_ms = now;
  return id;
}

CompletionPtr WaitTable::take_proxy(uint64_t id, NodeId from) {
  std::lock_guard lock(mu_);
  auto it = proxies_.find(id);
  if (it == proxies_.end() || !it->second.waiting.count(from)) return nullptr;
  CompletionPtr done = std::move(it->second.completion);
  proxies_.erase(it);
  return done;
}

uint64_t WaitTable::add_dupres(std::shared_ptr<DupResWait> wait) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  dupres_[id] = std::move(wait);
  return id;
}

std::shared_ptr<DupResWait> WaitTable::add_copy(uint64_t id, NodeId from, WireRecord copy) {
  std::lock_guard lock(mu_);
  auto it = dupres_.find(id);
  if (it == dupres_.end() || !it->second->waiting.erase(from)) return nullptr;
  it->second->copies.push_back(std::move(copy));
  if (!it->second->waiting.empty()) return nullptr;
  std::shared_ptr<DupResWait> wait = std::move(it->second);
  dupres_.erase(it);
  return wait;
}

void WaitTable::add_role_wait(CompletionPtr ready) {
  std::lock_guard lock(mu_);
  role_waits_.push_back(std::move(ready));
}

std::vector<CompletionPtr> WaitTable::take_role_waits() {
  std::lock_guard lock(mu_);
  return std::exchange(role_waits_, {});
}

WaitTable::Ended WaitTable::release_departed(const std::vector<NodeId>& members) {
  std::lock_guard lock(mu_);
  Ended ended;
  for (auto it = replicas_.begin(); it != replicas_.end();) {
    PendingReply& p = it->second;
    bool target_left = false;
    // A replica that left holds nothing the cluster relies on: its partitions get new
    // copies by migration from the master, which has the write. An offer's target that
    // left never took it: the repair starts over in the new cluster.
    for (auto n = p.waiting.begin(); n != p.waiting.end();) {
      if (contains(members, *n)) {
        ++n;
        continue;
      }
      target_left = true;
      p.refused.erase(*n);
      n = p.waiting.erase(n);
    }
    if (p.offer && target_left) {
      ended.replicas.emplace_back(std::move(p), false);
      it = replicas_.erase(it);
    } else if (p.waiting.empty()) {
      ended.replicas.emplace_back(std::move(p), true);
      it = replicas_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = proxies_.begin(); it != proxies_.end();) {
    if (!contains(members, *it->second.waiting.begin())) {
      ended.proxies.push_back(std::move(it->second.completion));
      it = proxies_.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

WaitTable::Ended WaitTable::expire(uint64_t now, uint64_t reply_timeout_ms, uint64_t dupres_timeout_ms) {
  std::lock_guard lock(mu_);
  Ended ended;
  for (auto it = replicas_.begin(); it != replicas_.end();) {
    if (it->second.started_ms + reply_timeout_ms < now) {
      ended.replicas.emplace_back(std::move(it->second), false);
      it = replicas_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = proxies_.begin(); it != proxies_.end();) {
    if (it->second.started_ms + reply_timeout_ms < now) {
      ended.proxies.push_back(std::move(it->second.completion));
      it = proxies_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = dupres_.begin(); it != dupres_.end();) {
    if (it->second->started_ms + dupres_timeout_ms < now) {
      ended.dupres.push_back(std::move(it->second));
      it = dupres_.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

WaitTable::Ended WaitTable::take_all(std::vector<CompletionPtr>* role_waits) {
  std::lock_guard lock(mu_);
  Ended ended;
  for (auto& [id, p] : replicas_) ended.replicas.emplace_back(std::move(p), false);
  for (auto& [id, p] : proxies_) ended.proxies.push_back(std::move(p.completion));
  for (auto& [id, w] : dupres_) ended.dupres.push_back(std::move(w));
  replicas_.clear();
  proxies_.clear();
  dupres_.clear();
  *role_waits = std::exchange(role_waits_, {});
  return ended;
}

}  // namespace asd::cluster
