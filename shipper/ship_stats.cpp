#include "shipper/ship_stats.h"

#include <cstdio>

namespace shipper {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

void Counters::outcome(Outcome outcome, uint64_t now_ms, uint64_t latency_ms) {
  switch (outcome) {
    case Outcome::Success: success_.fetch_add(1, kRelaxed); break;
    case Outcome::NotFound: not_found_.fetch_add(1, kRelaxed); break;
    case Outcome::NotFoundDeleted:
      // A vanished record whose delete shipped: both a not-found read and a success.
      not_found_.fetch_add(1, kRelaxed);
      success_.fetch_add(1, kRelaxed);
      break;
    case Outcome::LostConflict: lost_conflict_.fetch_add(1, kRelaxed); break;
    case Outcome::Abandoned: abandoned_.fetch_add(1, kRelaxed); break;
    case Outcome::Filtered: filtered_out_.fetch_add(1, kRelaxed); return;  // not a ship
  }
  window_.add(now_ms, latency_ms);
}

void Counters::abandoned(AbandonCause cause, uint64_t now_ms, uint64_t latency_ms) {
  switch (cause) {
    case AbandonCause::Forbidden: abandoned_forbidden_.fetch_add(1, kRelaxed); break;
    case AbandonCause::TooBig: abandoned_too_big_.fetch_add(1, kRelaxed); break;
    case AbandonCause::Other: abandoned_other_.fetch_add(1, kRelaxed); break;
  }
  outcome(Outcome::Abandoned, now_ms, latency_ms);
}

void Counters::retry(RetryCause cause) {
  retries_.fetch_add(1, kRelaxed);
  switch (cause) {
    case RetryCause::Timeout: retry_timeout_.fetch_add(1, kRelaxed); break;
    case RetryCause::ConnReset: retry_conn_reset_.fetch_add(1, kRelaxed); break;
    case RetryCause::Dest: retry_dest_.fetch_add(1, kRelaxed); break;
    case RetryCause::Local: break;  // counted in retries only: not the link's fault
  }
}

void Counters::compressed(uint64_t plain_bytes, uint64_t sent_bytes) {
  plain_bytes_.fetch_add(plain_bytes, kRelaxed);
  sent_bytes_.fetch_add(sent_bytes, kRelaxed);
}

StatsSnapshot Counters::snapshot(uint64_t now_ms) const {
  StatsSnapshot s;
  s.success = success_.load(kRelaxed);
  s.not_found = not_found_.load(kRelaxed);
  s.filtered_out = filtered_out_.load(kRelaxed);
  s.abandoned = abandoned_.load(kRelaxed);
  s.abandoned_forbidden = abandoned_forbidden_.load(kRelaxed);
  s.abandoned_too_big = abandoned_too_big_.load(kRelaxed);
  s.abandoned_other = abandoned_other_.load(kRelaxed);
  s.lost_conflict = lost_conflict_.load(kRelaxed);
  s.retries = retries_.load(kRelaxed);
  s.retry_conn_reset = retry_conn_reset_.load(kRelaxed);
  s.retry_timeout = retry_timeout_.load(kRelaxed);
  s.retry_dest = retry_dest_.load(kRelaxed);
  s.coalesced = coalesced_.load(kRelaxed);
  s.throughput = window_.rate(now_ms);
  s.latency_ms = window_.avg_latency_ms(now_ms);
  LagHistogram::Summary lag = lag_.summary(now_ms);
  s.lag_p50_ms = lag.p50_ms;
  s.lag_p99_ms = lag.p99_ms;
  s.lag_max_ms = lag.max_ms;
  uint64_t plain = plain_bytes_.load(kRelaxed);
  s.compression_ratio = plain ? double(sent_bytes_.load(kRelaxed)) / double(plain) : 1.0;
  return s;
}

Counters& ShipStats::ns(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = by_ns_.find(name);
  if (it == by_ns_.end()) it = by_ns_.emplace(std::string(name), std::make_unique<Counters>()).first;
  return *it->second;
}

const Counters* ShipStats::find_ns(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = by_ns_.find(name);
  return it == by_ns_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ShipStats::namespaces() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, counters] : by_ns_) names.push_back(name);
  return names;
}

void ShipStats::outcome(std::string_view ns, Outcome outcome, uint64_t now_ms, uint64_t latency_ms) {
  total_.outcome(outcome, now_ms, latency_ms);
  this->ns(ns).outcome(outcome, now_ms, latency_ms);
}

void ShipStats::abandoned(std::string_view ns, AbandonCause cause, uint64_t now_ms, uint64_t latency_ms) {
  total_.abandoned(cause, now_ms, latency_ms);
  this->ns(ns).abandoned(cause, now_ms, latency_ms);
}

void ShipStats::retry(std::string_view ns, RetryCause cause) {
  total_.retry(cause);
  this->ns(ns).retry(cause);
}

void ShipStats::compressed(std::string_view ns, uint64_t plain_bytes, uint64_t sent_bytes) {
  total_.compressed(plain_bytes, sent_bytes);
  this->ns(ns).compressed(plain_bytes, sent_bytes);
}

void ShipStats::record_lag(std::string_view ns, uint64_t lag_ms, uint64_t now_ms) {
  total_.record_lag(lag_ms, now_ms);
  this->ns(ns).record_lag(lag_ms, now_ms);
}

std::string render_stats(const StatsSnapshot& s) {
  std::string out;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!out.empty()) out += ';';
    out.append(key).append("=").append(value);
  };
  add("link", s.link_up ? "up" : "down");
  add("link_since", std::to_string(s.link_since_ms));
  if (!s.link_up && !s.link_reason.empty()) {
    // Info values are `k=v;k=v`: the reason must not end its field early.
    std::string reason = s.link_reason;
    for (char& c : reason) {
      if (c == ';' || c == '=') c = ' ';
    }
    add("link_reason", reason);
  }
  add("lag", std::to_string(s.lag_sec));
  add("in_queue", std::to_string(s.in_queue));
  add("in_progress", std::to_string(s.in_progress));
  add("success", std::to_string(s.success));
  add("not_found", std::to_string(s.not_found));
  add("filtered_out", std::to_string(s.filtered_out));
  add("abandoned", std::to_string(s.abandoned));
  add("abandoned_forbidden", std::to_string(s.abandoned_forbidden));
  add("abandoned_too_big", std::to_string(s.abandoned_too_big));
  add("abandoned_other", std::to_string(s.abandoned_other));
  add("lost_conflict", std::to_string(s.lost_conflict));
  add("retries", std::to_string(s.retries));
  add("retry_conn_reset", std::to_string(s.retry_conn_reset));
  add("retry_timeout", std::to_string(s.retry_timeout));
  add("retry_dest", std::to_string(s.retry_dest));
  add("throughput", fixed(s.throughput, 1));
  add("latency_ms", fixed(s.latency_ms, 1));
  add("lag_p50_ms", std::to_string(s.lag_p50_ms));
  add("lag_p99_ms", std::to_string(s.lag_p99_ms));
  add("lag_max_ms", std::to_string(s.lag_max_ms));
  add("compression_ratio", fixed(s.compression_ratio, 3));
  add("tls_reloads", std::to_string(s.tls_reloads));
  return out;
}

}  // namespace shipper
