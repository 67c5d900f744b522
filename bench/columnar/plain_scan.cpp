// plain_scan: the reference side of bench/columnar/run, and its data loader.
//
//   plain_scan -h HOST:PORT -n NS -s SET                      scan, count records and bytes
//   plain_scan -h HOST:PORT -n NS -s SET --load N [--threads T]   write records 0..N-1
//
// Scan mode runs client::Client::scan over NS/SET, the plain record-at-a-time path every
// columnar reader is compared with: each record arrives as a client::Record with its bins
// as Values, and is counted with the bytes of its bin values. Prints one JSON line:
//   {"records":N,"bytes":B,"seconds":S,"records_per_s":R}
// where seconds covers the scan only (connecting is left out, as the Python side leaves
// it out too).
//
// Load mode writes records 0..N-1 of the benchmark's shape from T threads sharing one
// client (a synchronous put has one round trip in flight, so threads hide the latency):
//   id  int    i              a  int  i % 1000        b  int  i * 1000003
//   x   float  i * 0.5        tag blob  "tag-%012d" (16 bytes)
// Prints {"loaded":N,"seconds":S,"records_per_s":R}. Exit status 1 on any failure, with
// the first error on stderr.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/client.h"
#include "client/host.h"
#include "common/log.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string ns = "test";
  std::string set;
  uint64_t load = 0;
  unsigned threads = 8;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The benchmark's record i; bench/columnar/*.py and arrow_read.js rely on this shape.
std::vector<client::Bin> record_bins(int64_t i) {
  char tag[32];  // 16 used; room for what the compiler thinks a long long may print
  std::snprintf(tag, sizeof tag, "tag-%012lld", static_cast<long long>(i % 1000000000000LL));
  return {{"id", client::Value(i)},
          {"a", client::Value(i % 1000)},
          {"b", client::Value(i * 1000003)},
          {"x", client::Value(double(i) * 0.5)},
          {"tag", client::Value::blob(std::string(tag, 16))}};
}

int load(client::Client& db, const Options& o) {
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string first_error;
  auto worker = [&] {
    // Keys are handed out in chunks so threads do not contend on every record.
    constexpr uint64_t kChunk = 256;
    while (!failed) {
      uint64_t begin = next.fetch_add(kChunk);
      if (begin >= o.load) return;
      for (uint64_t i = begin; i < std::min(begin + kChunk, o.load); ++i) {
        common::Status s = db.put(client::Key(o.ns, o.set, int64_t(i)), record_bins(int64_t(i)));
        if (!s.ok()) {
          std::lock_guard lock(error_mutex);
          if (!failed.exchange(true)) first_error = "put " + std::to_string(i) + ": " + s.message();
          return;
        }
      }
    }
  };
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < std::max(1u, o.threads); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  double secs = seconds_since(start);
  if (failed) {
    std::cerr << "plain_scan: load failed: " << first_error << "\n";
    return 1;
  }
  std::printf("{\"loaded\":%llu,\"seconds\":%.6f,\"records_per_s\":%.0f}\n",
              static_cast<unsigned long long>(o.load), secs, double(o.load) / secs);
  return 0;
}

int scan(client::Client& db, const Options& o) {
  uint64_t records = 0;
  uint64_t bytes = 0;
  auto start = Clock::now();
  common::Status s = db.scan(o.ns, o.set, [&](const client::Record& r) {
    ++records;
    for (const client::Bin& bin : r.bins) bytes += bin.value.bytes().size();
    return true;
  });
  double secs = seconds_since(start);
  if (!s.ok()) {
    std::cerr << "plain_scan: scan of " << o.ns << "/" << o.set << " failed: " << s.message() << "\n";
    return 1;
  }
  std::printf("{\"records\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"records_per_s\":%.0f}\n",
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(bytes), secs,
              secs > 0 ? double(records) / secs : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"plain_scan: record-at-a-time scan (reference for bench/columnar) and loader"};
  Options o;
  app.set_help_flag("--help", "print this help");  // -h is the host, as in the tools
  app.add_option("-h,--host", o.host, "a node: HOST or HOST:PORT")->capture_default_str();
  app.add_option("-n,--namespace", o.ns, "namespace")->capture_default_str();
  app.add_option("-s,--set", o.set, "set")->required();
  app.add_option("--load", o.load, "write records 0..N-1 instead of scanning");
  app.add_option("--threads", o.threads, "writer threads for --load")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  common::set_log_level("any", "warning");  // no "node added" line per run in the bench log

  auto host = client::Host::parse(o.host);
  if (!host) {
    std::cerr << "plain_scan: bad host '" << o.host << "'\n";
    return 1;
  }
  client::ClientConfig config;
  config.seeds.push_back(*host);
  config.timeout_ms = 10000;
  auto db = client::Client::connect(config);
  if (!db.ok()) {
    std::cerr << "plain_scan: cannot connect to " << host->to_string() << ": " << db.error().message << "\n";
    return 1;
  }
  return o.load > 0 ? load(**db, o) : scan(**db, o);
}
