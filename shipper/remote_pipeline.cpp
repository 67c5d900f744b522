#include "remote_pipeline.h"

#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "client/response.h"
#include "client/tls.h"
#include "common/clock.h"
#include "common/log.h"
#include "proto/compression.h"
#include "proto/frame.h"

namespace shipper {

namespace asio = boost::asio;
using asio::ip::tcp;
using common::ResultCode;

namespace {

constexpr uint64_t kTickMs = 50;
constexpr size_t kReadChunk = 64 * 1024;

std::shared_ptr<spdlog::logger> pipe_log() { return common::logger("shipper"); }

struct Pending {
  RemoteCallback done;
  uint64_t sent_ms = 0;
  bool admission = false;  // the connection's AUTHENTICATE, not a caller's request
};

// Asio's context owns one reference to the client's SSL_CTX, so both may free theirs.
SSL_CTX* shared_handle(const client::TlsContext& tls) {
  SSL_CTX_up_ref(tls.native());
  return tls.native();
}

// One client::TlsContext as Asio's context. Each connection holds the one it opened with,
// so a reload never frees a context (or the verify data it points at) in use.
struct LinkSsl {
  explicit LinkSsl(std::shared_ptr<const client::TlsContext> tls)
      : source(std::move(tls)), context(shared_handle(*source)) {}
  std::shared_ptr<const client::TlsContext> source;
  asio::ssl::context context;
};

}  // namespace

struct Conn : std::enable_shared_from_this<Conn> {
  enum class State { Connecting, Ready, Closed };

  Conn(RemotePipeline::Impl& owner, asio::io_context& io, client::Host h)
      : impl(owner), socket(io), resolver(io), host(std::move(h)), opened_ms(common::steady_ms()) {}

  RemotePipeline::Impl& impl;
  tcp::socket socket;
  std::shared_ptr<LinkSsl> ssl;                         // the context `tls` was made with
  std::optional<asio::ssl::stream<tcp::socket&>> tls;  // over `socket` when the DC uses TLS
  tcp::resolver resolver;
  const client::Host host;
  const uint64_t opened_ms;
  State state = State::Connecting;
  std::string queued;   // written once the current write completes
  std::string writing;  // the buffer of the write in progress
  bool write_busy = false;
  std::deque<Pending> outstanding;  // in the order the requests were queued
  std::vector<char> rbuf = std::vector<char>(kReadChunk);
  size_t rbegin = 0, rend = 0;

  // Runs `fn` with the stream requests travel on: the TLS stream, else the socket.
  template <typename Fn>
  void with_stream(Fn&& fn) {
    if (tls) fn(*tls);
    else fn(socket);
  }

  // Moves the unparsed bytes [rbegin, rend) to the front of the buffer.
  void compact() {
    std::copy(rbuf.begin() + long(rbegin), rbuf.begin() + long(rend), rbuf.begin());
    rend -= rbegin;
    rbegin = 0;
  }
};

struct RemotePipeline::Impl {
  Impl(std::string dc_name, PipelineOptions opts) : dc(std::move(dc_name)), options(std::move(opts)) {}

  void run_tick();
  void dispatch(RemoteRequest& request);
  std::shared_ptr<Conn> pick(const client::Host& host);
  // The link's newest TLS context, wrapped for Asio; null when none loaded.
  std::shared_ptr<LinkSsl> link_ssl();
  void connect(const std::shared_ptr<Conn>& c);
  void handshake(const std::shared_ptr<Conn>& c);
  void ready(const std::shared_ptr<Conn>& c);
  void start_write(const std::shared_ptr<Conn>& c);
  void start_read(const std::shared_ptr<Conn>& c);
  // Answers every request parsed from the buffer; false when the stream is unusable.
  bool drain_answers(const std::shared_ptr<Conn>& c);
  void fail(const std::shared_ptr<Conn>& c, ResultCode code, const std::string& why);

  const std::string dc;
  const PipelineOptions options;
  std::shared_ptr<LinkSsl> ssl;  // the newest context wrapped (pipeline thread only)
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<asio::steady_timer> tick;
  std::thread thread;
  std::map<std::string, std::vector<std::shared_ptr<Conn>>> by_host;  // pipeline thread only

