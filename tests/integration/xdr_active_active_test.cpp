// Multi-master XDR: two DCs shipping to each other with concurrent writes to disjoint and
// to the same keys, and a ring of three with forwarding. Every DC ends identical record
// by record, and once converged nothing ships any more (no endless loop).

#include <thread>

#include "xdr_helpers.h"

using support::Dc;
using support::DcOptions;
using support::Seeder;
using xdr_test::require_caught_up;
using xdr_test::require_converged;
using xdr_test::require_no_critical;
using xdr_test::require_quiet;

namespace {

// Rounds [first, first + rounds) of records [from, to) on one client, one thread.
std::thread rounds_writer(client::Client& c, const Seeder& s, int64_t from, int64_t to,
                          int64_t first_version, int rounds, std::atomic<size_t>& failed) {
  return std::thread([&c, s, from, to, first_version, rounds, &failed] {
    for (int r = 0; r < rounds; ++r) failed += s.write_range(c, from, to, first_version + r, 0, 2);
  });
}

}  // namespace

TEST_CASE("active-active, disjoint keys: both DCs end with every record", "[xdr_active_active_disjoint]") {
  support::XdrPair pair(true);
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  auto c2 = dc2.connect();
  Seeder s("test", "aa");
  std::atomic<size_t> failed{0};
  std::thread w1 = rounds_writer(*c1, s, 0, 5000, 1, 3, failed);
  std::thread w2 = rounds_writer(*c2, s, 5000, 10000, 1, 3, failed);
  w1.join();
  w2.join();
  REQUIRE(failed == 0);
  REQUIRE(s.remove_range(*c1, 0, 500, 5) == 0);
  REQUIRE(s.remove_range(*c2, 5000, 5500, 5) == 0);

  require_converged(dc1, dc2, "test", "aa");
  CHECK(xdr_test::count_records(dc2, "test", "aa") == 9800);
  require_caught_up(dc1, "DC2");
  require_caught_up(dc2, "DC1");
  support::InfoMap s12 = dc1.xdr_stats("DC2");
  support::InfoMap s21 = dc2.xdr_stats("DC1");
  INFO("DC1 -> DC2: " << s12.raw << "\nDC2 -> DC1: " << s21.raw);
  CHECK(s12.num("success") >= 5000);
  CHECK(s21.num("success") >= 5000);
  require_quiet({{&dc1, "DC2"}, {&dc2, "DC1"}}, {&dc1, &dc2});
  require_no_critical(dc1);
  require_no_critical(dc2);
}

TEST_CASE("active-active, same keys written on both sides: one winner everywhere", "[xdr_active_active_same]") {
  support::XdrPair pair(true);
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  auto c2 = dc2.connect();
  Seeder s("test", "same");
  // DC1 writes versions 1..5, DC2 versions 101..105 of the same 1,000 keys, at once.
  std::atomic<size_t> failed{0};
  std::thread w1 = rounds_writer(*c1, s, 0, 1000, 1, 5, failed);
  std::thread w2 = rounds_writer(*c2, s, 0, 1000, 101, 5, failed);
  w1.join();
  w2.join();
  REQUIRE(failed == 0);

  require_converged(dc1, dc2, "test", "same");
  require_caught_up(dc1, "DC2");
  require_caught_up(dc2, "DC1");
  // The winner of each key is one side's last write: nothing older survived anywhere.
  auto snap = support::snapshot(*c1, "test", "same");
  REQUIRE(snap.size() == 1000);
  size_t from_dc1 = 0;
  for (const auto& [digest, record] : snap) {
    int64_t v = record.bin("v") ? record.bin("v")->as_int().value_or(-1) : -1;
    INFO("record " << digest.hex() << " ended at version " << v);
    REQUIRE((v == 5 || v == 105));
    from_dc1 += v == 5;
  }
  INFO("DC1 won " << from_dc1 << " keys, DC2 " << 1000 - from_dc1
                  << "; DC1 stats " << dc1.xdr_stats("DC2").raw << "; DC2 stats "
                  << dc2.xdr_stats("DC1").raw);
  require_quiet({{&dc1, "DC2"}, {&dc2, "DC1"}}, {&dc1, &dc2});
  require_no_critical(dc1);
  require_no_critical(dc2);
}

