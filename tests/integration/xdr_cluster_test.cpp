// XDR between multi-node DCs: DC1 is 3 nodes with replication-factor 2 (asd + xdr on
// each), DC2 is 2 nodes seeded by one address. Continuous writes into DC1 record what
// was acknowledged; each scenario injects faults (kill -9 of a node, of its xdr, a frozen
// DC2, a node joining and leaving, a node coming back, a digest log overflowing), then
// requires, record by record: every acknowledged write in both DCs, no acknowledged
// delete left in either, and DC2 equal to DC1.

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "support/acked_workload.h"
#include "support/cluster_dc.h"
#include "support/seeder.h"
#include "two_cluster_dcs.h"

using support::AckedOptions;
using support::AckedWorkload;
using support::ClusterDc;
using support::ClusterDcOptions;
using xdr_cluster_test::all_stats;
using xdr_cluster_test::sum_stat;
using xdr_cluster_test::TwoDcs;

namespace {

constexpr int kConvergeMs = 90000;

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::unique_ptr<AckedWorkload> workload(ClusterDc& dc, AckedOptions options = {}) {
  auto w = std::make_unique<AckedWorkload>([&dc] { return dc.connect(); }, support::Seeder("test", "acked"), options);
  w->start();
  return w;
}

// DC2 equals DC1 record by record, and both hold exactly what was acknowledged.
void require_converged(TwoDcs& dcs, const AckedWorkload& w) {
  auto c1 = dcs.dc1->connect();
  auto c2 = dcs.dc2->connect();
  support::DcDiff diff;
  bool equal = support::eventually(
      [&] {
        diff = support::compare_dcs(*c1, *c2, "test", "acked", 5, "DC1", "DC2");
        return diff.equal();
      },
      kConvergeMs, 1000);
  INFO("DC1 vs DC2: " << diff.summary() << "\n" << all_stats(*dcs.dc1) << dcs.logs());
  REQUIRE(equal);
  std::string in_dc1 = w.check(*c1, "DC1");
  std::string in_dc2 = w.check(*c2, "DC2");
  INFO(in_dc1 << in_dc2 << "acknowledged=" << w.acknowledged() << " failed=" << w.failed());
  CHECK(in_dc1.empty());
  CHECK(in_dc2.empty());
  CHECK(w.certain_keys() > 100);
}

void require_no_critical(ClusterDc& dc) {
  for (size_t i = 0; i < dc.size(); ++i) {
    for (const std::string& log : {dc.asd_log(i), dc.xdr_log(i)}) {
      size_t at = log.find("GMT: critical");
      INFO(dc.name() << " node " << i << " logged a critical line: " << (at == std::string::npos ? "" : log.substr(at, 300)));
      CHECK(at == std::string::npos);
    }
  }
}

}  // namespace

// The survivors' digest logs must hold a Mark older than the takeover's LUT minus the
// tolerated clock skew (5 s) to take over from the log: faults come after this long.
constexpr int kLogCoversMs = 12000;

TEST_CASE("kill -9 of a DC1 node under writes: DC2 gets every acknowledged write", "[xdr_cluster_kill]") {
  TwoDcs dcs;
  auto w = workload(*dcs.dc1);
  sleep_ms(kLogCoversMs);
  dcs.dc1->kill9(1);
  REQUIRE(dcs.dc1->wait_stable(2, 30000));
  sleep_ms(3000);
  w->stop();
  require_converged(dcs, *w);
  INFO(all_stats(*dcs.dc1));
  CHECK(sum_stat(*dcs.dc1, "takeovers") >= 2);  // both survivors master some of its partitions
  require_no_critical(*dcs.dc1);
}

TEST_CASE("kill -9 of a DC1 node while DC2 is frozen", "[xdr_cluster_remote_down]") {
  TwoDcs dcs;
  auto w = workload(*dcs.dc1);
  sleep_ms(kLogCoversMs);
  dcs.dc2->freeze();
  sleep_ms(2000);
  dcs.dc1->kill9(1);
  REQUIRE(dcs.dc1->wait_stable(2, 30000));
  sleep_ms(6000);
  dcs.dc2->thaw();
  sleep_ms(2000);
  w->stop();
  require_converged(dcs, *w);
  INFO(all_stats(*dcs.dc1));
  CHECK(sum_stat(*dcs.dc1, "takeovers") >= 2);
  CHECK(sum_stat(*dcs.dc1, "takeover_records") > 0);
  // DC2 froze well after the logs started: they hold a Mark older than the dead node's
  // progress, so the takeovers read the survivors' logs instead of scanning.
  CHECK(sum_stat(*dcs.dc1, "takeovers_from_log") >= 2);
  require_no_critical(*dcs.dc1);
}

TEST_CASE("only xdr of a DC1 node dies, and comes back 10 s later", "[xdr_cluster_xdr_restart]") {
  TwoDcs dcs;
  auto w = workload(*dcs.dc1);
  sleep_ms(kLogCoversMs);
  dcs.dc1->kill9_xdr(1);
  sleep_ms(10000);
  // Its replicas shipped its partitions meanwhile.
  double acting = sum_stat(*dcs.dc1, "takeover_records");
  dcs.dc1->restart_xdr(1);
  sleep_ms(3000);
  w->stop();
  require_converged(dcs, *w);
  INFO(all_stats(*dcs.dc1));
  CHECK(acting > 0);
  require_no_critical(*dcs.dc1);
}