  std::atomic<size_t> in_flight{0};
  std::atomic<size_t> open_conns{0};
  std::mutex mu;  // guards running
  bool running = false;
};

namespace {

RemoteAnswer network_failure(ResultCode code, std::string why) { return RemoteAnswer{code, std::move(why), true}; }

// The answer of one single-record request, from its proto.
RemoteAnswer to_answer(const proto::ProtoHeader& header, std::string_view body) {
  std::string inflated;
  if (header.type == uint8_t(proto::ProtoType::Compressed)) {
    auto inner = proto::inflate_proto(body);
    if (!inner) return network_failure(ResultCode::ServerError, "bad compressed answer: " + inner.error().message);
    inflated = std::move(*inner);
    body = std::string_view(inflated).substr(proto::kProtoHeaderSize);
  } else if (header.type != uint8_t(proto::ProtoType::Message)) {
    return network_failure(ResultCode::ServerError, "unexpected proto type " + std::to_string(header.type));
  }
  auto answer = client::parse_answer(body);
  if (!answer) return network_failure(ResultCode::ServerError, answer.error().message);
  ResultCode code = answer->result();
  if (code == ResultCode::Ok) return {};
  return RemoteAnswer{code, "server answered " + std::to_string(int(code)) + " (" + std::string(common::result_code_name(code)) + ")", false};
}

// The answer to a connection's AUTHENTICATE: Ok, or the refusal.
ResultCode admission_answer(const proto::ProtoHeader& header, std::string_view body) {
  constexpr size_t kAdminHeader = 16;
  if (header.type != uint8_t(proto::ProtoType::Admin) || body.size() < kAdminHeader) return ResultCode::ServerError;
  auto code = ResultCode(uint8_t(body[1]));
  return code == ResultCode::SecurityNotEnabled ? ResultCode::Ok : code;
}

}  // namespace

bool security_refusal(ResultCode code) {
  switch (code) {
    case ResultCode::InvalidUser:
    case ResultCode::InvalidPassword:
    case ResultCode::ExpiredPassword:
    case ResultCode::InvalidCredential:
    case ResultCode::ExpiredSession:
    case ResultCode::NotAuthenticated:
    case ResultCode::RoleViolation:
    case ResultCode::NotWhitelisted:
      return true;
    default:
      return false;
  }
}

RemotePipeline::RemotePipeline(std::string dc, PipelineOptions options)
    : impl_(std::make_shared<Impl>(std::move(dc), options)) {}

RemotePipeline::~RemotePipeline() { stop(); }

void RemotePipeline::start() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.running || s.thread.joinable()) return;
  s.running = true;
  s.work.emplace(s.io.get_executor());
  s.tick.emplace(s.io);
  s.run_tick();
  s.thread = std::thread([&s] { s.io.run(); });
}

void RemotePipeline::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (!s.running) return;
    s.running = false;
    asio::post(s.io, [&s] {
      auto hosts = std::move(s.by_host);
      s.by_host.clear();
      for (auto& [name, conns] : hosts) {
        for (auto& c : conns) s.fail(c, ResultCode::Timeout, "stopping");
      }
      s.tick->cancel();
      s.work.reset();
      // Every request is answered and every socket closed. An SSL stream's operation can
      // still wait on the stream's internal timer after its socket closed (seen as xdr
      // never exiting on SIGTERM), so the loop ends here instead of when it runs dry;
      // the handlers left are dropped with the io_context.
      s.io.stop();
    });
  }
  s.thread.join();
}

void RemotePipeline::submit(std::vector<RemoteRequest> requests) {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.mu);
    if (s.running) {
      s.in_flight += requests.size();
      asio::post(s.io, [&s, batch = std::move(requests)]() mutable {
        for (RemoteRequest& r : batch) s.dispatch(r);
      });
      return;
    }
  }
  for (RemoteRequest& r : requests) r.done(network_failure(ResultCode::Timeout, "stopping"));
}

size_t RemotePipeline::in_flight() const { return impl_->in_flight.load(); }
size_t RemotePipeline::connections() const { return impl_->open_conns.load(); }

// ---- pipeline thread ----------------------------------------------------------------------

void RemotePipeline::Impl::run_tick() {
  tick->expires_after(std::chrono::milliseconds(kTickMs));
  tick->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const uint64_t now = common::steady_ms();
    std::vector<std::pair<std::shared_ptr<Conn>, std::string>> expired;
    for (auto& [name, conns] : by_host) {
      for (auto& c : conns) {
        if (c->state == Conn::State::Connecting && now >= c->opened_ms + options.connect_timeout_ms) {
          expired.emplace_back(c, "connect timeout to " + c->host.to_string());
        } else if (!c->outstanding.empty() && now >= c->outstanding.front().sent_ms + options.timeout_ms) {
          expired.emplace_back(c, "no answer from " + c->host.to_string() + " within " +
                                      std::to_string(options.timeout_ms) + " ms");
        }
      }
    }
    for (auto& [c, why] : expired) fail(c, ResultCode::Timeout, why);
    run_tick();
  });
}

