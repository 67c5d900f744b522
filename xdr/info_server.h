#pragma once
// InfoServer: xdr's info port (xdr-info-port), the Aerospike info protocol over TCP
// (type-1 protos: commands in, `command\tvalue\n` answers out), as asinfo and asadm
// speak it. One thread multiplexes every connection with poll(); the answers are cheap
// (counters and config), so there is no need for an event library here.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "proto/info.h"

namespace xdr {

// Answers one command (the value only); runs on the server thread.
using InfoHandler = std::function<std::string(const proto::InfoCommand& command)>;

class InfoServer {
 public:
  InfoServer(uint16_t port, InfoHandler handler) : port_(port), handler_(std::move(handler)) {}
  ~InfoServer();  // stop()

  // Binds 0.0.0.0:port and starts the thread. Throws std::runtime_error when the port
  // cannot be bound (startup edge).
  void start();
  void stop();
  uint16_t port() const { return port_; }

 private:
  void run();

  const uint16_t port_;
  const InfoHandler handler_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace xdr
