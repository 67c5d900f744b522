#include "cluster/fabric.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cluster/node_tls.h"
#include "common/log.h"
#include "common/log_limit.h"
#include "common/loop_end.h"

namespace asd::cluster {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr size_t kLossyQueue = 16;           // heartbeats queued for a peer at most
constexpr uint32_t kMaxMessageBytes = 256u << 20;
constexpr size_t kReadChunk = 64 << 10;
constexpr size_t kFramesPerWrite = 64;       // frames gathered into one sendmsg
constexpr auto kReconnectDelay = std::chrono::milliseconds(100);
constexpr auto kConnectTimeout = std::chrono::seconds(2);  // TCP connect and, over TLS, the handshake
constexpr auto kAcceptHandshakeTimeout = std::chrono::seconds(5);
constexpr size_t kTlsBatch = 64 << 10;       // bytes of queued frames handed to one SSL_write
constexpr uint64_t kLateTickWarnMs = 500;    // a third of the default heartbeat timeout

uint64_t now_ms() {
  using namespace std::chrono;
  return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

std::shared_ptr<spdlog::logger> log() { return common::logger("fabric"); }

bool is_tls_endpoint(const std::string& endpoint) { return endpoint.starts_with("tls://"); }

// "tcp://host:port" or "tls://host:port" -> host, port; false when it is neither.
bool split_endpoint(const std::string& endpoint, std::string* host, std::string* port) {
  constexpr std::string_view kScheme = "tcp://";  // as long as "tls://"
  if (endpoint.compare(0, kScheme.size(), kScheme) != 0 && !is_tls_endpoint(endpoint)) return false;
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon < kScheme.size() || colon + 1 == endpoint.size()) return false;
  *host = endpoint.substr(kScheme.size(), colon - kScheme.size());
  *port = endpoint.substr(colon + 1);
  return !host->empty();
}

// One message on the wire: its length (u32, big-endian), then its bytes.
struct Frame {
  unsigned char head[4];
  std::string body;

  explicit Frame(std::string message) : body(std::move(message)) {
    uint32_t n = uint32_t(body.size());
    head[0] = uint8_t(n >> 24);
    head[1] = uint8_t(n >> 16);
    head[2] = uint8_t(n >> 8);
    head[3] = uint8_t(n);
  }
  size_t size() const { return sizeof head + body.size(); }
};

}  // namespace

// The connection this node opened to one endpoint. It only ever sends; the peer answers
// on a connection of its own. Every use of the socket and the queue is under `mu`, so
// any thread may send: a frame goes straight to the kernel from the thread that made it
// when nothing is queued before it, otherwise it waits in `queue` for the cluster
// thread, which writes when the socket can take more. Either way one endpoint's frames
// leave in the order they were sent.
//
// Over TLS (a tls:// endpoint) the socket carries an OpenSSL session, driven under `mu`
// like the socket: SSL_write with partial writes instead of sendmsg, from `tls_out`,
// which holds the next bytes of the queue exactly as they go on the wire until OpenSSL
// has taken them all (a write it could not finish is retried with the same bytes).
struct Outgoing : std::enable_shared_from_this<Outgoing> {
  enum class State { Idle, Connecting, Handshaking, Connected, Retrying, Closed };

  Outgoing(asio::io_context& io, std::string endpoint, bool lossy, const NodeTls* tls)
      : endpoint(std::move(endpoint)), lossy(lossy), tls(tls), socket(io), resolver(io), timer(io) {}
  ~Outgoing() {
    if (ssl) SSL_free(ssl);
  }

  const std::string endpoint;
  const bool lossy;
  const NodeTls* const tls;  // of the link, when the endpoint is tls://
  std::mutex mu;
  tcp::socket socket;
  tcp::resolver resolver;
  asio::steady_timer timer;  // connect deadline, then the pause before a reconnect
  State state = State::Idle;
  uint64_t generation = 0;   // of the socket; a handler of an older one does nothing
  std::deque<Frame> queue;
  size_t front_sent = 0;     // bytes of queue.front() already written
  bool write_waiting = false;
  bool flush_deferred = false;  // a loop will flush at the end of its current round
  SSL* ssl = nullptr;            // over TLS, once connected
  std::string tls_out;           // bytes of the queue's front handed to SSL_write
  size_t tls_out_sent = 0;       // of tls_out, taken by OpenSSL
  bool write_wants_read = false;  // SSL_write waits for the socket to be readable

