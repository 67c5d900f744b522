#pragma once
// Test helper: a loopback server that answers info commands from a table, standing in
// for the xdr daemon's info port (xdr-design.md §8) until that daemon exists. Commands not
// in the table answer `ERROR:4:unrecognized command`, exactly as asd does, so the same
// server also plays "asd's service port" when given no xdr commands. One connection at a
// time, served on one thread: asadm's requests are one-shot and sequential per node.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace tools_test {

class FakeInfoServer {
 public:
  FakeInfoServer();
  ~FakeInfoServer();  // stops accepting and joins
  FakeInfoServer(const FakeInfoServer&) = delete;
  FakeInfoServer& operator=(const FakeInfoServer&) = delete;

  uint16_t port() const { return port_; }
  void set(const std::string& command, const std::string& value);
  size_t requests() const { return requests_; }

 private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> requests_{0};
  std::mutex mu_;
  std::map<std::string, std::string> answers_;
  std::thread thread_;
};

}  // namespace tools_test
