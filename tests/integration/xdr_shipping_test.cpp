// XDR shipping between real DCs (asd + xdr each), checked record by record: active-
// passive with 10,000 records, updates, deletes and TTLs; set filters with the
// filtered_out counter; a star from one DC to three.

#include "xdr_helpers.h"

using support::Dc;
using support::DcNamespace;
using support::DcOptions;
using support::Seeder;
using xdr_test::count_records;
using xdr_test::require_caught_up;
using xdr_test::require_converged;
using xdr_test::require_no_critical;

TEST_CASE("active-passive: 10,000 records, updates, deletes and TTLs reach DC2", "[xdr_active_passive]") {
  support::XdrPair pair;
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();

  Seeder main("test", "ap");
  Seeder long_ttl("test", "ttl");
  Seeder short_ttl("test", "short");
  REQUIRE(main.write_range(*c1, 0, 10000, 1) == 0);
  REQUIRE(long_ttl.write_range(*c1, 0, 1000, 1, 3600) == 0);
  REQUIRE(short_ttl.write_range(*c1, 0, 500, 1, 4) == 0);
  REQUIRE(main.write_range(*c1, 0, 2000, 2) == 0);       // updates
  REQUIRE(main.remove_range(*c1, 2000, 4000, 2) == 0);   // 1,000 deletes

  require_converged(dc1, dc2, "test", "ap");
  require_converged(dc1, dc2, "test", "ttl");
  CHECK(count_records(dc2, "test", "ap") == 9000);

  // Shipped TTLs: the void time travels (compare_dcs allows 5 s), and short-lived records
  // expire on DC2 by its own nsup too.
  auto c2 = dc2.connect();
  support::Snapshot shipped = support::snapshot(*c2, "test", "ttl");
  REQUIRE(shipped.size() == 1000);
  for (const auto& [digest, record] : shipped) {
    INFO("record " << digest.hex());
    REQUIRE(record.void_time != 0);
  }
  CHECK(support::eventually([&] { return count_records(dc1, "test", "short") == 0; }, 20000, 250));
  CHECK(support::eventually([&] { return count_records(dc2, "test", "short") == 0; }, 20000, 250));
  require_converged(dc1, dc2, "test", "");

  require_caught_up(dc1, "DC2");
  support::InfoMap stats = dc1.xdr_stats("DC2");
  INFO("DC1 -> DC2: " << stats.raw);
  CHECK(stats.get("link") == "up");
  CHECK(stats.num("success") >= 11500);  // every distinct record at least once
  CHECK(stats.num("abandoned") == 0);
  CHECK(dc2.ns_stats("test").num("xdr_write_success") >= 11500);
  CHECK(dc1.xdr_info("dcs") == "DC2");
  require_no_critical(dc1);
  require_no_critical(dc2);
}

