#pragma once
// Client::Impl, shared by client.cpp (single-record commands, info), batch.cpp and
// scan.cpp. Private to the client module.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "client/response.h"
#include "cluster.h"

namespace client {

struct Client::Impl {
  explicit Impl(ClientConfig config) : cluster(std::move(config)) {}

  uint32_t timeout(uint32_t policy_timeout_ms) const {
    return policy_timeout_ms ? policy_timeout_ms : cluster.config().timeout_ms;
  }

  // Sends one single-record request to the key's master and reads its one answer.
  // Connecting is retried within the deadline; a request already sent is retried once
  // more only when `idempotent` (reads), as the C client's default policies do.
  common::Result<Answer> execute(const Key& key, const std::string& request, uint32_t timeout_ms,
                                 bool idempotent);

  Cluster cluster;
};

// Handles one answer body of a node's batch stream; true once LAST was seen. Called on
// that node's thread, so it may touch only the rows of that node's keys.
using BatchBodyParser = std::function<common::Result<bool>(std::string_view body)>;
// A batch read (batch.cpp): keys validated, grouped by the master of their partition,
// one request per node, nodes asked in parallel. Fails as a whole when a node cannot be
// reached or ends the batch with an error.
common::Status run_batch(Client::Impl& impl, std::span<const Key> keys, const BatchRead& read,
                         const BatchPolicy& policy, const BatchBodyParser& parse);

// Gets each record message of a scan stream (and whether it is a tombstone); false stops.
using MessageSink = std::function<bool(const proto::Message& message, bool tombstone)>;
// A partition scan or query (scan.cpp), with Client::scan's rounds, retries and limits.
common::Status run_scan(Client::Impl& impl, const std::string& ns, const std::string& set,
                        const ScanPolicy& policy, const MessageSink& sink);

// A fresh non-zero scan/query task id (field 7; also the job id for query-show).
uint64_t random_task_id();

// A server result code as an error carrying its name.
common::Error server_error(common::ResultCode code);

}  // namespace client