void RemotePipeline::Impl::dispatch(RemoteRequest& request) {
  std::shared_ptr<Conn> c = pick(request.host);
  c->outstanding.push_back(Pending{std::move(request.done), common::steady_ms()});
  c->queued.append(request.bytes);
  if (c->state == Conn::State::Ready && !c->write_busy) start_write(c);
}

std::shared_ptr<Conn> RemotePipeline::Impl::pick(const client::Host& host) {
  auto& conns = by_host[host.to_string()];
  std::shared_ptr<Conn> best;
  for (auto& c : conns) {
    if (!best || c->outstanding.size() < best->outstanding.size()) best = c;
  }
  if (best) {
    const bool busy = best->outstanding.size() >= options.busy_conn_requests &&
                      common::steady_ms() >= best->outstanding.front().sent_ms + options.busy_conn_age_ms;
    if (!busy || conns.size() >= options.max_conns_per_node) return best;
  }
  auto c = std::make_shared<Conn>(*this, io, host);
  conns.push_back(c);
  ++open_conns;
  connect(c);
  return c;
}

std::shared_ptr<LinkSsl> RemotePipeline::Impl::link_ssl() {
  std::shared_ptr<const client::TlsContext> now = options.tls();
  if (!now) return nullptr;
  if (!ssl || ssl->source != now) ssl = std::make_shared<LinkSsl>(std::move(now));
  return ssl;
}

void RemotePipeline::Impl::connect(const std::shared_ptr<Conn>& c) {
  if (options.tls) {
    c->ssl = link_ssl();
    if (!c->ssl) {
      // The link's files never loaded: no plaintext instead. Failed from the loop, as the
      // caller is still queueing its request on the connection.
      asio::post(io, [this, c] {
        fail(c, ResultCode::Unavailable,
             std::string(client::kTlsErrorPrefix) + "no TLS context for " + c->host.to_string() +
                 ": the link's TLS files did not load");
      });
      return;
    }
  }
  c->resolver.async_resolve(
      c->host.address, std::to_string(c->host.port),
      [this, c](const boost::system::error_code& ec, const tcp::resolver::results_type& endpoints) {
        if (c->state == Conn::State::Closed) return;
        if (ec) return fail(c, ResultCode::Unavailable, "resolve " + c->host.to_string() + ": " + ec.message());
        asio::async_connect(c->socket, endpoints, [this, c](const boost::system::error_code& cec, const tcp::endpoint&) {
          if (c->state == Conn::State::Closed) return;
          if (cec) return fail(c, ResultCode::Unavailable, "connect " + c->host.to_string() + ": " + cec.message());
          boost::system::error_code ignored;
          c->socket.set_option(tcp::no_delay(true), ignored);
          if (c->ssl) return handshake(c);
          ready(c);
        });
      });
}

void RemotePipeline::Impl::handshake(const std::shared_ptr<Conn>& c) {
  c->tls.emplace(c->socket, c->ssl->context);
  // The node's tls-name (its seed line, or peers-tls-std), else its address.
  client::expect_peer_name(c->tls->native_handle(), c->host);
  c->tls->async_handshake(asio::ssl::stream_base::client, [this, c](const boost::system::error_code& ec) {
    if (c->state == Conn::State::Closed) return;
    if (!ec) return ready(c);
    fail(c, ResultCode::Unavailable,
         std::string(client::kTlsErrorPrefix) + "handshake with " + c->host.to_string() + " (tls-name " +
             c->host.tls_name + ") failed: " + client::handshake_failure(c->tls->native_handle(), ec.message()));
  });
}

void RemotePipeline::Impl::ready(const std::shared_ptr<Conn>& c) {
  c->state = Conn::State::Ready;
  if (options.admission) {
    // Answers come in request order, so the AUTHENTICATE's is the first.
    if (std::string auth = options.admission(c->host); !auth.empty()) {
      c->outstanding.push_front(Pending{nullptr, common::steady_ms(), true});
      c->queued.insert(0, auth);
    }
  }
  start_read(c);
  if (!c->queued.empty() && !c->write_busy) start_write(c);
}

