// XDR under link faults: the link to one DC cut for 20 s behind a LinkProxy while a
// second DC stays healthy; the remote asd frozen with SIGSTOP; a digest log so small
// that the backlog of a cut link overwrites it (recovery by scan, dlog_overwritten).

#include <thread>

#include "xdr_helpers.h"

using support::Dc;
using support::DcOptions;
using support::LinkProxy;
using support::Seeder;
using xdr_test::require_caught_up;
using xdr_test::require_converged;
using xdr_test::require_no_critical;

namespace {

using Clock = std::chrono::steady_clock;

DcOptions named(const std::string& name, uint32_t src_id) {
  DcOptions o;
  o.name = name;
  o.src_id = src_id;
  return o;
}

void sleep_until(Clock::time_point t) { std::this_thread::sleep_until(t); }

bool shipping(Dc& src, const std::string& dc) {
  return src.xdr_stats(dc).num("success") > 0;
}

}  // namespace

TEST_CASE("link cut for 20 s under writes: converges after, the other DC kept shipping", "[xdr_link_cut]") {
  Dc dc1(named("DC1", 1));
  Dc dc2(named("DC2", 2));
  Dc dc3(named("DC3", 3));
  LinkProxy proxy(dc2.port());
  dc1.ship_to(dc2, proxy.port());
  dc1.ship_to(dc3);
  dc2.start();
  dc3.start();
  dc1.start();
  auto c1 = dc1.connect();

  support::BackgroundWriter writer(*c1, Seeder("test", "cut"), 2000, 1, 200);
  REQUIRE(support::eventually([&] { return shipping(dc1, "DC2") && shipping(dc1, "DC3"); }, 20000, 100));
  REQUIRE(proxy.accepted() > 0);

  proxy.drop();
  Clock::time_point cut = Clock::now();
  bool went_down = support::eventually([&] { return dc1.xdr_stats("DC2").get("link") == "down"; },
                                       15000, 200);
  double dc3_before = dc1.xdr_stats("DC3").num("success");
  sleep_until(cut + std::chrono::seconds(19));
  support::InfoMap to2 = dc1.xdr_stats("DC2");
  support::InfoMap to3 = dc1.xdr_stats("DC3");
  {
    INFO("during the cut, DC1 -> DC2: " << to2.raw << "\nDC1 -> DC3: " << to3.raw << "\n"
                                        << dc1.logs_tail());
    CHECK(went_down);
    CHECK(to3.num("success") - dc3_before > 1000);  // the healthy DC kept shipping
    CHECK(to3.num("lag") >= 0);
    CHECK(to3.num("lag") <= 5);
    CHECK(to2.num("lag") >= 10);  // the cut DC's oldest unshipped entry keeps ageing
  }
  sleep_until(cut + std::chrono::seconds(20));
  proxy.restore();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  writer.stop();
  REQUIRE(writer.errors() == 0);
  INFO("writes: " << writer.writes());

  require_converged(dc1, dc2, "test", "cut");
  require_converged(dc1, dc3, "test", "cut");
  require_caught_up(dc1, "DC2");
  require_caught_up(dc1, "DC3");
  support::InfoMap after = dc1.xdr_stats("DC2");
  INFO("DC1 -> DC2 after: " << after.raw);
  CHECK(after.get("link") == "up");
  CHECK(after.num("retries") > 0);
  CHECK(after.num("abandoned") == 0);
  require_no_critical(dc1);
}

TEST_CASE("remote asd frozen with SIGSTOP for 10 s under writes: converges after", "[xdr_remote_frozen]") {
  support::XdrPair pair;
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  support::BackgroundWriter writer(*c1, Seeder("test", "frozen"), 1000, 1, 300);
  REQUIRE(support::eventually([&] { return shipping(dc1, "DC2"); }, 20000, 100));

  dc2.freeze_asd();
  std::this_thread::sleep_for(std::chrono::seconds(9));
  support::InfoMap during = dc1.xdr_stats("DC2");
  dc2.thaw_asd();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  writer.stop();
  REQUIRE(writer.errors() == 0);
  {
    INFO("DC1 -> DC2 while DC2 was frozen: " << during.raw);
    CHECK(during.num("lag") >= 5);
    CHECK(dc1.xdr_info("status") == "ok");
  }

  require_converged(dc1, dc2, "test", "frozen");
  require_caught_up(dc1, "DC2");
  support::InfoMap after = dc1.xdr_stats("DC2");
  INFO("DC1 -> DC2 after: " << after.raw);
  CHECK(after.num("retries") > 0);
  CHECK(after.get("link") == "up");
  CHECK(after.num("abandoned") == 0);
  require_no_critical(dc1);
  require_no_critical(dc2);
}

TEST_CASE("a digest log too small for a cut link's backlog: recovery converges, overwrite reported", "[xdr_dlog_overflow]") {
  DcOptions o1 = named("DC1", 1);
  o1.dlog_size = "1M";
  Dc dc1(o1);
  Dc dc2(named("DC2", 2));
  LinkProxy proxy(dc2.port());
  dc1.ship_to(dc2, proxy.port());
  dc2.start();
  dc1.start();
  auto c1 = dc1.connect();
  Seeder s("test", "ovf");
  REQUIRE(s.write_range(*c1, 0, 1000, 1) == 0);
  require_converged(dc1, dc2, "test", "ovf");

  proxy.drop();
  // 60,000 announcements: far beyond what 1 MiB of 136-byte frames can hold.
  REQUIRE(s.write_range(*c1, 0, 40000, 2) == 0);
  REQUIRE(s.write_range(*c1, 0, 20000, 3) == 0);
  support::InfoMap totals;
  bool overwritten = support::eventually(
      [&] { return (totals = dc1.xdr_statistics()).num("dlog_overwritten") > 0; }, 20000, 200);
  support::InfoMap to2 = dc1.xdr_stats("DC2");
  {
    INFO("DC1 statistics: " << totals.raw << "\nDC1 -> DC2: " << to2.raw << "\n" << dc1.logs_tail());
    CHECK(overwritten);
    CHECK(to2.num("dlog_overwritten") > 0);
  }
  proxy.restore();

  require_converged(dc1, dc2, "test", "ovf", 90000);
  require_caught_up(dc1, "DC2");
  support::InfoMap after;
  bool recovered = support::eventually(
      [&] {
        after = dc1.xdr_stats("DC2");
        return after.num("recoveries") >= 1 && after.num("recoveries_pending") == 0;
      },
      30000, 200);
  INFO("DC1 -> DC2 after: " << after.raw);
  CHECK(recovered);
  CHECK(xdr_test::count_records(dc2, "test", "ovf") == 40000);
  require_no_critical(dc1);
}
