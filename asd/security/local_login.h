#pragma once
// The node's own xdr daemon logging in to its asd (conf/xdr_local_login.h): the built-in
// user conf::kXdrLocalUser, whose password every node derives from the session secret
// the cluster shares,
//   password = hex(HMAC-SHA256(secret, "xdr-local-login"))
// and whose rights are exactly what xdr does on its asd: read records, scan them, and
// acknowledge the pipe's gaps (xdr-gap-ack, a service-ctrl command).
//
// Thread-safe.

#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"
#include "security/privilege.h"

namespace asd::security {

inline constexpr uint32_t kXdrLocalPermissions = kPermRead | kPermQuery | kPermServiceCtrl;
// What the local user's tokens are bound to in place of a stored password: the secret
// itself changes with the cluster, and the file follows it.
inline constexpr std::string_view kXdrLocalStamp = "built-in xdr-local";

// The local user's password under `secret`.
std::string xdr_local_password(std::string_view secret);

class LocalLogin {
 public:
  // `path`: the file this node's xdr reads; empty when this node runs no xdr (its asd
  // still accepts the login of the xdr of another node).
  explicit LocalLogin(std::string path) : path_(std::move(path)) {}

  // Writes the password for `secret` into the file (atomically, mode 0600) unless it
  // already holds it. The error names the file.
  common::Status publish(std::string_view secret);

  // Whether `credential` (bcrypt under the clients' salt, as LOGIN carries it) is the
  // local password's under `secret`. The bcrypt is done once per secret.
  bool verify(std::string_view secret, std::string_view credential);

 private:
  const std::string path_;
  std::mutex mu_;  // guards the members below
  std::string published_;        // the password last written to path_
  std::string verified_secret_;  // the secret expected_ belongs to
  std::string expected_;         // the credential of its password
};

}  // namespace asd::security
