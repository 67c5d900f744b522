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
//
// TLS (link_tls.h): the client connects with the link's current context. Connecting from
// scratch first looks at the TLS files; when the shipper's periodic check loads new
// ones (renew()), a client made with them replaces the connected one, whose open
// connections finish with the old context. A new context the remote refuses takes the
// link down with the reason, and the link connects from scratch as at start-up.
//
// A secured remote (conf/dc_credentials.h): the client logs in with the DC's credentials,
// read from their file at every login. A refused login or session (a password changed
// on the remote) takes the link down at once with the server's reason; the link thread
// then logs in again, with the file as it is now, until the remote accepts.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/host.h"
#include "common/result.h"
#include "common/result_code.h"
#include "conf/config.h"
#include "shipper/flow_control.h"

namespace client {
class Client;
}

namespace shipper {

class LinkTls;

class RemoteLink {
 public:
  // `tls` (must outlive the link), when enabled: the client connects over TLS (seeds
  // carry their tls-names); `dc_config`: the DC's stanza, for its credentials (none when
  // it does not log in).
  RemoteLink(std::string dc, std::vector<client::Host> seeds, uint32_t connect_timeout_ms,
             uint32_t timeout_ms, uint32_t down_after, LinkTls& tls, conf::XdrDc dc_config = {});
  ~RemoteLink();

  // The connected client, or nullptr before the first successful connect (and after a
  // replacement the remote refused).
  std::shared_ptr<client::Client> client() const;
  // Link thread only: connects when not connected, replaces the client after renew().
  // Returns ms to wait before the next call (the backoff after a failure).
  uint32_t maintain();
  // Link thread only: the link's TLS context changed; the next maintain() replaces the
  // connected client by one made with it.
  void renew() { renew_ = true; }

  void on_answer();                         // the remote answered something
  void on_failure(const std::string& why);  // timeout, reset, refused
  // The remote refused the login, the session or the user's rights (security_refusal).
  // A refused session or login makes the link thread log in again; a refused right
  // (role violation) does not: the next answer that is not refused brings the link up.
  void on_refused(common::ResultCode code, const std::string& why);

  bool up() const { return up_.load(); }
  uint64_t since_ms() const { return since_ms_.load(); }
  // Why the link is down; empty while up. Thread-safe.
  std::string reason() const;
  // The remote's `features` listed zstd-compression at connect time.
  bool zstd() const { return zstd_.load(); }

 private:
  void set_state(bool up, const std::string& why);
  uint32_t failed(const std::string& what, const std::string& why);  // backoff; logs now and then
  // A client with the current TLS context and credentials; `stage` names the step that failed.
  common::Result<std::shared_ptr<client::Client>> connect_client(std::string* stage);
  void adopt(std::shared_ptr<client::Client> c, const std::string& why);  // the link's client from now on
  uint32_t replace();  // after renew()

  const std::string dc_;
  const std::vector<client::Host> seeds_;
  const uint32_t connect_timeout_ms_;
  const uint32_t timeout_ms_;
  const uint32_t down_after_;
  LinkTls& tls_;
  const conf::XdrDc dc_config_;
  bool renew_ = false;  // link thread only

  mutable std::mutex mu_;  // guards client_ and the state change
  std::shared_ptr<client::Client> client_;
  std::string reason_ = "not connected yet";
  Backoff backoff_;
  std::atomic<bool> up_{false};
  std::atomic<uint64_t> since_ms_;
  std::atomic<uint32_t> failures_{0};
  std::atomic<bool> zstd_{false};
  std::atomic<bool> refused_{false};  // a security refusal since the last good login
};

}  // namespace shipper
