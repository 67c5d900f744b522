#include "service/server.h"

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "common/log.h"
#include "common/loop_end.h"
#include "common/log_limit.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "security/session.h"
#include "service/dispatch.h"
#include "service/tls_context.h"
#include "service/node_context.h"
#include "transaction/response_sink.h"

namespace asd {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

using TlsStream = asio::ssl::stream<tcp::socket>;

// One client connection; Stream is a plain socket or a TLS stream over one (the TLS
// listener's connections shake hands first, then run the same protocol).
template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>>, public ResponseSink {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using std::enable_shared_from_this<Connection<Stream>>::shared_from_this;

 public:
  // `tls_context`: under TLS, the context the stream was made from, kept alive for the
  // connection's life (a certificate reload replaces the listener's, not this one).
  Connection(NodeContext& node, asio::thread_pool& scan_pool, Stream socket, bool info_only,
             std::shared_ptr<const void> tls_context = {})
      : node_(node), scan_pool_(scan_pool), tls_context_(std::move(tls_context)), socket_(std::move(socket)),
        info_only_(info_only) {
    node_.stats().client_connections.fetch_add(1);
    node_.stats().client_connections_opened.fetch_add(1);
    if (security::AccessControl* access = node_.access_control()) {
      // Every command on this connection is checked against the user it logs in as.
      boost::system::error_code ec;
      auto peer = socket_.lowest_layer().remote_endpoint(ec);
      std::string address = ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port());
      security_session_ = std::make_unique<security::Session>(*access, std::move(address));
      session_ = security_session_.get();
    }
  }
  ~Connection() override {
    node_.stats().client_connections.fetch_sub(1);
    node_.stats().client_connections_closed.fetch_add(1);
  }

  void start() {
    boost::system::error_code ec;
    socket_.lowest_layer().set_option(tcp::no_delay(true), ec);
    if constexpr (kTls) {
      socket_.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](auto ec) {
        if (!ec) return self->read_more();
        // A plaintext client, a refused certificate, no common protocol: the reason goes
        // to the log (rate-limited: a client may retry in a loop), the socket is closed.
        self->node_.stats().tls_handshake_failures.fetch_add(1);
        static common::LimitedLog limit{std::chrono::seconds(1)};
        boost::system::error_code ignored;
        auto peer = self->socket_.lowest_layer().remote_endpoint(ignored);
        limit.warn(common::logger("tls"), "TLS handshake failed peer={}:{} reason=\"{}\"",
                   ignored ? "?" : peer.address().to_string(), ignored ? 0 : peer.port(), ec.message());
        self->close();
      });
    } else {
      read_more();
    }
  }

  // A scan's thread writes synchronously: it is the only user of the socket meanwhile.
  bool flush() override {
    if (buffer_.empty()) return true;
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(buffer_), ec);
    buffer_.clear();
    return !ec;
  }

  void flush_async(std::function<void(bool)> then) override {
    out_.swap(buffer_);
    buffer_.clear();
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), then = std::move(then)](auto ec, size_t) {
                        self->out_.clear();
                        then(!ec);
                      });
  }

  void post(std::function<void()> fn) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), fn = std::move(fn)] { fn(); });
  }

 private:
  static constexpr size_t kReadChunk = 16 * 1024;

  // Reads whatever the socket has (often several pipelined requests, or one request
  // header and body together) so a request costs one read syscall, not two.
  void read_more() {
    if (in_.size() - in_end_ < kReadChunk) in_.resize(in_end_ + kReadChunk);
    socket_.async_read_some(asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                            [self = shared_from_this()](auto ec, size_t n) {
                              if (ec) return;
                              self->in_end_ += n;
                              self->next_request();
                            });
  }

  // Handles the next complete proto in the input buffer, or reads more.
  void next_request() {
    size_t available = in_end_ - in_start_;
    if (available < proto::kProtoHeaderSize) return compact_and_read();
    auto* head = reinterpret_cast<const uint8_t*>(in_.data() + in_start_);
    proto::ProtoHeader h = proto::decode_proto_header(head);
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
    size_t total = proto::kProtoHeaderSize + h.size;
    if (available < total) {
      // Grow only to what the announced (already bounded) size needs.
      if (in_.size() - in_start_ < total) {
        compact();
        in_.resize(std::max(in_.size(), total));
      }
      return compact_and_read();
    }
    type_ = proto::ProtoType(h.type);
    std::string_view body(in_.data() + in_start_ + proto::kProtoHeaderSize, h.size);
    in_start_ += total;
    on_body(body);
  }

  void compact() {
    if (in_start_ == 0) return;
    std::memmove(in_.data(), in_.data() + in_start_, in_end_ - in_start_);
    in_end_ -= in_start_;
    in_start_ = 0;
  }

  void compact_and_read() {
    compact();
    // A huge buffer left from one large request is not kept for the connection's life.
    if (in_end_ == 0 && in_.size() > 4 * kReadChunk) {
      in_.resize(kReadChunk);
      in_.shrink_to_fit();
    }
    read_more();
  }

  void on_body(std::string_view body) {
    if (type_ == proto::ProtoType::Compressed) {
      node_.stats().compressed_requests.fetch_add(1);
      common::Result<std::string> inner = proto::inflate_proto(body);
      if (!inner) {
        node_.stats().proto_errors.fetch_add(1);
        static common::LimitedLog limit{std::chrono::seconds(1)};
        limit.warn(common::logger("service"), "bad compressed request err={}", inner.error().message);
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
    dispatch_request(node_, type_, body, *this, [self = shared_from_this(), off_thread](bool close_after) {
      self->answer(close_after, off_thread);
    });
  }

  void answer(bool close_after, bool off_thread) {
    if (close_after) return close();
    if (off_thread) {
      if (!flush()) return close();
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->next_request(); });
      return;
    }
    out_.swap(buffer_);
    buffer_.clear();
    CommitWait wait = std::exchange(commit_wait_, {});
    if (!wait.storage && wait.completions.empty()) return send_answer();
    // Replicas, a proxied answer or a group commit: the service thread goes on with
    // other connections; the answer leaves once they are done.
    when_answer_ready(out_, std::move(wait), [self = shared_from_this()] {
      asio::post(self->socket_.get_executor(), [self] { self->send_answer(); });
    });
  }

  void send_answer() {
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](auto ec, size_t) {
      self->out_.clear();
      if (!ec) self->next_request();
    });
  }

  void log_rejection(std::string_view problem, const proto::ProtoHeader& h) {
    boost::system::error_code ec;
    auto peer = socket_.lowest_layer().remote_endpoint(ec);
    // A client sending garbage in a loop would otherwise write a line per connection.
    static common::LimitedLog limit{std::chrono::seconds(1)};
    limit.warn(common::logger("service"), "closing connection peer={}:{} reason=\"{}\" version={} type={} size={}",
               ec ? "?" : peer.address().to_string(), ec ? 0 : peer.port(), problem, h.version, h.type, h.size);
  }

  void close() {
    boost::system::error_code ec;
    socket_.lowest_layer().shutdown(tcp::socket::shutdown_both, ec);
    socket_.lowest_layer().close(ec);
  }

  NodeContext& node_;
  asio::thread_pool& scan_pool_;
  std::shared_ptr<const void> tls_context_;  // before the stream: it outlives the stream's session
  Stream socket_;
  bool info_only_;
  std::vector<char> in_;
  size_t in_start_ = 0;  // first unconsumed byte of in_
  size_t in_end_ = 0;    // end of the bytes read so far
  proto::ProtoType type_ = proto::ProtoType::Info;
  std::string inflated_;
  std::string out_;
  std::unique_ptr<security::Session> security_session_;
};