TEST_CASE("set filters: only enabled sets ship, the rest counts as filtered_out", "[xdr_set_filter]") {
  DcOptions o1;
  DcNamespace test;  // every set but `private`
  test.name = "test";
  test.sets_enable_xdr = true;
  test.set_enable_xdr["private"] = false;
  DcNamespace bar;  // only the set `only`
  bar.name = "bar";
  bar.sets_enable_xdr = false;
  bar.set_enable_xdr["only"] = true;
  o1.namespaces = {test, bar};
  DcOptions o2;
  o2.name = "DC2";
  o2.src_id = 2;
  o2.namespaces = {DcNamespace{.name = "test"}, DcNamespace{.name = "bar"}};
  support::XdrPair pair(false, o1, o2);
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();

  REQUIRE(Seeder("test", "public").write_range(*c1, 0, 1000, 1) == 0);
  REQUIRE(Seeder("test", "private").write_range(*c1, 0, 500, 1) == 0);
  REQUIRE(Seeder("test", "").write_range(*c1, 0, 300, 1) == 0);
  REQUIRE(Seeder("bar", "only").write_range(*c1, 0, 400, 1) == 0);
  REQUIRE(Seeder("bar", "other").write_range(*c1, 0, 600, 1) == 0);
  REQUIRE(Seeder("bar", "").write_range(*c1, 0, 200, 1) == 0);

  require_converged(dc1, dc2, "test", "public");
  require_converged(dc1, dc2, "bar", "only");
  require_caught_up(dc1, "DC2");
  CHECK(count_records(dc2, "test", "private") == 0);
  CHECK(count_records(dc2, "test", "") == 1300);  // public + records without a set
  CHECK(count_records(dc2, "bar", "other") == 0);
  CHECK(count_records(dc2, "bar", "") == 400);    // sets-enable-xdr false: no set-less ones

  support::InfoMap total = dc1.xdr_stats("DC2");
  support::InfoMap test_stats = dc1.xdr_stats("DC2", "test");
  support::InfoMap bar_stats = dc1.xdr_stats("DC2", "bar");
  INFO("DC1 -> DC2: " << total.raw << "\ntest: " << test_stats.raw << "\nbar: " << bar_stats.raw);
  CHECK(total.num("filtered_out") == 1300);
  CHECK(test_stats.num("filtered_out") == 500);
  CHECK(bar_stats.num("filtered_out") == 800);
  CHECK(total.num("success") >= 1700);
  CHECK(test_stats.num("success") >= 1300);
  CHECK(bar_stats.num("success") >= 400);
  require_no_critical(dc1);
}

TEST_CASE("star: one DC ships to three, each converges", "[xdr_star]") {
  std::vector<std::unique_ptr<Dc>> dcs;
  for (uint32_t id = 1; id <= 4; ++id) {
    DcOptions o;
    o.name = "DC" + std::to_string(id);
    o.src_id = id;
    dcs.push_back(std::make_unique<Dc>(o));
  }
  for (size_t i = 1; i < dcs.size(); ++i) dcs[0]->ship_to(*dcs[i]);
  for (auto& dc : dcs) dc->start();
  auto c1 = dcs[0]->connect();

  Seeder s("test", "star");
  REQUIRE(s.write_range(*c1, 0, 5000, 1) == 0);
  REQUIRE(s.write_range(*c1, 0, 1000, 2) == 0);
  REQUIRE(s.remove_range(*c1, 1000, 2000, 2) == 0);

  for (size_t i = 1; i < dcs.size(); ++i) {
    require_converged(*dcs[0], *dcs[i], "test", "star");
    require_caught_up(*dcs[0], dcs[i]->name());
    support::InfoMap stats = dcs[0]->xdr_stats(dcs[i]->name());
    INFO("DC1 -> " << dcs[i]->name() << ": " << stats.raw);
    CHECK(stats.num("success") >= 5000);
    CHECK(stats.get("link") == "up");
    CHECK(count_records(*dcs[i], "test", "star") == 4500);
  }
  CHECK(dcs[0]->xdr_info("dcs") == "DC2;DC3;DC4");
  for (auto& dc : dcs) require_no_critical(*dc);
}

TEST_CASE("stored user keys ship with their records; DC stats list the shipping namespaces",
          "[xdr_user_keys]") {
  support::XdrPair pair;
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  client::WritePolicy send_key;
  send_key.send_key = true;
  for (int i = 0; i < 50; ++i) {
    REQUIRE(c1->put(client::Key("test", "keys", "user-" + std::to_string(i)), {{"v", client::Value(i)}}, send_key)
                .ok());
  }
  require_converged(dc1, dc2, "test", "keys");
  auto c2 = dc2.connect();
  support::Snapshot shipped = support::snapshot(*c2, "test", "keys");
  REQUIRE(shipped.size() == 50);
  for (const auto& [digest, record] : shipped) {
    INFO("record " << digest.hex());
    REQUIRE(record.user_key);
    REQUIRE(record.user_key->as_string());
    CHECK(record.user_key->as_string()->substr(0, 5) == "user-");
  }
  CHECK(dc1.xdr_stats("DC2").raw.find("namespaces=test") != std::string::npos);
  require_no_critical(dc1);
}
