// The cluster's wait table: replica writes finish when every copy acked, refusals are
// kept for a retry, departed nodes release what waited for them, and every kind of wait
// expires.

#include <catch2/catch.hpp>

#include "cluster/waits.h"

using namespace asd;
using namespace asd::cluster;

namespace {

PendingReply replica_write(std::set<NodeId> waiting, uint64_t started_ms = 0) {
  PendingReply p;
  p.completion = std::make_shared<Completion>(1);
  p.waiting = std::move(waiting);
  p.started_ms = started_ms;
  return p;
}

}  // namespace

TEST_CASE("a replica write finishes once every copy acked", "[cluster_waits]") {
  WaitTable t;
  uint64_t id = t.add_replica(replica_write({2, 3}));
  CHECK_FALSE(t.ack(id, 2, true, 0));
  CHECK_FALSE(t.ack(id, 9, true, 0));  // not a node it waits for
  auto done = t.ack(id, 3, true, 0);
  REQUIRE(done);
  CHECK(done->second);
  CHECK_FALSE(t.ack(id, 3, true, 0));  // gone
}

TEST_CASE("a refused replica write waits for its retry, an offer refused fails", "[cluster_waits]") {
  WaitTable t;
  uint64_t id = t.add_replica(replica_write({2, 3}));
  CHECK_FALSE(t.ack(id, 2, false, 120));
  CHECK(t.due_retries(100).empty());
  std::vector<RetryDue> due = t.due_retries(120);
  REQUIRE(due.size() == 1);
  CHECK(due[0].refused == std::set<NodeId>{2});
  CHECK(t.due_retries(500).empty());  // not again until resent
  bool complete = true;
  REQUIRE(t.resent(due[0], true, {2}, 7, &complete));
  CHECK_FALSE(complete);
  CHECK_FALSE(t.ack(id, 2, true, 0));
  REQUIRE(t.ack(id, 3, true, 0));

  PendingReply offer = replica_write({4});
  offer.offer = true;
  uint64_t offer_id = t.add_replica(std::move(offer));
  auto refused = t.ack(offer_id, 4, false, 0);
  REQUIRE(refused);
  CHECK_FALSE(refused->second);
}

TEST_CASE("a cluster change releases waits on departed nodes", "[cluster_waits]") {
  WaitTable t;
  uint64_t write = t.add_replica(replica_write({2, 3}));
  uint64_t other = t.add_replica(replica_write({2, 4}));
  t.add_proxy(3, std::make_shared<Completion>(1), 0);
  t.add_proxy(4, std::make_shared<Completion>(1), 0);
  WaitTable::Ended ended = t.release_departed({1, 2, 4});
  REQUIRE(ended.replicas.empty());  // both still wait for node 2
  CHECK(ended.proxies.size() == 1);
  REQUIRE(t.ack(write, 2, true, 0));  // node 3 no longer counted
  CHECK_FALSE(t.ack(other, 2, true, 0));
  ended = t.release_departed({1});
  REQUIRE(ended.replicas.size() == 1);
  CHECK(ended.replicas[0].second);  // nothing left to wait for: the master has it
  CHECK(ended.proxies.size() == 1);
}

TEST_CASE("waits expire by kind", "[cluster_waits]") {
  WaitTable t;
  t.add_replica(replica_write({2}, 100));
  t.add_proxy(2, std::make_shared<Completion>(1), 100);
  auto dupres = std::make_shared<DupResWait>();
  dupres->waiting = {2, 3};
  dupres->ready = std::make_shared<Completion>(1);
  dupres->started_ms = 100;
  uint64_t dupres_id = t.add_dupres(dupres);
  WaitTable::Ended ended = t.expire(1000, 5000, 1000);
  CHECK(ended.replicas.empty());
  CHECK(ended.dupres.empty());
  CHECK_FALSE(t.add_copy(dupres_id, 2, WireRecord{}));
  ended = t.expire(1101, 5000, 1000);
  REQUIRE(ended.dupres.size() == 1);
  CHECK(ended.replicas.empty());
  ended = t.expire(5101, 5000, 1000);
  CHECK(ended.replicas.size() == 1);
  CHECK_FALSE(ended.replicas[0].second);
  CHECK(ended.proxies.size() == 1);
}

TEST_CASE("duplicate resolution completes with every copy, role waits are taken once", "[cluster_waits]") {
  WaitTable t;
  auto wait = std::make_shared<DupResWait>();
  wait->waiting = {2, 3};
  uint64_t id = t.add_dupres(wait);
  CHECK_FALSE(t.add_copy(id, 2, WireRecord{}));
  CHECK_FALSE(t.add_copy(id, 2, WireRecord{}));  // twice from one node counts once
  auto done = t.add_copy(id, 3, WireRecord{});
  REQUIRE(done);
  CHECK(done->copies.size() == 2);

  t.add_role_wait(std::make_shared<Completion>(1));
  t.add_role_wait(std::make_shared<Completion>(1));
  CHECK(t.take_role_waits().size() == 2);
  CHECK(t.take_role_waits().empty());
}

TEST_CASE("take_all empties the table", "[cluster_waits]") {
  WaitTable t;
  t.add_replica(replica_write({2}));
  t.add_proxy(2, std::make_shared<Completion>(1), 0);
  t.add_role_wait(std::make_shared<Completion>(1));
  std::vector<CompletionPtr> roles;
  WaitTable::Ended ended = t.take_all(&roles);
  CHECK(ended.replicas.size() == 1);
  CHECK(ended.proxies.size() == 1);
  CHECK(roles.size() == 1);
  roles.clear();
  CHECK(t.take_all(&roles).replicas.empty());
}
