#pragma once
// Background jobs (wire-protocol §10.5): scans and queries that apply a record UDF or a
// list of write operations to every record they select. The request is answered as
// soon as the job is accepted; the job runs on its own thread, and `query-show` /
// `scan-show` report its progress and counts (§9.8) until it is forgotten.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asd {

struct Job {
  uint64_t trid = 0;
  std::string kind;  // "background-udf" or "background-ops"
  std::string ns;
  std::string set;
  std::string udf;   // module.function for a UDF job
  uint32_t partitions_total = 0;
  uint64_t start_ms = 0;

  std::atomic<uint32_t> partitions_done{0};
  std::atomic<uint64_t> recs_succeeded{0};
  std::atomic<uint64_t> recs_failed{0};
  std::atomic<bool> abort_requested{false};
  std::atomic<bool> finished{false};
  std::atomic<uint64_t> end_ms{0};
  // "ok", "user-aborted" or "shutdown" once finished.
  std::atomic<const char*> reason{"ok"};

  // The job as one `query-show` entry: `trid=..:job-type=..:...:recs-failed=..`.
  std::string describe() const;
};

class JobRegistry {
 public:
  JobRegistry() = default;
  ~JobRegistry() { stop(); }
  // Aborts every running job and waits for their threads (node shutdown: before the
  // cluster and the Lua runtime the jobs use go).
  void stop();
  JobRegistry(const JobRegistry&) = delete;
  JobRegistry& operator=(const JobRegistry&) = delete;

  // Starts `work` on a thread of its own. False when a job with that trid still runs
  // (the client's ids are random; a clash is refused rather than mixed up).
  bool start(std::shared_ptr<Job> job, std::function<void(Job&)> work);
  std::shared_ptr<Job> find(uint64_t trid) const;
  // Running jobs and the last kKeepFinished finished ones, oldest first.
  std::vector<std::shared_ptr<Job>> list() const;
  // False when no running job has that trid.
  bool abort(uint64_t trid);

  static constexpr size_t kKeepFinished = 100;

 private:
  struct Running {
    std::shared_ptr<Job> job;
    std::thread thread;
  };
  void reap_locked();

  mutable std::mutex mu_;
  std::vector<Running> running_;
  std::deque<std::shared_ptr<Job>> finished_;
};

}  // namespace asd
