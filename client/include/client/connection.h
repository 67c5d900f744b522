#pragma once
// One blocking TCP connection to a node, carrying one request at a time (wire-protocol.md
// §1.4). Every call takes an absolute deadline on common::steady_ms(); the socket is
// non-blocking underneath and waits with poll(), so a dead peer never hangs a caller.
// Not thread-safe: one user at a time (the pool hands it out exclusively).
//
// With a TlsContext (tls.h) the same socket carries TLS: OpenSSL drives it through
// SSL_set_fd, and every WANT_READ / WANT_WRITE waits in the same poll() under the
// caller's deadline, handshake included. Without one, the plaintext path is the plain
// send()/recv() loop it always was.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/host.h"
#include "common/result.h"
#include "proto/frame.h"

struct ssl_st;

namespace client {

class TlsContext;

using InfoAnswer = std::vector<std::pair<std::string, std::string>>;

class Connection {
 public:
  // Resolves and connects (TCP_NODELAY) within timeout_ms, then with `tls` completes the
  // handshake and verifies the server's certificate against host.tls_name (else its
  // address) within the same budget. Unavailable or Timeout on failure; a refused
  // handshake is Unavailable with "client: tls: " and OpenSSL's reason.
  static common::Result<std::unique_ptr<Connection>> open(const Host& host, uint32_t timeout_ms,
                                                          const TlsContext* tls = nullptr);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  common::Status write_all(std::string_view bytes, uint64_t deadline_ms);
  // Reads exactly `size` bytes into `out` (resized).
  common::Status read_exact(std::string& out, size_t size, uint64_t deadline_ms);
  // Reads one proto; `body` gets the body, header checked (version, size limit).
  common::Status read_proto(proto::ProtoHeader* header, std::string& body, uint64_t deadline_ms);
  // Reads one type-3 or type-4 proto and returns the AS_MSG body (type 4 inflated).
  common::Status read_message(std::string& body, uint64_t deadline_ms);

  // One info exchange. An empty command list sends an empty body (the summary).
  common::Result<InfoAnswer> info(const std::vector<std::string>& commands, uint64_t deadline_ms);

  // For pooled connections: false when the peer closed it or left unread bytes behind,
  // i.e. it must not carry another request. Never blocks. (Under TLS it consumes
  // records that carry no data, such as TLSv1.3 session tickets.)
  bool is_reusable();

  const Host& host() const { return host_; }

 private:
  Connection(int fd, Host host) : fd_(fd), host_(std::move(host)) {}
  common::Status wait(short events, uint64_t deadline_ms, std::string_view what);
  common::Status io_error(std::string_view what, int err) const;
  common::Status handshake(const TlsContext& tls, uint64_t deadline_ms);
  // One SSL_read/SSL_write step: bytes moved, or 0 after waiting for the socket.
  common::Result<size_t> tls_io(bool write, char* data, size_t size, uint64_t deadline_ms);

  int fd_ = -1;
  ssl_st* ssl_ = nullptr;
  bool tls_failed_ = false;  // after a fatal TLS error OpenSSL forbids SSL_shutdown
  Host host_;
};

}  // namespace client
