#pragma once
// LinkProxy: a TCP proxy on a free loopback port in front of a remote service (an asd in
// another DC), to cut the link between two DCs on demand (Dragonfly's proxy.py).
//
// One thread polls the listening socket and every connection pair. drop() resets every
// connection (RST) and, until restore(), resets every new one as soon as it is accepted
// (so a connect appears to succeed and the first read fails, like a link dying behind a
// load balancer). pause() keeps connections open but forwards nothing until resume():
// requests then time out instead of failing fast. Every control call returns once the
// proxy thread has applied it.

#include <atomic>
#include <cstdint>
#include <thread>

namespace support {

class LinkProxy {
 public:
  explicit LinkProxy(uint16_t target_port);  // starts listening and its thread; throws
  ~LinkProxy();                              // closes everything, joins
  LinkProxy(const LinkProxy&) = delete;
  LinkProxy& operator=(const LinkProxy&) = delete;

  uint16_t port() const { return port_; }
  uint16_t target_port() const { return target_port_; }

  void drop();
  void restore();
  void pause();
  void resume();
  bool dropped() const { return state_ == kDropped; }

  uint64_t accepted() const { return accepted_; }   // connections accepted in all states
  uint64_t forwarded_bytes() const { return bytes_; }
  uint64_t open_pairs() const { return open_pairs_; }

 private:
  enum State : int { kUp, kDropped, kPaused, kStopping };
  void set_state(State s);
  void run();

  uint16_t port_ = 0;
  uint16_t target_port_ = 0;
  int listen_fd_ = -1;
  std::atomic<int> state_{kUp};
  std::atomic<uint64_t> requested_{0};
  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> open_pairs_{0};
  std::thread thread_;
};

}  // namespace support
