#include "service_info.h"

namespace asadm {

namespace {

std::shared_ptr<const client::TlsContext>& service_tls() {
  static std::shared_ptr<const client::TlsContext> tls;
  return tls;
}

}  // namespace

void set_service_tls(std::shared_ptr<const client::TlsContext> tls) { service_tls() = std::move(tls); }

const char* peers_command() { return service_tls() ? "peers-tls-std" : "peers-clear-std"; }

client::Host peer_host(const client::Peer& peer) {
  client::Host host = peer.hosts.front();
  if (service_tls()) host.tls_name = peer.tls_name;
  return host;
}

common::Result<client::InfoAnswer> service_info(const client::Host& host, const std::vector<std::string>& commands,
                                                uint32_t timeout_ms) {
  return client::Client::info_host(host, commands, timeout_ms, service_tls().get());
}

}  // namespace asadm
