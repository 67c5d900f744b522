#include <catch2/catch.hpp>

#include "failover/recovery_windows.h"

using logger::LostWindow;

TEST_CASE("asd gaps parse into windows", "[failover]") {
  CHECK(failover::parse_gaps("").empty());
  auto gaps = failover::parse_gaps("ns=test:since=12345;ns=bar:since=7");
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0] == LostWindow{"test", 12345});
  CHECK(gaps[1] == LostWindow{"bar", 7});
  // Malformed items are skipped, the rest still count.
  gaps = failover::parse_gaps("garbage;ns=a:since=x;ns=:since=4;ns=ok:since=9;");
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0] == LostWindow{"ok", 9});
}

TEST_CASE("gap ack command", "[failover]") {
  CHECK(failover::gap_ack_command({"test", 42}) == "xdr-gap-ack:namespace=test;since=42");
}

TEST_CASE("rewind: seconds back from now, or all", "[failover]") {
  CHECK(failover::rewind_since("all", 1000000) == 0);
  CHECK(failover::rewind_since("60", 1000000) == 940000);
  CHECK(failover::rewind_since("5000", 1000000) == 0);  // before the epoch: everything
  CHECK_FALSE(failover::rewind_since("", 1000000));
  CHECK_FALSE(failover::rewind_since("-5", 1000000));
  CHECK_FALSE(failover::rewind_since("10s", 1000000));
}

TEST_CASE("windows of one namespace merge to the smallest since", "[failover]") {
  auto merged = failover::merge_windows({{"a", 500}, {"b", 90}, {"a", 300}, {"a", 900}, {"b", 100}});
  REQUIRE(merged.size() == 2);
  CHECK(merged[0] == LostWindow{"a", 300});
  CHECK(merged[1] == LostWindow{"b", 90});
  CHECK(failover::merge_windows({}).empty());
}
