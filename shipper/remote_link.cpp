#include "remote_link.h"

#include "client/client.h"
#include "common/clock.h"
#include "common/log.h"
#include "conf/dc_credentials.h"

namespace shipper {

namespace {

constexpr std::string_view kZstdFeature = "zstd-compression";

std::shared_ptr<spdlog::logger> link_log() { return common::logger("shipper"); }

}  // namespace

RemoteLink::RemoteLink(std::string dc, std::vector<client::Host> seeds, uint32_t connect_timeout_ms,
                       uint32_t timeout_ms, uint32_t down_after, client::TlsPolicy tls, conf::XdrDc dc_config)
    : dc_(std::move(dc)),
      seeds_(std::move(seeds)),
      connect_timeout_ms_(connect_timeout_ms),
      timeout_ms_(timeout_ms),
      down_after_(down_after),
      tls_(std::move(tls)),
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
  client::ClientConfig config;
  config.seeds = seeds_;
  config.connect_timeout_ms = connect_timeout_ms_;
  config.timeout_ms = timeout_ms_;
  config.tls = tls_;
  if (conf::logs_in(dc_config_)) {
    conf::DcCredentials creds;
    if (std::string error = conf::read_dc_credentials(dc_config_, &creds); !error.empty()) {
      return failed("credentials", error);
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
  auto connected = client::Client::connect(config);
  if (!connected) return failed("connect", connected.error().message);
  std::shared_ptr<client::Client> c = std::move(*connected);
  auto features = c->info("features");
  zstd_ = features.ok() && features->find(kZstdFeature) != std::string::npos;
  {
    std::lock_guard lock(mu_);
    client_ = c;
    backoff_.reset();
  }
  link_log()->info("dc connected dc={} nodes={} zstd={}", dc_, c->node_names().size(), zstd_.load());
  failures_ = 0;
  refused_ = false;
  set_state(true, "connected");
  return 1000;
}

void RemoteLink::on_answer() {
  failures_ = 0;
  if (!up() && !refused_.load()) set_state(true, "answer");
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
