// xdr_lag_probe: per-record replication lag at a fixed write rate, for bench/xdr/run.
//
//   xdr_lag_probe aerospike --src HOST:PORT --dst HOST:PORT [--rate 10000] [--seconds 10]
//   xdr_lag_probe redis     --src HOST:PORT --dst HOST:PORT ...
//
// Writer threads write new keys to --src at a paced total rate; every record carries its
// write time (unix µs) in a bin (Aerospike) or in the value (Redis). Every --sample-th
// key is also handed to a poller, which reads the pending sample keys at --dst in batches
// (batch header read / MGET) about every half millisecond; lag = first time seen there −
// write time. Keys not seen within --settle seconds after the writers stop count as lost.
// Prints one JSON line.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---- targets ---------------------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;
  virtual bool put(int64_t key, int64_t ts_us) = 0;
  // found[i] = whether keys[i] exists; false when the read failed as a whole.
  virtual bool exist(const std::vector<int64_t>& keys, std::vector<bool>& found) = 0;
};

class AerospikeStore : public Store {
 public:
  AerospikeStore(const std::string& host, std::string ns, std::string set)
      : ns_(std::move(ns)), set_(std::move(set)), payload_(100, 'x') {
    auto h = client::Host::parse(host);
    if (!h) throw std::runtime_error("bad host " + host);
    client::ClientConfig config;
    config.seeds.push_back(*h);
    config.tend = false;
    config.timeout_ms = 2000;
    auto c = client::Client::connect(config);
    if (!c.ok()) throw std::runtime_error("connect " + host + ": " + c.error().message);
    client_ = std::move(*c);
  }
  bool put(int64_t key, int64_t ts_us) override {
    return client_->put(client::Key(ns_, set_, key), {{"ts", client::Value(ts_us)}, {"p", client::Value(payload_)}}).ok();
  }
  bool exist(const std::vector<int64_t>& keys, std::vector<bool>& found) override {
    std::vector<client::Key> ks;
    for (int64_t k : keys) ks.emplace_back(ns_, set_, k);
    auto rows = client_->batch_get(ks, client::BatchRead::header());
    if (!rows.ok()) return false;
    found.assign(keys.size(), false);
    for (size_t i = 0; i < rows->size(); ++i) found[i] = (*rows)[i].found();
    return true;
  }

 private:
  std::string ns_, set_, payload_;
  std::unique_ptr<client::Client> client_;
};

