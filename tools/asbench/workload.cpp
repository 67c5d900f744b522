#include "workload.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange
#include <vector>

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "client/auth.h"
#include "client/client.h"
#include "client/cluster_info.h"
#include "client/errors.h"
#include "client/key.h"
#include "client/request.h"
#include "common/bytes.h"
#include "proto/frame.h"

namespace asbench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kAdminHeaderSize = 16;  // an admin answer: result code at byte 1

// ---------------------------------------------------------------------------------------
// Request templates

struct Templates {
  std::string put;
  std::string get;
  size_t put_digest_at = 0;
  size_t get_digest_at = 0;
  std::vector<common::Digest> digests;  // per key index
};

// `size` bytes of random lowercase letters (compresses to about 60%), or with
// --compressible, of words drawn from a small vocabulary, which compresses like text.
std::string make_value(size_t size, bool compressible, std::mt19937_64& rng) {
  static constexpr const char* kWords[] = {
      "the",      "record",  "of",     "a",        "customer", "order",   "shipped", "to",
      "from",     "account", "status", "active",   "pending",  "total",   "amount",  "and",
      "region",   "europe",  "asia",   "america",  "product",  "price",   "quantity", "in",
      "delivery", "address", "street", "city",     "created",  "updated", "user",    "session"};
  std::string bytes;
  bytes.reserve(size + 16);
  if (!compressible) {
    while (bytes.size() < size) bytes += char('a' + rng() % 26);
    return bytes;
  }
  while (bytes.size() < size) {
    bytes += kWords[rng() % std::size(kWords)];
    bytes += rng() % 8 == 0 ? std::to_string(rng() % 100000) + ", " : " ";
  }
  bytes.resize(size);
  return bytes;
}

std::vector<client::Bin> make_bins(const Options& o, std::mt19937_64& rng) {
  std::vector<client::Bin> bins;
  for (size_t i = 0; i < o.bins.size(); ++i) {
    // asbench's bin names: testbin, testbin_2, testbin_3, ...
    std::string name = i == 0 ? "testbin" : "testbin_" + std::to_string(i + 1);
    const BinSpec& spec = o.bins[i];
    std::string bytes = make_value(spec.size, o.compressible, rng);
    if (spec.kind == 'I') bins.push_back({name, client::Value(int64_t(rng() >> 1))});
    else if (spec.kind == 'S') bins.push_back({name, client::Value(std::move(bytes))});
    else bins.push_back({name, client::Value::blob(std::move(bytes))});
  }
  return bins;
}

// Encodes with a marker digest and remembers where it landed, so each request is a copy
// plus a 20-byte patch.
size_t digest_offset(const std::string& request, const common::Digest& marker) {
  size_t at = request.find(marker.view());
  if (at == std::string::npos) throw std::logic_error("digest marker not found in template");
  return at;
}

Templates build_templates(const Options& o) {
  Templates t;
  std::mt19937_64 rng{std::random_device{}()};
  common::Digest marker;
  marker.bytes.fill(0xA5);
  client::Key key = client::Key::from_digest(o.ns, o.set, marker);
  t.put = client::encode_put(key, make_bins(o, rng), {}, o.timeout_ms);
  t.get = client::encode_get(key, {}, {}, o.timeout_ms);
  t.put_digest_at = digest_offset(t.put, marker);
  t.get_digest_at = digest_offset(t.get, marker);
  t.digests.reserve(o.keys);
  for (uint64_t i = 0; i < o.keys; ++i) t.digests.push_back(common::compute_digest(o.set, int64_t(o.start_key + i)));
  return t;
}

// ---------------------------------------------------------------------------------------
// Routing: as the real asbench, each key goes to the master of its partition. At start the
// seed is asked for its peers (`peers-clear-std`, or `peers-tls-std` over TLS, each peer
// with its tls-name) and every node for `replicas`; the map is kept for the whole run (a
// benchmark measures a stable cluster). A node that does not answer is left out;
// partitions no node claims go to the seed.
//
// With -U/-P each node is logged in to once, here, and every connection of the run
// presents that session (AUTHENTICATE) ahead of its first request, as the official
// clients do, so the run pays no bcrypt and no login round trip per connection.

