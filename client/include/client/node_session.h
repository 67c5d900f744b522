#pragma once
// A login's state: its session token, and how to get a new one. The client keeps one per
// node, and every connection it opens to that node passes admit() before it carries a
// command, as the C client's as_node_get_connection does. Callers of one-shot info calls
// (Client::info_host) keep one per server to log in once per session, not per call.

#include <cstdint>
#include <mutex>
#include <string>

#include "client/auth.h"
#include "common/result.h"

namespace client {

class Connection;

class NodeSession {
 public:
  // `user` empty: the client does not log in.
  NodeSession(std::string user, PasswordSource password);
  NodeSession(const NodeSession&) = delete;
  NodeSession& operator=(const NodeSession&) = delete;

  // Authenticates `conn` with the session, logging in on it first when there is no
  // session yet, it is about to expire, or the server no longer accepts it. The
  // server's code (InvalidCredential, InvalidUser, ...) on refusal. Thread-safe.
  common::Status admit(Connection& conn, uint64_t deadline_ms);
  // Logs in on `conn` whatever the session (the server dropped it).
  common::Status relogin(Connection& conn, uint64_t deadline_ms) { return login_on(conn, deadline_ms); }
  // AUTHENTICATE bytes for the current session; empty without a session token.
  std::string admission() const;

 private:
  common::Status login_on(Connection& conn, uint64_t deadline_ms);

  const std::string user_;
  const PasswordSource password_;
  mutable std::mutex mu_;
  bool logged_in_ = false;  // a login succeeded (with or without security on the server)
  Session session_;
};

}  // namespace client
