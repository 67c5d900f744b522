#pragma once
// The outgoing side of migration as a schedule: a queue of partitions to send and the
// `migrate-threads` workers that send them, one partition each at a time. What sending
// a partition means is the cluster's (migration.cpp): the migrator calls it on a worker
// and owns only the queue, the workers and the tasks in progress, under its own lock.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace asd::cluster {

using NodeId = uint64_t;

enum class MigrateKind : uint8_t { Merge = 1, Fill = 2 };

// An outgoing partition migration (a worker sends it).
struct MigrateTask {
  uint64_t id = 0;
  uint64_t cluster_key = 0;
  size_t ns_index = 0;
  uint32_t pid = 0;
  NodeId dest = 0;
  MigrateKind kind = MigrateKind::Fill;
  uint64_t version = 0;  // the sender's version (a fill target takes it)
  uint64_t not_before_ms = 0;
  // Answers from the destination (Migrator::answer).
  std::mutex mu;
  std::condition_variable cv;
  uint64_t acks = 0;
  int start_answer = -1;  // -1 none yet, 0 busy, 1 granted
};

class Migrator {
 public:
  // Sends one partition on a worker; false when it did not finish (busy or silent
  // destination, or the cluster moved on).
  using Send = std::function<bool(MigrateTask&)>;
  // Counts tasks not finished yet (stat migrate_tx_remaining) and partitions sent.
  struct Counters {
    std::function<void(int64_t)> remaining;
    std::function<void()> sent;
  };

  Migrator(Send send, std::function<uint64_t()> key_now, Counters counters);
  ~Migrator();
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  // migrate-threads (dynamic): starts threads as needed; those above `n` idle.
  void set_workers(unsigned n);
  void stop();
  bool stopping() const;

  // Queues a partition to send under `t->cluster_key`.
  void queue(std::shared_ptr<MigrateTask> t);
  // A cluster change: the queue is dropped and the tasks in progress are woken (they
  // see the key moved on and give up).
  void abandon();
  // The destination's answer to the task in progress `id` (a start's grant, or a
  // batch's ack); ignored unless `from` is its destination.
  void answer(uint64_t id, NodeId from, bool start_ack, bool granted);

 private:
  void worker_loop(unsigned index);

  Send send_;
  std::function<uint64_t()> key_now_;
  Counters counters_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<MigrateTask>> tasks_;
  std::unordered_map<uint64_t, std::shared_ptr<MigrateTask>> active_;
  uint64_t next_id_ = 1;
  std::vector<std::thread> workers_;
  unsigned worker_target_ = 0;  // workers with a lower index take tasks
  bool stopping_ = false;
};

}  // namespace asd::cluster
