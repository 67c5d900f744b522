// Client::aggregate: an aggregation query (wire-protocol.md §10.4). Unlike a scan it
// goes to every node whole, with no partition list: each node runs the stream over the
// records it masters and streams one SUCCESS bin per output value, then LAST. Nothing
// can be resumed, so a node that fails mid-stream fails the whole call.

#include <algorithm>

#include "client/client.h"
#include "client/errors.h"
#include "client/request.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

namespace {

const proto::Op* find_bin(const proto::Message& msg, std::string_view name) {
  for (const proto::Op& op : msg.ops) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

enum class Step { More, Done, Stopped };

// One proto body of a node's answer. A non-zero code ends the call: with LAST it is the
// job's failure (FAILURE text when the server sent one), without it a refusal before
// the job started (unknown index, namespace, ...).
common::Result<Step> read_values(std::string_view body, const AggregateCallback& callback) {
  proto::Message msg;
  size_t pos = 0;
  while (pos < body.size()) {
    auto used = proto::parse_message(body.substr(pos), &msg);
    if (!used) return client_error(ResultCode::ServerError, "malformed answer: " + used.error().message);
    pos += *used;
    ResultCode code = ResultCode(msg.header.result_code);
    if (code != ResultCode::Ok) {
      if (const proto::Op* failure = find_bin(msg, "FAILURE")) {
        return common::Error{code, std::string(failure->value)};
      }
      return server_error(code);
    }
    if (msg.header.info3 & proto::info3::kLast) return Step::Done;
    const proto::Op* success = find_bin(msg, "SUCCESS");
    if (!success) continue;
    if (!callback(Value::raw(success->particle, std::string(success->value)))) return Step::Stopped;
  }
  return Step::More;
}

common::Status aggregate_node(Node& node, const std::string& request, const ScanPolicy& policy,
                              uint64_t total_deadline, const AggregateCallback& callback, bool* stopped) {
  auto conn = node.acquire(std::min(common::steady_ms() + policy.socket_timeout_ms, total_deadline));
  if (!conn) return to_status(conn.error());
  auto st = (*conn)->write_all(request, total_deadline);
  std::string body;
  Step step = Step::More;
  while (st.ok() && step == Step::More) {
    uint64_t deadline = std::min(common::steady_ms() + policy.socket_timeout_ms, total_deadline);
    st = (*conn)->read_message(body, deadline);
    if (!st.ok()) break;
    auto result = read_values(body, callback);
    if (!result) st = to_status(result.error());
    else step = *result;
  }
  // Only a stream read to its LAST message leaves the socket reusable.
  node.release(std::move(*conn), st.ok() && step == Step::Done);
  *stopped = step == Step::Stopped;
  return st;
}

}  // namespace

common::Status Client::aggregate(const std::string& ns, const std::string& set, const std::string& module,
                                 const std::string& function, const std::string& args_msgpack,
                                 const AggregateCallback& callback, const ScanPolicy& policy) {
  if (module.empty() || function.empty()) {
    return to_status(client_error(ResultCode::Parameter, "aggregation needs a module and a function"));
  }
  if (policy.filter) {
    if (auto st = validate_bin_name(policy.filter->bin); !st.ok()) return st;
  }
  // Asking for the map checks that some node serves the namespace, as a scan does.
  if (auto masters = impl_->cluster.masters(ns); !masters) return to_status(masters.error());
  const auto nodes = impl_->cluster.nodes();
  if (nodes.empty()) return to_status(client_error(ResultCode::Unavailable, "no node for aggregation"));
  const uint64_t total_deadline =
      policy.total_timeout_ms ? common::steady_ms() + policy.total_timeout_ms : ~uint64_t(0) / 2;

  ScanRequest request{ns, set, {}, {}, random_task_id(), 0, {}, module, function, args_msgpack};
  ScanPolicy wire = policy;
  wire.bins.clear();
  wire.no_bins = false;
  wire.partitions.clear();
  wire.records_per_second = 0;
  wire.xdr = false;
  wire.since_lut.reset();
  const std::string encoded = encode_scan(request, wire);
  for (const auto& node : nodes) {
    bool stopped = false;
    auto st = aggregate_node(*node, encoded, policy, total_deadline, callback, &stopped);
    if (!st.ok() || stopped) return st;
  }
  return {};
}

}  // namespace client
