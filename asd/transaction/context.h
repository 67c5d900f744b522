#pragma once
// What batches and scans need of the node they run on: its namespaces, its cluster
// engine and the batch settings and counters. The node fills it in (node.cpp); the
// layers above reach the node through the contexts derived from this one, never through
// the node itself.

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "conf/config.h"

namespace asd {

class Namespace;
namespace cluster {
class Cluster;
}
class RecordUdfRunner;
class JobRegistry;

struct BatchStats {
  std::atomic<uint64_t> initiate{0};
  std::atomic<uint64_t> complete{0};
  std::atomic<uint64_t> error{0};
};

class TransactionContext {
 public:
  explicit TransactionContext(conf::Config config);
  virtual ~TransactionContext();
  TransactionContext(const TransactionContext&) = delete;
  TransactionContext& operator=(const TransactionContext&) = delete;

  // The live config: the start-up one, or the last one set-config made. Never freed while
  // the node lives, so a reference stays valid even after a later change.
  const conf::Config& config() const { return *live_.load(std::memory_order_acquire); }
  // set-config: `change` edits a copy of the live config and returns "" to accept it (or
  // an error, and nothing changes). Changes are serialised; readers never wait.
  std::string change_config(const std::function<std::string(conf::Config&)>& change);
  Namespace* find_namespace(std::string_view name) const;
  const std::vector<std::unique_ptr<Namespace>>& namespaces() const { return namespaces_; }
  // The cluster engine; null before the node starts it.
  cluster::Cluster* cluster() const { return cluster_.get(); }
  BatchStats& batch_stats() { return batch_stats_; }
  // Runs record UDFs; null until the node builds its Lua runtime.
  RecordUdfRunner* record_udf() const { return record_udf_.get(); }
  // Background scans and queries (query-show lists them).
  JobRegistry& jobs() const { return *jobs_; }

 protected:
  conf::Config config_;  // as loaded at start-up; never changed
  std::atomic<const conf::Config*> live_{&config_};
  std::mutex config_mu_;
  std::vector<std::unique_ptr<const conf::Config>> config_versions_;  // guarded by config_mu_
  std::vector<std::unique_ptr<Namespace>> namespaces_;
  std::unique_ptr<cluster::Cluster> cluster_;
  BatchStats batch_stats_;
  std::unique_ptr<RecordUdfRunner> record_udf_;
  // Declared last: destroyed first, so running jobs stop before what they use goes.
  std::unique_ptr<JobRegistry> jobs_;
};

}  // namespace asd