TEST_CASE("active-active, deletes in one DC racing rewrites in the other: identical at the end",
          "[xdr_active_active_delete]") {
  support::XdrPair pair(true);
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  auto c2 = dc2.connect();
  Seeder s("test", "del");
  std::atomic<size_t> failed{0};
  s.write_range(*c1, 0, 2000, 1);
  require_converged(dc1, dc2, "test", "del");
  // DC1 deletes every key while DC2 rewrites all of them: per key, whichever happened
  // later wins on both sides. Without tombstones an older rewrite arriving after the
  // delete would resurrect the record in DC1 only.
  std::thread deleter([&] { s.remove_range(*c1, 0, 2000, 1); });
  std::thread writer = rounds_writer(*c2, s, 0, 2000, 7, 1, failed);
  deleter.join();
  writer.join();
  REQUIRE(failed == 0);

  require_converged(dc1, dc2, "test", "del");
  require_caught_up(dc1, "DC2");
  require_caught_up(dc2, "DC1");
  auto ns_stats = c1->info("namespace/test");
  INFO("DC1 ns stats " << (ns_stats.ok() ? *ns_stats : ns_stats.error().message));
  require_quiet({{&dc1, "DC2"}, {&dc2, "DC1"}}, {&dc1, &dc2});
  require_no_critical(dc1);
  require_no_critical(dc2);
}

TEST_CASE("ring of three with forwarding: all converge and shipping stops", "[xdr_ring]") {
  std::vector<std::unique_ptr<Dc>> dcs;
  for (uint32_t id = 1; id <= 3; ++id) {
    DcOptions o;
    o.name = "DC" + std::to_string(id);
    o.src_id = id;
    o.forward_xdr_writes = true;
    dcs.push_back(std::make_unique<Dc>(o));
  }
  for (size_t i = 0; i < 3; ++i) dcs[i]->ship_to(*dcs[(i + 1) % 3]);  // 1->2->3->1
  for (auto& dc : dcs) dc->start();
  std::vector<std::unique_ptr<client::Client>> clients;
  for (auto& dc : dcs) clients.push_back(dc->connect());

  Seeder s("test", "ring");
  std::atomic<size_t> failed{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 3; ++i) {
    // Own keys [1000 i, 1000 i + 1000) twice, then shared keys [3000, 3200) on every DC.
    writers.push_back(rounds_writer(*clients[i], s, 1000 * i, 1000 * i + 1000, 1, 2, failed));
    writers.push_back(rounds_writer(*clients[i], s, 3000, 3200, 100 * (i + 1), 3, failed));
  }
  for (auto& w : writers) w.join();
  REQUIRE(failed == 0);
  REQUIRE(s.remove_range(*clients[1], 1000, 1100, 1) == 0);

  require_converged(*dcs[0], *dcs[1], "test", "ring");
  require_converged(*dcs[1], *dcs[2], "test", "ring");
  CHECK(xdr_test::count_records(*dcs[2], "test", "ring") == 3100);
  for (size_t i = 0; i < 3; ++i) require_caught_up(*dcs[i], dcs[(i + 1) % 3]->name());
  std::vector<std::pair<Dc*, std::string>> links;
  for (size_t i = 0; i < 3; ++i) links.emplace_back(dcs[i].get(), dcs[(i + 1) % 3]->name());
  require_quiet(links, {dcs[0].get(), dcs[1].get(), dcs[2].get()});

  // Bounded work: every version travels at most two hops and is filtered at the third
  // (home), so the outcome counters stay within three per write.
  double shipped = 0;
  std::string detail = xdr_test::activity(links, {}, &shipped);
  INFO(detail);
  const double writes = 3 * (2 * 1000 + 3 * 200) + 100;
  CHECK(shipped <= 3 * writes);
  for (auto& dc : dcs) require_no_critical(*dc);
}
