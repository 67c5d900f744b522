#pragma once
// The asd node: wires the layers together (docs/asd-layers.md). It owns the namespaces,
// the cluster engine, the service and the background threads, and is the only place
// that knows every layer. Lifecycle: construct (config only), init() (local resources),
// start() (threads, sockets), stop() (joins everything).

#include <memory>

#include "service/node_context.h"

namespace asd {

class Server;
class Nsup;
class Ticker;
class ServerTls;

class Node : public NodeContext {
 public:
  explicit Node(conf::Config config);
  ~Node() override;

  void init();
  // Binds the service (and info) ports; throws std::runtime_error when a port can't be
  // bound (a startup failure, reported by main).
  void start();
  void stop();
  void service_config_changed() override;

 private:
  std::unique_ptr<Server> server_;
  std::unique_ptr<Nsup> nsup_;
  std::unique_ptr<Ticker> ticker_;
  std::shared_ptr<ServerTls> server_tls_;  // the TLS listener's context; null without one
};

}  // namespace asd
