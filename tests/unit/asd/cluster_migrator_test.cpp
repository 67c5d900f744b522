// The migrator: workers send queued partitions, a busy destination's task is retried,
// a cluster change abandons the queue, and answers reach the task in progress.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "cluster/migrator.h"

using namespace asd::cluster;

namespace {

template <typename Pred>
bool eventually(Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

std::shared_ptr<MigrateTask> task(uint64_t key, NodeId dest) {
  auto t = std::make_shared<MigrateTask>();
  t->cluster_key = key;
  t->dest = dest;
  return t;
}

struct Counts {
  std::atomic<int64_t> remaining{0};
  std::atomic<int> sent{0};
  Migrator::Counters counters() {
    return {[this](int64_t n) { remaining += n; }, [this] { ++sent; }};
  }
};

}  // namespace

TEST_CASE("workers send every queued partition; a refused one is tried again", "[cluster_migrator]") {
  Counts counts;
  std::atomic<int> calls{0};
  Migrator m([&](MigrateTask&) { return ++calls != 1; }, [] { return uint64_t(7); }, counts.counters());
  m.set_workers(2);
  m.queue(task(7, 2));
  m.queue(task(7, 3));
  REQUIRE(eventually([&] { return counts.sent == 2; }));
  CHECK(calls == 3);  // the first attempt failed and was retried
  CHECK(counts.remaining == 0);
  m.stop();
}

TEST_CASE("a task of an earlier cluster is dropped, abandon empties the queue", "[cluster_migrator]") {
  Counts counts;
  std::atomic<uint64_t> key{7};
  std::atomic<int> calls{0};
  Migrator m([&](MigrateTask&) { return ++calls, true; }, [&] { return key.load(); }, counts.counters());
  m.queue(task(6, 2));  // no workers yet: stays queued
  m.queue(task(7, 2));
  CHECK(counts.remaining == 2);
  m.abandon();
  CHECK(counts.remaining == 0);
  m.queue(task(6, 2));
  m.set_workers(1);
  REQUIRE(eventually([&] { return counts.remaining == 0; }));
  CHECK(calls == 0);
  CHECK(counts.sent == 0);
}

TEST_CASE("answers reach the task in progress from its destination only", "[cluster_migrator]") {
  Counts counts;
  std::atomic<uint64_t> id{0};
  Migrator* self = nullptr;
  Migrator m(
      [&](MigrateTask& t) {
        id = t.id;
        std::unique_lock lock(t.mu);
        t.cv.wait_for(lock, std::chrono::seconds(5), [&] { return t.start_answer != -1 || self->stopping(); });
        return t.start_answer == 1;
      },
      [] { return uint64_t(1); }, counts.counters());
  self = &m;
  m.set_workers(1);
  m.queue(task(1, 5));
  REQUIRE(eventually([&] { return id != 0; }));
  m.answer(id, 4, true, true);  // not its destination
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(counts.sent == 0);
  m.answer(id, 5, true, true);
  REQUIRE(eventually([&] { return counts.sent == 1; }));
  m.stop();
}
