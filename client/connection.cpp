#include "client/connection.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "admin_wire.h"
#include "client/cluster_info.h"
#include "client/errors.h"
#include "client/tls.h"
#include "common/clock.h"
#include "proto/compression.h"
#include "proto/info.h"

namespace client {

using common::ResultCode;

namespace {

common::Status fail(ResultCode code, const std::string& what) {
  return to_status(client_error(code, what));
}

// Connects one resolved address; returns the fd or -1 with errno-style `err`.
int connect_address(const addrinfo* ai, uint64_t deadline_ms, int* err, bool* timed_out) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    *err = errno;
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    *err = errno;
    ::close(fd);
    return -1;
  }
  int64_t remaining = int64_t(deadline_ms) - int64_t(common::steady_ms());
  pollfd pfd{fd, POLLOUT, 0};
  int rc = remaining > 0 ? ::poll(&pfd, 1, int(remaining)) : 0;
  if (rc <= 0) {
    *timed_out = rc == 0;
    *err = rc == 0 ? ETIMEDOUT : errno;
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof *err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len);
  if (*err != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Why OpenSSL gave up: the certificate check's verdict when that failed, else the first
// queued error, else what the socket said.
std::string tls_reason(ssl_st* ssl, int ssl_error) {
  std::string other = "connection closed by the server during the handshake";
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    other = buf;
  } else if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) {
    other = std::strerror(errno);
  }
  return handshake_failure(ssl, other);
}

std::string tls_message(std::string_view what) {
  return std::string(kTlsErrorPrefix.substr(kClientErrorPrefix.size())) + std::string(what);
}

}  // namespace

common::Result<std::unique_ptr<Connection>> Connection::open(const Host& host, uint32_t timeout_ms,
                                                             const TlsContext* tls) {
  uint64_t deadline = common::steady_ms() + timeout_ms;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  std::string port = std::to_string(host.port);
  if (int rc = ::getaddrinfo(host.address.c_str(), port.c_str(), &hints, &list); rc != 0) {
    return client_error(ResultCode::Unavailable,
                        "resolve " + host.to_string() + ": " + ::gai_strerror(rc));
  }
  int err = 0;
  bool timed_out = false;
  int fd = -1;
  for (addrinfo* ai = list; ai && fd < 0; ai = ai->ai_next) fd = connect_address(ai, deadline, &err, &timed_out);
  ::freeaddrinfo(list);
  if (fd < 0) {
    return client_error(timed_out ? ResultCode::Timeout : ResultCode::Unavailable,
                        "connect " + host.to_string() + ": " + std::strerror(err));
  }
  std::unique_ptr<Connection> conn(new Connection(fd, host));
  if (tls) {
    if (auto st = conn->handshake(*tls, deadline); !st.ok()) return to_error(st);
  }
  return conn;
}

Connection::~Connection() {
  if (ssl_) {
    // One non-blocking close_notify, so the server sees an orderly end; never waits.
    if (!tls_failed_) SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (fd_ >= 0) ::close(fd_);
}

common::Status Connection::handshake(const TlsContext& tls, uint64_t deadline_ms) {
  ERR_clear_error();
  ssl_ = SSL_new(tls.native());
  if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) {
    tls_failed_ = true;
    return fail(ResultCode::Unavailable, tls_message("cannot start a session: " + tls_reason(ssl_, SSL_ERROR_SSL)));
  }
  expect_peer_name(ssl_, host_);
  const std::string& name = host_.tls_name.empty() ? host_.address : host_.tls_name;
  for (;;) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_connect(ssl_);
    if (rc == 1) return {};
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      short events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
      if (auto st = wait(events, deadline_ms, "tls handshake with"); !st.ok()) return st;
      continue;
    }
    tls_failed_ = true;
    return fail(ResultCode::Unavailable, tls_message("handshake with " + host_.to_string() + " (tls-name " + name +
                                                     ") failed: " + tls_reason(ssl_, err)));
  }
}

common::Result<size_t> Connection::tls_io(bool write, char* data, size_t size, uint64_t deadline_ms) {
  ERR_clear_error();
  errno = 0;
  int len = int(std::min<size_t>(size, INT_MAX));
  int n = write ? SSL_write(ssl_, data, len) : SSL_read(ssl_, data, len);
  if (n > 0) return size_t(n);
  int err = SSL_get_error(ssl_, n);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    short events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
    if (auto st = wait(events, deadline_ms, write ? "writing to" : "reading from"); !st.ok()) return to_error(st);
    return size_t(0);
  }
  tls_failed_ = err != SSL_ERROR_ZERO_RETURN;
  if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0)) {
    return client_error(ResultCode::Unavailable, "connection closed by " + host_.to_string());
  }
  if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return to_error(io_error(write ? "write to" : "read from", errno));
  return client_error(ResultCode::Unavailable, tls_message(std::string(write ? "write to " : "read from ") +
                                                           host_.to_string() + ": " + tls_reason(ssl_, err)));
}

common::Status Connection::io_error(std::string_view what, int err) const {
  return fail(ResultCode::Unavailable,
              std::string(what) + " " + host_.to_string() + ": " + std::strerror(err));
}

