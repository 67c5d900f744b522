#pragma once
// What the cluster waits for on behalf of others: replica writes and repairs waiting for
// their copies' acks, proxied requests waiting for the answer, writes waiting for
// duplicate resolution or for a new cluster's balance. Owns them under one lock; the
// callers decide what a finished or failed wait means (replication.cpp, repair.cpp,
// duplicates.cpp, proxy.cpp) and finish completions outside the lock.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cluster/completion.h"
#include "cluster/wire.h"
#include "common/digest.h"

namespace asd::cluster {

using NodeId = uint64_t;

struct PendingReply {
  CompletionPtr completion;  // null for a repair (no client waits on it)
  std::set<NodeId> waiting;
  uint64_t started_ms = 0;
  // Replica writes and repairs only: the record, so that a write that fails on a copy
  // gets that copy repaired, and the role the write was sent under.
  size_t ns_index = 0;
  common::Digest digest;
  uint64_t role_key = 0;
  bool offer = false;           // a repair offered to the acting master (not a replica write)
  bool repair_on_failure = true;
  uint32_t repair_attempt = 0;  // 0: a client's write
  std::set<NodeId> refused;     // replicas that refused; sent again at retry_ms
  uint64_t retry_ms = 0;
};

// A write's duplicate resolution waiting for the other copies of its record; `ready`
// lets the write go once they are merged.
struct DupResWait {
  std::set<NodeId> waiting;
  std::vector<WireRecord> copies;
  CompletionPtr ready;
  size_t ns_index = 0;
  common::Digest digest;
  uint64_t role_key = 0;
  uint64_t started_ms = 0;
};

// A replica write with refusals due to be sent again.
struct RetryDue {
  uint64_t id = 0;
  size_t ns_index = 0;
  common::Digest digest;
  uint64_t role_key = 0;
  std::set<NodeId> refused;
};

class WaitTable {
 public:
  // ---- replica writes and repairs ----
  uint64_t add_replica(PendingReply wait);
  // An ack from `from`. Returns the wait once it is finished, with whether it succeeded:
  // every copy acked, or an offer refused. A replica write's refusal is kept to be sent
  // again at `retry_ms` instead.
  std::optional<std::pair<PendingReply, bool>> ack(uint64_t id, NodeId from, bool ok, uint64_t retry_ms);
  // The writes whose refusals are due at `now`; each is not due again until resent().
  std::vector<RetryDue> due_retries(uint64_t now);
  // A due write was sent again to `targets` under `role_key` (`same_role`: the role it
  // was first sent under; otherwise only the new targets count). False when the wait
  // is gone; `*complete` when nothing is left to wait for.
  bool resent(const RetryDue& due, bool same_role, const std::set<NodeId>& targets, uint64_t role_key,
              bool* complete);
  std::optional<PendingReply> take_replica(uint64_t id);

  // ---- proxied requests ----
  uint64_t add_proxy(NodeId target, CompletionPtr completion, uint64_t now);
  // The answer's wait, if `from` is the node it waits for.
  CompletionPtr take_proxy(uint64_t id, NodeId from);

  // ---- duplicate resolution and role waits ----
  uint64_t add_dupres(std::shared_ptr<DupResWait> wait);
  // A copy from `from`; returns the wait once every copy is here.
  std::shared_ptr<DupResWait> add_copy(uint64_t id, NodeId from, WireRecord copy);
  void add_role_wait(CompletionPtr ready);
  std::vector<CompletionPtr> take_role_waits();

  // ---- endings ----
  struct Ended {
    std::vector<std::pair<PendingReply, bool>> replicas;  // with ok
    std::vector<CompletionPtr> proxies;                   // failed
    std::vector<std::shared_ptr<DupResWait>> dupres;      // failed
  };
  // After a cluster change: copies on nodes that left are no longer waited for.
  Ended release_departed(const std::vector<NodeId>& members);
  // Replica and proxy waits older than `reply_timeout_ms`, duplicate resolutions older
  // than `dupres_timeout_ms`.
  Ended expire(uint64_t now, uint64_t reply_timeout_ms, uint64_t dupres_timeout_ms);
  // At stop: everything, failed.
  Ended take_all(std::vector<CompletionPtr>* role_waits);

 private:
  std::mutex mu_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, PendingReply> replicas_;
  std::unordered_map<uint64_t, PendingReply> proxies_;
  std::unordered_map<uint64_t, std::shared_ptr<DupResWait>> dupres_;
  std::vector<CompletionPtr> role_waits_;
};

}  // namespace asd::cluster