struct Routes {
  std::vector<tcp::endpoint> nodes;    // [0] the seed
  std::vector<client::Host> hosts;     // per node: its address and tls-name
  std::vector<std::string> admission;  // per node: AUTHENTICATE bytes; empty without a login
  std::vector<uint16_t> master;        // per partition: index into nodes
};

// One info command to `host`, logged in first with -U/-P; `admission` (when given) gets
// the bytes that admit other connections to the node under that login.
common::Result<client::InfoAnswer> ask(const Options& o, const client::Host& host, const std::string& command,
                                       const client::TlsContext* tls, std::string* admission = nullptr) {
  client::Session session;
  auto answer = client::Client::info_host(host, {command}, 1000, tls, o.login.user, o.login.password, &session);
  if (answer && admission) *admission = client::authenticate_request(o.login.user, session);
  return answer;
}

// A node's refusal (security: no login, a wrong password) ends the run here, in the
// node's words; a seed that does not answer at all is left for the connect step to report.
common::Result<Routes> discover(const Options& o, const client::Host& seed_host, const tcp::endpoint& seed,
                                const client::TlsContext* tls, std::string* note) {
  Routes routes;
  routes.master.assign(common::kPartitions, 0);
  std::vector<client::Host> hosts{seed_host};
  const char* peers_command = tls ? "peers-tls-std" : "peers-clear-std";
  auto peers_answer = ask(o, hosts[0], peers_command, tls);
  if (!peers_answer && !client::is_client_error(peers_answer.error())) return peers_answer.error();
  if (peers_answer && peers_answer->size() == 1) {
    if (auto peers = client::parse_peers((*peers_answer)[0].second)) {
      for (const client::Peer& peer : peers->peers) {
        if (peer.hosts.empty()) continue;
        hosts.push_back(peer.hosts[0]);
        hosts.back().tls_name = tls ? peer.tls_name : std::string();
      }
    }
  }
  std::vector<uint32_t> regime(common::kPartitions, 0);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  for (size_t i = 0; i < hosts.size(); ++i) {
    std::string admission;
    auto answer = ask(o, hosts[i], "replicas", tls, &admission);
    common::Result<std::vector<client::NamespaceReplicas>> replicas(common::ResultCode::ServerError);
    if (answer && answer->size() == 1) replicas = client::parse_replicas((*answer)[0].second);
    if (i > 0 && !replicas) {
      *note += " node " + hosts[i].to_string() + " left out (no replicas)";
      continue;
    }
    uint16_t index = uint16_t(routes.nodes.size());
    routes.nodes.push_back(i == 0 ? seed : *resolver.resolve(hosts[i].address, std::to_string(hosts[i].port)).begin());
    routes.hosts.push_back(hosts[i]);
    routes.admission.push_back(std::move(admission));
    if (!replicas) continue;
    for (const client::NamespaceReplicas& ns : *replicas) {
      if (ns.ns != o.ns || ns.columns.empty()) continue;
      for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
        if (ns.owns(0, pid) && ns.regime >= regime[pid]) {
          routes.master[pid] = index;
          regime[pid] = ns.regime;
        }
      }
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------
// Engine

struct Shared {
  const Options& options;
  const Templates& templates;
  const Routes& routes;
  asio::ssl::context* ssl;  // null: plaintext
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> next_insert{0};
  std::atomic<uint64_t> issued{0};
};

class Worker;

// A socket to one node, and with TLS the stream over it (one handshake per connection).
struct Link {
  explicit Link(asio::io_context& ioc) : socket(ioc) {}
  tcp::socket socket;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;
  bool admitted = false;  // the node's session was presented on this connection

  // A fresh TLS stream over the socket that verifies the node's certificate name.
  void wrap(asio::ssl::context& ssl, const client::Host& host) {
    tls.emplace(socket, ssl);
    client::expect_peer_name(tls->native_handle(), host);
  }
  template <typename Fn>
  void with_stream(Fn&& fn) {
    if (tls) fn(*tls);
    else fn(socket);
  }
};

// One connection slot: write request, read one answer proto, record, repeat. It holds a
// link per node and sends each request on the link of the key's master.
class Conn {
 public:
  Conn(Worker& worker, std::vector<std::unique_ptr<Link>> links);
  void issue();

 private:
  bool pick_request();
  void on_written(const boost::system::error_code& ec);
  void read_more();
  void on_read(const boost::system::error_code& ec, size_t n);
  void on_admitted(size_t answer_size);
  void finish(uint8_t result);
  void fail();
  void reconnect();

  Worker& worker_;
  std::vector<std::unique_ptr<Link>> links_;  // by node index
  size_t node_ = 0;                   // the node of the request in flight
  asio::steady_timer retry_;
  std::string out_;
  std::vector<char> in_ = std::vector<char>(4096);
  size_t have_ = 0;
  bool admitting_ = false;  // the admin answer to AUTHENTICATE comes before the request's
  bool is_read_ = false;
  Clock::time_point start_;
  uint64_t rng_;
};

class Worker {
 public:
  explicit Worker(Shared& shared) : shared(shared) {}
  // Throws boost::system::system_error when a node cannot be reached or refuses TLS.
  void connect(const Routes& routes) {
    std::vector<std::unique_ptr<Link>> links;
    for (size_t i = 0; i < routes.nodes.size(); ++i) {
      auto link = std::make_unique<Link>(ioc);
      link->socket.connect(routes.nodes[i]);
      link->socket.set_option(tcp::no_delay(true));
      if (shared.ssl) {
        link->wrap(*shared.ssl, routes.hosts[i]);
        link->tls->handshake(asio::ssl::stream_base::client);
      }
      links.push_back(std::move(link));
    }
    conns_.push_back(std::make_unique<Conn>(*this, std::move(links)));
  }
  void run() {
    for (auto& c : conns_) c->issue();
    ioc.run();
  }

  asio::io_context ioc{1};
  Shared& shared;
  Stats stats;
  std::atomic<uint64_t> completed{0};  // read by the progress printer

 private:
  std::vector<std::unique_ptr<Conn>> conns_;
};

Conn::Conn(Worker& worker, std::vector<std::unique_ptr<Link>> links)
    : worker_(worker), links_(std::move(links)), retry_(worker.ioc),
      rng_(std::random_device{}() | 1) {}

bool Conn::pick_request() {
  const Options& o = worker_.shared.options;
  const Templates& t = worker_.shared.templates;
  if (o.transactions && worker_.shared.issued.fetch_add(1, std::memory_order_relaxed) >= o.transactions) return false;
  uint64_t index;
  if (o.workload == Workload::LinearInsert) {
    index = worker_.shared.next_insert.fetch_add(1, std::memory_order_relaxed);
    if (index >= o.keys) return false;
    is_read_ = false;
  } else {
    rng_ ^= rng_ >> 12, rng_ ^= rng_ << 25, rng_ ^= rng_ >> 27;  // xorshift64*
    uint64_t r = rng_ * 0x2545F4914F6CDD1Dull;
    index = (r >> 8) % o.keys;
    is_read_ = int(r % 100) < o.read_pct;
  }
  node_ = worker_.shared.routes.master[common::partition_id(t.digests[index]).value];
  const std::string& tpl = is_read_ ? t.get : t.put;
  out_.assign(tpl);
  std::memcpy(out_.data() + (is_read_ ? t.get_digest_at : t.put_digest_at), t.digests[index].bytes.data(),
              common::kDigestSize);
  return true;
}

void Conn::issue() {
  if (worker_.shared.stop.load(std::memory_order_relaxed) || !pick_request()) return;
  start_ = Clock::now();
  have_ = 0;
  // A fresh connection presents the node's session in the same write as its request.
  const std::string& admission = worker_.shared.routes.admission[node_];
  admitting_ = !links_[node_]->admitted && !admission.empty();
  if (admitting_) out_.insert(0, admission);
  links_[node_]->with_stream([this](auto& stream) {
    asio::async_write(stream, asio::buffer(out_), [this](const boost::system::error_code& ec, size_t) { on_written(ec); });
  });
}

void Conn::on_written(const boost::system::error_code& ec) {
  if (ec) return fail();
  read_more();
}

void Conn::read_more() {
  links_[node_]->with_stream([this](auto& stream) {
    stream.async_read_some(asio::buffer(in_.data() + have_, in_.size() - have_),
                           [this](const boost::system::error_code& ec, size_t n) { on_read(ec, n); });
  });
}

void Conn::on_read(const boost::system::error_code& ec, size_t n) {
  if (ec) return fail();
  have_ += n;
  if (have_ < proto::kProtoHeaderSize) return read_more();
  auto header = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(in_.data()));
  size_t total = proto::kProtoHeaderSize + header.size;
  const auto expected = admitting_ ? proto::ProtoType::Admin : proto::ProtoType::Message;
  const size_t smallest = admitting_ ? kAdminHeaderSize : proto::kMsgHeaderSize;
  if (header.type != uint8_t(expected) || header.size < smallest || header.size > proto::kMaxProtoSize) {
    return fail();
  }
  if (in_.size() < total) in_.resize(total);
  if (have_ < total) return read_more();
  if (admitting_) return on_admitted(total);
  finish(uint8_t(in_[proto::kProtoHeaderSize + 5]));  // result code of the AS_MSG header
}

void Conn::on_admitted(size_t answer_size) {
  // A refused session (the user's password changed during the run) is presented again
  // with the next request; the request itself answers the refusal, counted by its code.
  links_[node_]->admitted = in_[proto::kProtoHeaderSize + 1] == 0;
  admitting_ = false;
  have_ -= answer_size;
  std::memmove(in_.data(), in_.data() + answer_size, have_);  // the request's answer may follow
  on_read({}, 0);
}

void Conn::finish(uint8_t result) {
  uint64_t micros = uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count());
  Stats& s = worker_.stats;
  if (is_read_) {
    s.read_latency.record(micros);
    ++s.reads;
  } else {
    s.write_latency.record(micros);
    ++s.writes;
  }
  if (result == 2 && is_read_) ++s.not_found;
  else if (result != 0) ++s.errors[result];
  worker_.completed.fetch_add(1, std::memory_order_relaxed);
  issue();
}