// A request another node proxied here: runs on a service thread like a client's, and its
// answer goes back through the cluster once everything it waits for is done.
class ProxiedRequest : public std::enable_shared_from_this<ProxiedRequest>, public ResponseSink {
 public:
  ProxiedRequest(NodeContext& node, asio::io_context& context, proto::ProtoType type, std::string body,
                 uint8_t hops, std::function<void(std::string)> reply)
      : node_(node), context_(context), type_(type), body_(std::move(body)), reply_(std::move(reply)) {
    proxy_hops_ = hops;
  }

  void start() {
    dispatch_request(node_, type_, body_, *this, [self = shared_from_this()](bool) {
      CommitWait wait = std::exchange(self->commit_wait_, {});
      when_answer_ready(self->buffer_, std::move(wait), [self] { self->reply_(std::move(self->buffer_)); });
    });
  }

  // Proxied requests are single records: a stream's chunks simply stay in the answer.
  bool flush() override { return true; }
  void flush_async(std::function<void(bool)> then) override { post([then = std::move(then)] { then(true); }); }
  void post(std::function<void()> fn) override {
    asio::post(context_, [self = shared_from_this(), fn = std::move(fn)] { fn(); });
  }

 private:
  NodeContext& node_;
  asio::io_context& context_;
  proto::ProtoType type_;
  std::string body_;
  std::function<void(std::string)> reply_;
};

}  // namespace

// What a listening socket serves.
enum class Listener { Service, InfoOnly, Tls };

struct Server::Impl {
  NodeContext& node;
  std::vector<std::string> addresses;
  std::vector<std::string> info_addresses;
  uint16_t port;
  uint16_t info_port;
  unsigned threads;
  TlsListener tls;
  // One io_context per service thread, each run by exactly one thread: connections are
  // spread round-robin and never share a reactor lock with another thread.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  size_t next_context = 0;
  asio::thread_pool scan_pool{4};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::thread> workers;

  std::atomic<size_t> next_proxy_context{0};