  void send(std::string message) {
    std::lock_guard lock(mu);
    if (state == State::Closed) return;
    if (lossy && queue.size() >= kLossyQueue) return;
    queue.emplace_back(std::move(message));
    if (state == State::Idle) return connect();
    if (state != State::Connected || write_waiting || flush_deferred) return;
    std::function<void()> later = [self = shared_from_this()] {
      std::lock_guard lock(self->mu);
      self->flush_deferred = false;
      if (self->state == State::Connected && !self->write_waiting) self->flush();
    };
    if (common::LoopEnd::defer(later)) {
      flush_deferred = true;
      return;
    }
    flush();
  }

  void close() {
    std::lock_guard lock(mu);
    state = State::Closed;
    drop_socket();
    timer.cancel();
    queue.clear();
  }

 private:
  void drop_socket() {
    ++generation;
    boost::system::error_code ignored;
    if (ssl) {
      SSL_free(ssl);
      ssl = nullptr;
      tls_out.clear();
      tls_out_sent = 0;
      write_wants_read = false;
    }
    resolver.cancel();
    socket.close(ignored);
    write_waiting = false;
    // The frame cut off midway goes again whole on the next connection: the receiver
    // dropped the piece it had.
    front_sent = 0;
  }

  void connect() {
    std::string host, port;
    if (!split_endpoint(endpoint, &host, &port) || (is_tls_endpoint(endpoint) && tls == nullptr)) {
      // A node without TLS on this link never connects over TLS, as the real server.
      static common::LimitedLog limit{std::chrono::seconds(1)};
      limit.warn(log(), "cannot send to {}: not tcp://host:port, or tls:// without TLS on this link", endpoint);
      state = State::Closed;
      queue.clear();
      return;
    }
    state = State::Connecting;
    uint64_t gen = generation;
    timer.expires_after(kConnectTimeout);
    timer.async_wait([self = shared_from_this(), gen](const boost::system::error_code& ec) {
      if (ec) return;
      std::lock_guard lock(self->mu);
      if (self->generation != gen) return;
      if (self->state == State::Connecting) self->broken("connect timed out");
      if (self->state == State::Handshaking) self->broken("tls handshake timed out");
    });
    resolver.async_resolve(host, port, [self = shared_from_this(), gen](const boost::system::error_code& ec,
                                                                        tcp::resolver::results_type results) {
      std::lock_guard lock(self->mu);
      if (self->generation != gen || self->state != State::Connecting) return;
      if (ec) return self->broken(ec.message());
      asio::async_connect(self->socket, results, [self, gen](const boost::system::error_code& ec, const tcp::endpoint&) {
        std::lock_guard lock(self->mu);
        if (self->generation != gen || self->state != State::Connecting) return;
        if (ec) return self->broken(ec.message());
        self->connected();
      });
    });
  }

  void connected() {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    socket.non_blocking(true, ignored);
    if (tls) return start_handshake();
    timer.cancel();
    established();
  }

  void established() {
    state = State::Connected;
    wait_closed();
    flush();
  }

  // The peer never writes on this connection: readable means it closed or reset it,
  // and the next frames go on a new connection rather than into a dead one. Over TLS it
  // may also be a TLS message (an alert), which tls_readable() reads.
  void wait_closed() {
    uint64_t gen = generation;
    socket.async_wait(tcp::socket::wait_read, [self = shared_from_this(), gen](const boost::system::error_code& ec) {
      std::lock_guard lock(self->mu);
      if (self->generation != gen || self->state != State::Connected) return;
      if (!ec && self->ssl) return self->tls_readable();
      self->broken(ec ? ec.message() : "closed by peer");
    });
  }

  void start_handshake() {
    ssl = tls->session(socket.native_handle(), false);
    if (ssl == nullptr) return broken("cannot create a TLS session");
    state = State::Handshaking;
    handshake();
  }

