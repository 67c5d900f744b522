// Client::scan: a partition scan (wire-protocol.md §9), or with an index filter a query
// (resumed after the last index key and digest seen). Each round asks every node for the
// pending partitions it masters; partitions a node reports unavailable, or whose node
// failed mid-stream, are asked again next round, resuming after the last digest seen.

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <unordered_map>

#include "answer_walk.h"
#include "client/client.h"
#include "client/errors.h"
#include "client/request.h"
#include "client/response.h"
#include "client_impl.h"
#include "common/clock.h"
#include "common/log.h"

namespace client {

using common::ResultCode;

namespace {

// A partition can stay unavailable on the node the map names while a migration fills it
// (seconds on a loaded machine): rounds go on for about 10 s before the scan gives up.
constexpr int kMaxRounds = 100;
constexpr auto kRetryPause = std::chrono::milliseconds(100);

struct PartitionState {
  bool wanted = false;
  bool done = false;
  bool has_digest = false;
  bool unavailable = false;  // reported by the node in the current round
  common::Digest last;
  int64_t last_bval = 0;  // a query: the index key `last` came by
};

struct ScanState {
  std::vector<PartitionState> parts = std::vector<PartitionState>(common::kPartitions);
  uint64_t delivered = 0;
  uint64_t max_records = 0;
  bool stopped = false;
};

// Streams one node's answer into the callback. Ok when LAST arrived or the scan stopped.
common::Status read_scan_stream(Connection& conn, const ScanPolicy& policy, uint64_t total_deadline,
                                const MessageSink& sink, ScanState& state) {
  auto on_record = [&](const proto::Message& msg, bool tombstone) {
    const common::Digest digest = message_digest(msg);
    PartitionState& part = state.parts[common::partition_id(digest).value];
    part.last = digest;
    part.last_bval = message_bval(msg);
    part.has_digest = true;
    ++state.delivered;
    bool go_on = sink(msg, tombstone);
    if (state.max_records && state.delivered >= state.max_records) return false;
    return go_on;
  };
  auto on_partition_done = [&](uint32_t pid, ResultCode) {
    if (pid < common::kPartitions) state.parts[pid].unavailable = true;
  };
  std::string body;
  for (;;) {
    uint64_t deadline = std::min(common::steady_ms() + policy.socket_timeout_ms, total_deadline);
    if (auto st = conn.read_message(body, deadline); !st.ok()) return st;
    auto result = walk_scan_answer(body, on_record, on_partition_done);
    if (!result) return to_status(result.error());
    if (*result == StreamState::Stopped) state.stopped = true;
    if (*result != StreamState::More) return {};
  }
}

// One node's share of one round. Marks its partitions done when the stream ended well.
common::Status scan_node(Node& node, ScanRequest request, const ScanPolicy& policy, uint64_t total_deadline,
                         const MessageSink& sink, ScanState& state) {
  const std::vector<uint16_t> asked = [&] {
    std::vector<uint16_t> pids = request.partitions;
    for (const auto& d : request.resume_after) pids.push_back(common::partition_id(d).value);
    return pids;
  }();
  auto conn = node.acquire(std::min(common::steady_ms() + policy.socket_timeout_ms, total_deadline));
  if (!conn) return to_status(conn.error());
  auto st = (*conn)->write_all(encode_scan(request, policy), total_deadline);
  if (st.ok()) st = read_scan_stream(**conn, policy, total_deadline, sink, state);
  // After an early stop the rest of the stream is unread, so that socket cannot be reused.
  node.release(std::move(*conn), st.ok() && !state.stopped);
  if (!st.ok() || state.stopped) return st;
  for (uint16_t pid : asked) {
    PartitionState& part = state.parts[pid];
    part.done = !part.unavailable;
    part.unavailable = false;
  }
  return {};
}

}  // namespace

uint64_t random_task_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t id;
  do id = rng(); while (id == 0);
  return id;
}

common::Status Client::scan(const std::string& ns, const std::string& set, const ScanCallback& callback,
                            const ScanPolicy& policy) {
  return run_scan(*impl_, ns, set, policy, [&](const proto::Message& msg, bool tombstone) {
    Record rec = to_record(msg);
    rec.tombstone = tombstone;
    return callback(rec);
  });
}

common::Status run_scan(Client::Impl& impl, const std::string& ns, const std::string& set, const ScanPolicy& policy,
                        const MessageSink& sink) {
  ScanState state;
  state.max_records = policy.max_records;
  if (policy.partitions.empty()) {
    for (auto& p : state.parts) p.wanted = true;
  } else {
    for (uint16_t pid : policy.partitions) state.parts[pid & (common::kPartitions - 1)].wanted = true;
  }
  for (const auto& name : policy.bins) {
    if (auto st = validate_bin_name(name); !st.ok()) return st;
  }
  const uint64_t total_deadline =
      policy.total_timeout_ms ? common::steady_ms() + policy.total_timeout_ms : ~uint64_t(0) / 2;

  common::Status last_error;
  auto pending = [&] {
    return std::any_of(state.parts.begin(), state.parts.end(), [](const PartitionState& p) { return p.wanted && !p.done; });
  };
  for (int round = 0; round < kMaxRounds; ++round) {
    // A round that finished everything needs no pause before finding nothing left.
    if (!pending()) return {};
    if (round > 0) std::this_thread::sleep_for(kRetryPause);  // let the tend thread catch up
    auto masters = impl.cluster.masters(ns);
    if (!masters) return to_status(masters.error());
    // Group pending partitions by node, in first-seen order.
    std::vector<std::pair<std::shared_ptr<Node>, ScanRequest>> work;
    std::unordered_map<const Node*, size_t> by_node;
    for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
      const PartitionState& part = state.parts[pid];
      if (!part.wanted || part.done) continue;
      std::shared_ptr<Node> node = (*masters)[pid] ? (*masters)[pid] : impl.cluster.any_node();
      if (!node) return to_status(client_error(ResultCode::Unavailable, "no node for partition scan"));
      auto [it, fresh] = by_node.try_emplace(node.get(), work.size());
      if (fresh) work.push_back({node, ScanRequest{ns, set, {}, {}, random_task_id(), 0, {}}});
      ScanRequest& req = work[it->second].second;
      if (part.has_digest) {
        req.resume_after.push_back(part.last);
        req.resume_bvals.push_back(part.last_bval);
      } else {
        req.partitions.push_back(uint16_t(pid));
      }
    }
    if (work.empty()) return {};
    for (auto& [node, request] : work) {
      if (state.max_records) request.max_records = state.max_records - state.delivered;
      auto st = scan_node(*node, std::move(request), policy, total_deadline, sink, state);
      if (state.stopped) return {};
      if (st.ok()) continue;
      if (!is_client_error(st)) return st;  // the server refused the scan: fatal
      if (st.code() == ResultCode::Timeout && common::steady_ms() >= total_deadline) return st;
      common::logger("client")->debug("scan node failed node={} err={}", node->name(), st.message());
      last_error = st;
    }
  }
  if (!last_error.ok()) return last_error;
  return to_status(client_error(ResultCode::Unavailable, "partitions still unavailable after retries"));
}

}  // namespace client
