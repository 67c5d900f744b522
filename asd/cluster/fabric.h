#pragma once
// The node-to-node transport, over ZeroMQ: one PULL socket bound on the heartbeat port,
// one on the fabric port, and a PUSH socket per remote endpoint. PUSH/PULL keeps each
// sender's messages to one endpoint in order, which replication relies on (a migrated
// record and a later write of it arrive in the order they were made).
//
// One thread (the cluster thread) owns the receiving sockets: it receives, runs the
// handler, and runs the periodic tick. Any thread sends, on one socket per endpoint under
// a lock, so a message leaves from the thread that made it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace asd::cluster {

// Sending to an endpoint, as the rest of the cluster needs it (Peers); tests record.
class Transport {
 public:
  virtual ~Transport() = default;
  // Thread-safe. `endpoint` is "tcp://host:port". Heartbeat endpoints are `lossy`: a few
  // queued messages at most (a dead peer's heartbeats are worthless); fabric messages
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

  Fabric();
  ~Fabric() override;

  // Binds both ports (throws std::runtime_error naming the endpoint when one cannot be
  // bound) and starts the cluster thread: `on_message` for every message received,
  // `on_tick` every `tick_ms`, `on_drained` after each run of fabric messages.
  void start(const std::string& address, uint16_t heartbeat_port, uint16_t fabric_port, Handler on_message,
             Tick on_tick, uint32_t tick_ms, Drained on_drained);
  void stop();

  void send(const std::string& endpoint, std::string message, bool lossy) override;
  void disconnect(const std::string& endpoint) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace asd::cluster