  // Runs the handshake as far as the socket allows; the connect deadline still runs.
  void handshake() {
    ERR_clear_error();
    int ret = SSL_do_handshake(ssl);
    if (ret == 1) {
      timer.cancel();
      return established();
    }
    int err = SSL_get_error(ssl, ret);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      uint64_t gen = generation;
      socket.async_wait(err == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
                        [self = shared_from_this(), gen](const boost::system::error_code& ec) {
                          std::lock_guard lock(self->mu);
                          if (self->generation != gen || self->state != State::Handshaking) return;
                          if (ec) return self->broken(ec.message());
                          self->handshake();
                        });
      return;
    }
    tls->failed(ssl, ret, endpoint);
    broken("tls handshake failed");
  }

  // Reads what the peer sent on a connection it only reads: nothing, or an alert (under
  // TLS 1.3 a peer refuses this node's certificate after the handshake), or its close.
  void tls_readable() {
    char scratch[512];
    for (;;) {
      ERR_clear_error();
      int n = SSL_read(ssl, scratch, sizeof scratch);
      if (n > 0) continue;
      int err = SSL_get_error(ssl, n);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
      if (err == SSL_ERROR_SSL) tls->failed(ssl, n, endpoint);
      return broken(err == SSL_ERROR_SSL ? "tls error" : "closed by peer");
    }
    wait_closed();
    if (write_wants_read) {
      write_wants_read = false;
      write_waiting = false;
      flush();
    }
  }

  // The connection failed: drop it and try again shortly, keeping what is queued.
  void broken(const std::string& why) {
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.debug(log(), "connection to {} lost: {}", endpoint, why);
    drop_socket();
    state = State::Retrying;
    uint64_t gen = generation;
    timer.expires_after(kReconnectDelay);
    timer.async_wait([self = shared_from_this(), gen](const boost::system::error_code& ec) {
      if (ec) return;
      std::lock_guard lock(self->mu);
      if (self->generation != gen || self->state != State::Retrying) return;
      if (self->queue.empty()) {
        self->state = State::Idle;  // connect again with the next frame
        return;
      }
      self->connect();
    });
  }

  // Writes queued frames until the queue is empty or the kernel takes no more.
  void flush() {
    if (ssl) return flush_tls();
    while (!queue.empty()) {
      iovec iov[2 * kFramesPerWrite];
      int n = 0;
      size_t skip = front_sent;
      for (auto it = queue.begin(); it != queue.end() && n < int(2 * kFramesPerWrite); ++it) {
        const Frame& f = *it;
        if (skip < sizeof f.head) {
          iov[n++] = {const_cast<unsigned char*>(f.head) + skip, sizeof f.head - skip};
          skip = 0;
        } else {
          skip -= sizeof f.head;
        }
        if (skip < f.body.size()) iov[n++] = {const_cast<char*>(f.body.data()) + skip, f.body.size() - skip};
        skip = 0;
      }
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = size_t(n);
      ssize_t sent = ::sendmsg(socket.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_writable();
        return broken(std::strerror(errno));
      }
      written(size_t(sent));
    }
  }

  // `done` more bytes of the queue went out: whole frames leave it.
  void written(size_t done) {
    while (done > 0) {
      size_t left = queue.front().size() - front_sent;
      if (done < left) {
        front_sent += done;
        break;
      }
      done -= left;
      queue.pop_front();
      front_sent = 0;
    }
  }

  void flush_tls() {
    for (;;) {
      if (tls_out_sent == tls_out.size()) {
        tls_out.clear();
        tls_out_sent = 0;
        if (queue.empty()) return;
        gather_tls();
      }
      ERR_clear_error();
      int n = SSL_write(ssl, tls_out.data() + tls_out_sent, int(tls_out.size() - tls_out_sent));
      if (n > 0) {
        tls_out_sent += size_t(n);
        written(size_t(n));
        continue;
      }
      int err = SSL_get_error(ssl, n);
      if (err == SSL_ERROR_WANT_WRITE) return wait_writable();
      if (err == SSL_ERROR_WANT_READ) {
        write_waiting = true;  // tls_readable() resumes
        write_wants_read = true;
        return;
      }
      return broken(err == SSL_ERROR_SYSCALL ? std::strerror(errno) : "tls write failed");
    }
  }

  // The queue's next bytes as they go on the wire, up to kTlsBatch: one SSL_write carries
  // many small frames, as one sendmsg does in plaintext.
  void gather_tls() {
    size_t skip = front_sent;
    auto take = [&](const char* p, size_t n) {
      if (skip >= n) {
        skip -= n;
        return;
      }
      p += skip;
      n -= skip;
      skip = 0;
      tls_out.append(p, std::min(n, kTlsBatch - tls_out.size()));
    };
    for (const Frame& f : queue) {
      if (tls_out.size() >= kTlsBatch) break;
      take(reinterpret_cast<const char*>(f.head), sizeof f.head);
      if (tls_out.size() >= kTlsBatch) break;
      take(f.body.data(), f.body.size());
    }
  }

  void wait_writable() {
    write_waiting = true;
    uint64_t gen = generation;
    socket.async_wait(tcp::socket::wait_write, [self = shared_from_this(), gen](const boost::system::error_code& ec) {
      std::lock_guard lock(self->mu);
      if (self->generation != gen || self->state != State::Connected) return;
      self->write_waiting = false;
      if (ec) return self->broken(ec.message());
      self->flush();
    });
  }
};

