#pragma once
// One server node as the client sees it: identity, a pool of data connections, and the
// state the tend pass keeps about it (private to the client module).

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/cluster_info.h"
#include "client/connection.h"
#include "client/node_session.h"

namespace client {

class Node {
 public:
  // `tls`: the client's context when TLS is on (every connection then uses it);
  // `session`: the login state validation started (its connection already admitted).
  Node(NodeIdentity identity, Host host, const ClientConfig& config, std::shared_ptr<const TlsContext> tls,
       std::unique_ptr<NodeSession> session);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return identity_.name; }
  const std::string& build() const { return identity_.build; }
  const Host& host() const { return host_; }

  // Borrows an idle connection (dropping ones the peer closed) or opens a new one; while
  // max_conns_per_node are out, waits for a release until the deadline (then Timeout).
  // Thread-safe.
  common::Result<std::unique_ptr<Connection>> acquire(uint64_t deadline_ms);
  // Gives a connection back; `healthy` false (any error, unread answer bytes) closes it.
  void release(std::unique_ptr<Connection> conn, bool healthy);
  // One info exchange on a pooled connection. Thread-safe.
  common::Result<InfoAnswer> info(const std::vector<std::string>& commands, uint64_t deadline_ms);

  // Opens a connection and admits it (login or session token). Thread-safe.
  common::Result<std::unique_ptr<Connection>> open(uint32_t timeout_ms, uint64_t deadline_ms);

  // The AUTHENTICATE bytes that admit a connection of the caller's own (client.h admission()).
  std::string admission() const { return session_->admission(); }
  // A fresh connection, logged in again whatever the session; kept in the pool.
  common::Status relogin(uint64_t deadline_ms);

  // Info over the node's own tend connection, reopened on demand. Tend pass only.
  common::Result<InfoAnswer> tend_info(const std::vector<std::string>& commands);
  // The connection that validated the node becomes its tend connection (as in the C client).
  void adopt_tend_connection(std::unique_ptr<Connection> conn) { tend_conn_ = std::move(conn); }

  // What the tend pass knows; touched only under the cluster's tend mutex.
  struct TendState {
    static constexpr uint64_t kUnknown = ~uint64_t(0);
    uint64_t peers_generation = kUnknown;
    int64_t partition_generation = -1;
    int failures = 0;  // consecutive failed refreshes
    std::vector<std::string> peer_names;
    std::vector<NamespaceReplicas> replicas;
    uint64_t replicas_seq = 0;  // when `replicas` was read; later readings win conflicts
  };
  TendState tend;

 private:
  NodeIdentity identity_;
  Host host_;
  uint32_t connect_timeout_ms_;
  uint32_t timeout_ms_;
  size_t max_conns_;
  std::shared_ptr<const TlsContext> tls_;

  std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_ = 0;  // idle + borrowed

  std::unique_ptr<Connection> tend_conn_;
  std::unique_ptr<NodeSession> session_;
};

}  // namespace client
