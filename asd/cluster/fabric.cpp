#include "cluster/fabric.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <zmq.hpp>

#include "common/log.h"
#include "common/log_limit.h"

namespace asd::cluster {

namespace {

constexpr int kLossyHwm = 16;
constexpr int kMaxMessageBytes = 256 << 20;
constexpr int kDrainBatch = 256;  // messages per socket per poll round, so no socket starves
constexpr uint64_t kLateTickWarnMs = 500;  // a third of the default heartbeat timeout

uint64_t now_ms() {
  using namespace std::chrono;
  return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

}  // namespace

struct Fabric::Impl {
  zmq::context_t ctx{1};
  zmq::socket_t heartbeat_in{ctx, zmq::socket_type::pull};
  zmq::socket_t fabric_in{ctx, zmq::socket_type::pull};
  // The sending sockets, one per endpoint. Any thread sends on them under peers_mu (the
  // lock is the full barrier ZeroMQ asks for when a socket changes threads), so a
  // replica write leaves from the service thread that made it, without waking the
  // cluster thread, and one endpoint's messages keep the order they were sent in.
  std::mutex peers_mu;
  std::unordered_map<std::string, zmq::socket_t> peers;
  Handler on_message;
  Tick on_tick;
  Drained on_drained;
  uint32_t tick_ms = 100;
  std::atomic<bool> stopping{false};
  std::thread thread;

  zmq::socket_t& peer(const std::string& endpoint, bool lossy) {
    auto it = peers.find(endpoint);
    if (it != peers.end()) return it->second;
    zmq::socket_t s(ctx, zmq::socket_type::push);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::sndhwm, lossy ? kLossyHwm : 0);
    s.connect(endpoint);
    return peers.emplace(endpoint, std::move(s)).first->second;
  }

  void send_now(const std::string& endpoint, std::string_view message, bool lossy) {
    std::lock_guard lock(peers_mu);
    try {
      zmq::socket_t& s = peer(endpoint, lossy);
      s.send(zmq::const_buffer(message.data(), message.size()), zmq::send_flags::dontwait);
    } catch (const zmq::error_t& e) {
      // A peer that went away fails every send until membership drops it.
      static common::LimitedLog limit{std::chrono::seconds(1)};
      limit.warn(common::logger("fabric"), "send to {} failed: {}", endpoint, e.what());
    }
  }

  void drain(zmq::socket_t& s) {
    for (int i = 0; i < kDrainBatch; ++i) {
      zmq::message_t m;
      if (!s.recv(m, zmq::recv_flags::dontwait)) return;
      std::string peer;
      try {
        peer = m.gets("Peer-Address");
      } catch (const zmq::error_t&) {
        // an old libzmq without the property: the sender must advertise its address
      }
      on_message(m.to_string_view(), peer);
    }
  }

  void run() {
    uint64_t next_tick = now_ms();
    while (!stopping.load()) {
      uint64_t now = now_ms();
      if (now >= next_tick) {
        // Heartbeats that arrived while this thread was busy count before the tick
        // judges which peers are gone.
        drain(heartbeat_in);
        uint64_t late = now - next_tick;
        if (late >= kLateTickWarnMs) common::logger("fabric")->warn("cluster thread {} ms late for its tick", late);
        on_tick();
        next_tick = now + tick_ms;
        now = now_ms();
      }
      zmq::pollitem_t items[] = {{heartbeat_in.handle(), 0, ZMQ_POLLIN, 0}, {fabric_in.handle(), 0, ZMQ_POLLIN, 0}};
      long wait = next_tick > now ? long(next_tick - now) : 0;
      try {
        zmq::poll(items, 2, std::chrono::milliseconds(wait));
      } catch (const zmq::error_t& e) {
        if (e.num() == ETERM) return;
        continue;
      }
      if (items[0].revents & ZMQ_POLLIN) drain(heartbeat_in);
      if (items[1].revents & ZMQ_POLLIN) {
        drain(fabric_in);
        on_drained();
      }
    }
  }

};

Fabric::Fabric() : impl_(std::make_unique<Impl>()) {}

Fabric::~Fabric() { stop(); }

void Fabric::start(const std::string& address, uint16_t heartbeat_port, uint16_t fabric_port, Handler on_message,
                   Tick on_tick, uint32_t tick_ms, Drained on_drained) {
  Impl& d = *impl_;
  d.on_message = std::move(on_message);
  d.on_tick = std::move(on_tick);
  d.on_drained = std::move(on_drained);
  d.tick_ms = tick_ms;
  std::string host = address.empty() || address == "any" ? "*" : address;
  struct Listener {
    zmq::socket_t* socket;
    uint16_t port;
    const char* what;
  };
  for (Listener l : {Listener{&d.heartbeat_in, heartbeat_port, "heartbeat"}, Listener{&d.fabric_in, fabric_port, "fabric"}}) {
    l.socket->set(zmq::sockopt::linger, 0);
    l.socket->set(zmq::sockopt::maxmsgsize, int64_t(kMaxMessageBytes));
    try {
      l.socket->bind("tcp://" + host + ":" + std::to_string(l.port));
    } catch (const zmq::error_t& e) {
      throw std::runtime_error("cannot listen on " + (host == "*" ? std::string("0.0.0.0") : host) + ":" +
                               std::to_string(l.port) + " (" + l.what + "): " + e.what());
    }
  }
  d.thread = std::thread([&d] { d.run(); });
}

void Fabric::stop() {
  Impl& d = *impl_;
  if (!d.thread.joinable()) return;
  d.stopping.store(true);  // the poll returns within a tick
  d.thread.join();
  std::lock_guard lock(d.peers_mu);
  d.peers.clear();
}

void Fabric::send(const std::string& endpoint, std::string message, bool lossy) {
  // A late sender (a wait finished at shutdown) sends nothing.
  if (impl_->stopping.load()) return;
  impl_->send_now(endpoint, message, lossy);
}

void Fabric::disconnect(const std::string& endpoint) {
  std::lock_guard lock(impl_->peers_mu);
  impl_->peers.erase(endpoint);
}

}  // namespace asd::cluster
