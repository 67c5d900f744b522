// Client: connect, single-record commands, info and truncate. Batch and scan live in
// batch.cpp and scan.cpp.

#include "client/client.h"

#include "client/cluster_info.h"
#include "client/errors.h"
#include "client/node_session.h"
#include "client/request.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

namespace {

// Two tries: a stale pooled socket or a node that just restarted costs one reconnect.
constexpr int kAttempts = 2;

common::Status check_bins(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (auto st = validate_bin_name(name); !st.ok()) return st;
  }
  return {};
}

}  // namespace

common::Error server_error(ResultCode code) {
  return common::Error{code, std::string(common::result_code_name(code))};
}

common::Result<Answer> Client::Impl::execute(const Key& key, const std::string& request,
                                             uint32_t timeout_ms, bool idempotent) {
  const uint64_t deadline = common::steady_ms() + timeout_ms;
  common::Error last = client_error(ResultCode::Timeout, "no attempt before the deadline");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto node = cluster.master(key.ns(), key.partition_id());
    if (!node) return node.error();
    auto conn = (*node)->acquire(deadline);
    if (!conn) {
      last = conn.error();  // nothing was sent: always safe to try again
      continue;
    }
    std::string body;
    auto st = (*conn)->write_all(request, deadline);
    if (st.ok()) st = (*conn)->read_message(body, deadline);
    if (!st.ok()) {
      (*node)->release(std::move(*conn), false);
      last = to_error(st);
      if (!idempotent || st.code() == ResultCode::Timeout) break;
      continue;
    }
    auto answer = parse_answer(body);
    (*node)->release(std::move(*conn), answer.ok());
    return answer;
  }
  return last;
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

