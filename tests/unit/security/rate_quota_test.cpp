// Rate quotas' accounting on an injected clock (the second is a parameter): each second's
// count against the quota, the tps-weight average, scans' reservations, many threads at
// once; and roles stored with quotas next to roles stored before them.

#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "common/bytes.h"
#include "proto/admin.h"
#include "security/rate_quota.h"
#include "security/user_role.h"

using namespace asd::security;
using common::ResultCode;
using proto::AdminField;
using proto::append_admin_field;
using proto::append_admin_header;

namespace {

constexpr uint32_t kSecond = 1'700'000'000;

// How many of `attempts` commands in second `now` the meter admits.
int admitted(RateMeter& meter, uint32_t now, uint32_t quota, int attempts, uint32_t weight = 2) {
  int n = 0;
  for (int i = 0; i < attempts; ++i) n += meter.admit(now, quota, weight) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a quota admits that many a second, and the next second starts afresh", "[security][quota]") {
  RateMeter meter;
  CHECK(admitted(meter, kSecond, 3, 10) == 3);
  CHECK_FALSE(meter.admit(kSecond, 3, 2));
  CHECK(admitted(meter, kSecond + 1, 3, 10) == 3);
  // After idle seconds too.
  CHECK(admitted(meter, kSecond + 60, 3, 10) == 3);
  // A clock stepping back counts in the latest second seen.
  CHECK_FALSE(meter.admit(kSecond + 59, 3, 2));
  // 0 is no limit; a quota raised mid-second admits the difference.
  CHECK(admitted(meter, kSecond + 61, 0, 1000) == 1000);
  CHECK(admitted(meter, kSecond + 62, 3, 10) == 3);
  CHECK(admitted(meter, kSecond + 62, 5, 10) == 2);
}

TEST_CASE("the reported rate is the tps-weight average of finished seconds", "[security][quota]") {
  RateMeter meter;
  CHECK(meter.info(kSecond, 7, 2) == QuotaInfo{7, 0, 0, 0});
  CHECK(admitted(meter, kSecond, 0, 10) == 10);
  // The running second is not in the average yet.
  CHECK(meter.info(kSecond, 0, 2)[1] == 0);
  // weight 2: (0 * 1 + 10) / 2.
  CHECK(meter.info(kSecond + 1, 0, 2)[1] == 5);
  // weight 5: (0 * 4 + 10) / 5.
  CHECK(meter.info(kSecond + 1, 0, 5)[1] == 2);
  CHECK(admitted(meter, kSecond + 1, 0, 10, 2) == 10);
  // (5 * 1 + 10) / 2 = 7.5.
  CHECK(meter.info(kSecond + 2, 0, 2)[1] == 8);
  // A steady 100 a second converges on 100.
  for (uint32_t s = kSecond + 2; s < kSecond + 30; ++s) CHECK(admitted(meter, s, 0, 100) == 100);
  CHECK(meter.info(kSecond + 30, 0, 2)[1] == 100);
  // Idle seconds fold in as empty ones: 100 -> 50 -> 25.
  CHECK(meter.info(kSecond + 31, 0, 2)[1] == 50);
  CHECK(meter.info(kSecond + 32, 0, 2)[1] == 25);
  CHECK(meter.info(kSecond + 100'000, 0, 2)[1] == 0);
  // Refused commands are not counted.
  RateMeter refused;
  CHECK(admitted(refused, kSecond, 4, 100) == 4);
  CHECK(refused.info(kSecond + 1, 4, 2)[1] == 2);
}

TEST_CASE("scans and queries reserve their records per second", "[security][quota]") {
  RateMeter meter;
  CHECK(meter.reserve(60, 100));
  CHECK_FALSE(meter.reserve(50, 100));
  CHECK(meter.reserve(40, 100));
  CHECK(meter.info(kSecond, 100, 2) == QuotaInfo{100, 0, 100, 0});
  // The reserved rate leaves single-record commands nothing this second...
  CHECK_FALSE(meter.admit(kSecond, 100, 2));
  meter.release(40);
  // ... and what it frees is theirs: 100 - 60.
  CHECK(admitted(meter, kSecond, 100, 100) == 40);
  // Without a limit (rps 0) a job is refused when there is a quota, counted otherwise.
  CHECK_FALSE(meter.reserve(0, 100));
  CHECK(meter.reserve(0, 0));
  CHECK(meter.reserve(0, 0));
  CHECK(meter.reserve(500, 0));
  CHECK(meter.info(kSecond, 0, 2) == QuotaInfo{0, 0, 560, 2});
  meter.release(0);
  meter.release(500);
  meter.release(60);
  CHECK(meter.info(kSecond, 0, 2) == QuotaInfo{0, 0, 0, 1});
}

TEST_CASE("a reservation gives back what it holds once, when it ends", "[security][quota]") {
  auto rates = std::make_shared<UserRates>();
  RateMeter& reads = rates->meter_of(QuotaKind::Read);
  REQUIRE(reads.reserve(30, 0));
  {
    QuotaReservation held(rates, QuotaKind::Read, 30);
    QuotaReservation moved = std::move(held);
    CHECK(reads.info(kSecond, 0, 2)[2] == 30);
    QuotaReservation assigned;
    assigned = std::move(moved);
    CHECK(reads.info(kSecond, 0, 2)[2] == 30);
    assigned.release();
    CHECK(reads.info(kSecond, 0, 2)[2] == 0);
  }
  CHECK(reads.info(kSecond, 0, 2)[2] == 0);
  CHECK(rates->meter_of(QuotaKind::Write).info(kSecond, 0, 2) == QuotaInfo{0, 0, 0, 0});
}

TEST_CASE("many threads in one second: exactly the quota is admitted", "[security][quota]") {
  RateMeter meter;
  constexpr uint32_t kQuota = 5000;
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] { total += admitted(meter, kSecond, kQuota, 2000); });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(total.load() == int(kQuota));
  // Threads crossing into new seconds together (a late one counts in the latest second):
  // never more than the quota a second.
  RateMeter crossing;
  total = 0;
  threads.clear();
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (uint32_t s = 0; s < 4; ++s) total += admitted(crossing, kSecond + s, 100, 50);
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(total.load() >= 100);
  CHECK(total.load() <= 400);
}

TEST_CASE("roles round-trip with quotas; roles stored before quotas decode without", "[security][quota]") {
  Role role{"ops", {{PrivilegeCode::Read, "test", "a"}}, {"10.0.0.0/8"}, 250, 40};
  common::Result<Role> back = decode_role("ops", encode_role(role));
  REQUIRE(back.ok());
  CHECK(back->privileges == role.privileges);
  CHECK(back->whitelist == role.whitelist);
  CHECK(back->read_quota == 250);
  CHECK(back->write_quota == 40);
  Role write_only{"w", {}, {}, 0, 7};
  back = decode_role("w", encode_role(write_only));
  REQUIRE(back.ok());
  CHECK(back->read_quota == 0);
  CHECK(back->write_quota == 7);

  // What the version before quotas stored: header with 2 fields, privileges, whitelist.
  std::string old_value;
  append_admin_header(old_value, ResultCode::Ok, 2);
  append_admin_field(old_value, AdminField::Privileges, encode_privileges({{PrivilegeCode::Write, "test", ""}}));
  append_admin_field(old_value, AdminField::Whitelist, "");
  // A role without quotas is still stored exactly so (older nodes read it unchanged).
  CHECK(encode_role(Role{"old", {{PrivilegeCode::Write, "test", ""}}, {}}) == old_value);
  back = decode_role("old", old_value);
  REQUIRE(back.ok());
  CHECK(back->privileges == std::vector<Privilege>{{PrivilegeCode::Write, "test", ""}});
  CHECK(back->read_quota == 0);
  CHECK(back->write_quota == 0);
  // The quota fields an older node does not know leave its decoding of the rest alone.
  common::Result<proto::AdminMessage> parsed = proto::parse_admin_message(encode_role(role));
  REQUIRE(parsed.ok());
  CHECK(parsed->fields.size() == 4);

  // A quota field of another size is refused.
  std::string bad;
  append_admin_header(bad, ResultCode::Ok, 3);
  append_admin_field(bad, AdminField::Privileges, encode_privileges({}));
  append_admin_field(bad, AdminField::Whitelist, "");
  append_admin_field(bad, AdminField::ReadQuota, "\x01\x02");
  CHECK(decode_role("bad", bad).code() == ResultCode::InvalidQuota);
  CHECK(*parse_quota(std::nullopt) == 0);
  CHECK(*parse_quota(std::string_view("\x00\x00\x01\x00", 4)) == 256);
}
