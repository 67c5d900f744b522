#pragma once
// Info round trips to asd service ports, over TLS when asadm runs with --tls-enable
// (the standard tool flags, tls_flags.h), each connection logged in first with -U/-P
// (login_flags.h; the client hashes the password once for all of them). The context and
// the login are set once in main() before any call and never change, so the collectors
// running in parallel threads may share them. xdr info ports (show/watch xdr) are
// plaintext control ports without logins and do not go through here.

#include <memory>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/cluster_info.h"

namespace asadm {

void set_service_tls(std::shared_ptr<const client::TlsContext> tls);
// `user` empty: no login (a node with security then refuses every request).
void set_service_login(std::string user, std::string password);
// `peers-tls-std` with TLS on (peers then carry their tls-names), else `peers-clear-std`.
const char* peers_command();
// The peer's preferred host, with its tls-name when TLS is on.
client::Host peer_host(const client::Peer& peer);
common::Result<client::InfoAnswer> service_info(const client::Host& host, const std::vector<std::string>& commands,
                                                uint32_t timeout_ms);

}  // namespace asadm
