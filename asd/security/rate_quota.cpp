#include "security/rate_quota.h"

#include <algorithm>
#include <cmath>

#include "security/access_control.h"
#include "security/session.h"

namespace asd::security {

using common::ResultCode;

namespace {

constexpr uint64_t kCountMask = 0xffffffffu;
// Idle seconds after which an average is zero whatever the weight.
constexpr uint64_t kForgetAfter = 4096;
constexpr uint32_t kMinWeight = 2;

std::string scope_detail(std::string_view ns, std::string_view set) {
  if (ns.empty()) return {};
  return "ns=" + std::string(ns) + (set.empty() ? "" : ";set=" + std::string(set));
}

}  // namespace

// ---- RateMeter ----------------------------------------------------------------------------

double RateMeter::fold(double average, uint32_t count, uint64_t idle, uint32_t weight) noexcept {
  const double w = std::max(weight, kMinWeight);
  average = (average * (w - 1) + count) / w;
  if (idle == 0) return average;
  if (idle >= kForgetAfter) return 0;
  return average * std::pow((w - 1) / w, double(idle));
}

bool RateMeter::admit(uint32_t now_sec, uint32_t quota, uint32_t weight) noexcept {
  uint64_t current = second_count_.load(std::memory_order_relaxed);
  for (;;) {
    const auto second = uint32_t(current >> 32);
    const auto count = uint32_t(current & kCountMask);
    // A clock stepping back stays in the latest second seen.
    const bool new_second = now_sec > second;
    const uint64_t used = (new_second ? 0 : count) + reserved_.load(std::memory_order_relaxed);
    if (quota != 0 && used >= quota) return false;
    uint64_t next = current + (count == UINT32_MAX ? 0 : 1);
    if (new_second) next = (uint64_t(now_sec) << 32) | 1;
    if (!second_count_.compare_exchange_weak(current, next, std::memory_order_relaxed)) continue;
    if (new_second) {
      // Only the thread that moved the word folds the finished second in. Two folds may
      // race only when a second passes between this CAS and the store; the average (a
      // statistic) then misses one second.
      double average = average_.load(std::memory_order_relaxed);
      average_.store(fold(average, count, uint64_t(now_sec) - second - 1, weight), std::memory_order_relaxed);
    }
    return true;
  }
}

bool RateMeter::reserve(uint32_t rps, uint32_t quota) noexcept {
  if (rps == 0) {
    if (quota != 0) return false;
    limitless_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  uint64_t current = reserved_.load(std::memory_order_relaxed);
  do {
    if (quota != 0 && current + rps > quota) return false;
  } while (!reserved_.compare_exchange_weak(current, current + rps, std::memory_order_relaxed));
  return true;
}

void RateMeter::release(uint32_t rps) noexcept {
  if (rps == 0) {
    limitless_.fetch_sub(1, std::memory_order_relaxed);
  } else {
    reserved_.fetch_sub(rps, std::memory_order_relaxed);
  }
}

QuotaInfo RateMeter::info(uint32_t now_sec, uint32_t quota, uint32_t weight) const noexcept {
  const uint64_t current = second_count_.load(std::memory_order_relaxed);
  const auto second = uint32_t(current >> 32);
  double average = average_.load(std::memory_order_relaxed);
  // The running second is not over: the average covers the seconds before it.
  if (now_sec > second) average = fold(average, uint32_t(current & kCountMask), uint64_t(now_sec) - second - 1, weight);
  const uint64_t reserved = std::min<uint64_t>(reserved_.load(std::memory_order_relaxed), UINT32_MAX);
  return {quota, uint32_t(std::lround(average)), uint32_t(reserved), limitless_.load(std::memory_order_relaxed)};
}

// ---- QuotaReservation ---------------------------------------------------------------------

QuotaReservation& QuotaReservation::operator=(QuotaReservation&& other) noexcept {
  if (this != &other) {
    release();
    rates_ = std::move(other.rates_);
    kind_ = other.kind_;
    rps_ = other.rps_;
  }
  return *this;
}

void QuotaReservation::release() noexcept {
  if (rates_) rates_->meter_of(kind_).release(rps_);
  rates_.reset();
}

// ---- Session's side (session.h) -----------------------------------------------------------

UserRates* Session::rates() {
  if (!rates_fetched_ && authenticated_) {
    rates_ = access_.user_rates(user_);
    rates_fetched_ = true;
  }
  return rates_.get();
}

ResultCode Session::admit(QuotaKind kind, std::string_view ns, std::string_view set, std::string_view action) {
  if (!access_.quotas_enabled()) return ResultCode::Ok;
  UserRates* rates = this->rates();
  if (rates == nullptr) return ResultCode::Ok;
  if (rates->meter_of(kind).admit(access_.now_sec(), rates->quota_of(kind), access_.tps_weight())) {
    return ResultCode::Ok;
  }
  access_.audit().violation(ResultCode::QuotaExceeded, peer_, user_, action, scope_detail(ns, set));
  return ResultCode::QuotaExceeded;
}

ResultCode Session::reserve(QuotaKind kind, uint32_t rps, std::string_view ns, std::string_view set,
                            std::string_view action, QuotaReservation* out) {
  if (!access_.quotas_enabled()) return ResultCode::Ok;
  UserRates* rates = this->rates();
  if (rates == nullptr) return ResultCode::Ok;
  if (rates->meter_of(kind).reserve(rps, rates->quota_of(kind))) {
    *out = QuotaReservation(rates_, kind, rps);
    return ResultCode::Ok;
  }
  std::string detail = scope_detail(ns, set);
  detail += (detail.empty() ? "rps=" : ";rps=") + std::to_string(rps);
  access_.audit().violation(ResultCode::QuotaExceeded, peer_, user_, action, detail);
  return ResultCode::QuotaExceeded;
}

}  // namespace asd::security
