// Fabric: two transports on loopback ports. Messages from one sender arrive whole and in
// the order they were sent, whichever threads send them and whichever thread (the
// cluster thread or a reader) handles them; messages to a peer not listening yet wait
// for it (heartbeats only a few); a stream that is not the fabric's framing is dropped
// without disturbing the others. Over TLS (certificates made by openssl at test time) the
// same holds, and a plaintext sender or a foreign CA is refused and counted.

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "cluster/fabric.h"
#include "cluster/node_tls.h"
#include "support/process.h"

using asd::cluster::Fabric;
using asd::cluster::NodeTls;

namespace {

using namespace std::chrono_literals;

std::string endpoint(uint16_t port) { return "tcp://127.0.0.1:" + std::to_string(port); }

// What one fabric received, and on which thread kind.
class Inbox {
 public:
  void add(std::string_view m, bool on_reader) {
    std::lock_guard lock(mu_);
    got_.emplace_back(m);
    if (on_reader) ++on_reader_;
    cv_.notify_all();
  }
  // True once `n` messages are in, within 10 s.
  bool wait_for(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return got_.size() >= n; });
  }
  std::vector<std::string> got() {
    std::lock_guard lock(mu_);
    return got_;
  }
  size_t on_reader() {
    std::lock_guard lock(mu_);
    return on_reader_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> got_;
  size_t on_reader_ = 0;
};

struct Node {
  uint16_t heartbeat = support::free_port();
  uint16_t fabric_port = support::free_port();
  Fabric fabric;
  Inbox inbox;

  void start() {
    fabric.start({{"127.0.0.1", heartbeat}, {}, {"127.0.0.1", fabric_port}, {}},
                 [this](std::string_view m, const std::string&) { inbox.add(m, false); }, [] {}, 25, [] {});
  }
};

// "<sender>:<n>" for n in [0, count).
std::vector<std::string> numbered(const std::string& sender, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(sender + ":" + std::to_string(i));
  return out;
}

// Each sender's messages, in the order received.
std::vector<std::string> of_sender(const std::vector<std::string>& got, const std::string& sender) {
  std::vector<std::string> out;
  for (const std::string& m : got) {
    if (m.compare(0, sender.size() + 1, sender + ":") == 0) out.push_back(m);
  }
  return out;
}

// A reader thread for `fabric` (set_readers, before start): it takes messages starting
// with 'r' into `inbox` and stops at the first other one, which goes to the cluster
// thread. stop() after the fabric's.
struct Reader {
  Reader(Fabric& fabric, Inbox& inbox) {
    fabric.set_readers({&io}, [&inbox](const std::vector<std::string_view>& messages) {
      size_t k = 0;
      while (k < messages.size() && messages[k].front() == 'r') inbox.add(messages[k++], true);
      return k;
    });
  }
  void stop() {
    guard.reset();
    io.stop();
    thread.join();
  }

  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard = boost::asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
};

const std::string kName = "node.cluster";

// A CA and, signed by it, a certificate for kName: `<dir>/<ca>.pem`, `<dir>/<ca>-leaf.*`.
void make_material(const std::string& dir, const std::string& ca) {
  auto openssl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    REQUIRE(support::run_tool(args, dir + "/openssl.log"));
  };
  std::string p = dir + "/" + ca;
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + ca, "-keyout", p + ".key",
           "-out", p + ".pem"});
  support::write_file(p + "-leaf.ext", "subjectAltName=DNS:" + kName + "\n");
  openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + kName, "-keyout", p + "-leaf.key", "-out",
           p + "-leaf.csr"});
  openssl({"x509", "-req", "-in", p + "-leaf.csr", "-CA", p + ".pem", "-CAkey", p + ".key", "-CAcreateserial", "-days",
           "2", "-extfile", p + "-leaf.ext", "-out", p + "-leaf.pem"});
}

// OpenSSL writes to its sockets with write(): a peer that closed must not kill the test
// with SIGPIPE (asd ignores it in main).
void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