TEST_CASE("a 4th node joins DC1 under writes, later leaves cleanly", "[xdr_cluster_join_leave]") {
  TwoDcs dcs;
  auto w = workload(*dcs.dc1);
  sleep_ms(2000);
  size_t fourth = dcs.dc1->add_node();
  REQUIRE(dcs.dc1->wait_stable(4, 60000));
  sleep_ms(2000);
  dcs.dc1->stop_node(fourth);
  REQUIRE(dcs.dc1->wait_stable(3, 60000));
  sleep_ms(2000);
  w->stop();
  require_converged(dcs, *w);
  require_no_critical(*dcs.dc1);
}

TEST_CASE("a killed DC1 node comes back and takes its partitions back", "[xdr_cluster_return]") {
  TwoDcs dcs;
  auto w = workload(*dcs.dc1);
  sleep_ms(kLogCoversMs);
  // DC2 frozen: the node dies with a backlog, which the survivors take over.
  dcs.dc2->freeze();
  sleep_ms(2000);
  dcs.dc1->kill9(1);
  REQUIRE(dcs.dc1->wait_stable(2, 30000));
  sleep_ms(3000);
  dcs.dc1->restart(1);
  REQUIRE(dcs.dc1->wait_stable(3, 60000));
  dcs.dc2->thaw();
  sleep_ms(3000);
  w->stop();
  require_converged(dcs, *w);
  // The others took over its backlog while it was away: it does not ship it again.
  support::InfoMap back = support::parse_info_map(dcs.dc1->xdr_info(1, "statistics"));
  INFO(back.raw << "\n" << all_stats(*dcs.dc1));
  CHECK(back.num("backlog_taken_over") > 0);
  CHECK(sum_stat(*dcs.dc1, "takeovers") >= 2);
  require_no_critical(*dcs.dc1);
}

TEST_CASE("deletes and a node failure while DC2 is down long enough to overflow the digest logs",
          "[xdr_cluster_overflow]") {
  ClusterDcOptions o;
  o.dlog_size = "1M";  // about 6,500 entries per node
  TwoDcs dcs(o);
  AckedOptions a;
  a.delete_every = 3;
  auto w = workload(*dcs.dc1, a);
  sleep_ms(2000);
  dcs.dc2->freeze();
  sleep_ms(6000);
  // The survivors' logs wrapped since DC2 froze: a log that no longer holds a Mark from
  // before the dead node's progress cannot prove it holds every copy that node had not
  // shipped, so that takeover scans.
  dcs.dc1->kill9(1);
  REQUIRE(dcs.dc1->wait_stable(2, 30000));
  sleep_ms(3000);
  dcs.dc2->thaw();
  sleep_ms(2000);
  w->stop();
  require_converged(dcs, *w);
  INFO(all_stats(*dcs.dc1));
  CHECK(w->deletes() > 0);
  CHECK(sum_stat(*dcs.dc1, "dlog_overwritten") > 0);
  // The recovery and takeover scans queue behind the backlog the thaw released (in_queue),
  // and the keys they cover were mostly rewritten and shipped since: DC2 can converge
  // first, so their counters are awaited rather than read at once.
  CHECK(support::eventually(
      [&] { return sum_stat(*dcs.dc1, "recoveries") > 0 && sum_stat(*dcs.dc1, "takeovers_by_scan") >= 1; }, 60000,
      200));  // takeovers_by_scan: a survivor whose log wrapped
  require_converged(dcs, *w);  // what the scans shipped changed nothing
  require_no_critical(*dcs.dc1);
}

TEST_CASE("combinations: xdr restart during a takeover, then a second node failure", "[xdr_cluster_double]") {
  TwoDcs dcs;
  auto w = workload(*dcs.dc1);
  sleep_ms(kLogCoversMs);
  dcs.dc2->freeze();
  sleep_ms(1000);
  dcs.dc1->kill9(1);
  REQUIRE(dcs.dc1->wait_stable(2, 30000));
  // The survivors registered takeovers they cannot finish while DC2 is frozen; one of
  // them restarts its xdr in the middle.
  sleep_ms(2000);
  dcs.dc1->restart_xdr(2);
  sleep_ms(2000);
  // Then a second node dies, after the cluster re-replicated: node 2 alone holds
  // everything and takes over node 0's work, including what node 0 took over from 1.
  dcs.dc1->kill9(0);
  REQUIRE(dcs.dc1->wait_stable(1, 30000));
  sleep_ms(2000);
  dcs.dc2->thaw();
  sleep_ms(2000);
  w->stop();
  require_converged(dcs, *w);
  INFO(all_stats(*dcs.dc1));
  CHECK(sum_stat(*dcs.dc1, "takeovers") >= 1);
  require_no_critical(*dcs.dc1);
}
