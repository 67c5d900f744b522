#include <catch2/catch.hpp>

#include "shipper/dispatcher.h"

using shipper::Dispatcher;
using shipper::ItemPtr;

namespace {

proto::XdrFrame frame(uint8_t digest_byte, uint64_t lut, std::string ns = "test") {
  proto::XdrFrame f;
  f.digest.bytes[0] = digest_byte;
  f.lut = lut;
  f.ns = std::move(ns);
  return f;
}

}  // namespace

TEST_CASE("cursor advances only past contiguous completed seqs", "[shipper]") {
  Dispatcher d(0, 10);
  CHECK(d.committed() == 10);
  for (uint64_t seq = 10; seq < 15; ++seq) CHECK(d.add_entry(seq, frame(uint8_t(seq), 1000 + seq), 0));
  std::vector<ItemPtr> items;
  while (auto item = d.take_ready(0)) items.push_back(item);
  REQUIRE(items.size() == 5);
  CHECK(d.in_flight() == 5);
  // Finish out of order: 11, 13, 14 first; the cursor stays at 10.
  d.finish(items[1], 0);
  d.finish(items[3], 0);
  d.finish(items[4], 0);
  CHECK(d.committed() == 10);
  d.finish(items[0], 0);
  CHECK(d.committed() == 12);
  d.finish(items[2], 0);
  CHECK(d.committed() == 15);
  CHECK(d.pending_entries() == 0);
}

TEST_CASE("filtered entries and log gaps move the cursor", "[shipper]") {
  Dispatcher d(0, 0);
  d.add_done(0);
  d.add_done(1);
  CHECK(d.committed() == 2);
  // Entries 2..6 were overwritten in the log: the next read starts at 7.
  d.add_entry(7, frame(1, 5), 0);
  CHECK(d.committed() == 7);
  auto item = d.take_ready(0);
  d.finish(item, 0);
  CHECK(d.committed() == 8);
  CHECK(d.next_seq() == 8);
}

TEST_CASE("hot key: repeats join the waiting item, latest frame wins", "[shipper]") {
  Dispatcher d(100, 0);
  CHECK(d.add_entry(0, frame(7, 1000), 0));
  CHECK_FALSE(d.add_entry(1, frame(7, 1005), 1));
  CHECK_FALSE(d.add_entry(2, frame(7, 1003), 2));
  CHECK(d.add_entry(3, frame(8, 1001), 3));
  CHECK(d.queued_items() == 2);
  auto item = d.take_ready(5);
  REQUIRE(item);
  CHECK(item->seqs == std::vector<uint64_t>{0, 1, 2});
  CHECK(item->coalesced == 2);
  CHECK(item->frame.lut == 1005);
  d.finish(item, 6);
  CHECK(d.committed() == 3);  // seq 3 (another digest) still pending
}

TEST_CASE("hot key: a repeat while shipping waits for it and for the hotkey time", "[shipper]") {
  Dispatcher d(100, 0);
  d.add_entry(0, frame(7, 1000), 0);
  auto first = d.take_ready(10);  // shipping since t=10
  REQUIRE(first);
  CHECK_FALSE(d.add_entry(1, frame(7, 1001), 20));  // parked: not queued
  CHECK_FALSE(d.add_entry(2, frame(7, 1002), 30));  // joins the parked item
  CHECK(d.queued_items() == 0);
  CHECK(d.take_ready(50) == nullptr);
  CHECK(d.finish(first, 60));  // releases the follow-up, not before t=110
  CHECK(d.queued_items() == 1);
  CHECK(d.next_ready_ms() == 110);
  CHECK(d.take_ready(109) == nullptr);
  auto second = d.take_ready(110);
  REQUIRE(second);
  CHECK(second->seqs == std::vector<uint64_t>{1, 2});
  d.finish(second, 120);
  CHECK(d.committed() == 3);
}

