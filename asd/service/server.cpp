#include "service/server.h"

#include <atomic>
#include <thread>
#include <vector>

#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio.hpp>

#include "common/log.h"
#include "node.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "service/dispatch.h"
#include "service/response_sink.h"

namespace asd {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class Connection : public std::enable_shared_from_this<Connection>, public ResponseSink {
 public:
  Connection(Node& node, asio::thread_pool& scan_pool, tcp::socket socket, bool info_only)
      : node_(node), scan_pool_(scan_pool), socket_(std::move(socket)), info_only_(info_only) {
    node_.stats().client_connections.fetch_add(1);
    node_.stats().client_connections_opened.fetch_add(1);
  }
  ~Connection() override {
    node_.stats().client_connections.fetch_sub(1);
    node_.stats().client_connections_closed.fetch_add(1);
  }

  void start() {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);
    read_header();
  }

  // Streams write synchronously: the caller is the only user of the socket meanwhile.
  bool flush() override {
    if (buffer_.empty()) return true;
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(buffer_), ec);
    buffer_.clear();
    return !ec;
  }

 private:
  void read_header() {
    asio::async_read(socket_, asio::buffer(header_), [self = shared_from_this()](auto ec, size_t) {
      if (!ec) self->on_header();
    });
  }

  void on_header() {
    proto::ProtoHeader h = proto::decode_proto_header(header_);
    std::string_view problem = proto::check_proto_header(h);
    if (problem.empty() && info_only_ && h.type != uint8_t(proto::ProtoType::Info)) {
      problem = "non-info request on the info port";
    }
    if (!problem.empty()) {
      // Framing can't be trusted any more: drop the connection, as the real server does.
      node_.stats().proto_errors.fetch_add(1);
      log_rejection(problem, h);
      return close();
    }
    type_ = proto::ProtoType(h.type);
    body_.resize(h.size);
    asio::async_read(socket_, asio::buffer(body_), [self = shared_from_this()](auto ec, size_t) {
      if (!ec) self->on_body();
    });
  }

  void on_body() {
    std::string_view body = body_;
    if (type_ == proto::ProtoType::Compressed) {
      node_.stats().compressed_requests.fetch_add(1);
      common::Result<std::string> inner = proto::inflate_proto(body_);
      if (!inner) {
        node_.stats().proto_errors.fetch_add(1);
        common::logger("service")->warn("bad compressed request err={}", inner.error().message);
        return close();
      }
      inflated_ = std::move(*inner);
      type_ = proto::ProtoType::Message;
      body = std::string_view(inflated_).substr(proto::kProtoHeaderSize);
    }
    if (is_long_running(type_, body)) {
      asio::post(scan_pool_, [self = shared_from_this(), body] { self->run(body, true); });
    } else {
      run(body, false);
    }
  }

  void run(std::string_view body, bool off_thread) {
    bool close_after = false;
    dispatch_request(node_, type_, body, *this, &close_after);
    if (close_after) return close();
    if (off_thread) {
      if (!flush()) return close();
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->read_header(); });
      return;
    }
    out_.swap(buffer_);
    buffer_.clear();
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](auto ec, size_t) {
      self->out_.clear();
      if (!ec) self->read_header();
    });
  }

  void log_rejection(std::string_view problem, const proto::ProtoHeader& h) {
    boost::system::error_code ec;
    auto peer = socket_.remote_endpoint(ec);
    common::logger("service")->warn("closing connection peer={}:{} reason=\"{}\" version={} type={} size={}",
                                    ec ? "?" : peer.address().to_string(), ec ? 0 : peer.port(),
                                    problem, h.version, h.type, h.size);
  }

  void close() {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  Node& node_;
  asio::thread_pool& scan_pool_;
  tcp::socket socket_;
  bool info_only_;
  uint8_t header_[proto::kProtoHeaderSize] = {};
  proto::ProtoType type_ = proto::ProtoType::Info;
  std::string body_;
  std::string inflated_;
  std::string out_;
};

}  // namespace

struct Server::Impl {
  Node& node;
  std::string address;
  uint16_t port;
  uint16_t info_port;
  unsigned threads;
  asio::io_context io;
  asio::thread_pool scan_pool{4};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::thread> workers;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;

  Impl(Node& n, std::string addr, uint16_t p, uint16_t ip, unsigned t)
      : node(n), address(std::move(addr)), port(p), info_port(ip), threads(t) {}

  void listen(uint16_t listen_port, bool info_only) {
    std::string host = (address.empty() || address == "any") ? "0.0.0.0" : address;
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("bad service address '" + host + "'");
    tcp::endpoint endpoint(ip, listen_port);
    auto acceptor = std::make_unique<tcp::acceptor>(io);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(listen_port) + ": " +
                               ec.message());
    }
    accept(*acceptor, info_only);
    acceptors.push_back(std::move(acceptor));
  }

  void accept(tcp::acceptor& acceptor, bool info_only) {
    acceptor.async_accept([this, &acceptor, info_only](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Connection>(node, scan_pool, std::move(socket), info_only)->start();
      accept(acceptor, info_only);
    });
  }
};

Server::Server(Node& node, std::string address, uint16_t port, uint16_t info_port, unsigned threads)
    : impl_(std::make_unique<Impl>(node, std::move(address), port, info_port, threads)) {}

Server::~Server() { stop(); }

void Server::start() {
  impl_->listen(impl_->port, false);
  if (impl_->info_port != 0) impl_->listen(impl_->info_port, true);
  impl_->guard.emplace(impl_->io.get_executor());
  for (unsigned i = 0; i < impl_->threads; ++i) {
    impl_->workers.emplace_back([this] { impl_->io.run(); });
  }
  common::logger("service")->info("service started port={} info_port={} threads={}", impl_->port,
                                  impl_->info_port, impl_->threads);
}

void Server::stop() {
  if (!impl_ || impl_->workers.empty()) return;
  for (auto& a : impl_->acceptors) {
    boost::system::error_code ec;
    a->close(ec);
  }
  impl_->guard.reset();
  impl_->io.stop();
  for (auto& t : impl_->workers) t.join();
  impl_->workers.clear();
  impl_->scan_pool.stop();
  impl_->scan_pool.join();
}

}  // namespace asd
