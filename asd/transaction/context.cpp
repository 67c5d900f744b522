#include "transaction/context.h"

#include "cluster/cluster.h"
#include "index/namespace.h"
#include "transaction/jobs.h"
#include "transaction/record_udf.h"

namespace asd {

TransactionContext::TransactionContext(conf::Config config)
    : config_(std::move(config)), jobs_(std::make_unique<JobRegistry>()) {}

TransactionContext::~TransactionContext() { jobs_.reset(); }

std::string TransactionContext::change_config(const std::function<std::string(conf::Config&)>& change) {
  std::lock_guard lock(config_mu_);
  auto next = std::make_unique<conf::Config>(config());
  if (std::string error = change(*next); !error.empty()) return error;
  live_.store(next.get(), std::memory_order_release);
  config_versions_.push_back(std::move(next));
  return {};
}

Namespace* TransactionContext::find_namespace(std::string_view name) const {
  for (const auto& ns : namespaces_) {
    if (ns->name() == name) return ns.get();
  }
  return nullptr;
}

}  // namespace asd
