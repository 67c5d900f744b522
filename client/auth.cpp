#include "client/auth.h"

#include <crypt.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>
#include <mutex>

#include "admin_wire.h"
#include "client/connection.h"
#include "client/errors.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;
using proto::AdminCommand;
using proto::AdminField;

namespace {

// The salt every Aerospike client hashes passwords with (as_password.c), so that the
// same password gives the same credential whichever client sends it.
constexpr const char* kClientSalt = "$2a$10$7EqJtq98hPqEX7fNZaFWoO";

// The client treats a session as over this long before the server does (as the C client).
constexpr uint64_t kTtlMarginS = 60;

}  // namespace

common::Result<std::string> hash_password(std::string_view password) {
  // bcrypt costs a good tenth of a second of CPU, and a process logs in to every node
  // (asadm to all of them at once) with the same password: the last hash is kept, keyed
  // by the password's SHA-256 so that the clear text is not. Hashing under the lock makes
  // concurrent first logins wait for one hash instead of each computing it.
  static std::mutex mu;
  static std::array<unsigned char, SHA256_DIGEST_LENGTH> last_key{};
  static std::string last_hash;
  std::array<unsigned char, SHA256_DIGEST_LENGTH> key{};
  SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), key.data());
  std::lock_guard lock(mu);
  if (!last_hash.empty() && key == last_key) return last_hash;
  crypt_data data;
  std::memset(&data, 0, sizeof data);
  std::string clear(password);
  const char* hash = ::crypt_r(clear.c_str(), kClientSalt, &data);
  if (hash == nullptr || hash[0] == '*') {
    return client_error(ResultCode::Parameter, "cannot hash the password (bcrypt unavailable)");
  }
  last_key = key;
  last_hash = hash;
  return last_hash;
}

common::Result<Session> login(Connection& conn, std::string_view user, std::string_view password_hash,
                              uint64_t deadline_ms) {
  auto body = admin::exchange(
      conn, admin::request(AdminCommand::Login, {{AdminField::User, user}, {AdminField::Credential, password_hash}}),
      deadline_ms);
  if (!body) return body.error();
  common::Result<proto::AdminLoginAnswer> answer = proto::parse_login_answer(*body);
  if (!answer) {
    return client_error(ResultCode::ServerError,
                        "bad login answer from " + conn.host().to_string() + ": " + answer.error().message);
  }
  if (answer->result == ResultCode::SecurityNotEnabled) return Session{};
  if (answer->result != ResultCode::Ok) return admin::refusal(answer->result, conn.host().to_string());
  if (answer->token.empty()) return client_error(ResultCode::ServerError, "login answer without a session token");
  Session session;
  session.token.assign(answer->token);
  if (answer->ttl_s > kTtlMarginS) session.expires_ms = common::steady_ms() + (answer->ttl_s - kTtlMarginS) * 1000;
  return session;
}

std::string authenticate_request(std::string_view user, const Session& session) {
  if (session.token.empty()) return {};
  return admin::request(AdminCommand::Authenticate,
                        {{AdminField::User, user}, {AdminField::SessionToken, session.token}});
}

common::Status authenticate(Connection& conn, std::string_view user, const Session& session, uint64_t deadline_ms) {
  if (session.token.empty()) return {};
  auto body = admin::exchange(conn, authenticate_request(user, session), deadline_ms);
  if (!body) return to_status(body.error());
  common::Result<proto::AdminMessage> answer = admin::parse_answer(conn, *body);
  if (!answer) return to_status(answer.error());
  if (answer->result == ResultCode::Ok || answer->result == ResultCode::SecurityNotEnabled) return {};
  return to_status(admin::refusal(answer->result, conn.host().to_string()));
}

}  // namespace client
