#include "cluster/membership.h"

#include "cluster/mix.h"

#include <algorithm>

namespace asd::cluster {

namespace {

constexpr uint64_t kBallotNodeBits = 20;

void add_once(std::vector<NodeId>& v, NodeId n) {
  if (!contains(v, n)) v.push_back(n);
}

bool covers(const std::vector<NodeId>& got, const std::vector<NodeId>& members) {
  return std::all_of(members.begin(), members.end(), [&](NodeId n) { return contains(got, n); });
}

}  // namespace

Membership::Membership(NodeId self, std::string cluster_name, uint32_t interval_ms, uint32_t timeout_intervals)
    : self_(self),
      cluster_name_(std::move(cluster_name)),
      timeout_ms_(uint64_t(interval_ms) * std::max<uint32_t>(1, timeout_intervals)),
      round_timeout_ms_(std::max<uint64_t>(500, uint64_t(interval_ms) * 4)),
      key_seed_(mix64(self)),
      orphan_wait_ms_(2 * timeout_ms_) {}

Heartbeat Membership::heartbeat(uint64_t now_ms) const {
  Heartbeat hb;
  hb.from = self_;
  hb.cluster_name = cluster_name_;
  hb.cluster_key = view_.cluster_key;
  hb.succession = view_.succession;
  for (NodeId n : alive(now_ms)) {
    if (n != self_) hb.adjacency.push_back(n);
  }
  return hb;
}

void Membership::on_heartbeat(const Heartbeat& hb, uint64_t now_ms) {
  if (hb.from == self_) return;
  if (hb.cluster_name != cluster_name_) {
    ++foreign_;
    return;
  }
  Peer& p = peers_[hb.from];
  p.last_heard_ms = now_ms;
  p.hb = hb;
}

std::vector<NodeId> Membership::alive(uint64_t now_ms) const {
  std::vector<NodeId> out{self_};
  for (const auto& [id, p] : peers_) {
    if (p.last_heard_ms + timeout_ms_ >= now_ms) out.push_back(id);
  }
  std::sort(out.rbegin(), out.rend());
  return out;
}

bool Membership::mutual(const Peer& p, uint64_t now_ms) const {
  return p.last_heard_ms + timeout_ms_ >= now_ms && contains(p.hb.adjacency, self_);
}

std::vector<NodeId> Membership::candidates(uint64_t now_ms) const {
  std::vector<NodeId> out{self_};
  for (const auto& [id, p] : peers_) {
    if (mutual(p, now_ms)) out.push_back(id);
  }
  std::sort(out.rbegin(), out.rend());
  return out;
}

// Principal: no node heard (same cluster name) has a higher id. Judged on what this node
// hears rather than on mutual adjacency, so a node that just restarted does not act
// as principal before the peers' heartbeats list it again.
bool Membership::is_principal(uint64_t now_ms) const { return alive(now_ms).front() == self_; }

bool Membership::members_disagree(uint64_t now_ms) const {
  if (now_ms < adopted_ms_ + round_timeout_ms_) return false;  // the commit may still be on its way
  for (NodeId n : view_.succession) {
    if (n == self_) continue;
    auto it = peers_.find(n);
    if (it == peers_.end()) continue;
    if (it->second.last_heard_ms >= adopted_ms_ && it->second.hb.cluster_key != view_.cluster_key) return true;
  }
  return false;
}

uint64_t Membership::next_ballot() {
  ++ballot_counter_;
  return (ballot_counter_ << kBallotNodeBits) | (mix64(self_) & ((1ull << kBallotNodeBits) - 1));
}

std::vector<PaxosMessage> Membership::to_all(PaxosType type, const Round& r) const {
  std::vector<PaxosMessage> out;
  for (NodeId n : r.succession) {
    out.push_back(PaxosMessage{type, self_, n, r.ballot, r.cluster_key, r.succession});
  }
  return out;
}

std::vector<PaxosMessage> Membership::start_round(uint64_t now_ms) {
  Round r;
  r.ballot = next_ballot();
  key_seed_ = mix64(key_seed_ ^ now_ms ^ r.ballot);
  r.cluster_key = key_seed_ == 0 ? 1 : key_seed_;
  r.succession = candidates(now_ms);
  r.started_ms = now_ms;
  round_ = r;
  return to_all(PaxosType::Prepare, r);
}

void Membership::adopt(uint64_t key, std::vector<NodeId> succession) {
  if (key == view_.cluster_key && succession == view_.succession) return;
  view_.cluster_key = key;
  view_.succession = std::move(succession);
  adopted_ms_ = last_now_ms_;
  ++changes_;
}

// A member of a cluster follows a proposal only when it keeps every member this node
// still hears: otherwise a newcomer that knows one member could pull it out of its
// cluster (a split while both sides still talk), instead of waiting until the principal
// hears the newcomer and proposes everyone.
bool Membership::leaves_out_live_members(const std::vector<NodeId>& proposed, uint64_t now_ms) const {
  if (view_.cluster_key == 0) return false;
  for (NodeId n : view_.succession) {
    if (n == self_ || contains(proposed, n)) continue;
    auto it = peers_.find(n);
    if (it != peers_.end() && it->second.last_heard_ms + timeout_ms_ >= now_ms) return true;
  }
  return false;
}

std::vector<PaxosMessage> Membership::tick(uint64_t now_ms) {
  last_now_ms_ = now_ms;
  for (auto it = peers_.begin(); it != peers_.end();) {
    // Long gone: forget, so a node id reused much later starts clean.
    if (it->second.last_heard_ms + 10 * timeout_ms_ < now_ms) it = peers_.erase(it);
    else ++it;
  }
  if (round_ && round_->started_ms + round_timeout_ms_ < now_ms) round_.reset();  // stalled: retry
  if (round_ || !is_principal(now_ms)) return {};
  std::vector<NodeId> want = candidates(now_ms);
  // A member that reports another cluster (it restarted, or formed one alone) needs
  // a new round even when the member list is the same.
  if (view_.cluster_key != 0 && want == view_.succession && !members_disagree(now_ms)) return {};
  // A node just started waits to hear its peers before forming a cluster of its own.
  if (first_tick_ms_ == 0) first_tick_ms_ = now_ms;
  if (view_.cluster_key == 0 && want.size() == 1 && now_ms < first_tick_ms_ + orphan_wait_ms_) return {};
  std::vector<PaxosMessage> out;
  for (PaxosMessage& m : start_round(now_ms)) {
    if (m.to == self_) {
      for (PaxosMessage& reply : on_paxos(m, now_ms)) out.push_back(std::move(reply));
    } else {
      out.push_back(std::move(m));
    }
  }
  return out;
}

std::vector<PaxosMessage> Membership::on_paxos(const PaxosMessage& m, uint64_t now_ms) {
  last_now_ms_ = now_ms;
  std::vector<PaxosMessage> out;
  // Replies to self are handled here at once; only messages for others leave.
  auto send = [&](PaxosMessage reply) {
    if (reply.to == self_) {
      for (PaxosMessage& more : on_paxos(reply, now_ms)) out.push_back(std::move(more));
    } else {
      out.push_back(std::move(reply));
    }
  };
  ballot_counter_ = std::max(ballot_counter_, m.ballot >> kBallotNodeBits);
  switch (m.type) {
    case PaxosType::Prepare:
      if (m.ballot > promised_ballot_ && !leaves_out_live_members(m.succession, now_ms)) {
        promised_ballot_ = m.ballot;
        send({PaxosType::Promise, self_, m.from, m.ballot, m.cluster_key, {}});
      } else {
        send({PaxosType::Nack, self_, m.from, promised_ballot_, 0, {}});
      }
      break;
    case PaxosType::Accept:
      if (m.ballot >= promised_ballot_ && !leaves_out_live_members(m.succession, now_ms)) {
        promised_ballot_ = m.ballot;
        accepted_ = m;
        send({PaxosType::Accepted, self_, m.from, m.ballot, m.cluster_key, {}});
      } else {
        send({PaxosType::Nack, self_, m.from, promised_ballot_, 0, {}});
      }
      break;
    case PaxosType::Commit:
      if (accepted_ && accepted_->ballot == m.ballot && contains(m.succession, self_)) {
        adopt(m.cluster_key, m.succession);
      }
      break;
    case PaxosType::Promise:
      if (round_ && !round_->accepting && m.ballot == round_->ballot) {
        add_once(round_->promised, m.from);
        if (covers(round_->promised, round_->succession)) {
          round_->accepting = true;
          for (PaxosMessage& a : to_all(PaxosType::Accept, *round_)) send(std::move(a));
        }
      }
      break;
    case PaxosType::Accepted:
      if (round_ && round_->accepting && m.ballot == round_->ballot) {
        add_once(round_->accepted, m.from);
        if (covers(round_->accepted, round_->succession)) {
          Round done = *round_;
          round_.reset();
          for (PaxosMessage& c : to_all(PaxosType::Commit, done)) send(std::move(c));
        }
      }
      break;
    case PaxosType::Nack:
      // Someone promised a higher ballot: this round cannot win; the next tick retries
      // above it if this node is still principal.
      if (round_) round_.reset();
      break;
  }
  return out;
}

}  // namespace asd::cluster
