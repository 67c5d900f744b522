#include "service/node_context.h"

#include "common/clock.h"
#include "security/access_control.h"
#include "smd/metadata_store.h"
#include "udf/udf_modules.h"
#include "xdr_pipe/pipe_writer.h"

namespace asd {

NodeContext::NodeContext(conf::Config config) : TransactionContext(std::move(config)) {}

NodeContext::~NodeContext() = default;

uint64_t NodeContext::uptime_sec() const { return (common::steady_ms() - start_ms_) / 1000; }

}  // namespace asd
