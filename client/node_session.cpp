#include "client/node_session.h"

#include "client/connection.h"
#include "client/errors.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

NodeSession::NodeSession(std::string user, PasswordSource password)
    : user_(std::move(user)), password_(std::move(password)) {}

common::Status NodeSession::admit(Connection& conn, uint64_t deadline_ms) {
  if (user_.empty()) return {};
  Session session;
  bool valid;
  {
    std::lock_guard lock(mu_);
    valid = logged_in_ && (session_.expires_ms == 0 || common::steady_ms() < session_.expires_ms);
    if (valid) session = session_;
  }
  if (!valid) return login_on(conn, deadline_ms);
  if (session.token.empty()) return {};  // the server does not enable security
  common::Status st = authenticate(conn, user_, session, deadline_ms);
  // A session the server no longer takes (expired; signed for a password since changed:
  // InvalidCredential) is replaced by a new login; any other refusal is the answer.
  if (st.code() != ResultCode::ExpiredSession && st.code() != ResultCode::NotAuthenticated &&
      st.code() != ResultCode::InvalidCredential) {
    return st;
  }
  return login_on(conn, deadline_ms);
}

std::string NodeSession::admission() const {
  std::lock_guard lock(mu_);
  if (!logged_in_) return {};
  return authenticate_request(user_, session_);
}

common::Status NodeSession::login_on(Connection& conn, uint64_t deadline_ms) {
  auto password = password_ ? password_() : common::Result<std::string>(std::string());
  if (!password) return to_status(password.error());
  auto hash = hash_password(*password);
  if (!hash) return to_status(hash.error());
  auto session = login(conn, user_, *hash, deadline_ms);
  if (!session) return to_status(session.error());
  std::lock_guard lock(mu_);
  session_ = std::move(*session);
  logged_in_ = true;
  return {};
}

}  // namespace client
