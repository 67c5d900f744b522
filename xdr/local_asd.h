#pragma once
// LocalAsd: the xdr daemon's one connection to its own node's asd, shared by every DC
// shipper (record reads) and the recovery scanner (scans). asd may be down when xdr
// starts or restart under it: a background thread connects with backoff, and once a
// client::Client exists its tend thread follows asd's restarts by itself. Callers get
// nullptr meanwhile and retry on their own schedule; nothing blocks on asd. On a secured
// asd the client logs in as the built-in local user (conf/xdr_local_login.h).

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "client/auth.h"
#include "client/host.h"

namespace client {
class Client;
}

namespace xdr {

class LocalAsd {
 public:
  // `user` empty: asd is not secured.
  LocalAsd(client::Host host, std::string user, client::PasswordSource password)
      : host_(std::move(host)), user_(std::move(user)), password_(std::move(password)) {}
  ~LocalAsd();  // stop()

  void start();
  void stop();

  // The connected client, or nullptr while asd was never reached. Thread-safe, no wait.
  std::shared_ptr<client::Client> get() const;
  const client::Host& host() const { return host_; }

 private:
  void connect_loop();

  const client::Host host_;
  const std::string user_;
  const client::PasswordSource password_;
  mutable std::mutex mu_;  // guards client_, stop_
  std::shared_ptr<client::Client> client_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace xdr
