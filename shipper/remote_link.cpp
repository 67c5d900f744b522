#include "remote_link.h"

#include "client/client.h"
#include "common/clock.h"
#include "common/log.h"

namespace shipper {

namespace {

constexpr std::string_view kZstdFeature = "zstd-compression";

std::shared_ptr<spdlog::logger> link_log() { return common::logger("shipper"); }

}  // namespace

RemoteLink::RemoteLink(std::string dc, std::vector<client::Host> seeds, uint32_t connect_timeout_ms,
                       uint32_t timeout_ms, uint32_t down_after, client::TlsPolicy tls)
    : dc_(std::move(dc)),
      seeds_(std::move(seeds)),
      connect_timeout_ms_(connect_timeout_ms),
      timeout_ms_(timeout_ms),
      down_after_(down_after),
      tls_(std::move(tls)),
      since_ms_(common::now_unix_ms()) {}

RemoteLink::~RemoteLink() = default;

std::shared_ptr<client::Client> RemoteLink::client() const {
  std::lock_guard lock(mu_);
  return client_;
}

uint32_t RemoteLink::maintain() {
  if (client()) return 1000;
  client::ClientConfig config;
  config.seeds = seeds_;
  config.connect_timeout_ms = connect_timeout_ms_;
  config.timeout_ms = timeout_ms_;
  config.tls = tls_;
  auto connected = client::Client::connect(config);
  if (!connected) {
    uint32_t pause;
    {
      std::lock_guard lock(mu_);
      pause = backoff_.next();
      // Log the first failure and then every 10th, so a long outage is not a log flood.
      if (backoff_.failures() % 10 == 1) {
        link_log()->warn("dc connect failed dc={} err={} attempts={}", dc_, connected.error().message,
                    backoff_.failures());
      }
    }
    set_state(false, connected.error().message);
    return pause;
  }
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
  set_state(true, "connected");
  return 1000;
}

void RemoteLink::on_answer() {
  failures_ = 0;
  if (!up()) set_state(true, "answer");
}

void RemoteLink::on_failure(const std::string& why) {
  if (++failures_ >= down_after_ && up()) set_state(false, why);
}

std::string RemoteLink::reason() const {
  std::lock_guard lock(mu_);
  return up_.load() ? std::string() : reason_;
}

void RemoteLink::set_state(bool up, const std::string& why) {
  std::lock_guard lock(mu_);
  if (!up) reason_ = why;        // a down link keeps its latest reason
  if (up_.load() == up) return;  // another thread got here first
  up_ = up;
  since_ms_ = common::now_unix_ms();
  if (up) link_log()->info("dc link up dc={}", dc_);
  else link_log()->warn("dc link down dc={} since={} err={}", dc_, since_ms_.load(), why);
}

}  // namespace shipper
