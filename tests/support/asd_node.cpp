#include "support/asd_node.h"

#include <signal.h>

#include <stdexcept>

namespace support {

namespace {

// Every "{dir}" in the text becomes the node's temp dir (device files live there).
std::string with_dir(std::string text, const std::string& dir) {
  for (size_t at = text.find("{dir}"); at != std::string::npos; at = text.find("{dir}", at + dir.size())) {
    text.replace(at, 5, dir);
  }
  return text;
}

// One `address` line per line of `addresses`.
std::string service_addresses(const std::string& addresses) {
  std::string out;
  size_t at = 0;
  while (at < addresses.size()) {
    size_t end = addresses.find('\n', at);
    if (end == std::string::npos) end = addresses.size();
    if (end > at) out += "    address " + addresses.substr(at, end - at) + "\n";
    at = end + 1;
  }
  return out;
}

std::string render_config(uint16_t port, uint16_t hb, uint16_t fabric, uint16_t info,
                          const AsdOptions& o, const std::string& dir) {
  std::string namespaces = with_dir(o.namespaces, dir);
  if (namespaces.empty()) {
    namespaces =
        "namespace test {\n"
        "  replication-factor 1\n"
        "  memory-size 512M\n"
        "  default-ttl 0\n"
        "  nsup-period 1\n"
        "  storage-engine memory\n"
        "}\n";
  }
  // Each node its own work directory: asd keeps its XDR pipe gaps there.
  std::string service = with_dir(o.service_extra, dir);
  if (service.find("work-directory") == std::string::npos) service = "  work-directory " + dir + "\n" + service;
  return "service {\n  cluster-name itest\n" + service +
         "}\n"
         "logging {\n  console {\n    context any info\n  }\n}\n"
         "network {\n" + o.network_extra +
         "  service {\n" + service_addresses(o.service_address) + "    port " + std::to_string(port) + "\n" +
         o.network_service_extra + "  }\n"
         "  heartbeat {\n    mode mesh\n    port " + std::to_string(hb) + "\n  }\n"
         "  fabric {\n    port " + std::to_string(fabric) + "\n  }\n"
         "  info {\n    port " + std::to_string(info) + "\n" + o.info_extra + "  }\n"
         "}\n" + namespaces + with_dir(o.extra_config, dir);
}

}  // namespace

std::string AsdNode::asd_binary() {
  const char* env = std::getenv("ASD_BIN");
  return env ? env : ASD_BIN_DEFAULT;
}

AsdNode::AsdNode(AsdOptions options) {
  port_ = options.port != 0 ? options.port : free_port();
  config_path_ = dir_.path() + "/asd.conf";
  log_path_ = dir_.path() + "/asd.log";
  info_port_ = free_port();
  write_file(config_path_, render_config(port_, free_port(), free_port(), info_port_, options, dir_.path()));
  launch();
}

AsdNode::~AsdNode() {
  if (process_.running()) process_.kill9();
}

void AsdNode::launch() {
  process_.start({asd_binary(), "--config", config_path_}, log_path_);
  bool ready = eventually(
      [&] {
        if (!process_.running()) return true;
        auto answer = client::Client::info_host({"127.0.0.1", port_}, {"status"}, 500);
        // A node with security { } refuses a request without a login: it answers, so it is up.
        return answer.ok() || answer.code() == common::ResultCode::NotAuthenticated;
      },
      15000);
  if (!ready || !process_.running()) {
    throw std::runtime_error("asd did not start; log:\n" + log());
  }
}

std::string AsdNode::log() const { return read_file(log_path_); }

std::unique_ptr<client::Client> AsdNode::connect(const std::string& user, const std::string& password) {
  client::ClientConfig config;
  config.seeds.push_back({"127.0.0.1", port_});
  config.tend = false;
  config.timeout_ms = 5000;
  config.user = user;
  if (!user.empty()) config.password = [password]() -> common::Result<std::string> { return password; };
  auto c = client::Client::connect(config);
  if (!c.ok()) throw std::runtime_error("connect failed: " + c.error().message);
  return std::move(*c);
}

int AsdNode::terminate(int timeout_ms) {
  process_.signal(SIGTERM);
  return process_.wait(timeout_ms);
}

void AsdNode::restart() {
  if (process_.running()) process_.kill9();
  launch();
}

}  // namespace support