// A blocking RESP connection: enough of the protocol for SET and MGET.
class RedisStore : public Store {
 public:
  explicit RedisStore(const std::string& host) : payload_(100, 'x') {
    auto h = client::Host::parse(host, 6379);
    if (!h) throw std::runtime_error("bad host " + host);
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(h->port);
    inet_pton(AF_INET, h->address.c_str(), &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect redis " + host);
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RedisStore() override { close(fd_); }
  bool put(int64_t key, int64_t ts_us) override {
    if (!send({"SET", "lag:" + std::to_string(key), std::to_string(ts_us) + ":" + payload_})) return false;
    std::string line;
    return read_line(line) && line == "+OK";
  }
  bool exist(const std::vector<int64_t>& keys, std::vector<bool>& found) override {
    std::vector<std::string> args{"MGET"};
    for (int64_t k : keys) args.push_back("lag:" + std::to_string(k));
    if (!send(args)) return false;
    std::string line;
    if (!read_line(line) || line.empty() || line[0] != '*') return false;
    size_t n = std::stoul(line.substr(1));
    found.assign(n, false);
    for (size_t i = 0; i < n; ++i) {
      if (!read_line(line) || line.empty() || line[0] != '$') return false;
      long len = std::stol(line.substr(1));
      if (len < 0) continue;
      std::string skip;
      if (!read_exact(skip, size_t(len) + 2)) return false;
      found[i] = true;
    }
    return true;
  }

 private:
  bool send(const std::vector<std::string>& args) {
    std::string out = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    for (size_t done = 0; done < out.size();) {
      ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += size_t(n);
    }
    return true;
  }
  bool fill() {
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    in_.append(buf, size_t(n));
    return true;
  }
  bool read_line(std::string& line) {
    size_t at;
    while ((at = in_.find("\r\n")) == std::string::npos) {
      if (!fill()) return false;
    }
    line = in_.substr(0, at);
    in_.erase(0, at + 2);
    return true;
  }
  bool read_exact(std::string& out, size_t n) {
    while (in_.size() < n) {
      if (!fill()) return false;
    }
    out = in_.substr(0, n);
    in_.erase(0, n);
    return true;
  }

  int fd_ = -1;
  std::string in_;
  std::string payload_;
};

// ---- the run ---------------------------------------------------------------------------

struct Options {
  std::string kind, src, dst, ns = "test", set = "lag";
  double rate = 10000;
  int seconds = 10, threads = 4, sample = 10, settle = 10;
  int64_t first_key = 0;
};

std::unique_ptr<Store> open_store(const Options& o, const std::string& host) {
  if (o.kind == "redis") return std::make_unique<RedisStore>(host);
  return std::make_unique<AerospikeStore>(host, o.ns, o.set);
}

struct Pending {
  int64_t key;
  int64_t ts_us;
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return -1;
  size_t i = std::min(sorted.size() - 1, size_t(p / 100.0 * double(sorted.size())));
  return sorted[i];
}

int run(const Options& o) {
  std::mutex mu;
  std::deque<Pending> pending;
  std::atomic<uint64_t> writes{0}, errors{0};
  std::atomic<int> writers_left{o.threads};
  std::vector<std::thread> writers;
  const double per_thread = o.rate / o.threads;
  const auto start = Clock::now();
  for (int t = 0; t < o.threads; ++t) {
    writers.emplace_back([&, t] {
      std::unique_ptr<Store> store = open_store(o, o.src);
      const auto interval = std::chrono::duration<double>(1.0 / per_thread);
      const auto stop = start + std::chrono::seconds(o.seconds);
      for (int64_t k = 0;; ++k) {
        auto due = start + std::chrono::duration_cast<Clock::duration>(interval * double(k));
        if (due >= stop) break;
        std::this_thread::sleep_until(due);
        int64_t key = o.first_key + k * o.threads + t;
        int64_t ts = now_us();
        if (!store->put(key, ts)) {
          ++errors;
          continue;
        }
        ++writes;
        if (key % o.sample == 0) {
          std::lock_guard lock(mu);
          pending.push_back({key, ts});
        }
      }
      --writers_left;
    });
  }

  std::unique_ptr<Store> reader = open_store(o, o.dst);
  std::vector<double> lags_ms;
  size_t lost = 0;
  Clock::time_point writers_done{};
  while (true) {
    std::vector<Pending> batch;
    {
      std::lock_guard lock(mu);
      batch.assign(pending.begin(), pending.end());
    }
    if (batch.empty()) {
      if (writers_left == 0) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      continue;
    }
    std::vector<int64_t> keys;
    for (const auto& p : batch) keys.push_back(p.key);
    std::vector<bool> found;
    if (!reader->exist(keys, found)) found.assign(keys.size(), false);
    int64_t seen_at = now_us();
    std::vector<int64_t> done;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (found[i]) {
        lags_ms.push_back(double(seen_at - batch[i].ts_us) / 1000.0);
        done.push_back(batch[i].key);
      }
    }
    if (writers_left == 0 && writers_done == Clock::time_point{}) writers_done = Clock::now();
    bool give_up = writers_done != Clock::time_point{} &&
                   Clock::now() - writers_done > std::chrono::seconds(o.settle);
    {
      std::lock_guard lock(mu);
      std::erase_if(pending, [&](const Pending& p) {
        return std::find(done.begin(), done.end(), p.key) != done.end();
      });
      if (give_up) {
        lost = pending.size();
        pending.clear();
      }
    }
    if (give_up) break;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  for (auto& w : writers) w.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  (void)elapsed;
  std::sort(lags_ms.begin(), lags_ms.end());
  std::printf(
      "{\"target\":\"%s\",\"writes\":%llu,\"errors\":%llu,\"write_rate\":%.1f,\"samples\":%zu,"
      "\"lost\":%zu,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
      o.kind.c_str(), (unsigned long long)writes.load(), (unsigned long long)errors.load(),
      double(writes) / o.seconds, lags_ms.size(), lost, percentile(lags_ms, 50),
      percentile(lags_ms, 90), percentile(lags_ms, 99), lags_ms.empty() ? -1.0 : lags_ms.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"xdr_lag_probe: replication lag per record at a fixed write rate"};
  app.add_option("kind", o.kind, "aerospike or redis")->required()->check(CLI::IsMember({"aerospike", "redis"}));
  app.add_option("--src", o.src, "Where writes go (HOST:PORT)")->required();
  app.add_option("--dst", o.dst, "Where they are looked for (HOST:PORT)")->required();
  app.add_option("--rate", o.rate, "Total writes per second")->capture_default_str();
  app.add_option("--seconds", o.seconds, "How long to write")->capture_default_str();
  app.add_option("--threads", o.threads, "Writer threads (one connection each)")->capture_default_str();
  app.add_option("--sample", o.sample, "Measure every N-th key")->capture_default_str();
  app.add_option("--settle", o.settle, "Seconds to wait for stragglers")->capture_default_str();
  app.add_option("--first-key", o.first_key, "First key number")->capture_default_str();
  app.add_option("--namespace", o.ns, "Aerospike namespace")->capture_default_str();
  app.add_option("--set", o.set, "Aerospike set")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "xdr_lag_probe: " << e.what() << "\n";
    return 1;
  }
}
