// info cluster-generation and rebalance-generation count real changes: they stay put
// while the cluster does, and go up on every node when a member leaves and again when it
// comes back.

#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "support/cluster_dc.h"
#include "support/process.h"

namespace {

int64_t generation(const support::ClusterDc& dc, size_t i, const std::string& which) {
  return std::stoll(dc.asd_info(i, which));
}

}  // namespace

TEST_CASE("cluster and rebalance generations count membership changes and balances", "[cluster_generation]") {
  support::ClusterDcOptions o;
  o.name = "GEN";
  o.nodes = 3;
  o.run_xdr = false;
  support::ClusterDc dc(o);
  dc.start();
  int64_t cluster0 = generation(dc, 0, "cluster-generation");
  int64_t rebalance0 = generation(dc, 0, "rebalance-generation");
  CHECK(cluster0 >= 1);
  CHECK(rebalance0 >= 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(generation(dc, 0, "cluster-generation") == cluster0);  // nothing happened
  CHECK(generation(dc, 0, "rebalance-generation") == rebalance0);

  dc.kill9(2);
  REQUIRE(dc.wait_stable(2, 30000));
  int64_t cluster1 = generation(dc, 0, "cluster-generation");
  int64_t rebalance1 = generation(dc, 0, "rebalance-generation");
  CHECK(cluster1 > cluster0);
  CHECK(rebalance1 > rebalance0);
  CHECK(generation(dc, 1, "cluster-generation") >= 2);

  dc.restart(2);
  REQUIRE(dc.wait_stable(3, 30000));
  CHECK(generation(dc, 0, "cluster-generation") > cluster1);
  CHECK(generation(dc, 0, "rebalance-generation") > rebalance1);
  CHECK(generation(dc, 2, "cluster-generation") >= 1);  // the restarted node counts afresh
}
