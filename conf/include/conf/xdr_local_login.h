#pragma once
// How the xdr daemon gets into its own node's asd when access control is on. xdr reads
// records, scans and gaps through asd's client port like any client, so a secured asd
// must let it in, and an operator should not have to make a user for it:
//   - asd knows a built-in user, kXdrLocalUser, that no one can create, drop or change;
//   - its password is derived from the cluster's session secret, so every node of the
//     cluster accepts it (xdr's client reads from every node) and nobody can choose it;
//   - asd writes it into xdr_local_login_path(), mode 0600, whenever the secret changes;
//     xdr runs as the same user (service { user }) and reads the file at every login.
// Whoever can read that file can read asd's system metadata, secret included, anyway.

#include <string>
#include <string_view>

#include "conf/config.h"

namespace conf {

inline constexpr std::string_view kXdrLocalUser = "xdr-local";

// service { work-directory }/xdr-local.login
std::string xdr_local_login_path(const Config& config);

// Whether the node's asd and xdr use the local login: access control on and XDR enabled.
bool uses_xdr_local_login(const Config& config);

}  // namespace conf
