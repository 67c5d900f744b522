#include "local_asd.h"

#include <algorithm>

#include "client/client.h"
#include "common/log.h"

namespace xdr {

namespace {

constexpr uint32_t kFirstRetryMs = 200;
constexpr uint32_t kMaxRetryMs = 5000;

}  // namespace

LocalAsd::~LocalAsd() { stop(); }

void LocalAsd::start() { thread_ = std::thread([this] { connect_loop(); }); }

void LocalAsd::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<client::Client> LocalAsd::get() const {
  std::lock_guard lock(mu_);
  return client_;
}

void LocalAsd::connect_loop() {
  auto log = common::logger("xdr");
  uint32_t pause = kFirstRetryMs;
  uint32_t attempts = 0;
  for (;;) {
    client::ClientConfig config;
    config.seeds = {host_};
    config.user = user_;
    config.password = password_;
    auto connected = client::Client::connect(config);
    std::unique_lock lock(mu_);
    if (stop_) return;
    if (connected) {
      client_ = std::move(*connected);
      log->info("local asd connected host={} attempts={}", host_.to_string(), attempts + 1);
      return;  // the client's tend thread takes it from here
    }
    // First failure and then every 20th: asd being down for a while is not news.
    if (attempts++ % 20 == 0) {
      log->warn("local asd unreachable host={} err={}", host_.to_string(), connected.error().message);
    }
    wake_.wait_for(lock, std::chrono::milliseconds(pause), [&] { return stop_; });
    if (stop_) return;
    pause = std::min(pause * 2, kMaxRetryMs);
  }
}

}  // namespace xdr