common::Result<std::unique_ptr<Client>> Client::connect(ClientConfig config) {
  if (config.seeds.empty()) return client_error(ResultCode::Parameter, "no seed hosts");
  auto impl = std::make_unique<Impl>(std::move(config));
  if (auto st = impl->cluster.start(); !st.ok()) return to_error(st);
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

const ClientConfig& Client::config() const { return impl_->cluster.config(); }

std::vector<std::string> Client::node_names() const {
  std::vector<std::string> names;
  for (const auto& node : impl_->cluster.nodes()) names.push_back(node->name());
  return names;
}

std::string Client::admission(const Host& host) const {
  for (const auto& node : impl_->cluster.nodes()) {
    if (node->host() == host) return node->admission();
  }
  return {};
}

common::Status Client::relogin() {
  const ClientConfig& config = impl_->cluster.config();
  for (const auto& node : impl_->cluster.nodes()) {
    uint64_t deadline = common::steady_ms() + std::max(config.connect_timeout_ms, config.timeout_ms);
    if (auto st = node->relogin(deadline); !st.ok()) return st;
  }
  return {};
}

std::vector<NodeRoute> Client::nodes() const {
  std::vector<NodeRoute> routes;
  for (const auto& node : impl_->cluster.nodes()) routes.push_back(NodeRoute{node->name(), node->host()});
  return routes;
}

common::Result<NodeRoute> Client::route(const std::string& ns, common::PartitionId pid) const {
  auto node = impl_->cluster.master(ns, pid);
  if (!node) return node.error();
  return NodeRoute{(*node)->name(), (*node)->host()};
}

common::Result<Record> Client::get(const Key& key, const std::vector<std::string>& bins,
                                   const ReadPolicy& policy) {
  if (auto st = validate_key(key); !st.ok()) return to_error(st);
  if (auto st = check_bins(bins); !st.ok()) return to_error(st);
  uint32_t timeout = impl_->timeout(policy.timeout_ms);
  auto answer = impl_->execute(key, encode_get(key, bins, policy, timeout), timeout, true);
  if (!answer) return answer.error();
  if (policy.xdr && answer->result() == ResultCode::NotFound && answer->record.lut != 0) {
    // A deleted record whose tombstone asd keeps: its LUT and origin, no bins.
    answer->record.tombstone = true;
    return std::move(answer->record);
  }
  if (answer->result() != ResultCode::Ok) return server_error(answer->result());
  return std::move(answer->record);
}

common::Result<Record> Client::get_header(const Key& key, const ReadPolicy& policy) {
  if (auto st = validate_key(key); !st.ok()) return to_error(st);
  uint32_t timeout = impl_->timeout(policy.timeout_ms);
  auto answer = impl_->execute(key, encode_get_header(key, policy, timeout), timeout, true);
  if (!answer) return answer.error();
  if (answer->result() != ResultCode::Ok) return server_error(answer->result());
  return std::move(answer->record);
}

common::Result<bool> Client::exists(const Key& key, const ReadPolicy& policy) {
  auto header = get_header(key, policy);
  if (header) return true;
  if (header.code() == ResultCode::NotFound) return false;
  return header.error();
}

common::Status Client::put(const Key& key, const std::vector<Bin>& bins, const WritePolicy& policy) {
  if (auto st = validate_key(key); !st.ok()) return st;
  for (const Bin& b : bins) {
    if (auto st = validate_bin_name(b.name); !st.ok()) return st;
  }
  uint32_t timeout = impl_->timeout(policy.timeout_ms);
  auto answer = impl_->execute(key, encode_put(key, bins, policy, timeout), timeout, false);
  if (!answer) return to_status(answer.error());
  if (answer->result() != ResultCode::Ok) return to_status(server_error(answer->result()));
  return {};
}

common::Result<bool> Client::remove(const Key& key, const WritePolicy& policy) {
  if (auto st = validate_key(key); !st.ok()) return to_error(st);
  uint32_t timeout = impl_->timeout(policy.timeout_ms);
  auto answer = impl_->execute(key, encode_remove(key, policy, timeout), timeout, false);
  if (!answer) return answer.error();
  if (answer->result() == ResultCode::NotFound) return false;
  if (answer->result() != ResultCode::Ok) return server_error(answer->result());
  return true;
}

common::Status Client::touch(const Key& key, const WritePolicy& policy) {
  auto answer = operate(key, {Operation::touch()}, policy);
  return answer ? common::Status{} : to_status(answer.error());
}

common::Result<Record> Client::operate(const Key& key, const std::vector<Operation>& ops,
                                       const WritePolicy& policy) {
  if (auto st = validate_key(key); !st.ok()) return to_error(st);
  if (ops.empty()) return client_error(ResultCode::Parameter, "operate without operations");
  bool writes = false;
  for (const Operation& op : ops) {
    if (auto st = validate_bin_name(op.bin); !st.ok()) return to_error(st);
    writes = writes || !op.is_read();
  }
  uint32_t timeout = impl_->timeout(policy.timeout_ms);
  auto answer = impl_->execute(key, encode_operate(key, ops, policy, timeout), timeout, !writes);
  if (!answer) return answer.error();
  if (answer->result() != ResultCode::Ok) return server_error(answer->result());
  return std::move(answer->record);
}

common::Result<Record> Client::apply(const Key& key, const std::string& module, const std::string& function,
                                     const std::string& args_msgpack, const WritePolicy& policy) {
  if (auto st = validate_key(key); !st.ok()) return to_error(st);
  uint32_t timeout = impl_->timeout(policy.timeout_ms);
  auto answer = impl_->execute(key, encode_apply(key, module, function, args_msgpack, policy, timeout), timeout, false);
  if (!answer) return answer.error();
  if (answer->result() == ResultCode::UdfExecution) {
    for (const Bin& b : answer->record.bins) {
      if (b.name != "FAILURE") continue;
      if (auto text = b.value.as_string()) return common::Error{ResultCode::UdfExecution, std::string(*text)};
    }
  }
  if (answer->result() != ResultCode::Ok) return server_error(answer->result());
  return std::move(answer->record);
}

common::Result<std::string> Client::info(const std::string& command, const std::string& node_name) {
  auto node = node_name.empty() ? impl_->cluster.any_node() : impl_->cluster.node(node_name);
  if (!node) {
    return client_error(node_name.empty() ? ResultCode::Unavailable : ResultCode::Parameter,
                        "no node " + node_name);
  }
  auto answer = node->info({command}, common::steady_ms() + impl_->timeout(0));
  if (!answer) return answer.error();
  if (answer->empty()) return client_error(ResultCode::ServerError, "empty info answer");
  return std::move(answer->front().second);
}

common::Result<InfoAnswer> Client::info_host(const Host& host, const std::vector<std::string>& commands,
                                             uint32_t timeout_ms, const TlsContext* tls, const std::string& user,
                                             const std::string& password, Session* session) {
  uint64_t deadline = common::steady_ms() + timeout_ms;
  auto conn = Connection::open(host, timeout_ms, tls);
  if (!conn) return conn.error();
  if (!user.empty()) {
    // LOGIN authenticates the connection it arrives on as well.
    auto hash = hash_password(password);
    if (!hash) return hash.error();
    auto logged_in = login(**conn, user, *hash, deadline);
    if (!logged_in) return logged_in.error();
    if (session) *session = std::move(*logged_in);
  }
  return (*conn)->info(commands, deadline);
}

common::Result<InfoAnswer> Client::info_host(const Host& host, const std::vector<std::string>& commands,
                                             uint32_t timeout_ms, const TlsContext* tls, NodeSession* login) {
  uint64_t deadline = common::steady_ms() + timeout_ms;
  auto conn = Connection::open(host, timeout_ms, tls);
  if (!conn) return conn.error();
  if (login) {
    if (common::Status st = login->admit(**conn, deadline); !st.ok()) return to_error(st);
  }
  return (*conn)->info(commands, deadline);
}

common::Status Client::truncate(const std::string& ns, const std::string& set) {
  auto value = info(truncate_command(ns, set));
  if (!value) return to_status(value.error());
  return parse_info_error(*value);
}

}  // namespace client
