#include "node.h"

#include <algorithm>
#include <chrono>

#include "client/errors.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

Node::Node(NodeIdentity identity, Host host, const ClientConfig& config, std::shared_ptr<const TlsContext> tls,
           std::unique_ptr<NodeSession> session)
    : identity_(std::move(identity)),
      host_(std::move(host)),
      connect_timeout_ms_(config.connect_timeout_ms),
      timeout_ms_(config.timeout_ms),
      max_conns_(std::max<size_t>(1, config.max_conns_per_node)),
      tls_(std::move(tls)),
      session_(std::move(session)) {}

Node::~Node() = default;

common::Result<std::unique_ptr<Connection>> Node::acquire(uint64_t deadline_ms) {
  std::unique_lock lock(mu_);
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      // A pooled socket the server closed (idle reaping, restart) would fail the command
      // after it was sent; checking first makes that case a cheap reconnect instead.
      if (conn->is_reusable()) return conn;
      --open_;
    }
    if (open_ < max_conns_) break;
    auto deadline = std::chrono::steady_clock::time_point(std::chrono::milliseconds(deadline_ms));
    if (released_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= max_conns_) {
      return client_error(ResultCode::Timeout, "no free connection to " + host_.to_string());
    }
  }
  ++open_;
  lock.unlock();
  uint64_t now = common::steady_ms();
  uint32_t budget = deadline_ms > now ? uint32_t(std::min<uint64_t>(deadline_ms - now, connect_timeout_ms_)) : 0;
  auto conn = budget > 0 ? open(budget, deadline_ms)
                         : common::Result<std::unique_ptr<Connection>>(
                               client_error(ResultCode::Timeout, "timeout connecting to " + host_.to_string()));
  if (!conn) {
    lock.lock();
    --open_;
    released_.notify_one();
  }
  return conn;
}

common::Result<std::unique_ptr<Connection>> Node::open(uint32_t timeout_ms, uint64_t deadline_ms) {
  auto conn = Connection::open(host_, timeout_ms, tls_.get());
  if (!conn) return conn;
  if (auto st = session_->admit(**conn, deadline_ms); !st.ok()) return to_error(st);
  return conn;
}

common::Status Node::relogin(uint64_t deadline_ms) {
  uint64_t now = common::steady_ms();
  if (deadline_ms <= now) return to_status(client_error(ResultCode::Timeout, "timeout connecting to " + host_.to_string()));
  auto conn = Connection::open(host_, uint32_t(std::min<uint64_t>(deadline_ms - now, connect_timeout_ms_)), tls_.get());
  if (!conn) return to_status(conn.error());
  if (auto st = session_->relogin(**conn, deadline_ms); !st.ok()) return st;
  std::lock_guard lock(mu_);
  // Pooled connections admitted under the old session are stale: the new one replaces them.
  open_ -= idle_.size();
  idle_.clear();
  idle_.push_back(std::move(*conn));
  ++open_;
  released_.notify_one();
  return {};
}

void Node::release(std::unique_ptr<Connection> conn, bool healthy) {
  std::lock_guard lock(mu_);
  if (healthy) {
    idle_.push_back(std::move(conn));
  } else {
    conn.reset();
    --open_;
  }
  released_.notify_one();
}

common::Result<InfoAnswer> Node::info(const std::vector<std::string>& commands, uint64_t deadline_ms) {
  auto conn = acquire(deadline_ms);
  if (!conn) return conn.error();
  auto answer = (*conn)->info(commands, deadline_ms);
  release(std::move(*conn), answer.ok());
  return answer;
}

common::Result<InfoAnswer> Node::tend_info(const std::vector<std::string>& commands) {
  if (!tend_conn_) {
    auto conn = open(connect_timeout_ms_, common::steady_ms() + std::max(connect_timeout_ms_, timeout_ms_));
    if (!conn) return conn.error();
    tend_conn_ = std::move(*conn);
  }
  // The C client bounds tend info by the connect timeout as well.
  auto answer = tend_conn_->info(commands, common::steady_ms() + std::max(connect_timeout_ms_, timeout_ms_));
  if (!answer) tend_conn_.reset();
  return answer;
}

}  // namespace client
