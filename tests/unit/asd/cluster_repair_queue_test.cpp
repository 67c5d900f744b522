// RepairQueue: one entry per record at its furthest attempt, run when due with a backoff
// that grows to 1 s, at most `limit` per run, given up after kMaxAttempts; `pending`
// counts queued and in-flight repairs (re_repl_pending).

#include <catch2/catch.hpp>

#include <vector>

#include "cluster/repair_queue.h"
#include "common/digest.h"

using asd::cluster::RepairQueue;

namespace {

common::Digest digest_of(int64_t k) { return common::compute_digest("s", k); }

struct Seen {
  size_t ns;
  common::Digest digest;
  uint32_t attempt;
};

std::vector<Seen> run(RepairQueue& q, uint64_t now, size_t limit, RepairQueue::Visit answer) {
  std::vector<Seen> seen;
  q.run_due(now, limit, [&](size_t ns, const common::Digest& d, uint32_t attempt) {
    seen.push_back({ns, d, attempt});
    return answer;
  });
  return seen;
}

}  // namespace

TEST_CASE("a first attempt runs at once, later ones after their backoff", "[cluster_repair_queue]") {
  RepairQueue q;
  CHECK(q.add(0, digest_of(1), 1, 1000) == RepairQueue::Added::Queued);
  CHECK(q.add(0, digest_of(2), 3, 1000) == RepairQueue::Added::Queued);
  std::vector<Seen> now = run(q, 1000, 10, RepairQueue::Visit::Done);
  REQUIRE(now.size() == 1);
  CHECK(now[0].digest == digest_of(1));
  CHECK(now[0].attempt == 1);
  CHECK(run(q, 1000 + RepairQueue::backoff_ms(3) - 1, 10, RepairQueue::Visit::Done).empty());
  std::vector<Seen> later = run(q, 1000 + RepairQueue::backoff_ms(3), 10, RepairQueue::Visit::Done);
  REQUIRE(later.size() == 1);
  CHECK(later[0].attempt == 3);
  CHECK(q.empty());
}

TEST_CASE("a record is queued once, at its furthest attempt", "[cluster_repair_queue]") {
  RepairQueue q;
  CHECK(q.add(1, digest_of(7), 2, 0) == RepairQueue::Added::Queued);
  CHECK(q.add(1, digest_of(7), 2, 0) == RepairQueue::Added::AlreadyFurther);
  CHECK(q.add(1, digest_of(7), 1, 0) == RepairQueue::Added::AlreadyFurther);
  CHECK(q.add(1, digest_of(7), 4, 0) == RepairQueue::Added::Queued);
  CHECK(q.add(2, digest_of(7), 1, 0) == RepairQueue::Added::Queued);  // another namespace
  CHECK(q.pending() == 2);
  std::vector<Seen> due = run(q, 10'000, 10, RepairQueue::Visit::Done);
  REQUIRE(due.size() == 2);
  CHECK(due[0].ns == 1);
  CHECK(due[0].attempt == 4);
  CHECK(due[1].ns == 2);
}

TEST_CASE("backoff doubles from 100 ms and stays at 1 s; attempts end at the limit", "[cluster_repair_queue]") {
  CHECK(RepairQueue::backoff_ms(1) == 100);
  CHECK(RepairQueue::backoff_ms(2) == 200);
  CHECK(RepairQueue::backoff_ms(4) == 800);
  CHECK(RepairQueue::backoff_ms(5) == 1000);
  CHECK(RepairQueue::backoff_ms(500) == 1000);
  RepairQueue q;
  CHECK(q.add(0, digest_of(1), RepairQueue::kMaxAttempts, 0) == RepairQueue::Added::Queued);
  CHECK(q.add(0, digest_of(2), RepairQueue::kMaxAttempts + 1, 0) == RepairQueue::Added::GaveUp);
  CHECK(q.pending() == 1);
}

TEST_CASE("not now backs a record off at the same attempt; a run visits at most limit", "[cluster_repair_queue]") {
  RepairQueue q;
  for (int64_t k = 0; k < 5; ++k) q.add(0, digest_of(k), 1, 0);
  CHECK(run(q, 0, 3, RepairQueue::Visit::NotNow).size() == 3);
  CHECK(q.pending() == 5);
  // The three backed off are not due yet; the two others are.
  CHECK(run(q, 1, 10, RepairQueue::Visit::NotNow).size() == 2);
  std::vector<Seen> again = run(q, RepairQueue::backoff_ms(1), 10, RepairQueue::Visit::Done);
  CHECK(again.size() == 3);
  for (const Seen& s : again) CHECK(s.attempt == 1);
  CHECK(q.pending() == 2);
}

TEST_CASE("pending counts repairs in flight too", "[cluster_repair_queue]") {
  RepairQueue q;
  q.add(0, digest_of(1), 1, 0);
  run(q, 0, 10, RepairQueue::Visit::Done);
  q.sent();
  CHECK(q.empty());
  CHECK(q.pending() == 1);
  q.answered();
  CHECK(q.pending() == 0);
}