void Conn::fail() {
  ++worker_.stats.network_errors;
  boost::system::error_code ignored;
  links_[node_]->tls.reset();
  links_[node_]->admitted = false;
  links_[node_]->socket.close(ignored);
  if (worker_.shared.stop.load(std::memory_order_relaxed)) return;
  retry_.expires_after(std::chrono::milliseconds(100));
  retry_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) reconnect();
  });
}

void Conn::reconnect() {
  Link& link = *links_[node_];
  link.socket.async_connect(worker_.shared.routes.nodes[node_], [this, &link](const boost::system::error_code& ec) {
    if (ec) return fail();
    link.socket.set_option(tcp::no_delay(true));
    if (!worker_.shared.ssl) return issue();
    link.wrap(*worker_.shared.ssl, worker_.shared.routes.hosts[node_]);
    link.tls->async_handshake(asio::ssl::stream_base::client, [this](const boost::system::error_code& hec) {
      if (hec) return fail();
      issue();
    });
  });
}

bool duration_applies(const Options& o) {
  if (o.duration_given) return true;
  return o.workload == Workload::RandomReadUpdate && o.transactions == 0;
}

void print_progress(uint64_t second, uint64_t ops, uint64_t total) {
  std::cerr << "asbench: second=" << second << " ops/s=" << ops << " total=" << total << '\n';
}

}  // namespace

