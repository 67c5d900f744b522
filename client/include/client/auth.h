#pragma once
// Logging in to a cluster with security enabled, as the official clients do (C client
// as_admin.c, wire-protocol.md §1.6):
//   - the password never travels: the client sends bcrypt(password) under the salt every
//     Aerospike client uses, and the server compares that against what it stores;
//   - LOGIN (admin command 20) with user and that hash answers a session token and its
//     TTL; every further connection sends AUTHENTICATE (command 0) with user and token,
//     which the server checks without bcrypt;
//   - a server without security answers SECURITY_NOT_ENABLED: no session, nothing more.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace client {

class Connection;

// Where a login takes its password from, asked at every login (so xdr picks up a
// changed password file without a restart). An error is the login's error.
using PasswordSource = std::function<common::Result<std::string>()>;

// bcrypt of `password` with the clients' fixed salt: the 60-character string the
// server expects in the CREDENTIAL and PASSWORD fields.
common::Result<std::string> hash_password(std::string_view password);

struct Session {
  std::string token;        // empty: the server does not enable security
  uint64_t expires_ms = 0;  // common::steady_ms() after which a new login is due; 0: never
};

// LOGIN on `conn`. InvalidUser / InvalidCredential / ... as the server answers them.
common::Result<Session> login(Connection& conn, std::string_view user, std::string_view password_hash,
                              uint64_t deadline_ms);

// The AUTHENTICATE proto for `session` (empty when the session has no token), for
// callers that pipeline it ahead of their requests on a connection of their own.
std::string authenticate_request(std::string_view user, const Session& session);

// AUTHENTICATE a new connection with a session from login(). A session without a token
// (security off) sends nothing.
common::Status authenticate(Connection& conn, std::string_view user, const Session& session, uint64_t deadline_ms);

}  // namespace client