TEST_CASE("hot key: a repeat after the ship ended is held until the hotkey time", "[shipper]") {
  Dispatcher d(100, 0);
  d.add_entry(0, frame(7, 1000), 0);
  auto first = d.take_ready(0);
  d.finish(first, 5);
  CHECK(d.add_entry(1, frame(7, 1001), 40));
  CHECK(d.next_ready_ms() == 100);
  CHECK(d.take_ready(99) == nullptr);
  CHECK(d.take_ready(100));
  // Outside the hotkey time a repeat is ready at once.
  Dispatcher e(100, 0);
  e.add_entry(0, frame(7, 1000), 0);
  e.finish(e.take_ready(0), 1);
  e.add_entry(1, frame(7, 1001), 500);
  CHECK(e.next_ready_ms() == 500);
}

TEST_CASE("hot key: the same digest in two namespaces is two records", "[shipper]") {
  Dispatcher d(100, 0);
  CHECK(d.add_entry(0, frame(7, 1000, "a"), 0));
  CHECK(d.add_entry(1, frame(7, 1000, "b"), 0));
  CHECK(d.queued_items() == 2);
}

TEST_CASE("recovered records ship without holding the cursor", "[shipper]") {
  Dispatcher d(0, 5);
  CHECK(d.add_recovered(frame(1, 10), 0));
  CHECK_FALSE(d.add_recovered(frame(1, 11), 0));  // coalesced
  CHECK(d.recovered_outstanding() == 2);
  CHECK(d.committed() == 5);
  auto item = d.take_ready(0);
  CHECK(item->recovered == 2);
  CHECK(item->seqs.empty());
  d.finish(item, 0);
  CHECK(d.recovered_outstanding() == 0);
}

TEST_CASE("abandoned items keep their entries pending", "[shipper]") {
  Dispatcher d(0, 0);
  d.add_entry(0, frame(1, 10), 0);
  auto item = d.take_ready(0);
  d.abandon(item);
  CHECK(d.in_flight() == 0);
  CHECK(d.committed() == 0);
  CHECK(d.pending_entries() == 1);
}

TEST_CASE("oldest pending LUT per namespace feeds the lag", "[shipper]") {
  Dispatcher d(0, 0);
  d.add_entry(0, frame(1, 3000, "a"), 0);
  d.add_entry(1, frame(2, 1000, "b"), 0);
  d.add_entry(2, frame(3, 2000, "a"), 0);
  CHECK(d.oldest_pending_lut() == 1000);
  CHECK(d.oldest_pending_lut("a") == 2000);
  CHECK(d.pending_entries("a") == 2);
  CHECK_FALSE(d.oldest_pending_lut("c"));
  auto i0 = d.take_ready(0);
  auto i1 = d.take_ready(0);
  CHECK(d.in_flight("a") == 1);
  CHECK(d.in_flight("b") == 1);
  d.finish(i1, 0);
  CHECK(d.oldest_pending_lut() == 2000);
  d.finish(i0, 0);
  d.finish(d.take_ready(0), 0);
  CHECK_FALSE(d.oldest_pending_lut());
}

TEST_CASE("the oldest waiting LUT per partition, for the published progress", "[shipper]") {
  Dispatcher d(0, 0);
  d.add_entry(0, frame(7, 500), 0);   // partition 7
  d.add_entry(1, frame(7, 300), 0);
  d.add_entry(2, frame(9, 800), 0);   // partition 9
  d.add_entry(3, frame(9, 100, "other"), 0);
  std::vector<uint64_t> oldest(common::kPartitions, UINT64_MAX);
  d.lower_to_pending("test", oldest);
  CHECK(oldest[7] == 300);
  CHECK(oldest[9] == 800);  // the other namespace's entry does not count
  CHECK(oldest[8] == UINT64_MAX);
  // Once shipped, a partition waits for nothing.
  std::vector<ItemPtr> items;
  while (auto item = d.take_ready(0)) items.push_back(item);
  for (auto& item : items) d.finish(item, 0);
  std::vector<uint64_t> after(common::kPartitions, UINT64_MAX);
  d.lower_to_pending("test", after);
  CHECK(after[7] == UINT64_MAX);
  CHECK(after[9] == UINT64_MAX);
}
