// Rate quotas against a real asd with `security { enable-quotas true }`: a user whose
// role has a write quota of N writes faster than N a second; the excess answers
// QUOTA_EXCEEDED (83), the next second writes go through again, reads are not limited,
// batch rows count one by one against a read quota, scans reserve their records per
// second (and keep to it), and the refusals are audited.

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <thread>

#include "client/client.h"
#include "client/admin.h"
#include "support/asd_node.h"

using common::ResultCode;

namespace {

constexpr uint32_t kWriteQuota = 20;
constexpr uint32_t kReadQuota = 10;

uint64_t now_second() {
  return uint64_t(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

// Waits until a new wall-clock second has just begun (the node counts by the same clock).
void start_of_second() {
  const uint64_t second = now_second();
  while (now_second() == second) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

struct Burst {
  int ok = 0;
  int exceeded = 0;
  int other = 0;
  bool one_second = false;  // the whole burst fell in one wall-clock second
  uint64_t second = 0;      // the second it began in
};

// Runs `command` `attempts` times right after a second begins, tallying the results;
// tries again (up to 5 times) when a slow machine spread the burst over two seconds.
template <class Command>
Burst burst(int attempts, Command command) {
  Burst result;
  for (int round = 0; round < 5 && !result.one_second; ++round) {
    result = Burst{};
    start_of_second();
    const uint64_t second = now_second();
    result.second = second;
    for (int i = 0; i < attempts; ++i) {
      ResultCode code = command(i);
      if (code == ResultCode::Ok) ++result.ok;
      else if (code == ResultCode::QuotaExceeded) ++result.exceeded;
      else ++result.other;
    }
    result.one_second = now_second() == second;
  }
  return result;
}

}  // namespace

TEST_CASE("a user over its write quota gets 83 for the excess, and again the next second", "[security_quota]") {
  support::AsdOptions options;
  options.extra_config = "security {\n  enable-quotas true\n  log {\n    report-violation true\n  }\n}\n";
  support::AsdNode node(options);
  auto admin = node.connect("admin", "admin");
  const std::vector<client::Privilege> read_write = {{client::PrivilegeCode::ReadWrite, "test", ""}};
  REQUIRE(admin->create_role("writer", read_write, {}, 0, kWriteQuota).ok());
  REQUIRE(admin->create_role("reader", read_write, {}, kReadQuota, 0).ok());
  auto roles = admin->query_roles("writer");
  REQUIRE(roles.ok());
  REQUIRE(roles->size() == 1);
  CHECK(roles->front().read_quota == 0);
  CHECK(roles->front().write_quota == kWriteQuota);
  REQUIRE(admin->create_user("app", "app-pw", {"writer"}).ok());
  REQUIRE(admin->create_user("batcher", "batch-pw", {"reader"}).ok());
  auto app = node.connect("app", "app-pw");
  auto put = [&](int i) {
    return app->put(client::Key("test", "q", int64_t(i % 50)), {client::Bin{"v", client::Value(int64_t(i))}}).code();
  };

  // Three times the quota within one second: exactly the quota goes through.
  Burst writes = burst(3 * kWriteQuota, put);
  REQUIRE(writes.one_second);
  CHECK(writes.ok == int(kWriteQuota));
  CHECK(writes.exceeded == int(2 * kWriteQuota));
  CHECK(writes.other == 0);
  // The next second starts afresh.
  Burst again = burst(kWriteQuota, put);
  REQUIRE(again.one_second);
  CHECK(again.ok == int(kWriteQuota));
  CHECK(again.exceeded == 0);

  // Reads have no quota: a burst of them in a second whose writes are used up.
  Burst mixed = burst(200, [&](int i) {
    if (i < int(kWriteQuota) + 5) return put(i);
    return app->get(client::Key("test", "q", int64_t(i % 20))).code();
  });
  REQUIRE(mixed.one_second);
  CHECK(mixed.ok == 200 - 5);  // every read, and the writes within the quota
  CHECK(mixed.exceeded == 5);
  CHECK(mixed.other == 0);

  // query-users: [quota, single-record rate, reserved rps, limitless jobs] per direction.
  auto users = admin->query_users("app");
  REQUIRE(users.ok());
  REQUIRE(users->size() == 1);
  const client::UserInfo& app_info = users->front();
  REQUIRE(app_info.write_info.size() == 4);
  CHECK(app_info.write_info[0] == kWriteQuota);
  CHECK(app_info.write_info[1] > 0);
  CHECK(app_info.write_info[1] <= kWriteQuota);
  REQUIRE(app_info.read_info.size() == 4);
  CHECK(app_info.read_info[0] == 0);

  // Batch rows count one by one against a read quota: 30 rows, 10 of them read.
  auto batcher = node.connect("batcher", "batch-pw");
  std::vector<client::Key> keys;
  for (int i = 0; i < 30; ++i) keys.emplace_back("test", "q", int64_t(i % 20));
  int rows_ok = 0;
  int rows_exceeded = 0;
  for (int round = 0; round < 5; ++round) {
    start_of_second();
    const uint64_t second = now_second();
    auto rows = batcher->batch_get(keys);
    REQUIRE(rows.ok());
    rows_ok = rows_exceeded = 0;
    for (const client::BatchRecord& row : *rows) {
      if (row.result == ResultCode::Ok) ++rows_ok;
      if (row.result == ResultCode::QuotaExceeded) ++rows_exceeded;
    }
    if (now_second() == second) break;
  }
  CHECK(rows_ok == int(kReadQuota));
  CHECK(rows_exceeded == 30 - int(kReadQuota));

  // Scans reserve their records per second against the read quota: one without a limit
  // is refused, one within the quota runs (held to its pace: 20 records at 10 a second).
  client::ScanPolicy limitless;
  auto refused = batcher->scan("test", "q", [](const client::Record&) { return true; }, limitless);
  CHECK(refused.code() == ResultCode::QuotaExceeded);
  client::ScanPolicy paced;
  paced.records_per_second = kReadQuota;
  int scanned = 0;
  auto scan_start = std::chrono::steady_clock::now();
  auto scan = batcher->scan("test", "q", [&](const client::Record&) { return ++scanned > 0; }, paced);
  CHECK(scan.ok());
  CHECK(scanned == 20);
  CHECK(std::chrono::steady_clock::now() - scan_start >= std::chrono::milliseconds(1500));

  // tps-weight changes at runtime (sys-admin's set-config); enable-quotas only in the file.
  REQUIRE(admin->create_user("ops", "ops-pw", {"sys-admin"}).ok());
  auto ops = node.connect("ops", "ops-pw");
  auto set = ops->info("set-config:context=security;tps-weight=4");
  REQUIRE(set.ok());
  CHECK(*set == "ok");
  auto config = ops->info("get-config:context=security");
  REQUIRE(config.ok());
  CHECK(config->find("enable-quotas=true") != std::string::npos);
  CHECK(config->find("tps-weight=4") != std::string::npos);
  auto refused_set = ops->info("set-config:context=security;enable-quotas=false");
  REQUIRE(refused_set.ok());
  CHECK(refused_set->find("is not dynamic") != std::string::npos);

  // The new weight is the one query-users averages with: 40 writes in one second read as
  // 40 / 4 = 10 once that second is over (weight 2 would say 20), then 3/4 of that for
  // each idle second after it.
  REQUIRE(admin->create_user("weighted", "weighted-pw", {"read-write"}).ok());
  auto weighted = node.connect("weighted", "weighted-pw");
  Burst forty = burst(40, [&](int i) {
    return weighted->put(client::Key("test", "w", int64_t(i)), {client::Bin{"v", client::Value(int64_t(i))}}).code();
  });
  REQUIRE(forty.one_second);
  CHECK(forty.ok == 40);
  while (now_second() == forty.second) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const uint64_t asked_from = now_second();
  auto weighted_users = admin->query_users("weighted");
  const uint64_t asked_until = now_second();
  REQUIRE(weighted_users.ok());
  REQUIRE(weighted_users->size() == 1);
  REQUIRE(weighted_users->front().write_info.size() >= 2);
  auto expected = [&](uint64_t asked) {
    return uint32_t(std::lround(10.0 * std::pow(0.75, double(asked - forty.second - 1))));
  };
  const uint32_t tps = weighted_users->front().write_info[1];
  INFO("write tps " << tps << " asked " << (asked_from - forty.second) << "-" << (asked_until - forty.second)
                    << " s after the burst's second");
  CHECK((tps == expected(asked_from) || tps == expected(asked_until)));

  // The refusals are in the audit log as violations.
  std::string log = node.log();
  CHECK(log.find("quota exceeded | client: 127.0.0.1:") != std::string::npos);
  CHECK(log.find("authenticated user: app | action: write | detail: ns=test;set=q") != std::string::npos);
}

TEST_CASE("without enable-quotas nothing is limited", "[security_quota]") {
  support::AsdOptions options;
  options.extra_config = "security {\n}\n";
  support::AsdNode node(options);
  auto admin = node.connect("admin", "admin");
  REQUIRE(admin->create_user("app", "app-pw", {"read-write"}).ok());
  auto app = node.connect("app", "app-pw");
  Burst writes = burst(100, [&](int i) {
    return app->put(client::Key("test", "q", int64_t(i)), {client::Bin{"v", client::Value(int64_t(i))}}).code();
  });
  CHECK(writes.ok == 100);
}
