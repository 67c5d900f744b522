#include "service_info.h"

namespace asadm {

namespace {

std::shared_ptr<const client::TlsContext>& service_tls() {
  static std::shared_ptr<const client::TlsContext> tls;
  return tls;
}

struct Login {
  std::string user;
  std::string password;
};

Login& service_login() {
  static Login login;
  return login;
}

}  // namespace

void set_service_tls(std::shared_ptr<const client::TlsContext> tls) { service_tls() = std::move(tls); }

void set_service_login(std::string user, std::string password) {
  service_login() = Login{std::move(user), std::move(password)};
}

const char* peers_command() { return service_tls() ? "peers-tls-std" : "peers-clear-std"; }

client::Host peer_host(const client::Peer& peer) {
  client::Host host = peer.hosts.front();
  if (service_tls()) host.tls_name = peer.tls_name;
  return host;
}

common::Result<client::InfoAnswer> service_info(const client::Host& host, const std::vector<std::string>& commands,
                                                uint32_t timeout_ms) {
  const Login& login = service_login();
  return client::Client::info_host(host, commands, timeout_ms, service_tls().get(), login.user, login.password);
}

}  // namespace asadm