void Stats::merge(const Stats& o) {
  read_latency.merge(o.read_latency);
  write_latency.merge(o.write_latency);
  reads += o.reads;
  writes += o.writes;
  not_found += o.not_found;
  network_errors += o.network_errors;
  for (size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
}

uint64_t Stats::error_count() const {
  uint64_t n = network_errors;
  for (uint64_t e : errors) n += e;
  return n;
}

std::optional<RunResult> run_workload(const Options& o, std::string* error) {
  Templates templates = build_templates(o);
  auto seed = o.tls.host(o.host, o.port);
  if (!seed) {
    *error = "bad host '" + o.host + "'";
    return std::nullopt;
  }
  std::string tls_error;
  auto tls = o.tls.context(&tls_error);
  if (!tls_error.empty()) {
    *error = tls_error;
    return std::nullopt;
  }
  std::unique_ptr<asio::ssl::context> ssl;
  if (tls) {
    // Asio's context takes one reference to the client's SSL_CTX (CA, certificate, checks).
    SSL_CTX_up_ref(tls->native());
    ssl = std::make_unique<asio::ssl::context>(tls->native());
  }
  Routes routes;
  std::string note;
  try {
    asio::io_context resolver_ioc;
    tcp::resolver resolver(resolver_ioc);
    auto found = discover(o, *seed, *resolver.resolve(seed->address, std::to_string(seed->port)).begin(), tls.get(),
                          &note);
    if (!found) {
      *error = found.error().message;
      return std::nullopt;
    }
    routes = std::move(*found);
  } catch (const std::exception& e) {
    *error = "cannot resolve " + seed->to_string() + " or a peer: " + e.what();
    return std::nullopt;
  }
  if (!o.quiet || !note.empty()) {
    std::vector<uint32_t> owned(routes.nodes.size(), 0);
    for (uint16_t n : routes.master) ++owned[n];
    std::cerr << "asbench: " << routes.nodes.size() << " node(s), master partitions:";
    for (size_t i = 0; i < owned.size(); ++i) std::cerr << ' ' << routes.nodes[i] << '=' << owned[i];
    std::cerr << note << '\n';
  }
  Shared shared{o, templates, routes, ssl.get()};
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t i = 0; i < o.threads; ++i) workers.push_back(std::make_unique<Worker>(shared));
  const Clock::time_point connect_start = Clock::now();
  try {
    for (uint32_t i = 0; i < o.connections; ++i) workers[i % o.threads]->connect(routes);
  } catch (const std::exception& e) {
    *error = "cannot connect to " + seed->to_string() + " or a peer: " + e.what();
    return std::nullopt;
  }
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();

  const Clock::time_point start = Clock::now();
  std::atomic<uint32_t> running{o.threads};
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&running, &w] { w->run(), --running; });

  auto completed = [&] {
    uint64_t n = 0;
    for (auto& w : workers) n += w->completed.load(std::memory_order_relaxed);
    return n;
  };
  uint64_t last_total = 0;
  auto next_report = start + std::chrono::seconds(1);
  while (running > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto now = Clock::now();
    if (duration_applies(o) && now - start >= std::chrono::seconds(o.duration_s)) break;
    if (now >= next_report) {
      uint64_t total = completed();
      uint64_t second = uint64_t(std::chrono::duration_cast<std::chrono::seconds>(next_report - start).count());
      if (!o.quiet) print_progress(second, total - last_total, total);
      last_total = total;
      next_report += std::chrono::seconds(1);
    }
  }
  shared.stop = true;
  const Clock::time_point stopped = Clock::now();
  // In-flight requests drain on their own; a hung server gets two seconds.
  auto drain_deadline = Clock::now() + std::chrono::seconds(2);
  while (running > 0 && Clock::now() < drain_deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (auto& w : workers) w->ioc.stop();
  for (auto& t : threads) t.join();

  RunResult result;
  result.elapsed_s = std::chrono::duration<double>(stopped - start).count();
  result.nodes = routes.nodes.size();
  result.connections = size_t(o.connections) * routes.nodes.size();
  result.connect_s = connect_s;
  for (auto& w : workers) result.stats.merge(w->stats);
  return result;
}

}  // namespace asbench
