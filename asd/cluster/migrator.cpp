#include "cluster/migrator.h"

#include <chrono>

#include "common/clock.h"

namespace asd::cluster {

namespace {

constexpr uint64_t kBusyRetryMs = 100;

}  // namespace

Migrator::Migrator(Send send, std::function<uint64_t()> key_now, Counters counters)
    : send_(std::move(send)), key_now_(std::move(key_now)), counters_(std::move(counters)) {}

Migrator::~Migrator() { stop(); }

void Migrator::set_workers(unsigned n) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    worker_target_ = n;
    // Threads are kept once started: the ones above the target idle.
    for (unsigned i = unsigned(workers_.size()); i < n; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
  }
  cv_.notify_all();
}

void Migrator::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [id, t] : active_) t->cv.notify_all();
  }
  cv_.notify_all();
  std::vector<std::thread> joined;
  {
    std::lock_guard lock(mu_);
    joined.swap(workers_);
  }
  for (auto& w : joined) w.join();
}

bool Migrator::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void Migrator::queue(std::shared_ptr<MigrateTask> t) {
  {
    std::lock_guard lock(mu_);
    t->id = next_id_++;
    tasks_.push_back(std::move(t));
  }
  counters_.remaining(1);
  cv_.notify_one();
}

void Migrator::abandon() {
  std::lock_guard lock(mu_);
  counters_.remaining(-int64_t(tasks_.size()));
  tasks_.clear();
  for (auto& [id, t] : active_) t->cv.notify_all();
}

void Migrator::answer(uint64_t id, NodeId from, bool start_ack, bool granted) {
  std::shared_ptr<MigrateTask> t;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(id);
    if (it == active_.end() || it->second->dest != from) return;
    t = it->second;
  }
  {
    std::lock_guard lock(t->mu);
    if (start_ack) t->start_answer = granted ? 1 : 0;
    else ++t->acks;
  }
  t->cv.notify_all();
}

void Migrator::worker_loop(unsigned index) {
  for (;;) {
    std::shared_ptr<MigrateTask> t;
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return stopping_ || (index < worker_target_ && !tasks_.empty()); };
      cv_.wait_for(lock, std::chrono::milliseconds(kBusyRetryMs), ready);
      if (stopping_) return;
      if (!ready()) continue;
      uint64_t now = common::steady_ms();
      for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
        if ((*it)->not_before_ms <= now) {
          t = *it;
          tasks_.erase(it);
          break;
        }
      }
      if (!t) continue;
      active_[t->id] = t;
    }
    bool finished = t->cluster_key == key_now_() && send_(*t);
    bool requeue = !finished && t->cluster_key == key_now_();
    {
      std::lock_guard lock(mu_);
      active_.erase(t->id);
      if (requeue && !stopping_) {
        // Busy destination (or a silent one that is still a member): try again later.
        t->not_before_ms = common::steady_ms() + kBusyRetryMs;
        t->start_answer = -1;
        t->acks = 0;
        tasks_.push_back(t);
        continue;
      }
    }
    counters_.remaining(-1);
    if (finished) counters_.sent();
  }
}

}  // namespace asd::cluster
