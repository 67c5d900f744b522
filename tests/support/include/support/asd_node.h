#pragma once
// AsdNode: one real `asd` on free loopback ports with its own temp dir and a config
// rendered from a template, ready once its service port answers `status`.

#include <cstdint>
#include <memory>
#include <string>

#include "client/client.h"
#include "support/process.h"

namespace support {

struct AsdOptions {
  // Extra namespace stanzas appended to the default `test` namespace (memory, nsup 1 s).
  std::string extra_config;
  // Replaces the whole default namespace block when non-empty. In both, "{dir}" stands
  // for the node's temp dir (for device files).
  std::string namespaces;
  std::string service_extra;  // lines inside service { }
  std::string service_address = "127.0.0.1";  // network.service addresses, one per line
  std::string info_extra;                     // lines inside network.info { }
  std::string network_extra;                  // lines inside network { } (tls stanzas)
  std::string network_service_extra;          // lines inside network.service { } (tls-port ...)
  // Service port; 0 picks a free one. Set it when others must know the port before the
  // node starts (an XDR datacenter pointing at this node).
  uint16_t port = 0;
};

class AsdNode {
 public:
  explicit AsdNode(AsdOptions options = {});
  ~AsdNode();

  uint16_t port() const { return port_; }
  uint16_t info_port() const { return info_port_; }
  const std::string& log_path() const { return log_path_; }
  const std::string& dir() const { return dir_.path(); }
  const std::string& config_path() const { return config_path_; }
  std::string log() const;

  // A connected client (tend off: one node, nothing changes); with `user`, it logs in
  // (a node with security { }). Throws when it cannot connect.
  std::unique_ptr<client::Client> connect(const std::string& user = {}, const std::string& password = {});

  void kill9() { process_.kill9(); }
  // SIGTERM and wait; returns the exit status.
  int terminate(int timeout_ms = 10000);
  // Starts again on the same ports and config.
  void restart();
  Process& process() { return process_; }

  static std::string asd_binary();

 private:
  void launch();

  TempDir dir_;
  uint16_t port_ = 0;
  uint16_t info_port_ = 0;
  std::string config_path_;
  std::string log_path_;
  Process process_;
};

}  // namespace support
