// The shipper's pipelined data path between multi-node DCs (DC1: 3 nodes RF2, asd + xdr
// each; DC2: 2 nodes RF2): each key's versions arrive in order while many writes are in
// flight, a DC2 node dying mid-pipeline loses nothing, xdr-max-ship-throughput holds
// within 5% (and changes at run time), and a frozen DC2 leaves xdr's memory flat while
// the backlog grows in the digest log.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "common/clock.h"
#include "support/acked_workload.h"
#include "support/cluster_dc.h"
#include "support/seeder.h"
#include "two_cluster_dcs.h"

using support::ClusterDc;
using support::ClusterDcOptions;
using xdr_cluster_test::all_stats;
using xdr_cluster_test::sum_stat;
using xdr_cluster_test::TwoDcs;

namespace {

constexpr int kConvergeMs = 90000;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string stats_and_logs(const TwoDcs& dcs) { return all_stats(*dcs.dc1) + dcs.logs(); }

// Resident memory of a process in KiB (VmRSS), 0 when unreadable.
uint64_t rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

void require_equal_dcs(TwoDcs& dcs, const std::string& set) {
  auto c1 = dcs.dc1->connect();
  auto c2 = dcs.dc2->connect();
  support::DcDiff diff;
  bool equal = support::eventually(
      [&] {
        diff = support::compare_dcs(*c1, *c2, "test", set, 5, "DC1", "DC2");
        return diff.equal();
      },
      kConvergeMs, 1000);
  INFO("DC1 vs DC2: " << diff.summary() << "\n" << stats_and_logs(dcs));
  REQUIRE(equal);
}

}  // namespace

