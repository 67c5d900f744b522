// Client::batch_get: keys grouped by the master of their partition, one "batch any"
// request per node (wire-protocol.md §8), nodes asked in parallel.

#include <thread>
#include <unordered_map>

#include "client/client.h"
#include "client/errors.h"
#include "client/request.h"
#include "client/response.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

namespace {

struct NodeBatch {
  std::shared_ptr<Node> node;
  std::vector<uint32_t> indexes;  // positions in the caller's key list
  common::Status status;
};

// Reads answer protos until LAST. Each node owns distinct rows, so parallel nodes never
// write the same element.
common::Status read_batch_stream(Connection& conn, uint64_t deadline, const BatchBodyParser& parse) {
  std::string body;
  for (;;) {
    if (auto st = conn.read_message(body, deadline); !st.ok()) return st;
    auto last = parse(body);
    if (!last) return to_status(last.error());
    if (*last) return {};
  }
}

common::Status run_node_batch(const NodeBatch& batch, std::span<const Key> keys, const BatchRead& read,
                              const BatchPolicy& policy, uint32_t timeout_ms, const BatchBodyParser& parse) {
  const uint64_t deadline = common::steady_ms() + timeout_ms;
  const std::string request = encode_batch(keys, batch.indexes, read, policy, timeout_ms);
  common::Status last;
  // Reads are idempotent: a failed exchange is simply repeated once, rows overwritten.
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto conn = batch.node->acquire(deadline);
    if (!conn) {
      last = to_status(conn.error());
      continue;
    }
    auto st = (*conn)->write_all(request, deadline);
    if (st.ok()) st = read_batch_stream(**conn, deadline, parse);
    // A batch the server ended with an error code leaves the socket in sync.
    bool in_sync = st.ok() || !is_client_error(st);
    batch.node->release(std::move(*conn), in_sync);
    if (in_sync || st.code() == ResultCode::Timeout) return st;
    last = st;
  }
  return last;
}

}  // namespace

common::Status run_batch(Client::Impl& impl, std::span<const Key> keys, const BatchRead& read,
                         const BatchPolicy& policy, const BatchBodyParser& parse) {
  for (const Key& key : keys) {
    if (auto st = validate_key(key); !st.ok()) return st;
  }
  for (const auto& name : read.bins) {
    if (auto st = validate_bin_name(name); !st.ok()) return st;
  }
  std::vector<NodeBatch> batches;
  std::unordered_map<const Node*, size_t> by_node;
  for (uint32_t i = 0; i < keys.size(); ++i) {
    auto node = impl.cluster.master(keys[i].ns(), keys[i].partition_id());
    if (!node) return to_status(node.error());
    auto [it, fresh] = by_node.try_emplace(node->get(), batches.size());
    if (fresh) batches.push_back(NodeBatch{*node, {}, {}});
    batches[it->second].indexes.push_back(i);
  }

  const uint32_t timeout = impl.timeout(policy.timeout_ms);
  auto run = [&](NodeBatch& b) { b.status = run_node_batch(b, keys, read, policy, timeout, parse); };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < batches.size(); ++i) threads.emplace_back(run, std::ref(batches[i]));
  if (!batches.empty()) run(batches[0]);
  for (auto& t : threads) t.join();

  for (const NodeBatch& b : batches) {
    if (!b.status.ok()) return b.status;
  }
  return {};
}

common::Result<std::vector<BatchRecord>> Client::batch_get(std::span<const Key> keys, const BatchRead& read,
                                                           const BatchPolicy& policy) {
  // Rows the server never answers stay ServerError instead of passing for "not found".
  std::vector<BatchRecord> results(keys.size(), BatchRecord{ResultCode::ServerError, {}});
  auto st = run_batch(*impl_, keys, read, policy,
                      [&](std::string_view body) { return parse_batch_answer(body, results); });
  if (!st.ok()) return to_error(st);
  return results;
}

}  // namespace client