conf::TlsSpec spec(const std::string& dir, const std::string& ca) {
  conf::TlsSpec s;
  s.name = kName;
  s.cert_file = dir + "/" + ca + "-leaf.pem";
  s.key_file = dir + "/" + ca + "-leaf.key";
  s.ca_file = dir + "/" + ca + ".pem";
  s.protocols = "TLSv1.2,TLSv1.3";
  return s;
}

// A fabric whose fabric listener is TLS only, with the material of CA `ca`.
struct TlsNode {
  TlsNode(const std::string& dir, const std::string& ca)
      : tls(std::make_unique<NodeTls>(spec(dir, ca), kName, "fabric", failures)) {
    fabric.set_tls(nullptr, tls.get());
  }
  void start() {
    fabric.start({{"127.0.0.1", heartbeat}, {}, {}, {"127.0.0.1", fabric_tls}},
                 [this](std::string_view m, const std::string&) { inbox.add(m, false); }, [] {}, 25, [] {});
  }
  std::string tls_endpoint() const { return "tls://127.0.0.1:" + std::to_string(fabric_tls); }

  uint16_t heartbeat = support::free_port();
  uint16_t fabric_tls = support::free_port();
  std::atomic<uint64_t> failures{0};
  std::unique_ptr<NodeTls> tls;  // outlives the fabric
  Fabric fabric;
  Inbox inbox;
};

}  // namespace

TEST_CASE("messages sent from several threads arrive whole and in each thread's order", "[cluster_fabric]") {
  Node a, b;
  a.start();
  b.start();
  constexpr int kEach = 5000;
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (const std::string& m : numbered("t" + std::to_string(t), kEach)) {
        a.fabric.send(endpoint(b.fabric_port), m, false);
      }
    });
  }
  for (std::thread& t : senders) t.join();
  // One large message after them: several reads and a grown buffer on the receiver.
  std::string big(8 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = char('a' + i / 4096 % 26);
  a.fabric.send(endpoint(b.fabric_port), big, false);
  REQUIRE(b.inbox.wait_for(4 * kEach + 1));
  std::vector<std::string> got = b.inbox.got();
  CHECK(got.size() == 4 * kEach + 1);
  for (int t = 0; t < 4; ++t) {
    std::string sender = "t" + std::to_string(t);
    CHECK(of_sender(got, sender) == numbered(sender, kEach));
  }
  CHECK(got.back() == big);
}

TEST_CASE("a reader handles what it takes and the cluster thread the rest, in the order sent", "[cluster_fabric]") {
  Node a, b;
  Reader reader(b.fabric, b.inbox);
  a.start();
  b.start();
  std::vector<std::string> sent;
  size_t for_reader = 0;
  for (int i = 0; i < 3000; ++i) {
    bool cluster = i % 7 == 3;
    for_reader += !cluster;
    sent.push_back((cluster ? "c:" : "r:") + std::to_string(i));
  }
  for (const std::string& m : sent) a.fabric.send(endpoint(b.fabric_port), m, false);
  REQUIRE(b.inbox.wait_for(sent.size()));
  CHECK(b.inbox.got() == sent);
  CHECK(b.inbox.on_reader() == for_reader);
  b.fabric.stop();
  reader.stop();
}

TEST_CASE("messages to a peer not listening yet wait for it; heartbeats only a few", "[cluster_fabric]") {
  Node a, b;
  a.start();
  for (const std::string& m : numbered("f", 100)) a.fabric.send(endpoint(b.fabric_port), m, false);
  for (const std::string& m : numbered("h", 100)) a.fabric.send(endpoint(b.heartbeat), m, true);
  std::this_thread::sleep_for(300ms);  // several failed connects meanwhile
  b.start();
  REQUIRE(b.inbox.wait_for(100));
  std::this_thread::sleep_for(300ms);
  std::vector<std::string> got = b.inbox.got();
  CHECK(of_sender(got, "f") == numbered("f", 100));
  std::vector<std::string> heartbeats = of_sender(got, "h");
  CHECK(!heartbeats.empty());
  CHECK(heartbeats.size() <= 16);
  CHECK(heartbeats == numbered("h", int(heartbeats.size())));
}

