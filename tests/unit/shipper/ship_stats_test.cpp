#include <catch2/catch.hpp>

#include "shipper/dc_shipper.h"
#include "shipper/ship_stats.h"

using shipper::AbandonCause;
using shipper::Outcome;
using shipper::RetryCause;
using shipper::ShipStats;

TEST_CASE("lag is now minus the oldest unshipped LUT, 0 when caught up", "[shipper]") {
  CHECK(shipper::lag_seconds(100000, std::nullopt) == 0);
  CHECK(shipper::lag_seconds(100000, 100000) == 0);
  CHECK(shipper::lag_seconds(100000, 200000) == 0);  // clock behind: never negative
  CHECK(shipper::lag_seconds(100000, 89500) == 10);
}

TEST_CASE("stats aggregate per DC and per namespace", "[shipper]") {
  ShipStats s;
  s.outcome("a", Outcome::Success, 1000, 4);
  s.outcome("a", Outcome::NotFoundDeleted, 1000, 6);
  s.outcome("b", Outcome::NotFound, 1000, 2);
  s.outcome("b", Outcome::LostConflict, 1000, 2);
  s.abandoned("b", AbandonCause::TooBig, 1000, 2);
  s.abandoned("b", AbandonCause::Forbidden, 1000, 2);
  s.outcome("b", Outcome::Filtered, 1000, 0);
  s.retry("a", RetryCause::Timeout);
  s.retry("a", RetryCause::ConnReset);
  s.retry("b", RetryCause::Dest);
  s.retry("b", RetryCause::Local);
  s.compressed("a", 1000, 250);

  auto total = s.total().snapshot(1000);
  CHECK(total.success == 2);
  CHECK(total.not_found == 2);
  CHECK(total.lost_conflict == 1);
  CHECK(total.abandoned == 2);
  CHECK(total.abandoned_too_big == 1);
  CHECK(total.abandoned_forbidden == 1);
  CHECK(total.abandoned_other == 0);
  CHECK(total.filtered_out == 1);
  CHECK(total.retries == 4);
  CHECK(total.retry_timeout == 1);
  CHECK(total.retry_conn_reset == 1);
  CHECK(total.retry_dest == 1);
  CHECK(total.throughput == Approx(6 / 5.0));  // filtered entries are not ships
  CHECK(total.latency_ms == Approx(18 / 6.0));
  CHECK(total.compression_ratio == Approx(0.25));

  REQUIRE(s.find_ns("a"));
  auto a = s.find_ns("a")->snapshot(1000);
  CHECK(a.success == 2);
  CHECK(a.not_found == 1);
  CHECK(a.retries == 2);
  auto b = s.find_ns("b")->snapshot(1000);
  CHECK(b.success == 0);
  CHECK(b.compression_ratio == 1.0);
  CHECK(s.find_ns("c") == nullptr);
  CHECK(s.namespaces() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("rendered stats list the section 8 keys in order", "[shipper]") {
  shipper::StatsSnapshot s;
  s.link_up = true;
  s.link_since_ms = 123;
  s.success = 7;
  std::string text = shipper::render_stats(s);
  CHECK(text.rfind("link=up;link_since=123;lag=0;in_queue=0;in_progress=0;success=7;", 0) == 0);
  for (const char* key : {"not_found=", "filtered_out=", "abandoned=", "abandoned_forbidden=",
                          "abandoned_too_big=", "abandoned_other=", "lost_conflict=", "retries=",
                          "retry_conn_reset=", "retry_timeout=", "retry_dest=", "throughput=", "latency_ms=",
                          "lag_p50_ms=", "lag_p99_ms=", "lag_max_ms=", "compression_ratio=", "tls_reloads="}) {
    CHECK(text.find(key) != std::string::npos);
  }
  CHECK(text.find("link_reason") == std::string::npos);

  // Down: why, with the info format's separators taken out of it.
  s.link_up = false;
  s.link_reason = "h:3000 refused: invalid credential; try=2";
  text = shipper::render_stats(s);
  CHECK(text.rfind("link=down;link_since=123;link_reason=h:3000 refused: invalid credential  try 2;lag=0;", 0) == 0);
}
