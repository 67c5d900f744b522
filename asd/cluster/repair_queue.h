#pragma once
// The records whose copies may differ (a replica write of them failed), each waiting
// for its next repair attempt, and the repairs sent but not answered yet. What a repair
// does is the cluster's (repair.cpp); this owns only the schedule: one entry per record,
// the attempt it is at, and when it may run (a backoff that doubles from 50 ms up to
// 1 s). Cluster thread only, so no lock.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "common/digest.h"

namespace asd::cluster {

class RepairQueue {
 public:
  // About ten minutes of attempts: longer than any cluster change takes to settle.
  static constexpr uint32_t kMaxAttempts = 600;

  enum class Added { Queued, AlreadyFurther, GaveUp };
  // Queues attempt `attempt` (1 = the first, right away) of the record's repair. A record
  // already queued at this attempt or a later one stays as it is; past kMaxAttempts the
  // record is given up (GaveUp: the caller counts and reports it).
  Added add(size_t ns_index, const common::Digest& digest, uint32_t attempt, uint64_t now_ms);

  // What run_due's visitor decides for one due record.
  enum class Visit { Done, NotNow };
  using Visitor = std::function<Visit(size_t ns_index, const common::Digest& digest, uint32_t attempt)>;
  // Visits up to `limit` records whose time has come, in (namespace, digest) order. Done
  // removes the record (its repair is on its way, or nothing is left to do); NotNow
  // backs it off again at the same attempt.
  void run_due(uint64_t now_ms, size_t limit, const Visitor& visit);

  // Repairs sent and waiting for their answer (they no longer sit in the queue).
  void sent() { ++in_flight_; }
  void answered() { --in_flight_; }

  bool empty() const { return queued_.empty(); }
  // Queued and in flight: the `re_repl_pending` statistic.
  int64_t pending() const { return int64_t(queued_.size()) + in_flight_; }

  static uint64_t backoff_ms(uint32_t attempt);

 private:
  struct Entry {
    uint64_t not_before_ms = 0;
    uint32_t attempt = 1;
  };
  std::map<std::pair<size_t, common::Digest>, Entry> queued_;
  int64_t in_flight_ = 0;
};

}  // namespace asd::cluster
