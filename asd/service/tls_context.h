#pragma once
// The server side of TLS on the client service port: an OpenSSL context built from a
// `network { tls NAME { } }` stanza and the service's tls-authenticate-client setting,
// as the real server builds it. A certificate, key or CA that cannot be loaded at
// start-up stops it with the file and OpenSSL's reason.
//
// ServerTls keeps the context current as Aerospike's `tls-refresh-period` does: every
// period it looks at the stanza's files (cert-file, key-file, ca-file, ca-path,
// cert-blacklist) and, when one changed, builds a new context from them
// (common/file_reload.h decides). New connections take the
// newest context; open ones keep the one they shook hands with (each holds a
// reference). Files that no longer load (a half-written certificate, a key that does
// not match) leave the previous context in use and are logged, rate-limited.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/file_reload.h"
#include "conf/config.h"

namespace boost::asio::ssl {
class context;
}

namespace asd {

// `authenticate_client`: `false` asks for no client certificate; `any` (or empty)
// requires one the CA verifies; otherwise one whose common name or a DNS subject
// alternative name is among the names. A client certificate listed in the stanza's
// cert-blacklist is refused. Throws std::runtime_error naming what is wrong.
std::shared_ptr<boost::asio::ssl::context> make_server_tls(const conf::TlsSpec& spec,
                                                           const std::vector<std::string>& authenticate_client);

class ServerTls {
 public:
  // Builds the first context (throws as make_server_tls). No thread until
  // set_refresh_period() is given a non-zero period.
  ServerTls(conf::TlsSpec spec, std::vector<std::string> authenticate_client);
  ~ServerTls();  // stops and joins the refresh thread
  ServerTls(const ServerTls&) = delete;
  ServerTls& operator=(const ServerTls&) = delete;

  // The context new connections use. Thread-safe.
  std::shared_ptr<boost::asio::ssl::context> current() const;
  // Reloads when a file changed since the last load; true when a new context is in use.
  // Thread-safe (the refresh thread and callers serialize on one lock).
  bool refresh();
  // tls-refresh-period in seconds; 0 stops the periodic check. Thread-safe.
  void set_refresh_period(uint32_t seconds);
  // Contexts built after start-up.
  uint64_t reloads() const;

 private:
  void refresh_loop();

  const conf::TlsSpec spec_;
  const std::vector<std::string> authenticate_client_;
  common::FileReload<boost::asio::ssl::context> context_;

  mutable std::mutex mu_;  // guards the period and the thread's stop
  std::chrono::seconds period_{0};
  bool stop_ = false;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace asd
