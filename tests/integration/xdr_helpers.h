#pragma once
// Shared checks of the XDR scenarios (xdr_*_test.cpp): convergence record by record,
// "caught up" (lag back to 0), counters that stop moving, and log hygiene. Each check
// fails the test with the relevant stats and the tails of both daemons' logs, so a
// failure report says which DC did what.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/link_proxy.h"
#include "support/seeder.h"
#include "support/xdr_dc.h"

namespace xdr_test {

inline constexpr int kConvergeMs = 60000;
inline constexpr int kCaughtUpMs = 30000;

// a and b hold the same records of ns/set (all sets when empty) within timeout_ms.
inline void require_converged(support::Dc& a, support::Dc& b, const std::string& ns,
                              const std::string& set, int timeout_ms = kConvergeMs) {
  support::DcDiff diff = support::converge(a, b, ns, set, timeout_ms);
  INFO("comparing " << ns << "/" << (set.empty() ? "*" : set) << ": " << diff.summary() << "\n"
                    << "stats " << a.name() << ": " << a.xdr_statistics().raw << "\n"
                    << a.logs_tail() << b.logs_tail());
  REQUIRE(diff.equal());
}

// src's shipper for `dc` reports lag=0 within timeout_ms.
inline void require_caught_up(support::Dc& src, const std::string& dc, int timeout_ms = kCaughtUpMs) {
  support::InfoMap last;
  bool ok = support::eventually(
      [&] {
        last = src.xdr_stats(dc);
        return last.num("lag") == 0;
      },
      timeout_ms, 200);
  INFO(src.name() << " -> " << dc << " get-stats: " << last.raw << "\n" << src.logs_tail());
  REQUIRE(ok);
}

// Numbers of records in ns/set on a DC (-1 when the scan fails).
inline long count_records(support::Dc& dc, const std::string& ns, const std::string& set) {
  try {
    auto c = dc.connect();
    return long(support::snapshot(*c, ns, set).size());
  } catch (const std::exception&) {
    return -1;
  }
}

// The sum of the shipping outcome counters of every (src, dc) link plus every DC's
// asd xdr_frames_queued: it moves as long as anything ships or gets announced.
inline std::string activity(const std::vector<std::pair<support::Dc*, std::string>>& links,
                            const std::vector<support::Dc*>& dcs, double* total) {
  std::string text;
  *total = 0;
  for (const auto& [src, dc] : links) {
    support::InfoMap s = src->xdr_stats(dc);
    for (const char* key : {"success", "lost_conflict", "not_found", "filtered_out", "abandoned"}) {
      *total += std::max(0.0, s.num(key));
    }
    text += src->name() + "->" + dc + ": " + s.raw + "\n";
  }
  for (support::Dc* d : dcs) {
    double q = d->ns_stats("test").num("xdr_frames_queued");
    *total += std::max(0.0, q);
    text += d->name() + " xdr_frames_queued=" + std::to_string(q) + "\n";
  }
  return text;
}

// Once converged, nothing ships any more: the activity total stays put for quiet_ms.
inline void require_quiet(const std::vector<std::pair<support::Dc*, std::string>>& links,
                          const std::vector<support::Dc*>& dcs, int quiet_ms = 4000) {
  double before = 0;
  double after = 0;
  std::string first = activity(links, dcs, &before);
  std::this_thread::sleep_for(std::chrono::milliseconds(quiet_ms));
  std::string second = activity(links, dcs, &after);
  INFO("shipping did not stop; before:\n" << first << "after " << quiet_ms << " ms:\n" << second);
  REQUIRE(after == before);
}

// No daemon of the DC logged a critical line (style.md: any unexpected critical fails).
inline void require_no_critical(support::Dc& dc) {
  for (const std::string& log : {dc.asd_log(), dc.xdr_log()}) {
    size_t at = log.find("GMT: critical");  // common/log.cpp's pattern
    INFO(dc.name() << " logged a critical line: "
                   << (at == std::string::npos ? "" : log.substr(at, 300)));
    CHECK(at == std::string::npos);
  }
}

}  // namespace xdr_test