struct FabricState;

// A connection a peer opened to this node: its messages in the order they were sent,
// read on the cluster thread or on a reader thread (Fabric::set_readers). On a TLS
// listener it first runs the handshake (server role, driven by readiness waits on its
// thread, within kAcceptHandshakeTimeout), then reads through OpenSSL.
struct Incoming : std::enable_shared_from_this<Incoming> {
  enum class After { Read, Paused, Closed };

  Incoming(FabricState& owner, tcp::socket s, std::string peer, bool fabric, bool on_reader, const NodeTls* tls)
      : owner(owner), socket(std::move(s)), peer(std::move(peer)), fabric(fabric), on_reader(on_reader), tls(tls) {}
  ~Incoming() {
    if (ssl) SSL_free(ssl);
  }

  FabricState& owner;
  tcp::socket socket;
  const std::string peer;
  const bool fabric;     // after each run of fabric messages, on_drained
  const bool on_reader;  // read by a reader thread, not the cluster thread
  const NodeTls* const tls;  // the listener's TLS; null for plaintext
  SSL* ssl = nullptr;
  bool established = false;  // the TLS handshake is done
  std::unique_ptr<asio::steady_timer> handshake_deadline;
  std::vector<char> buf = std::vector<char>(kReadChunk);
  size_t used = 0;

  void start();
  void read();
  void resume();
  void drain_now();
  After deliver();

 private:
  void room() {
    if (buf.size() - used < kReadChunk / 4) buf.resize(std::max(buf.size() * 2, used + kReadChunk));
  }
  void consume(size_t pos) {
    std::memmove(buf.data(), buf.data() + pos, used - pos);
    used -= pos;
  }
  void close() {
    boost::system::error_code ignored;
    socket.close(ignored);
  }
  After hand_to_cluster_thread(size_t pos, const std::vector<std::string_view>& frames, size_t k);
  void handshake();
  void read_tls(bool wait);
};

// Fabric's state; outside the class so the connections can reach it.
struct FabricState {
  asio::io_context io{1};
  tcp::acceptor heartbeat_in{io};
  tcp::acceptor fabric_in{io};
  tcp::acceptor heartbeat_tls_in{io};
  tcp::acceptor fabric_tls_in{io};
  const NodeTls* heartbeat_tls = nullptr;
  const NodeTls* fabric_tls = nullptr;
  asio::steady_timer tick_timer{io};
  std::mutex peers_mu;
  std::unordered_map<std::string, std::shared_ptr<Outgoing>> peers;
  Fabric::Handler on_message;
  Fabric::Tick on_tick;
  Fabric::Drained on_drained;
  Fabric::ReaderHandler on_reader;
  std::vector<asio::io_context*> readers;
  size_t next_reader = 0;
  uint32_t tick_ms = 100;
  uint64_t next_tick = 0;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::vector<std::weak_ptr<Incoming>> cluster_conns;  // read on the cluster thread; that thread only

