#pragma once
// Stored passwords. A client never sends a password: it sends bcrypt(password) under the
// fixed salt every Aerospike client uses ("$2a$10$7EqJtq98hPqEX7fNZaFWoO"), its
// "credential". The server keeps bcrypt(credential) under a random salt of its own, so
// the stored file alone does not let anyone log in. bcrypt at cost 10 takes tens of
// milliseconds: callers run it off the service threads.

#include <string>
#include <string_view>

#include "common/result.h"

namespace asd::security {

// The salt clients hash passwords with (as_password.c), for tests and the default user.
inline constexpr std::string_view kClientSalt = "$2a$10$7EqJtq98hPqEX7fNZaFWoO";

// What a client sends for `password`: bcrypt(password, kClientSalt).
common::Result<std::string> client_credential(std::string_view password);

// bcrypt(credential) under a fresh random salt; ServerError when the system has no bcrypt.
common::Result<std::string> store_credential(std::string_view credential);

// bcrypt(credential) under a given setting ("$2b$10$" + 22 salt characters): for a
// stored hash every node must compute alike.
common::Result<std::string> store_credential(std::string_view credential, std::string_view setting);

// Whether `credential` matches what store_credential() made. Constant-time compare.
bool verify_credential(std::string_view credential, const std::string& stored);

}  // namespace asd::security
