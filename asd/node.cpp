#include "node.h"

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <thread>

#include "base/namespace.h"
#include "base/nsup.h"
#include "common/clock.h"
#include "common/log.h"
#include "service/server.h"

namespace asd {

namespace {

// Like the real server (MAC address + port), a node id stable across restarts of the
// same configuration and distinct between nodes sharing one machine.
uint64_t derive_node_id(const conf::Config& config) {
  if (config.service.node_id) return *config.service.node_id;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  uint64_t h = std::hash<std::string>{}(std::string(host) + ":" + std::to_string(config.network.service.port));
  h &= 0x0000FFFFFFFFFFFFull;
  h |= uint64_t(config.network.service.port) << 48;
  return h == 0 ? 1 : h;
}

std::string hex_upper(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lX", static_cast<unsigned long>(v));
  return buf;
}

}  // namespace

Node::Node(conf::Config config) : config_(std::move(config)) {}

Node::~Node() { stop(); }

void Node::init() {
  node_id_ = derive_node_id(config_);
  node_id_hex_ = hex_upper(node_id_);
  for (const conf::Namespace& ns : config_.namespaces) {
    namespaces_.push_back(std::make_unique<Namespace>(ns));
  }
}

void Node::start() {
  start_ms_ = common::steady_ms();
  std::vector<Namespace*> all;
  for (auto& ns : namespaces_) all.push_back(ns.get());
  nsup_ = std::make_unique<Nsup>(all);
  nsup_->start();
  unsigned threads = config_.service.service_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::string address = config_.network.service.addresses.empty() ? "any" : config_.network.service.addresses.front();
  server_ = std::make_unique<Server>(*this, address, uint16_t(config_.network.service.port),
                                     uint16_t(config_.network.info.port), threads);
  server_->start();
  common::logger("as")->info("node started node_id={} namespaces={} service_port={}", node_id_hex_,
                             namespaces_.size(), config_.network.service.port);
}

void Node::stop() {
  if (server_) server_->stop();
  server_.reset();
  if (nsup_) nsup_->stop();
  nsup_.reset();
}

uint16_t Node::service_port() const { return uint16_t(config_.network.service.port); }

Namespace* Node::find_namespace(std::string_view name) {
  for (auto& ns : namespaces_) {
    if (ns->name() == name) return ns.get();
  }
  return nullptr;
}

uint64_t Node::uptime_sec() const { return (common::steady_ms() - start_ms_) / 1000; }

}  // namespace asd