  void accept(tcp::acceptor& acceptor, bool fabric, const NodeTls* tls) {
    bool on_reader = fabric && !readers.empty();
    asio::io_context& target = on_reader ? *readers[next_reader++ % readers.size()] : io;
    acceptor.async_accept(target, [this, &acceptor, fabric, on_reader, tls](const boost::system::error_code& ec,
                                                                             tcp::socket s) {
      if (ec == asio::error::operation_aborted || stopping.load()) return;
      if (!ec) {
        boost::system::error_code addr_ec;
        tcp::endpoint remote = s.remote_endpoint(addr_ec);
        std::string peer = addr_ec ? std::string() : remote.address().to_string();
        s.set_option(tcp::no_delay(true), addr_ec);
        auto in = std::make_shared<Incoming>(*this, std::move(s), std::move(peer), fabric, on_reader, tls);
        if (!on_reader) {
          std::erase_if(cluster_conns, [](const std::weak_ptr<Incoming>& w) { return w.expired(); });
          cluster_conns.push_back(in);
          in->start();
        } else {
          // The socket belongs to the reader's context: its first read starts there.
          asio::post(in->socket.get_executor(), [in] { in->start(); });
        }
      } else {
        static common::LimitedLog limit{std::chrono::seconds(1)};
        limit.warn(log(), "accept failed: {}", ec.message());
      }
      accept(acceptor, fabric, tls);
    });
  }

  void schedule_tick() {
    tick_timer.expires_after(std::chrono::milliseconds(next_tick > now_ms() ? next_tick - now_ms() : 0));
    tick_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping.load()) return;
      uint64_t now = now_ms();
      uint64_t late = now - next_tick;
      if (late >= kLateTickWarnMs) log()->warn("cluster thread {} ms late for its tick", late);
      if (late >= tick_ms) {
        // Heartbeats that arrived while this thread was busy count before the tick
        // judges which peers are gone.
        for (const std::weak_ptr<Incoming>& w : cluster_conns) {
          auto in = w.lock();
          if (in && !in->fabric) in->drain_now();
        }
      }
      on_tick();
      next_tick = now + tick_ms;
      schedule_tick();
    });
  }

  std::shared_ptr<Outgoing> peer(const std::string& endpoint, bool lossy) {
    std::lock_guard lock(peers_mu);
    auto it = peers.find(endpoint);
    if (it != peers.end()) return it->second;
    const NodeTls* tls = is_tls_endpoint(endpoint) ? (lossy ? heartbeat_tls : fabric_tls) : nullptr;
    return peers.emplace(endpoint, std::make_shared<Outgoing>(io, endpoint, lossy, tls)).first->second;
  }
};

struct Fabric::Impl : FabricState {};

void Incoming::start() {
  if (tls == nullptr) return read();
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  ssl = tls->session(socket.native_handle(), true);
  if (ssl == nullptr) return close();
  // A peer that connects and never finishes the handshake does not keep its socket.
  handshake_deadline = std::make_unique<asio::steady_timer>(socket.get_executor(), kAcceptHandshakeTimeout);
  handshake_deadline->async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->established || !self->socket.is_open()) return;
    self->tls->failed(self->peer, "handshake timed out");
    self->close();
  });
  handshake();
}

void Incoming::handshake() {
  ERR_clear_error();
  int ret = SSL_do_handshake(ssl);
  if (ret == 1) {
    established = true;
    handshake_deadline->cancel();
    return read_tls(true);
  }
  int err = SSL_get_error(ssl, ret);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    socket.async_wait(err == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                        if (ec || self->owner.stopping.load()) return;
                        self->handshake();
                      });
    return;
  }
  tls->failed(ssl, ret, peer);
  close();
}

