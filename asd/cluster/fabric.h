#pragma once
// The node-to-node transport: listeners on the heartbeat and the fabric port, and one
// TCP connection (Boost.Asio) per remote endpoint, each message a u32 big-endian length
// and its bytes. One connection keeps each sender's messages to one endpoint in order,
// which replication relies on (a migrated record and a later write of it arrive in the
// order they were made). A connection that breaks is made again after 100 ms; what was
// queued goes on it, a message cut off midway whole again.
//
// One thread, the cluster thread, runs the periodic tick
// and handles heartbeats and every message of cluster business. Fabric connections may
// instead be read on reader threads (the service threads, set_readers): those handle the
// messages of the write path themselves, so a replica write and its ack do not wake the
// cluster thread, and hand anything else to the cluster thread, pausing the connection
// meanwhile so that its messages are still handled in the order they were sent. Any
// thread sends, on one connection per endpoint under a lock, so a message leaves from
// the thread that made it.
//
// TLS (node_tls.h): endpoints are "tcp://host:port" or "tls://host:port". A connection to
// a tls:// endpoint, and any connection accepted on a TLS listener, runs OpenSSL directly
// on its non-blocking socket: the handshake is driven by readiness waits on the thread
// that owns the connection, and sending keeps the plaintext design (any thread, under the
// connection's lock, partial writes resumed when the socket is writable). A handshake that
// fails (a plaintext peer, a foreign CA, a wrong name) closes the connection; NodeTls
// counts and logs it. The plaintext path is not touched by any of this.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace asd::cluster {

class NodeTls;

// Sending to an endpoint, as the rest of the cluster needs it (Peers); tests record.
class Transport {
 public:
  virtual ~Transport() = default;
  // Thread-safe. `endpoint` is "tcp://host:port", or "tls://host:port" over TLS (the
  // heartbeat's TLS when `lossy`, else the fabric's). Heartbeat endpoints are `lossy`: a
  // few queued messages at most (a dead peer's heartbeats are worthless); fabric messages
  // queue until delivered or until disconnect().
  virtual void send(const std::string& endpoint, std::string message, bool lossy) = 0;
  // Drops the socket to `endpoint` and whatever it still queues (the peer left).
  virtual void disconnect(const std::string& endpoint) = 0;
};

class Fabric : public Transport {
 public:
  // `peer`: the sender's address as this node sees it ("" when unknown).
  using Handler = std::function<void(std::string_view message, const std::string& peer)>;
  using Tick = std::function<void()>;
  // After each run of fabric messages handled together: answers can go out as one.
  using Drained = std::function<void()>;
  // On a reader thread, with the messages one read brought from one connection: handles
  // the first k itself and returns k. messages[k], if any, goes to the cluster thread
  // (Handler, then Drained), and the rest come again once it has been handled.
  using ReaderHandler = std::function<size_t(const std::vector<std::string_view>& messages)>;

  // Where this node listens; a port of 0 has no listener.
  struct Listener {
    std::string address;  // "" or "any": every interface
    uint16_t port = 0;
  };
  struct Listeners {
    Listener heartbeat, heartbeat_tls, fabric, fabric_tls;
  };

  Fabric();
  ~Fabric() override;

  // Before start(): the TLS of the heartbeat and of the fabric links (null: none). They
  // serve the TLS listeners and the tls:// endpoints, and must outlive this fabric.
  void set_tls(const NodeTls* heartbeat, const NodeTls* fabric);

  // Binds the listeners (throws std::runtime_error naming the endpoint when one cannot be
  // bound) and starts the cluster thread: `on_message` for every message received,
  // `on_tick` every `tick_ms`, `on_drained` after each run of fabric messages.
  void start(const Listeners& listeners, Handler on_message, Tick on_tick, uint32_t tick_ms, Drained on_drained);
  // Before start(): fabric connections are spread over `readers` instead of all being
  // read on the cluster thread. Their threads must have stopped before this fabric is
  // destroyed.
  void set_readers(std::vector<boost::asio::io_context*> readers, ReaderHandler handler);
  void stop();

  // Runs `fn` now on the cluster thread, or queues it there from any other thread.
  void on_cluster_thread(std::function<void()> fn);

  void send(const std::string& endpoint, std::string message, bool lossy) override;
  void disconnect(const std::string& endpoint) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace asd::cluster