void RemotePipeline::Impl::start_write(const std::shared_ptr<Conn>& c) {
  c->writing.swap(c->queued);
  c->queued.clear();
  c->write_busy = true;
  auto done = [this, c](const boost::system::error_code& ec, size_t) {
    c->write_busy = false;
    if (c->state == Conn::State::Closed) return;
    if (ec) return fail(c, ResultCode::Unavailable, "write to " + c->host.to_string() + ": " + ec.message());
    c->writing.clear();
    if (!c->queued.empty()) start_write(c);
  };
  c->with_stream([&](auto& stream) { asio::async_write(stream, asio::buffer(c->writing), done); });
}

void RemotePipeline::Impl::start_read(const std::shared_ptr<Conn>& c) {
  if (c->rbegin > 0 && c->rend == c->rbuf.size()) c->compact();
  if (c->rbuf.size() - c->rend < kReadChunk / 4) c->rbuf.resize(c->rbuf.size() + kReadChunk);
  auto done = [this, c](const boost::system::error_code& ec, size_t n) {
    if (c->state == Conn::State::Closed) return;
    if (ec) {
      std::string why = ec == asio::error::eof ? "closed by " + c->host.to_string()
                                               : "read from " + c->host.to_string() + ": " + ec.message();
      return fail(c, ResultCode::Unavailable, why);
    }
    c->rend += n;
    if (!drain_answers(c)) return;
    start_read(c);
  };
  c->with_stream([&](auto& stream) {
    stream.async_read_some(asio::buffer(c->rbuf.data() + c->rend, c->rbuf.size() - c->rend), done);
  });
}

bool RemotePipeline::Impl::drain_answers(const std::shared_ptr<Conn>& c) {
  while (c->rend - c->rbegin >= proto::kProtoHeaderSize) {
    const char* at = c->rbuf.data() + c->rbegin;
    proto::ProtoHeader header = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(at));
    std::string_view bad = proto::check_proto_header(header);
    if (!bad.empty()) {
      fail(c, ResultCode::ServerError, "bad answer from " + c->host.to_string() + ": " + std::string(bad));
      return false;
    }
    const size_t total = proto::kProtoHeaderSize + size_t(header.size);
    if (c->rend - c->rbegin < total) {
      // Room for the whole proto once the consumed bytes are moved out of the way.
      if (c->rbuf.size() - c->rbegin < total) {
        c->compact();
        if (c->rbuf.size() < total) c->rbuf.resize(total);
      }
      return true;
    }
    if (c->outstanding.empty()) {
      fail(c, ResultCode::ServerError, "unrequested answer from " + c->host.to_string());
      return false;
    }
    std::string_view body(at + proto::kProtoHeaderSize, size_t(header.size));
    if (c->outstanding.front().admission) {
      ResultCode code = admission_answer(header, body);
      c->rbegin += total;
      c->outstanding.pop_front();
      if (code != ResultCode::Ok) {
        fail(c, code, c->host.to_string() + " refused the session: " + std::string(common::result_code_name(code)));
        return false;
      }
      continue;
    }
    RemoteAnswer answer = to_answer(header, body);
    c->rbegin += total;
    if (answer.network) {
      // The stream cannot be trusted past a garbled answer: the request it answered is
      // retried with the rest of the connection's requests.
      fail(c, answer.code, answer.message);
      return false;
    }
    Pending p = std::move(c->outstanding.front());
    c->outstanding.pop_front();
    --in_flight;
    p.done(answer);
    if (security_refusal(answer.code)) {
      // The session this connection was admitted with is over: the requests after it
      // would be refused the same way, and a new connection authenticates afresh.
      fail(c, answer.code, c->host.to_string() + " refused: " + std::string(common::result_code_name(answer.code)));
      return false;
    }
  }
  if (c->rbegin == c->rend) c->rbegin = c->rend = 0;
  return true;
}

void RemotePipeline::Impl::fail(const std::shared_ptr<Conn>& c, ResultCode code, const std::string& why) {
  if (c->state == Conn::State::Closed) return;
  c->state = Conn::State::Closed;
  boost::system::error_code ignored;
  c->resolver.cancel();
  c->socket.close(ignored);
  --open_conns;
  auto it = by_host.find(c->host.to_string());
  if (it != by_host.end()) std::erase(it->second, c);
  if (!c->outstanding.empty()) {
    pipe_log()->debug("dc connection failed dc={} host={} requests={} err={}", dc, c->host.to_string(),
                      c->outstanding.size(), why);
  }
  std::deque<Pending> failed = std::move(c->outstanding);
  c->outstanding.clear();
  for (Pending& p : failed) {
    if (p.admission) continue;
    --in_flight;
    p.done(network_failure(code, why));
  }
}

}  // namespace shipper
