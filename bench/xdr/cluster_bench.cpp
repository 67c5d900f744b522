// xdr_cluster_bench: XDR between multi-node DCs, measured (bench/xdr/cluster_run).
//
//   (a) takeover: DC1 = 3 nodes RF2 (asd + xdr each) ships to DC2 = 2 nodes under a paced
//       writer (-r writes/s, fresh keys). Reference first: with no fault, the time from a
//       given instant until DC2 holds every record acknowledged before it. Then a DC1
//       node is killed with -9 and the same time is measured from the kill. Both are
//       printed with their ratio; the difference is what the takeover costs.
//   (b) shipping rate: the same writer at full speed (-c client threads) into a 1-node
//       DC1, then into a 3-node DC1 (RF2), -t seconds each; local and DC2 insert rates
//       over the steady window, and the 3-node shipping rate as a ratio of the 1-node.
// Uses the test kit (tests/support) to run the daemons; everything it starts is killed
// on exit. Prints one block of results.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "support/cluster_dc.h"
#include "support/seeder.h"

using support::ClusterDc;
using support::ClusterDcOptions;

namespace {

using Clock = std::chrono::steady_clock;

double since_s(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Writes fresh keys of one set from `threads` clients, paced to `rate` writes/s in
// total (0: as fast as it goes); remembers which keys were acknowledged, in order.
class PacedWriter {
 public:
  PacedWriter(ClusterDc& dc, std::string set, uint64_t rate, int threads) : seeder_("test", std::move(set)) {
    acked_.assign(kMaxKeys, 0);
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, &dc, rate, threads, t] {
        auto c = dc.connect();
        auto start = Clock::now();
        for (uint64_t n = 0; !stop_; ++n) {
          int64_t key = int64_t(next_++);
          if (key >= int64_t(kMaxKeys)) break;
          if (seeder_.write(*c, key, 1).ok()) acked_[size_t(key)] = 1;
          if (rate > 0) {
            auto due = start + std::chrono::microseconds(uint64_t(n + 1) * 1000000 * uint64_t(threads) / rate);
            std::this_thread::sleep_until(due);
          }
        }
        (void)t;
      });
    }
  }
  ~PacedWriter() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  uint64_t issued() const { return next_.load(); }
  // The keys acknowledged among the first `n` issued.
  std::vector<int64_t> acked_below(uint64_t n) const {
    std::vector<int64_t> out;
    for (uint64_t k = 0; k < std::min<uint64_t>(n, kMaxKeys); ++k) {
      if (acked_[k]) out.push_back(int64_t(k));
    }
    return out;
  }
  const support::Seeder& seeder() const { return seeder_; }

 private:
  static constexpr uint64_t kMaxKeys = 4000000;
  support::Seeder seeder_;
  std::vector<uint8_t> acked_;
  std::atomic<uint64_t> next_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// Seconds until DC2 holds every key in `keys` (polled by batches); -1 after timeout_s.
double time_until_all(ClusterDc& dc2, const support::Seeder& seeder, std::vector<int64_t> keys, Clock::time_point from,
                      double timeout_s) {
  auto c = dc2.connect();
  while (!keys.empty()) {
    if (since_s(from) > timeout_s) return -1;
    std::vector<int64_t> missing;
    for (size_t at = 0; at < keys.size(); at += 2000) {
      std::vector<client::Key> batch;
      for (size_t i = at; i < std::min(keys.size(), at + 2000); ++i) batch.push_back(seeder.key(keys[i]));
      auto rows = c->batch_get(batch, client::BatchRead::header());
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!rows || !(*rows)[i].found()) missing.push_back(keys[at + i]);
      }
    }
    keys = std::move(missing);
    if (!keys.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return since_s(from);
}

struct Dcs {
  std::unique_ptr<ClusterDc> dc1, dc2;
  Dcs(size_t dc1_nodes, uint32_t rf) {
    ClusterDcOptions o1;
    o1.nodes = dc1_nodes;
    o1.replication_factor = rf;
    o1.dlog_size = "256M";
    ClusterDcOptions o2;
    o2.name = "DC2";
    o2.src_id = 2;
    o2.nodes = 2;
    o2.run_xdr = false;
    dc1 = std::make_unique<ClusterDc>(o1);
    dc2 = std::make_unique<ClusterDc>(o2);
    dc1->ship_to(*dc2);
    dc2->start();
    dc1->start();
  }
};