TEST_CASE("pipelined shipping: each key's versions reach DC2 in order, never regressing", "[xdr_pipeline_order]") {
  ClusterDcOptions o1;
  o1.hotkey_time_ms = 0;  // every version ships on its own: the most versions on the wire
  TwoDcs dcs(o1);
  constexpr int kKeys = 24;
  constexpr int kVersions = 1000;
  constexpr int kWriters = 4;
  support::Seeder seeder("test", "order");

  // An observer at DC2 reads every key over and over and remembers the last version it
  // saw per key: a version lower than one seen before is a regression.
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0}, regressions{0}, distinct{0};
  std::string first_regression;
  std::thread observer([&] {
    auto c2 = dcs.dc2->connect();
    std::vector<client::Key> keys;
    for (int k = 0; k < kKeys; ++k) keys.push_back(seeder.key(k));
    std::vector<int64_t> last(kKeys, -1);
    while (!stop) {
      auto rows = c2->batch_get(keys);
      if (!rows) continue;
      ++reads;
      for (int k = 0; k < kKeys; ++k) {
        const client::BatchRecord& row = (*rows)[size_t(k)];
        if (!row.found()) continue;
        const client::Value* v = row.record.bin("v");
        if (!v) continue;
        int64_t version = v->as_int().value_or(-1);
        if (version < last[size_t(k)]) {
          if (regressions++ == 0) {
            first_regression = "key " + std::to_string(k) + " went from " + std::to_string(last[size_t(k)]) +
                               " to " + std::to_string(version);
          }
        } else if (version > last[size_t(k)]) {
          ++distinct;
        }
        last[size_t(k)] = std::max(last[size_t(k)], version);
      }
    }
  });

  // Writers: each owns a slice of the keys and writes versions 1..kVersions of each key
  // in order, interleaving its keys so many keys are in flight at once.
  std::atomic<uint64_t> failures{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      auto c1 = dcs.dc1->connect();
      for (int v = 1; v <= kVersions; ++v) {
        for (int k = t; k < kKeys; k += kWriters) {
          if (!seeder.write(*c1, k, v).ok()) ++failures;
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  REQUIRE(failures == 0);

  auto c2 = dcs.dc2->connect();
  bool last_arrived = support::eventually(
      [&] {
        for (int k = 0; k < kKeys; ++k) {
          if (support::Seeder::version_of(*c2, seeder.key(k)) != kVersions) return false;
        }
        return true;
      },
      kConvergeMs, 200);
  stop = true;
  observer.join();
  INFO(stats_and_logs(dcs));
  REQUIRE(last_arrived);
  INFO("first regression: " << first_regression << "; reads " << reads << ", versions seen " << distinct);
  CHECK(regressions == 0);
  // The observer saw versions in between, not only the last ones: the check had teeth.
  CHECK(distinct > uint64_t(kKeys) * 5);
  require_equal_dcs(dcs, "order");
}

TEST_CASE("a DC2 node killed and restarted mid-pipeline: every acknowledged write arrives",
          "[xdr_pipeline_remote_restart]") {
  TwoDcs dcs;
  support::AckedOptions options;
  options.threads = 3;
  options.pause_us = 200;
  auto w = std::make_unique<support::AckedWorkload>([&] { return dcs.dc1->connect(); },
                                                    support::Seeder("test", "acked"), options);
  w->start();
  sleep_ms(3000);
  const double retries_before = sum_stat(*dcs.dc1, "retries");
  dcs.dc2->kill9(1);
  sleep_ms(2000);
  dcs.dc2->restart(1);
  REQUIRE(dcs.dc2->wait_stable(2, 30000));
  sleep_ms(3000);
  w->stop();
  require_equal_dcs(dcs, "acked");
  auto c2 = dcs.dc2->connect();
  std::string missing = w->check(*c2, "DC2");
  INFO(missing << all_stats(*dcs.dc1));
  CHECK(missing.empty());
  CHECK(w->certain_keys() > 1000);
  // The kill was felt: requests on the dead node's connections were retried.
  CHECK(sum_stat(*dcs.dc1, "retries") > retries_before);
}

TEST_CASE("xdr-max-ship-throughput holds within 5% per node and changes at run time", "[xdr_pipeline_throttle]") {
  ClusterDcOptions o1;
  // Barely shipping while the backlog is written, however long that takes here.
  o1.xdr_extra = "  xdr-max-ship-throughput 1\n";
  o1.dlog_size = "128M";
  TwoDcs dcs(o1);
  // A backlog every node ships at its limit for the whole test: about 1/3 of the
  // records are mastered by each node; phase 1 needs 300/s * 6 s, phase 2 600/s * 6 s.
  support::Seeder seeder("test", "throttle");
  auto c1 = dcs.dc1->connect();
  REQUIRE(seeder.write_range(*c1, 0, 24000, 1, 0, 6) == 0);

  // Records each node's xdr acknowledged over `window_ms`, per second.
  auto measure = [&](int window_ms) {
    std::vector<double> before, after;
    uint64_t t0 = common::steady_ms();
    for (size_t i = 0; i < 3; ++i) before.push_back(dcs.dc1->xdr_stats(i, "DC2").num("success"));
    sleep_ms(window_ms);
    uint64_t t1 = common::steady_ms();
    for (size_t i = 0; i < 3; ++i) after.push_back(dcs.dc1->xdr_stats(i, "DC2").num("success"));
    std::vector<double> rates;
    for (size_t i = 0; i < 3; ++i) rates.push_back((after[i] - before[i]) * 1000.0 / double(t1 - t0));
    return rates;
  };
  auto backlog_left = [&] {
    for (size_t i = 0; i < 3; ++i) {
      if (dcs.dc1->xdr_stats(i, "DC2").num("in_queue") < 100) return false;
    }
    return true;
  };

  auto set_limit = [&](int limit) {
    for (size_t i = 0; i < 3; ++i) {
      REQUIRE(dcs.dc1->xdr_info(i, "set-config:context=xdr;xdr-max-ship-throughput=" + std::to_string(limit)) == "ok");
    }
  };
  auto require_rate = [&](double limit) {
    sleep_ms(1000);
    std::vector<double> rates = measure(5000);
    INFO(all_stats(*dcs.dc1));
    REQUIRE(backlog_left());
    for (double r : rates) {
      INFO("rate " << r << " records/s against a limit of " << limit);
      CHECK(r >= limit * 0.95);
      CHECK(r <= limit * 1.05);
    }
  };
  set_limit(300);
  require_rate(300);
  set_limit(600);
  require_rate(600);
  set_limit(0);
  require_equal_dcs(dcs, "throttle");
}

TEST_CASE("a frozen DC2: xdr memory stays flat while the backlog grows on disk", "[xdr_pipeline_memory]") {
  ClusterDcOptions o1;
  o1.dlog_size = "128M";
  TwoDcs dcs(o1);
  support::Seeder seeder("test", "frozen");
  auto c1 = dcs.dc1->connect();
  dcs.dc2->freeze();
  // Past the read-ahead limit (20,000 entries a node masters) and the in-flight limits,
  // so xdr's memory has reached its plateau.
  REQUIRE(seeder.write_range(*c1, 0, 75000, 1, 0, 6) == 0);
  sleep_ms(3000);
  std::vector<uint64_t> rss1, queue1;
  for (size_t i = 0; i < 3; ++i) {
    rss1.push_back(rss_kib(dcs.dc1->xdr_pid(i)));
    queue1.push_back(uint64_t(dcs.dc1->xdr_stats(i, "DC2").num("in_queue")));
  }
  REQUIRE(seeder.write_range(*c1, 75000, 150000, 1, 0, 6) == 0);
  sleep_ms(3000);
  for (size_t i = 0; i < 3; ++i) {
    uint64_t rss2 = rss_kib(dcs.dc1->xdr_pid(i));
    uint64_t queue2 = uint64_t(dcs.dc1->xdr_stats(i, "DC2").num("in_queue"));
    INFO("node " << i << ": rss " << rss1[i] << " -> " << rss2 << " KiB, in_queue " << queue1[i] << " -> " << queue2);
    REQUIRE(rss1[i] > 0);
    // The backlog grew on disk by what the node logged (its masters and replicas)...
    CHECK(queue2 >= queue1[i] + 30000);
    // ...while memory did not follow it.
    CHECK(rss2 <= rss1[i] + 16 * 1024);
  }
  dcs.dc2->thaw();
  require_equal_dcs(dcs, "frozen");
}

TEST_CASE("records the remote refuses are abandoned and counted by cause; the rest ship", "[xdr_pipeline_refused]") {
  support::DcNamespace test, locked;
  locked.name = "locked";
  ClusterDcOptions o1;
  o1.namespaces = {test, locked};
  support::DcNamespace small = test, closed = locked;
  small.extra = "  max-record-size 4K\n";
  closed.allow_xdr_writes = false;
  TwoDcs dcs(o1, {small, closed});

  auto c1 = dcs.dc1->connect();
  support::Seeder ok("test", "ok"), big("test", "big"), refused("locked", "any");
  REQUIRE(ok.write_range(*c1, 0, 300, 1) == 0);
  refused.write_range(*c1, 0, 20, 1);
  const std::string blob(8 * 1024, 'b');
  for (int64_t i = 0; i < 10; ++i) {
    REQUIRE(c1->put(big.key(i), {client::Bin{"blob", client::Value(blob)}}).ok());
  }
  REQUIRE(support::eventually(
      [&] { return sum_stat(*dcs.dc1, "abandoned_too_big") >= 10 && sum_stat(*dcs.dc1, "abandoned_forbidden") >= 20; },
      30000, 200));
  require_equal_dcs(dcs, "ok");
  INFO(all_stats(*dcs.dc1));
  CHECK(sum_stat(*dcs.dc1, "abandoned_too_big") == 10);
  CHECK(sum_stat(*dcs.dc1, "abandoned_forbidden") == 20);
  CHECK(sum_stat(*dcs.dc1, "abandoned_other") == 0);
  CHECK(sum_stat(*dcs.dc1, "abandoned") == 30);
  // Nothing refused was retried forever: the logs have moved past every entry.
  CHECK(support::eventually([&] { return sum_stat(*dcs.dc1, "in_queue") == 0; }, 10000, 200));
  auto c2 = dcs.dc2->connect();
  for (int64_t i = 0; i < 10; ++i) CHECK(c2->get(big.key(i)).code() == common::ResultCode::NotFound);
}

