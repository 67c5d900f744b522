#include "remote_link.h"

#include <utility>

#include "client/client.h"
#include "common/clock.h"
#include "common/log.h"
#include "conf/dc_credentials.h"
#include "shipper/link_tls.h"

namespace shipper {

namespace {

constexpr std::string_view kZstdFeature = "zstd-compression";

std::shared_ptr<spdlog::logger> link_log() { return common::logger("shipper"); }

}  // namespace

RemoteLink::RemoteLink(std::string dc, std::vector<client::Host> seeds, uint32_t connect_timeout_ms,
                       uint32_t timeout_ms, uint32_t down_after, LinkTls& tls, conf::XdrDc dc_config)
    : dc_(std::move(dc)),
      seeds_(std::move(seeds)),
      connect_timeout_ms_(connect_timeout_ms),
      timeout_ms_(timeout_ms),
      down_after_(down_after),
      tls_(tls),
      dc_config_(std::move(dc_config)),
      since_ms_(common::now_unix_ms()) {}

RemoteLink::~RemoteLink() = default;

std::shared_ptr<client::Client> RemoteLink::client() const {
  std::lock_guard lock(mu_);
  return client_;
}

std::string RemoteLink::reason() const {
  std::lock_guard lock(mu_);
  return up_.load() ? std::string() : reason_;
}

uint32_t RemoteLink::failed(const std::string& what, const std::string& why) {
  uint32_t pause;
  {
    std::lock_guard lock(mu_);
    pause = backoff_.next();
    // Log the first failure and then every 10th, so a long outage is not a log flood.
    if (backoff_.failures() % 10 == 1) {
      link_log()->warn("dc {} failed dc={} err={} attempts={}", what, dc_, why, backoff_.failures());
    }
  }
  set_state(false, why);
  return pause;
}

uint32_t RemoteLink::maintain() {
  if (std::shared_ptr<client::Client> c = client()) {
    if (renew_) return replace();
    if (!refused_.load()) return 1000;
    // The remote dropped the session or refused the user: log in again with the
    // credentials as the file holds them now.
    if (common::Status st = c->relogin(); !st.ok()) return failed("login", st.message());
    refused_ = false;
    {
      std::lock_guard lock(mu_);
      backoff_.reset();
    }
    link_log()->info("dc logged in again dc={}", dc_);
    failures_ = 0;
    set_state(true, "logged in");
    return 1000;
  }
  renew_ = false;
  // Connecting from scratch is also when the link looks at its TLS files: an operator
  // fixing them brings the link up without a restart.
  if (tls_.enabled()) {
    tls_.refresh();
    if (!tls_.current()) return failed("tls", tls_.error());
  }
  std::string stage;
  auto connected = connect_client(&stage);
  if (!connected) return failed(stage, connected.error().message);
  adopt(std::move(*connected), "connected");
  return 1000;
}

// The TLS files changed: a client made with the new context takes over (the workers
// holding the old one finish their calls with it). When the remote refuses the new
// context, the old client goes too, so nothing is routed over a link the configured
// files cannot open; the link connects from scratch after the backoff.
uint32_t RemoteLink::replace() {
  renew_ = false;
  std::string stage;
  auto connected = connect_client(&stage);
  if (!connected) {
    std::shared_ptr<client::Client> old;
    {
      std::lock_guard lock(mu_);
      old = std::move(client_);
    }
    old.reset();  // outside the lock: a client's destructor joins its tend thread
    return failed(stage, connected.error().message);
  }
  link_log()->info("dc client replaced dc={} reason=\"tls files reloaded\"", dc_);
  adopt(std::move(*connected), "tls reloaded");
  return 1000;
}

common::Result<std::shared_ptr<client::Client>> RemoteLink::connect_client(std::string* stage) {
  *stage = "credentials";
  client::ClientConfig config;
  config.seeds = seeds_;
  config.connect_timeout_ms = connect_timeout_ms_;
  config.timeout_ms = timeout_ms_;
  if (tls_.enabled()) {
    config.tls = tls_.policy();
    config.tls_context = tls_.current();
  }
  if (conf::logs_in(dc_config_)) {
    conf::DcCredentials creds;
    if (std::string error = conf::read_dc_credentials(dc_config_, &creds); !error.empty()) {
      return common::Error{common::ResultCode::InvalidCredential, error};
    }
    config.user = creds.user;
    config.password = [dc = dc_config_, user = creds.user]() -> common::Result<std::string> {
      conf::DcCredentials now;
      if (std::string error = conf::read_dc_credentials(dc, &now); !error.empty()) {
        return common::Error{common::ResultCode::InvalidCredential, error};
      }
      // The user is fixed for this client; a file naming another one needs a reconnect.
      if (now.user != user) {
        return common::Error{common::ResultCode::InvalidUser, "the credentials now name user " + now.user +
                                                                   ", not " + user + ": restart xdr to switch users"};
      }
      return now.password;
    };
  }
  *stage = "connect";
  auto connected = client::Client::connect(config);
  if (!connected) return connected.error();
  return std::shared_ptr<client::Client>(std::move(*connected));
}

void RemoteLink::adopt(std::shared_ptr<client::Client> c, const std::string& why) {
  auto features = c->info("features");
  zstd_ = features.ok() && features->find(kZstdFeature) != std::string::npos;
  const size_t nodes = c->node_names().size();
  std::shared_ptr<client::Client> old;  // a replaced client, released outside the lock
  {
    std::lock_guard lock(mu_);
    old = std::exchange(client_, std::move(c));
    backoff_.reset();
  }
  old.reset();
  link_log()->info("dc connected dc={} nodes={} zstd={}", dc_, nodes, zstd_.load());
  failures_ = 0;
  refused_ = false;
  set_state(true, why);
}

void RemoteLink::on_answer() {
  failures_ = 0;
  // A connection opened before the client was dropped (a refused replacement) may still
  // answer; the link is up again only with a client to route by.
  if (!up() && !refused_.load() && client()) set_state(true, "answer");
}

void RemoteLink::on_failure(const std::string& why) {
  if (++failures_ >= down_after_ && up()) set_state(false, why);
}

void RemoteLink::on_refused(common::ResultCode code, const std::string& why) {
  if (code != common::ResultCode::RoleViolation && code != common::ResultCode::NotWhitelisted) refused_ = true;
  if (up()) set_state(false, why);
}

void RemoteLink::set_state(bool up, const std::string& why) {
  std::lock_guard lock(mu_);
  if (!up) reason_ = why;        // a down link keeps its latest reason
  if (up_.load() == up) return;  // another thread got here first
  up_ = up;
  since_ms_ = common::now_unix_ms();
  if (up) {
    link_log()->info("dc link up dc={}", dc_);
  } else {
    link_log()->warn("dc link down dc={} since={} err={}", dc_, since_ms_.load(), why);
  }
}

}  // namespace shipper