long objects(ClusterDc& dc, const std::string& set) {
  long total = 0;
  for (size_t i : dc.live()) {
    std::string answer = dc.asd_info(i, "sets/test/" + set);
    size_t at = answer.find("objects=");
    if (at != std::string::npos) total += std::atol(answer.c_str() + at + 8);
  }
  return total;
}

void takeover_case(uint64_t rate, int settle_s) {
  Dcs dcs(3, 2);
  PacedWriter writer(*dcs.dc1, "takeover", rate, 8);
  std::this_thread::sleep_for(std::chrono::seconds(settle_s));
  auto t0 = Clock::now();
  double reference = time_until_all(*dcs.dc2, writer.seeder(), writer.acked_below(writer.issued()), t0, 120);
  std::this_thread::sleep_for(std::chrono::seconds(settle_s));
  uint64_t issued = writer.issued();
  auto t1 = Clock::now();
  dcs.dc1->kill9(1);
  double after_kill = time_until_all(*dcs.dc2, writer.seeder(), writer.acked_below(issued), t1, 120);
  double stable = dcs.dc1->wait_stable(2, 60000) ? since_s(t1) : -1;
  writer.stop();
  std::printf("(a) takeover under %lu writes/s, DC1 3 nodes RF2 -> DC2 2 nodes\n", (unsigned long)rate);
  std::printf("    no fault: DC2 holds every acknowledged record after   %6.2f s\n", reference);
  std::printf("    kill -9 of a DC1 node: DC2 holds every acknowledged    %6.2f s  (DC1 stable at 2 nodes after %.2f s)\n",
              after_kill, stable);
  std::printf("    ratio kill / no fault                                   %6.2f\n",
              reference > 0 ? after_kill / reference : 0.0);
}

struct Rates {
  double local = 0, shipped = 0;
};

Rates rate_case(size_t nodes, uint32_t rf, int seconds, int threads) {
  Dcs dcs(nodes, rf);
  const std::string set = "rate";
  PacedWriter writer(*dcs.dc1, set, 0, threads);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long l0 = objects(*dcs.dc1, set) / long(rf), s0 = objects(*dcs.dc2, set) / 2;
  auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  long l1 = objects(*dcs.dc1, set) / long(rf), s1 = objects(*dcs.dc2, set) / 2;
  double dt = since_s(t0);
  writer.stop();
  return Rates{double(l1 - l0) / dt, double(s1 - s0) / dt};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"xdr_cluster_bench: takeover time and shipping rate of a multi-node DC"};
  uint64_t rate = 5000;
  int settle = 8;
  int seconds = 10;
  int threads = 16;
  app.add_option("-r,--rate", rate, "writes/s during the takeover case (a)");
  app.add_option("-w,--warmup", settle, "seconds of writes before each measurement in (a)");
  app.add_option("-t,--seconds", seconds, "seconds of full-speed writes per DC1 size in (b)");
  app.add_option("-c,--clients", threads, "client threads writing in (b)");
  CLI11_PARSE(app, argc, argv);
  takeover_case(rate, settle);
  Rates one = rate_case(1, 1, seconds, threads);
  Rates three = rate_case(3, 2, seconds, threads);
  std::printf("(b) full-speed inserts, %d client threads, %d s (DC2 = 2 nodes RF2)\n", threads, seconds);
  std::printf("    DC1 1 node  RF1: local %8.0f rec/s, shipped %8.0f rec/s\n", one.local, one.shipped);
  std::printf("    DC1 3 nodes RF2: local %8.0f rec/s, shipped %8.0f rec/s\n", three.local, three.shipped);
  std::printf("    ratio 3 nodes / 1 node shipped: %.2f (local: %.2f)\n",
              one.shipped > 0 ? three.shipped / one.shipped : 0.0, one.local > 0 ? three.local / one.local : 0.0);
  return 0;
}