// Reads what OpenSSL can decrypt now, a chunk at a time, and hands it over; when `wait`,
// waits for the socket once OpenSSL needs more. OpenSSL may hold decrypted bytes that
// the socket no longer shows, so a paused connection resumes by reading here first.
void Incoming::read_tls(bool wait) {
  for (;;) {
    size_t got = 0;
    int err = SSL_ERROR_NONE;
    while (got < kReadChunk) {
      room();
      ERR_clear_error();
      int n = SSL_read(ssl, buf.data() + used, int(std::min<size_t>(buf.size() - used, INT_MAX)));
      if (n <= 0) {
        err = SSL_get_error(ssl, n);
        break;
      }
      used += size_t(n);
      got += size_t(n);
    }
    if (got > 0 && deliver() != After::Read) return;
    if (err == SSL_ERROR_NONE) continue;
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return close();  // closed or broken
    if (!wait) return;
    socket.async_wait(err == SSL_ERROR_WANT_READ ? tcp::socket::wait_read : tcp::socket::wait_write,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                        if (ec || self->owner.stopping.load()) return;
                        self->read_tls(true);
                      });
    return;
  }
}

void Incoming::read() {
  if (ssl) return read_tls(true);
  room();
  socket.async_read_some(asio::buffer(buf.data() + used, buf.size() - used),
                         [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                           // On error the connection ends: the socket goes with the last handler.
                           if (ec || self->owner.stopping.load()) return;
                           self->used += n;
                           if (self->deliver() == After::Read) self->read();
                         });
}

void Incoming::resume() {
  if (owner.stopping.load()) return;
  if (deliver() == After::Read) read();
}

// Reads and hands over what the kernel holds now, without waiting (cluster thread). The
// pending async read simply finds nothing when it runs.
void Incoming::drain_now() {
  if (tls) {
    if (established) read_tls(false);
    return;
  }
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  while (!ec) {
    room();
    size_t n = socket.read_some(asio::buffer(buf.data() + used, buf.size() - used), ec);
    if (ec) return;
    used += n;
    if (deliver() == After::Closed) return;
  }
}

// Hands over every whole message in `buf`. A length over the limit means the peer sent
// something that is not this protocol: the connection is dropped, as nothing after it
// can be trusted.
Incoming::After Incoming::deliver() {
  size_t pos = 0;
  size_t need = 0;  // buffer size the next, incomplete message needs
  std::vector<std::string_view> frames;
  std::vector<size_t> ends;
  bool bad = false;
  while (used - pos >= 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(buf.data() + pos);
    uint32_t n = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
    if (n > kMaxMessageBytes) {
      static common::LimitedLog limit{std::chrono::seconds(1)};
      limit.warn(log(), "dropping connection from {}: message of {} bytes (at most {})", peer, n, kMaxMessageBytes);
      bad = true;
      break;
    }
    if (used - pos - 4 < n) {
      need = size_t(n) + 4;
      break;
    }
    frames.emplace_back(buf.data() + pos + 4, n);
    pos += 4 + size_t(n);
    ends.push_back(pos);
  }
  if (!frames.empty()) {
    if (on_reader) {
      size_t k = owner.on_reader(frames);
      if (k < frames.size()) return hand_to_cluster_thread(k == 0 ? 0 : ends[k - 1], frames, k);
    } else {
      for (std::string_view m : frames) owner.on_message(m, peer);
      if (fabric) owner.on_drained();
    }
  }
  consume(pos);
  if (bad) {
    close();
    return After::Closed;
  }
  if (buf.size() < need + kReadChunk / 4) buf.resize(need + kReadChunk);
  return After::Read;
}

// Message k goes to the cluster thread; this connection reads nothing more until that
// thread has handled it, then goes on with what follows it.
Incoming::After Incoming::hand_to_cluster_thread(size_t pos, const std::vector<std::string_view>& frames, size_t k) {
  std::string message(frames[k]);
  size_t next = pos + 4 + frames[k].size();
  consume(next);
  asio::post(owner.io, [self = shared_from_this(), message = std::move(message)] {
    if (self->owner.stopping.load()) return;
    self->owner.on_message(message, self->peer);
    self->owner.on_drained();
    asio::post(self->socket.get_executor(), [self] { self->resume(); });
  });
  return After::Paused;
}

Fabric::Fabric() : impl_(std::make_unique<Impl>()) {}

Fabric::~Fabric() { stop(); }

void Fabric::set_readers(std::vector<boost::asio::io_context*> readers, ReaderHandler handler) {
  impl_->readers = std::move(readers);
  impl_->on_reader = std::move(handler);
}

