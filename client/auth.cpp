#include "client/auth.h"

#include <crypt.h>

#include <cstring>

#include "client/connection.h"
#include "client/errors.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "proto/frame.h"

namespace client {

using common::ResultCode;

namespace {

// The salt every Aerospike client hashes passwords with (as_password.c), so that the
// same password gives the same credential whichever client sends it.
constexpr const char* kClientSalt = "$2a$10$7EqJtq98hPqEX7fNZaFWoO";

constexpr uint8_t kAuthenticate = 0;
constexpr uint8_t kLogin = 20;
constexpr uint8_t kFieldUser = 0;
constexpr uint8_t kFieldCredential = 3;
constexpr uint8_t kFieldSessionToken = 5;
constexpr uint8_t kFieldSessionTtl = 6;
constexpr size_t kAdminHeader = 16;  // after the proto header: result at 1, command 2, fields 3
// The client treats a session as over this long before the server does (as the C client).
constexpr uint64_t kTtlMarginS = 60;

void append_field(std::string& out, uint8_t id, std::string_view data) {
  common::append_be32(out, uint32_t(data.size() + 1));
  out.push_back(char(id));
  out.append(data);
}

std::string admin_request(uint8_t command, std::string_view user, uint8_t second_id, std::string_view second) {
  std::string out;
  size_t at = proto::begin_proto(out, proto::ProtoType::Admin);
  std::string header(kAdminHeader, '\0');
  header[2] = char(command);
  header[3] = 2;
  out += header;
  append_field(out, kFieldUser, user);
  append_field(out, second_id, second);
  proto::end_proto(out, at);
  return out;
}

// Sends `request` and reads the admin answer's body (admin header and fields).
common::Result<std::string> exchange(Connection& conn, const std::string& request, uint64_t deadline_ms) {
  if (auto st = conn.write_all(request, deadline_ms); !st.ok()) return to_error(st);
  proto::ProtoHeader header;
  std::string body;
  if (auto st = conn.read_proto(&header, body, deadline_ms); !st.ok()) return to_error(st);
  if (header.type != uint8_t(proto::ProtoType::Admin) || body.size() < kAdminHeader) {
    return client_error(ResultCode::ServerError, "bad admin answer from " + conn.host().to_string());
  }
  return body;
}

common::Error refused(ResultCode code, const Connection& conn) {
  return common::Error{code, std::string(common::result_code_name(code)) + " from " + conn.host().to_string()};
}

}  // namespace

common::Result<std::string> hash_password(std::string_view password) {
  crypt_data data;
  std::memset(&data, 0, sizeof data);
  std::string clear(password);
  const char* hash = ::crypt_r(clear.c_str(), kClientSalt, &data);
  if (hash == nullptr || hash[0] == '*') {
    return client_error(ResultCode::Parameter, "cannot hash the password (bcrypt unavailable)");
  }
  return std::string(hash);
}

common::Result<Session> login(Connection& conn, std::string_view user, std::string_view password_hash,
                              uint64_t deadline_ms) {
  auto body = exchange(conn, admin_request(kLogin, user, kFieldCredential, password_hash), deadline_ms);
  if (!body) return body.error();
  auto code = ResultCode(uint8_t((*body)[1]));
  if (code == ResultCode::SecurityNotEnabled) return Session{};
  if (code != ResultCode::Ok) return refused(code, conn);
  Session session;
  uint64_t ttl_s = 0;
  size_t fields = uint8_t((*body)[3]);
  size_t pos = kAdminHeader;
  const auto* p = reinterpret_cast<const uint8_t*>(body->data());
  for (size_t i = 0; i < fields; ++i) {
    if (body->size() - pos < 5) return client_error(ResultCode::ServerError, "truncated login answer");
    uint32_t len = common::load_be32(p + pos);
    uint8_t id = p[pos + 4];
    if (len == 0 || body->size() - pos - 4 < len) {
      return client_error(ResultCode::ServerError, "truncated login answer");
    }
    std::string_view data(body->data() + pos + 5, len - 1);
    if (id == kFieldSessionToken) session.token.assign(data);
    if (id == kFieldSessionTtl && data.size() == 4) ttl_s = common::load_be32(p + pos + 5);
    pos += 4 + len;
  }
  if (session.token.empty()) return client_error(ResultCode::ServerError, "login answer without a session token");
  if (ttl_s > kTtlMarginS) session.expires_ms = common::steady_ms() + (ttl_s - kTtlMarginS) * 1000;
  return session;
}

std::string authenticate_request(std::string_view user, const Session& session) {
  if (session.token.empty()) return {};
  return admin_request(kAuthenticate, user, kFieldSessionToken, session.token);
}

common::Status authenticate(Connection& conn, std::string_view user, const Session& session, uint64_t deadline_ms) {
  if (session.token.empty()) return {};
  auto body = exchange(conn, authenticate_request(user, session), deadline_ms);
  if (!body) return to_status(body.error());
  auto code = ResultCode(uint8_t((*body)[1]));
  if (code == ResultCode::Ok || code == ResultCode::SecurityNotEnabled) return {};
  return to_status(refused(code, conn));
}

}  // namespace client
