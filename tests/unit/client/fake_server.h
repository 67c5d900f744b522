#pragma once
// Test helper: an in-process node that speaks just enough of the protocol for the client's
// end-to-end paths (wire-protocol.md §11.3 info set; put/get/exists/remove/operate, batch,
// scan over an in-memory map). Blocking sockets, one thread per connection. Not a
// reference implementation: only what the client tests need.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/value.h"
#include "common/digest.h"
#include "proto/message.h"

namespace client_test {

class FakeServer {
 public:
  explicit FakeServer(std::string node_name = "BB9020011AC4202");
  ~FakeServer();  // closes every socket and joins every thread

  uint16_t port() const { return port_; }
  const std::string& node_name() const { return node_name_; }
  void set_info(const std::string& name, const std::string& value);
  // Records stored here, by digest.
  size_t record_count();
  bool has_record(const common::Digest& digest);
  size_t messages_served() const { return messages_; }
  // Closes live connections (as a restarted server would); the listener stays.
  void drop_connections();

 private:
  struct StoredRecord {
    uint32_t generation = 0;
    std::string set;
    std::vector<std::pair<std::string, client::Value>> bins;
  };

  void accept_loop();
  void serve(int fd);
  std::string answer_info(std::string_view body);
  std::string answer_message(std::string_view body);
  std::string answer_single(const proto::Message& msg);
  std::string answer_write(const proto::Message& msg, const common::Digest& digest);
  std::string answer_batch(const proto::Message& msg);
  std::string answer_scan(const proto::Message& msg);
  void append_record(std::string& out, const StoredRecord& rec, uint8_t info1,
                     const std::vector<std::string_view>& names, uint32_t index);

  std::string node_name_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<size_t> messages_{0};

  std::mutex mu_;
  std::map<std::string, std::string> info_;
  std::map<common::Digest, StoredRecord> records_;
  std::set<int> conn_fds_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
  std::thread acceptor_;
};

}  // namespace client_test
