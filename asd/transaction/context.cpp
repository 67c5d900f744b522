#include "transaction/context.h"

#include "cluster/cluster.h"
#include "index/namespace.h"
#include "transaction/jobs.h"
#include "transaction/record_udf.h"

namespace asd {

TransactionContext::TransactionContext(conf::Config config)
    : config_(std::move(config)), jobs_(std::make_unique<JobRegistry>()) {}

TransactionContext::~TransactionContext() { jobs_.reset(); }

Namespace* TransactionContext::find_namespace(std::string_view name) const {
  for (const auto& ns : namespaces_) {
    if (ns->name() == name) return ns.get();
  }
  return nullptr;
}

}  // namespace asd