  Impl(NodeContext& n, std::vector<std::string> addrs, uint16_t p, std::vector<std::string> info_addrs, uint16_t ip,
       unsigned t, TlsListener tls_listener)
      : node(n), addresses(std::move(addrs)), info_addresses(std::move(info_addrs)), port(p), info_port(ip),
        threads(std::max(1u, t)), tls(std::move(tls_listener)) {
    for (unsigned i = 0; i < threads; ++i) {
      contexts.push_back(std::make_unique<asio::io_context>(1));
      guards.push_back(asio::make_work_guard(*contexts.back()));
    }
  }

  void listen_all(const std::vector<std::string>& hosts, uint16_t listen_port, Listener kind) {
    if (hosts.empty()) return listen("any", listen_port, kind);
    for (const std::string& host : hosts) listen(host, listen_port, kind);
  }

  void listen(const std::string& address, uint16_t listen_port, Listener kind) {
    std::string host = (address.empty() || address == "any") ? "0.0.0.0" : address;
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("bad service address '" + host + "'");
    tcp::endpoint endpoint(ip, listen_port);
    auto acceptor = std::make_unique<tcp::acceptor>(*contexts.front());
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(listen_port) + ": " +
                               ec.message());
    }
    accept(*acceptor, kind);
    acceptors.push_back(std::move(acceptor));
  }

  void accept(tcp::acceptor& acceptor, Listener kind) {
    asio::io_context& target = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(target, [this, &acceptor, kind](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      bool info_only = kind == Listener::InfoOnly;
      if (!ec && !info_only && node.stats().client_connections.load() >= node.config().service.proto_fd_max) {
        // proto-fd-max: a client connection past the limit is closed at once (the info
        // port stays open to operators).
        node.stats().client_connections_refused.fetch_add(1);
        static common::LimitedLog limit{std::chrono::seconds(10)};
        limit.warn(common::logger("service"), "refusing a client connection: proto-fd-max {} reached",
                   node.config().service.proto_fd_max);
        boost::system::error_code ignored;
        socket.close(ignored);
      } else if (!ec && kind == Listener::Tls) {
        std::shared_ptr<asio::ssl::context> context = tls.tls->current();
        TlsStream stream(std::move(socket), *context);
        std::make_shared<Connection<TlsStream>>(node, scan_pool, std::move(stream), false, std::move(context))->start();
      } else if (!ec) {
        std::make_shared<Connection<tcp::socket>>(node, scan_pool, std::move(socket), info_only)->start();
      }
      accept(acceptor, kind);
    });
  }
};

Server::Server(NodeContext& node, std::vector<std::string> addresses, uint16_t port,
               std::vector<std::string> info_addresses, uint16_t info_port, unsigned threads, TlsListener tls)
    : impl_(std::make_unique<Impl>(node, std::move(addresses), port, std::move(info_addresses), info_port, threads,
                                   std::move(tls))) {}

Server::~Server() { stop(); }

void Server::start() {
  impl_->listen_all(impl_->addresses, impl_->port, Listener::Service);
  if (impl_->info_port != 0) impl_->listen_all(impl_->info_addresses, impl_->info_port, Listener::InfoOnly);
  if (impl_->tls.port != 0) {
    const auto& hosts = impl_->tls.addresses.empty() ? impl_->addresses : impl_->tls.addresses;
    impl_->listen_all(hosts, impl_->tls.port, Listener::Tls);
  }
  for (auto& context : impl_->contexts) {
    impl_->workers.emplace_back([ctx = context.get()] {
      // Fabric sends made while handling one epoll round leave together after it.
      common::LoopEnd::install([ctx](std::function<void()> fn) { asio::post(*ctx, std::move(fn)); });
      ctx->run();
      common::LoopEnd::uninstall();
    });
  }
  common::logger("service")->info("service started port={} info_port={} tls_port={} threads={}", impl_->port,
                                  impl_->info_port, impl_->tls.port, impl_->threads);
}

void Server::run_proxied(proto::ProtoType type, std::string body, uint8_t hops,
                         std::function<void(std::string answer)> reply) {
  Impl& d = *impl_;
  asio::io_context& context = *d.contexts[d.next_proxy_context.fetch_add(1) % d.contexts.size()];
  auto request = std::make_shared<ProxiedRequest>(d.node, context, type, std::move(body), hops, std::move(reply));
  asio::post(context, [request] { request->start(); });
}

std::vector<boost::asio::io_context*> Server::io_contexts() const {
  std::vector<boost::asio::io_context*> out;
  for (const auto& context : impl_->contexts) out.push_back(context.get());
  return out;
}

void Server::stop() {
  if (!impl_ || impl_->workers.empty()) return;
  for (auto& a : impl_->acceptors) {
    boost::system::error_code ec;
    a->close(ec);
  }
  impl_->guards.clear();
  for (auto& context : impl_->contexts) context->stop();
  for (auto& t : impl_->workers) t.join();
  impl_->workers.clear();
  impl_->scan_pool.stop();
  impl_->scan_pool.join();
}

}  // namespace asd