void Fabric::set_tls(const NodeTls* heartbeat, const NodeTls* fabric) {
  impl_->heartbeat_tls = heartbeat;
  impl_->fabric_tls = fabric;
}

void Fabric::start(const Listeners& listeners, Handler on_message, Tick on_tick, uint32_t tick_ms,
                   Drained on_drained) {
  Impl& d = *impl_;
  d.on_message = std::move(on_message);
  d.on_tick = std::move(on_tick);
  d.on_drained = std::move(on_drained);
  d.tick_ms = tick_ms;
  if (!d.on_reader) d.readers.clear();
  struct Bound {
    tcp::acceptor* acceptor;
    const Listener& at;
    const char* what;
    bool fabric;
    const NodeTls* tls;
  };
  const Bound all[] = {{&d.heartbeat_in, listeners.heartbeat, "heartbeat", false, nullptr},
                       {&d.heartbeat_tls_in, listeners.heartbeat_tls, "heartbeat tls", false, d.heartbeat_tls},
                       {&d.fabric_in, listeners.fabric, "fabric", true, nullptr},
                       {&d.fabric_tls_in, listeners.fabric_tls, "fabric tls", true, d.fabric_tls}};
  for (const Bound& l : all) {
    if (l.at.port == 0) continue;
    if (l.acceptor == &d.heartbeat_tls_in || l.acceptor == &d.fabric_tls_in) {
      if (l.tls == nullptr) throw std::runtime_error(std::string(l.what) + " port without its TLS context");
    }
    bool any = l.at.address.empty() || l.at.address == "any";
    std::string host = any ? "0.0.0.0" : l.at.address;
    try {
      tcp::endpoint at(any ? asio::ip::address_v4::any() : asio::ip::make_address(l.at.address), l.at.port);
      l.acceptor->open(at.protocol());
      l.acceptor->set_option(tcp::acceptor::reuse_address(true));
      l.acceptor->bind(at);
      l.acceptor->listen();
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(l.at.port) + " (" + l.what +
                               "): " + e.code().message());
    }
  }
  for (const Bound& l : all) {
    if (l.at.port != 0) d.accept(*l.acceptor, l.fabric, l.tls);
  }
  d.next_tick = now_ms();
  d.schedule_tick();
  d.thread = std::thread([&d] { d.io.run(); });
}

void Fabric::stop() {
  Impl& d = *impl_;
  if (!d.thread.joinable()) return;
  d.stopping.store(true);
  d.io.stop();
  d.thread.join();
  std::unordered_map<std::string, std::shared_ptr<Outgoing>> peers;
  {
    std::lock_guard lock(d.peers_mu);
    peers.swap(d.peers);
  }
  for (auto& [endpoint, out] : peers) out->close();
  boost::system::error_code ignored;
  d.heartbeat_in.close(ignored);
  d.fabric_in.close(ignored);
  d.heartbeat_tls_in.close(ignored);
  d.fabric_tls_in.close(ignored);
  for (const std::weak_ptr<Incoming>& w : d.cluster_conns) {
    if (auto in = w.lock()) in->socket.close(ignored);
  }
  // What is still queued finds `stopping` set and does nothing; run now, it lets go of
  // the connections it holds while their contexts (a reader's too) still exist.
  d.io.restart();
  d.io.poll();
}

void Fabric::on_cluster_thread(std::function<void()> fn) {
  Impl& d = *impl_;
  if (std::this_thread::get_id() == d.thread.get_id()) return fn();
  if (d.stopping.load()) return;
  asio::post(d.io, [&d, fn = std::move(fn)] {
    if (!d.stopping.load()) fn();
  });
}

void Fabric::send(const std::string& endpoint, std::string message, bool lossy) {
  // A late sender (a wait finished at shutdown) sends nothing.
  if (impl_->stopping.load()) return;
  impl_->peer(endpoint, lossy)->send(std::move(message));
}

void Fabric::disconnect(const std::string& endpoint) {
  std::shared_ptr<Outgoing> out;
  {
    std::lock_guard lock(impl_->peers_mu);
    auto it = impl_->peers.find(endpoint);
    if (it == impl_->peers.end()) return;
    out = std::move(it->second);
    impl_->peers.erase(it);
  }
  out->close();
}

}  // namespace asd::cluster
