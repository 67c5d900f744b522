#include "transaction/jobs.h"

#include <algorithm>
#include <cstdio>

#include "common/clock.h"

namespace asd {

std::string Job::describe() const {
  bool done = finished.load(std::memory_order_acquire);
  uint32_t total = std::max<uint32_t>(partitions_total, 1);
  double progress = done ? 100.0 : 100.0 * partitions_done.load(std::memory_order_relaxed) / total;
  uint64_t now = common::now_unix_ms();
  uint64_t end = end_ms.load(std::memory_order_relaxed);
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.2f", progress);
  std::string out = "trid=" + std::to_string(trid) + ":job-type=" + kind + ":ns=" + ns + ":set=" + set;
  if (!udf.empty()) out += ":udf=" + udf;
  out += ":status=";
  out += done ? std::string("done(") + reason.load() + ")" : std::string("active(ok)");
  out += ":job-progress=" + std::string(pct);
  out += ":run-time=" + std::to_string((done ? end : now) - start_ms);
  out += ":time-since-done=" + std::to_string(done ? now - end : 0);
  out += ":recs-succeeded=" + std::to_string(recs_succeeded.load(std::memory_order_relaxed));
  out += ":recs-failed=" + std::to_string(recs_failed.load(std::memory_order_relaxed));
  return out;
}

void JobRegistry::stop() {
  std::vector<Running> running;
  {
    std::lock_guard lock(mu_);
    running.swap(running_);
  }
  for (Running& r : running) {
    r.job->reason.store("shutdown");
    r.job->abort_requested.store(true);
  }
  for (Running& r : running) {
    if (r.thread.joinable()) r.thread.join();
  }
}

void JobRegistry::reap_locked() {
  for (auto it = running_.begin(); it != running_.end();) {
    if (!it->job->finished.load(std::memory_order_acquire)) {
      ++it;
      continue;
    }
    it->thread.join();
    finished_.push_back(it->job);
    if (finished_.size() > kKeepFinished) finished_.pop_front();
    it = running_.erase(it);
  }
}

bool JobRegistry::start(std::shared_ptr<Job> job, std::function<void(Job&)> work) {
  std::lock_guard lock(mu_);
  reap_locked();
  for (const Running& r : running_) {
    if (r.job->trid == job->trid) return false;
  }
  job->start_ms = common::now_unix_ms();
  Running r;
  r.job = job;
  r.thread = std::thread([job, work = std::move(work)] {
    work(*job);
    job->end_ms.store(common::now_unix_ms(), std::memory_order_relaxed);
    job->finished.store(true, std::memory_order_release);
  });
  running_.push_back(std::move(r));
  return true;
}

std::shared_ptr<Job> JobRegistry::find(uint64_t trid) const {
  std::lock_guard lock(mu_);
  for (const Running& r : running_) {
    if (r.job->trid == trid) return r.job;
  }
  for (auto it = finished_.rbegin(); it != finished_.rend(); ++it) {
    if ((*it)->trid == trid) return *it;
  }
  return nullptr;
}

std::vector<std::shared_ptr<Job>> JobRegistry::list() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Job>> out(finished_.begin(), finished_.end());
  for (const Running& r : running_) out.push_back(r.job);
  return out;
}

bool JobRegistry::abort(uint64_t trid) {
  std::lock_guard lock(mu_);
  for (const Running& r : running_) {
    if (r.job->trid != trid || r.job->finished.load()) continue;
    r.job->reason.store("user-aborted");
    r.job->abort_requested.store(true);
    return true;
  }
  return false;
}

}  // namespace asd
