#pragma once
// Client::Impl, shared by client.cpp (single-record commands, info), batch.cpp and
// scan.cpp. Private to the client module.

#include <memory>
#include <string>

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

// A fresh non-zero scan/query task id (field 7; also the job id for query-show).
uint64_t random_task_id();

// A server result code as an error carrying its name.
common::Error server_error(common::ResultCode code);

}  // namespace client