TEST_CASE("disconnect drops what is queued for the peer", "[cluster_fabric]") {
  Node a, b;
  a.start();
  for (const std::string& m : numbered("gone", 10)) a.fabric.send(endpoint(b.fabric_port), m, false);
  a.fabric.disconnect(endpoint(b.fabric_port));
  b.start();
  a.fabric.send(endpoint(b.fabric_port), "after", false);
  REQUIRE(b.inbox.wait_for(1));
  std::this_thread::sleep_for(200ms);
  CHECK(b.inbox.got() == std::vector<std::string>{"after"});
}

TEST_CASE("a stream that is not fabric framing is dropped; other senders go on", "[cluster_fabric]") {
  Node a, b;
  a.start();
  b.start();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(b.fabric_port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const char garbage[] = "GET / HTTP/1.1\r\n\r\n";  // as a length: far over the limit
  REQUIRE(::send(fd, garbage, sizeof garbage - 1, MSG_NOSIGNAL) == ssize_t(sizeof garbage - 1));
  // The receiver closes the connection: a read sees the end.
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char c;
  CHECK(::recv(fd, &c, 1, 0) == 0);
  ::close(fd);
  for (const std::string& m : numbered("ok", 50)) a.fabric.send(endpoint(b.fabric_port), m, false);
  REQUIRE(b.inbox.wait_for(50));
  CHECK(b.inbox.got() == numbered("ok", 50));
}

TEST_CASE("over TLS, messages from several threads and through a reader arrive whole and in order",
          "[cluster_fabric_tls]") {
  ignore_sigpipe();
  support::TempDir dir;
  make_material(dir.path(), "ca");
  TlsNode a(dir.path(), "ca"), b(dir.path(), "ca");
  // Over TLS the connection pauses with bytes OpenSSL has decrypted and not handed over.
  Reader reader(b.fabric, b.inbox);
  a.start();
  b.start();
  std::vector<std::string> sent;
  for (int i = 0; i < 3000; ++i) sent.push_back((i % 7 == 3 ? "c:" : "r:") + std::to_string(i));
  std::thread second([&] {
    for (const std::string& m : numbered("t", 3000)) a.fabric.send(b.tls_endpoint(), "r" + m, false);
  });
  for (const std::string& m : sent) a.fabric.send(b.tls_endpoint(), m, false);
  second.join();
  std::string big(8 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = char('a' + i / 4096 % 26);
  big[0] = 'r';
  a.fabric.send(b.tls_endpoint(), big, false);
  REQUIRE(b.inbox.wait_for(6001));
  std::vector<std::string> got = b.inbox.got();
  std::vector<std::string> mine, theirs;
  for (const std::string& m : got) (m.starts_with("rt:") ? theirs : mine).push_back(m);
  CHECK(theirs.size() == 3000);
  for (size_t i = 0; i < theirs.size(); ++i) CHECK(theirs[i] == "r" + numbered("t", 3000)[i]);
  REQUIRE(mine.size() == sent.size() + 1);
  CHECK(std::vector<std::string>(mine.begin(), mine.end() - 1) == sent);
  CHECK(mine.back() == big);
  CHECK(a.failures == 0);
  CHECK(b.failures == 0);
  b.fabric.stop();
  reader.stop();
}

TEST_CASE("a plaintext sender and a foreign CA are refused on a TLS port and counted", "[cluster_fabric_tls]") {
  ignore_sigpipe();
  support::TempDir dir;
  make_material(dir.path(), "ca");
  make_material(dir.path(), "foreign");
  TlsNode b(dir.path(), "ca"), stranger(dir.path(), "foreign");
  b.start();
  stranger.start();
  stranger.fabric.send("tcp://127.0.0.1:" + std::to_string(b.fabric_tls), "plain", false);
  stranger.fabric.send(b.tls_endpoint(), "foreign", false);
  // Each refused attempt counts; the sender keeps trying every 100 ms.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((b.failures < 3 || stranger.failures < 1) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  CHECK(b.failures >= 3);
  CHECK(stranger.failures >= 1);
  CHECK(b.inbox.got().empty());
}
