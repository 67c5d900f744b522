#pragma once
// Rate quotas, as Aerospike Enterprise 5.6+ has them: a role may carry a read quota and a
// write quota in records per second (0: no limit); a user's quota is the largest among
// its roles, and applies on each node on its own. With `security { enable-quotas true }`
// every user's rates are measured here and a command over its quota answers
// QUOTA_EXCEEDED (83).
//
// What counts (the real server's rule, thr_tsvc.c runs the same data-op check for a
// client's command and for each batch row; query.c reserves a query's rate):
//   - a single-record read, and each read row of a batch, is one read; a write, delete,
//     operate that writes or record UDF, and each such batch row, is one write. A
//     command over the user's quota this second fails with 83 and is not counted;
//   - a scan or query reserves its records-per-second limit (field 10) against the quota
//     for as long as it runs: foreground scans, queries and aggregations against the
//     read quota, background UDF and ops jobs against the write quota. One that would
//     take the reserved total past the quota, or one without a limit ("limitless") from
//     a user that has a quota, is refused with 83 before it starts;
//   - single-record commands fit in what the running scans leave: one more is admitted
//     while this second's count plus the reserved rates stays below the quota.
//
// Design: one RateMeter per user and direction, all atomics, so the check on the service
// threads takes no lock and allocates nothing (a session looks its user's meters up once
// per login and keeps them). The second's count and the second it
// belongs to share one 64-bit word, moved by compare-and-swap: the thread that moves it
// into a new second folds the finished second into the user's average (tps-weight). The
// average is a statistic only (QUERY_USERS' READ_INFO/WRITE_INFO); quotas are enforced
// on each second's own count, so a burst is refused for the rest of its second and the
// next second starts afresh.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

namespace asd::security {

enum class QuotaKind : uint8_t { Read = 0, Write = 1 };

// READ_INFO / WRITE_INFO in a QUERY_USERS answer, in the clients' order (as_admin.h
// as_user.read_info): the quota, the single-record rate (TPS, the tps-weight average),
// the records per second reserved by running limited scans/queries, and how many
// limitless scans/queries run.
using QuotaInfo = std::array<uint32_t, 4>;

// One user's rate in one direction on this node. Thread-safe, lock-free. A cache line
// of its own, so a user's reads and writes do not contend.
class alignas(64) RateMeter {
 public:
  // Counts one single-record command in second `now_sec` unless that would take the
  // second's count plus the reserved rates past `quota` (0: no limit): false then.
  bool admit(uint32_t now_sec, uint32_t quota, uint32_t weight) noexcept;

  // A scan or query of `rps` records per second (0: no limit) starting: false when it
  // does not fit in `quota` (a limitless one never does when there is a quota).
  bool reserve(uint32_t rps, uint32_t quota) noexcept;
  // The scan or query reserve() let start has ended.
  void release(uint32_t rps) noexcept;

  QuotaInfo info(uint32_t now_sec, uint32_t quota, uint32_t weight) const noexcept;

 private:
  // The average after folding in a second of `count` and then `idle` empty seconds.
  static double fold(double average, uint32_t count, uint64_t idle, uint32_t weight) noexcept;

  std::atomic<uint64_t> second_count_{0};  // (second << 32) | admitted in that second
  std::atomic<double> average_{0};         // over the seconds before second_count_'s
  std::atomic<uint64_t> reserved_{0};      // rps of running limited scans/queries
  std::atomic<uint32_t> limitless_{0};     // running scans/queries without a limit
};

// A user's meters and its quotas (the largest of its roles'; access control keeps them
// current as users and roles change).
struct UserRates {
  std::atomic<uint32_t> quota[2]{};  // by QuotaKind
  RateMeter meter[2];

  uint32_t quota_of(QuotaKind kind) const noexcept { return quota[size_t(kind)].load(std::memory_order_relaxed); }
  RateMeter& meter_of(QuotaKind kind) noexcept { return meter[size_t(kind)]; }
  const RateMeter& meter_of(QuotaKind kind) const noexcept { return meter[size_t(kind)]; }
};

// What a running scan or query holds of its user's quota; released when destroyed (or
// by release()). Move-only.
class QuotaReservation {
 public:
  QuotaReservation() = default;
  QuotaReservation(std::shared_ptr<UserRates> rates, QuotaKind kind, uint32_t rps)
      : rates_(std::move(rates)), kind_(kind), rps_(rps) {}
  QuotaReservation(QuotaReservation&& other) noexcept { *this = std::move(other); }
  QuotaReservation& operator=(QuotaReservation&& other) noexcept;
  QuotaReservation(const QuotaReservation&) = delete;
  QuotaReservation& operator=(const QuotaReservation&) = delete;
  ~QuotaReservation() { release(); }

  void release() noexcept;

 private:
  std::shared_ptr<UserRates> rates_;
  QuotaKind kind_ = QuotaKind::Read;
  uint32_t rps_ = 0;
};

}  // namespace asd::security
