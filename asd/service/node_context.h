#pragma once
// The node as the service layer sees it: what the info commands report and change, the
// counters of the client connections, and everything transactions need. The node
// (node.cpp) derives from it and fills it in at start-up; nothing below the service
// layer sees it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "transaction/context.h"

namespace asd {

class PipeWriter;

namespace smd {
class MetadataStore;
}
namespace security {
class AccessControl;
}
namespace udf {
class UdfModules;
}

struct ServiceStats {
  std::atomic<int64_t> client_connections{0};
  std::atomic<uint64_t> client_connections_opened{0};
  std::atomic<uint64_t> client_connections_closed{0};
  std::atomic<uint64_t> client_connections_refused{0};  // past proto-fd-max
  std::atomic<uint64_t> tls_handshake_failures{0};      // TLS listener: handshakes refused or broken
  std::atomic<uint64_t> proto_errors{0};
  std::atomic<uint64_t> info_requests{0};
  std::atomic<uint64_t> compressed_requests{0};
};

class NodeContext : public TransactionContext {
 public:
  explicit NodeContext(conf::Config config);
  ~NodeContext() override;

  uint64_t node_id() const { return node_id_; }
  const std::string& node_id_hex() const { return node_id_hex_; }
  uint16_t service_port() const { return uint16_t(config_.network.service.port); }
  ServiceStats& stats() { return stats_; }
  // The pipe to xdr, or nullptr when XDR is off.
  PipeWriter* xdr_pipe() { return pipe_.get(); }
  uint64_t uptime_sec() const;
  // The cluster's system metadata and the UDF modules kept in it.
  smd::MetadataStore& metadata() { return *metadata_; }
  udf::UdfModules& udf_modules() { return *udf_modules_; }
  // Access control; null when security is off (no `security { }` stanza).
  security::AccessControl* access_control() { return access_control_.get(); }
  // set-config changed the service context. The node passes it on to what it owns
  // above the service layer (the ticker).
  virtual void service_config_changed() {}

 protected:
  uint64_t node_id_ = 0;
  std::string node_id_hex_;
  uint64_t start_ms_ = 0;
  ServiceStats stats_;
  std::unique_ptr<PipeWriter> pipe_;
  std::unique_ptr<smd::MetadataStore> metadata_;
  std::unique_ptr<udf::UdfModules> udf_modules_;
  std::unique_ptr<security::AccessControl> access_control_;
};

}  // namespace asd
