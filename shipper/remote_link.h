#pragma once
// RemoteLink: the connection of one DC shipper to its remote cluster and the link state
// operators see (`link=up|down`, `link_since`). Private to the shipper.
//
// The client::Client is created by the link thread (maintain()) and then shared by the
// workers; once it exists its own tend thread follows the remote's nodes, re-seeding
// when all are gone, so the link only reconnects from scratch when connect() never
// succeeded. Workers report each attempt: any server answer counts as "up", network
// failures (timeouts, resets) count toward "down" after `down_after` in a row.
// While down, `reason()` says why (the last connect or request failure: a refused TLS
// certificate reads "client: tls: handshake with ... failed: certificate verify failed: ...").

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/host.h"
#include "client/tls.h"
#include "shipper/flow_control.h"

namespace client {
class Client;
}

namespace shipper {

class RemoteLink {
 public:
  // `tls.enable`: the client connects over TLS (seeds carry their tls-names).
  RemoteLink(std::string dc, std::vector<client::Host> seeds, uint32_t connect_timeout_ms,
             uint32_t timeout_ms, uint32_t down_after, client::TlsPolicy tls = {});
  ~RemoteLink();

  // The connected client, or nullptr before the first successful connect.
  std::shared_ptr<client::Client> client() const;
  // Link thread only: connects when not connected. Returns ms to wait before the next
  // call (the backoff after a failure).
  uint32_t maintain();

  void on_answer();                         // the remote answered something
  void on_failure(const std::string& why);  // timeout, reset, refused

  bool up() const { return up_.load(); }
  uint64_t since_ms() const { return since_ms_.load(); }
  // Why the link is down; empty while up. Thread-safe.
  std::string reason() const;
  // The remote's `features` listed zstd-compression at connect time.
  bool zstd() const { return zstd_.load(); }

 private:
  void set_state(bool up, const std::string& why);

  const std::string dc_;
  const std::vector<client::Host> seeds_;
  const uint32_t connect_timeout_ms_;
  const uint32_t timeout_ms_;
  const uint32_t down_after_;
  const client::TlsPolicy tls_;

  mutable std::mutex mu_;  // guards client_ and the state change
  std::shared_ptr<client::Client> client_;
  std::string reason_ = "not connected yet";
  Backoff backoff_;
  std::atomic<bool> up_{false};
  std::atomic<uint64_t> since_ms_;
  std::atomic<uint32_t> failures_{0};
  std::atomic<bool> zstd_{false};
};

}  // namespace shipper
