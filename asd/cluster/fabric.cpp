#include "cluster/fabric.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <cerrno>
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
constexpr auto kConnectTimeout = std::chrono::seconds(2);
constexpr uint64_t kLateTickWarnMs = 500;    // a third of the default heartbeat timeout

uint64_t now_ms() {
  using namespace std::chrono;
  return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

std::shared_ptr<spdlog::logger> log() { return common::logger("fabric"); }

// "tcp://host:port" -> host, port; false when it is not that.
bool split_endpoint(const std::string& endpoint, std::string* host, std::string* port) {
  constexpr std::string_view kScheme = "tcp://";
  if (endpoint.compare(0, kScheme.size(), kScheme) != 0) return false;
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
struct Outgoing : std::enable_shared_from_this<Outgoing> {
  enum class State { Idle, Connecting, Connected, Retrying, Closed };

  Outgoing(asio::io_context& io, std::string endpoint, bool lossy)
      : endpoint(std::move(endpoint)), lossy(lossy), socket(io), resolver(io), timer(io) {}

  const std::string endpoint;
  const bool lossy;
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
    resolver.cancel();
    socket.close(ignored);
    write_waiting = false;
    // The frame cut off midway goes again whole on the next connection: the receiver
    // dropped the piece it had.
    front_sent = 0;
  }

  void connect() {
    std::string host, port;
    if (!split_endpoint(endpoint, &host, &port)) {
      static common::LimitedLog limit{std::chrono::seconds(1)};
      limit.warn(log(), "cannot send to {}: not tcp://host:port", endpoint);
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
      if (self->generation == gen && self->state == State::Connecting) self->broken("connect timed out");
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
    timer.cancel();
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    socket.non_blocking(true, ignored);
    state = State::Connected;
    // The peer never writes on this connection: readable means it closed or reset it,
    // and the next frames go on a new connection rather than into a dead one.
    uint64_t gen = generation;
    socket.async_wait(tcp::socket::wait_read, [self = shared_from_this(), gen](const boost::system::error_code& ec) {
      std::lock_guard lock(self->mu);
      if (self->generation != gen || self->state != State::Connected) return;
      self->broken(ec ? ec.message() : "closed by peer");
    });
    flush();
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
      size_t done = size_t(sent);
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
// read on the cluster thread or on a reader thread (Fabric::set_readers).
struct Incoming : std::enable_shared_from_this<Incoming> {
  enum class After { Read, Paused, Closed };

  Incoming(FabricState& owner, tcp::socket s, std::string peer, bool fabric, bool on_reader)
      : owner(owner), socket(std::move(s)), peer(std::move(peer)), fabric(fabric), on_reader(on_reader) {}

  FabricState& owner;
  tcp::socket socket;
  const std::string peer;
  const bool fabric;     // after each run of fabric messages, on_drained
  const bool on_reader;  // read by a reader thread, not the cluster thread
  std::vector<char> buf = std::vector<char>(kReadChunk);
  size_t used = 0;

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
};

// Fabric's state; outside the class so the connections can reach it.
struct FabricState {
  asio::io_context io{1};
  tcp::acceptor heartbeat_in{io};
  tcp::acceptor fabric_in{io};
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

  void accept(tcp::acceptor& acceptor, bool fabric) {
    bool on_reader = fabric && !readers.empty();
    asio::io_context& target = on_reader ? *readers[next_reader++ % readers.size()] : io;
    acceptor.async_accept(target, [this, &acceptor, fabric, on_reader](const boost::system::error_code& ec,
                                                                        tcp::socket s) {
      if (ec == asio::error::operation_aborted || stopping.load()) return;
      if (!ec) {
        boost::system::error_code addr_ec;
        tcp::endpoint remote = s.remote_endpoint(addr_ec);
        std::string peer = addr_ec ? std::string() : remote.address().to_string();
        s.set_option(tcp::no_delay(true), addr_ec);
        auto in = std::make_shared<Incoming>(*this, std::move(s), std::move(peer), fabric, on_reader);
        if (!on_reader) {
          std::erase_if(cluster_conns, [](const std::weak_ptr<Incoming>& w) { return w.expired(); });
          cluster_conns.push_back(in);
          in->read();
        } else {
          // The socket belongs to the reader's context: its first read starts there.
          asio::post(in->socket.get_executor(), [in] { in->read(); });
        }
      } else {
        static common::LimitedLog limit{std::chrono::seconds(1)};
        limit.warn(log(), "accept failed: {}", ec.message());
      }
      accept(acceptor, fabric);
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
    return peers.emplace(endpoint, std::make_shared<Outgoing>(io, endpoint, lossy)).first->second;
  }
};

struct Fabric::Impl : FabricState {};

void Incoming::read() {
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

void Fabric::start(const std::string& address, uint16_t heartbeat_port, uint16_t fabric_port, Handler on_message,
                   Tick on_tick, uint32_t tick_ms, Drained on_drained) {
  Impl& d = *impl_;
  d.on_message = std::move(on_message);
  d.on_tick = std::move(on_tick);
  d.on_drained = std::move(on_drained);
  d.tick_ms = tick_ms;
  if (!d.on_reader) d.readers.clear();
  bool any = address.empty() || address == "any";
  struct Listener {
    tcp::acceptor* acceptor;
    uint16_t port;
    const char* what;
  };
  for (Listener l : {Listener{&d.heartbeat_in, heartbeat_port, "heartbeat"}, Listener{&d.fabric_in, fabric_port, "fabric"}}) {
    std::string host = any ? "0.0.0.0" : address;
    try {
      tcp::endpoint at(any ? asio::ip::address_v4::any() : asio::ip::make_address(address), l.port);
      l.acceptor->open(at.protocol());
      l.acceptor->set_option(tcp::acceptor::reuse_address(true));
      l.acceptor->bind(at);
      l.acceptor->listen();
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(l.port) + " (" + l.what +
                               "): " + e.code().message());
    }
  }
  d.accept(d.heartbeat_in, false);
  d.accept(d.fabric_in, true);
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