common::Status Connection::wait(short events, uint64_t deadline_ms, std::string_view what) {
  int64_t remaining = int64_t(deadline_ms) - int64_t(common::steady_ms());
  if (remaining <= 0) return fail(ResultCode::Timeout, "timeout " + std::string(what) + " " + host_.to_string());
  pollfd pfd{fd_, events, 0};
  int rc = ::poll(&pfd, 1, int(remaining));
  if (rc == 0) return fail(ResultCode::Timeout, "timeout " + std::string(what) + " " + host_.to_string());
  if (rc < 0 && errno != EINTR) return io_error(what, errno);
  return {};  // ready, or an error the next send/recv reports precisely
}

common::Status Connection::write_all(std::string_view bytes, uint64_t deadline_ms) {
  size_t done = 0;
  if (ssl_) {
    while (done < bytes.size()) {
      auto n = tls_io(true, const_cast<char*>(bytes.data()) + done, bytes.size() - done, deadline_ms);
      if (!n) return to_status(n.error());
      done += *n;
    }
    return {};
  }
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += size_t(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (auto st = wait(POLLOUT, deadline_ms, "writing to"); !st.ok()) return st;
      continue;
    }
    return io_error("write to", errno);
  }
  return {};
}

common::Status Connection::read_exact(std::string& out, size_t size, uint64_t deadline_ms) {
  out.resize(size);
  size_t done = 0;
  if (ssl_) {
    while (done < size) {
      auto n = tls_io(false, out.data() + done, size - done, deadline_ms);
      if (!n) return to_status(n.error());
      done += *n;
    }
    return {};
  }
  while (done < size) {
    ssize_t n = ::recv(fd_, out.data() + done, size - done, 0);
    if (n > 0) {
      done += size_t(n);
      continue;
    }
    if (n == 0) return fail(ResultCode::Unavailable, "connection closed by " + host_.to_string());
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto st = wait(POLLIN, deadline_ms, "reading from"); !st.ok()) return st;
      continue;
    }
    return io_error("read from", errno);
  }
  return {};
}

common::Status Connection::read_proto(proto::ProtoHeader* header, std::string& body, uint64_t deadline_ms) {
  std::string raw;
  if (auto st = read_exact(raw, proto::kProtoHeaderSize, deadline_ms); !st.ok()) return st;
  *header = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(raw.data()));
  if (header->version != proto::kProtoVersion || header->size > proto::kMaxProtoSize) {
    return fail(ResultCode::ServerError, "invalid proto header from " + host_.to_string());
  }
  return read_exact(body, header->size, deadline_ms);
}

common::Status Connection::read_message(std::string& body, uint64_t deadline_ms) {
  proto::ProtoHeader header;
  if (auto st = read_proto(&header, body, deadline_ms); !st.ok()) return st;
  if (header.type == uint8_t(proto::ProtoType::Message)) return {};
  if (header.type != uint8_t(proto::ProtoType::Compressed)) {
    return fail(ResultCode::ServerError, "unexpected proto type " + std::to_string(header.type));
  }
  auto inner = proto::inflate_proto(body);
  if (!inner) return fail(ResultCode::ServerError, "bad compressed answer: " + inner.error().message);
  body.assign(inner->data() + proto::kProtoHeaderSize, inner->size() - proto::kProtoHeaderSize);
  return {};
}

common::Result<InfoAnswer> Connection::info(const std::vector<std::string>& commands, uint64_t deadline_ms) {
  if (auto st = write_all(proto::make_info_request(commands), deadline_ms); !st.ok()) return to_error(st);
  proto::ProtoHeader header;
  std::string body;
  if (auto st = read_proto(&header, body, deadline_ms); !st.ok()) return to_error(st);
  if (header.type != uint8_t(proto::ProtoType::Info)) {
    return client_error(ResultCode::ServerError, "info answer of proto type " + std::to_string(header.type));
  }
  // A node with security answers a connection that has not logged in with one line for
  // the whole request, "ERROR:80:not authenticated", echoing no command: that is the
  // request's error, not an answer.
  if (body.starts_with("ERROR:") && body.find('\t') == std::string::npos) {
    if (auto refused = parse_info_error(body.substr(0, body.find('\n'))); !refused.ok()) {
      return admin::refusal(refused.code(), host_.to_string());
    }
  }
  return proto::parse_info_answer(body);
}

bool Connection::is_reusable() {
  if (ssl_ && (tls_failed_ || SSL_pending(ssl_) > 0)) return false;
  pollfd pfd{fd_, POLLIN, 0};
  int rc = ::poll(&pfd, 1, 0);
  if (rc == 0 || !ssl_ || rc < 0) return rc == 0;
  // Readable under TLS may be records without data (TLSv1.3 session tickets arrive after
  // the handshake): a peek consumes those and only answer bytes or a close count.
  char byte;
  ERR_clear_error();
  int n = SSL_peek(ssl_, &byte, 1);
  return n <= 0 && SSL_get_error(ssl_, n) == SSL_ERROR_WANT_READ;
}

}  // namespace client
