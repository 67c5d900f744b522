#pragma once
// The client service: Boost.Asio acceptors on the service port (and the optional
// info-only port) and a pool of service threads sized to the cores. Each connection
// reads one proto at a time and answers it in order; scans are handed to their own
// threads so a long stream never holds a service thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "proto/frame.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}

namespace asd {

class NodeContext;

class ServerTls;

// The service's TLS listener (network.service tls-port): clients shake hands with the
// context `tls` holds now (service/tls_context.h) and then speak the same protocol.
struct TlsListener {
  std::vector<std::string> addresses;
  uint16_t port = 0;  // 0: none
  std::shared_ptr<ServerTls> tls;
};

class Server {
 public:
  // Listens on `port` at every address of `addresses`, on `info_port` (0: none) at every
  // one of `info_addresses`, and on the TLS listener's port; an empty list or "any"
  // means all interfaces.
  Server(NodeContext& node, std::vector<std::string> addresses, uint16_t port, std::vector<std::string> info_addresses,
         uint16_t info_port, unsigned threads, TlsListener tls = {});
  ~Server();

  // Binds and starts the threads; throws std::runtime_error naming the address when a
  // port cannot be bound.
  void start();
  // Runs a request another node proxied here on a service thread, as a client's would
  // run; `reply` gets its whole answer once it may go (cluster::ProxyHandler).
  void run_proxied(proto::ProtoType type, std::string body, uint8_t hops, std::function<void(std::string answer)> reply);
  // Closes the acceptors and connections and joins every thread.
  void stop();
  // The service threads' loops (one per thread), for work that should run on them: the
  // cluster reads its fabric connections there. They exist from construction on.
  std::vector<boost::asio::io_context*> io_contexts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace asd
