// Device storage against a real asd: restarts (SIGTERM and kill -9) rebuild the index
// from the data files, a corrupt record is skipped on cold start, writes stop when the
// device fills and resume once deletes and defrag free blocks, nsup evicts records
// closest to expiry first, and defrag keeps an endless overwrite loop within the file.
//
// Values name their key and version ("key=12 version=3 ..."), so a stale or misplaced
// version is visible in a failure message, and the corruption tests can find a record's
// bytes in the data file.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "support/asd_node.h"

using client::Bin;
using client::Key;
using client::Value;
using client::WritePolicy;
using common::ResultCode;

namespace {

// The `test` namespace on device storage; `storage` and `ns_extra` are lines added
// inside storage-engine device { } and namespace { }.
std::string device_namespace(const std::string& storage, const std::string& ns_extra = "") {
  return "namespace test {\n"
         "  replication-factor 1\n"
         "  memory-size 64M\n"
         "  nsup-period 1\n" +
         ns_extra +
         "  storage-engine device {\n" + storage +
         "  }\n"
         "}\n";
}

std::map<std::string, std::string> namespace_stats(client::Client& c) {
  auto answer = c.info("namespace/test");
  REQUIRE(answer.ok());
  std::map<std::string, std::string> stats;
  std::istringstream in(*answer);
  std::string item;
  while (std::getline(in, item, ';')) {
    auto eq = item.find('=');
    if (eq != std::string::npos) stats[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return stats;
}

std::string stat_text(client::Client& c, const std::string& name) {
  auto stats = namespace_stats(c);
  auto it = stats.find(name);
  INFO("namespace/test lacks " << name);
  REQUIRE(it != stats.end());
  return it->second;
}

double ns_stat(client::Client& c, const std::string& name) { return std::stod(stat_text(c, name)); }

// The statistic, or -1 when it cannot be read; never throws (for use while a thread that
// must be joined is running).
double ns_stat_or(client::Client& c, const std::string& name) {
  auto answer = c.info("namespace/test");
  if (!answer.ok()) return -1;
  std::string item = ";" + *answer;
  auto at = item.find(";" + name + "=");
  if (at == std::string::npos) return -1;
  return std::strtod(item.c_str() + at + name.size() + 2, nullptr);
}

// The whole `namespace/test` answer, for failure messages.
std::string stats_line(client::Client& c) {
  auto answer = c.info("namespace/test");
  return answer.ok() ? *answer : "(info failed: " + answer.error().message + ")";
}

// "key=K version=V ": begins every value and occurs nowhere else in a data file, so it
// locates the record's bytes.
std::string marker(int64_t key, int64_t version) {
  return "key=" + std::to_string(key) + " version=" + std::to_string(version) + " ";
}

// A printable value of `size` bytes that names its key and version.
std::string payload(int64_t key, int64_t version, size_t size) {
  std::string s = marker(key, version);
  while (s.size() < size) s.push_back(char('a' + (key * 7 + version * 13 + int64_t(s.size())) % 26));
  s.resize(size);
  return s;
}

// What a read returned, bins by name (their order on the wire is not part of the contract).
struct Snapshot {
  uint32_t generation = 0;
  uint32_t void_time = 0;
  std::map<std::string, Value> bins;
  bool operator==(const Snapshot& other) const = default;
};

// Key -> what a read returned, nullopt for NotFound.
using State = std::map<int64_t, std::optional<Snapshot>>;

State read_state(client::Client& c, const std::string& set, int64_t from, int64_t to) {
  State state;
  for (int64_t k = from; k < to; ++k) {
    auto rec = c.get(Key("test", set, k));
    if (rec.code() == ResultCode::NotFound) {
      state[k] = std::nullopt;
      continue;
    }
    INFO("get " << set << "/" << k << ": " << (rec.ok() ? "" : rec.error().message));
    REQUIRE(rec.ok());
    Snapshot snap{rec->generation, rec->void_time, {}};
    for (const Bin& b : rec->bins) snap.bins[b.name] = b.value;
    state[k] = std::move(snap);
  }
  return state;
}

std::string describe(const std::optional<Snapshot>& s) {
  if (!s) return "absent";
  std::string out = "gen=" + std::to_string(s->generation) + " void_time=" + std::to_string(s->void_time);
  for (const auto& [name, value] : s->bins) out += " " + name + "=" + value.to_string().substr(0, 40);
  return out;
}

// The first differences between two states, one per line; empty when they agree.
std::string diff(const State& expected, const State& actual) {
  std::string out;
  size_t differ = 0;
  for (const auto& [k, want] : expected) {
    auto it = actual.find(k);
    std::optional<Snapshot> got = it == actual.end() ? std::nullopt : it->second;
    if (want == got) continue;
    if (++differ <= 10) {
      out += "key " + std::to_string(k) + ": expected " + describe(want) + ", got " + describe(got) + "\n";
    }
  }
  if (differ > 0) out += std::to_string(differ) + " of " + std::to_string(expected.size()) + " keys differ\n";
  return out;
}

void overwrite(const std::string& path, uint64_t offset, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), off_t(offset)) == ssize_t(bytes.size()));
  ::close(fd);
}

// The byte offset that follows "offset " or "offset=" on a log line, if any.
std::optional<uint64_t> offset_in(const std::string& line) {
  for (const char* tag : {"offset ", "offset="}) {
    auto at = line.find(tag);
    if (at == std::string::npos) continue;
    at += std::string(tag).size();
    auto end = line.find_first_not_of("0123456789", at);
    if (end == at) continue;
    return std::stoull(line.substr(at, end - at));
  }
  return std::nullopt;
}

WritePolicy with_ttl(uint32_t ttl) {
  WritePolicy p;
  p.ttl = ttl;
  return p;
}

// The restart scenario's workload on keys [from, to) of set "r": mixed TTLs (1000 s,
// never, namespace default, 100000 s), bin types, a few 60 KB values, updates (one
// deleting a bin), deletes, and deletes followed by a re-create.
void mixed_workload(client::Client& c, int64_t from, int64_t to, int64_t round) {
  const uint32_t ttls[] = {1000, client::kTtlNeverExpire, client::kTtlNamespaceDefault, 100000};
  for (int64_t k = from; k < to; ++k) {
    Key key("test", "r", k);
    size_t size = k % 50 == 7 ? 60 * 1024 : 200 + size_t(k % 700);
    std::vector<Bin> bins = {{"i", Value(k * 1000 + round)},
                             {"s", Value(payload(k, round, size))},
                             {"b", Value::blob(std::string("\x00\xff", 2) + std::to_string(k))},
                             {"d", Value(double(k) / 4)}};
    REQUIRE(c.put(key, bins, with_ttl(ttls[k % 4])).ok());
    if (k % 3 == 0) {
      REQUIRE(c.put(key, {{"s", Value(payload(k, round + 1, size))}}, with_ttl(ttls[k % 4])).ok());
      std::vector<Bin> update = {{"i", Value(-k)}};
      if (k % 9 == 0) update.push_back({"d", Value::nil()});
      REQUIRE(c.put(key, update, with_ttl(ttls[(k + 1) % 4])).ok());
    }
    if (k % 5 == 0) REQUIRE(c.remove(key).ok());
    if (k % 10 == 0) REQUIRE(c.put(key, {{"again", Value(round)}}).ok());
  }
}

}  // namespace

TEST_CASE("every acknowledged write, generation, TTL and delete survives clean restarts",
          "[storage_restart]") {
  bool in_memory = GENERATE(false, true);
  INFO("data-in-memory " << in_memory);
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/a.dat\n"
                             "    file {dir}/b.dat\n"
                             "    filesize 16M\n"
                             "    write-block-size 128K\n"
                             "    commit-to-device false\n"
                             "    flush-max-ms 100\n"
                             "    data-in-memory " +
                             std::string(in_memory ? "true" : "false") + "\n")});
  auto c = node.connect();
  mixed_workload(*c, 0, 400, 1);
  // Records that expire while asd is down must not come back.
  uint32_t last_short_void = 0;
  for (int64_t k = 0; k < 20; ++k) {
    REQUIRE(c->put(Key("test", "short", k), {{"v", Value(k)}}, with_ttl(3)).ok());
    last_short_void = c->get(Key("test", "short", k))->void_time;
  }
  State before = read_state(*c, "r", 0, 400);
  size_t present = 0;
  for (const auto& [k, s] : before) present += s.has_value();
  CHECK(present == 400 - 400 / 5 + 400 / 10);
  CHECK(before.at(3)->generation == 3);
  CHECK(before.at(10)->bins.size() == 1);  // deleted, then created again
  CHECK(before.at(9)->bins.count("d") == 0);

  CHECK(node.terminate() == 0);
  REQUIRE(support::eventually([&] { return common::now_cl_sec() > last_short_void + 1; }, 10000, 100));
  node.restart();
  c = node.connect();
  State after = read_state(*c, "r", 0, 400);
  INFO(diff(before, after));
  CHECK(diff(before, after).empty());
  for (int64_t k = 0; k < 20; ++k) CHECK(c->get(Key("test", "short", k)).code() == ResultCode::NotFound);
  CHECK(ns_stat(*c, "objects") == double(present));
  CHECK(ns_stat(*c, "expired_objects") == 0);

  // New writes and deletes on top of the loaded files survive a second restart too.
  mixed_workload(*c, 200, 600, 2);
  for (int64_t k = 0; k < 200; k += 7) REQUIRE(c->remove(Key("test", "r", k)).ok());
  before = read_state(*c, "r", 0, 600);
  CHECK(node.terminate() == 0);
  node.restart();
  c = node.connect();
  after = read_state(*c, "r", 0, 600);
  INFO(diff(before, after));
  CHECK(diff(before, after).empty());
}

TEST_CASE("a block whose first record was overwritten in place keeps its other records",
          "[storage_restart]") {
  // Cold start must not take a block for empty while only part of it is counted: here the
  // first copy of key 0 is replaced by the next record of the same block. (Freed blocks
  // are erased at the next sync, at the latest on shutdown, so the second restart tells.)
  support::AsdNode node({.namespaces = device_namespace("    file {dir}/test.dat\n"
                                                        "    filesize 16M\n"
                                                        "    write-block-size 128K\n")});
  auto c = node.connect();
  REQUIRE(c->put(Key("test", "p", 0), {{"v", Value(payload(0, 1, 500))}}).ok());
  REQUIRE(c->put(Key("test", "p", 0), {{"v", Value(payload(0, 2, 500))}}).ok());
  for (int64_t k = 1; k < 100; ++k) REQUIRE(c->put(Key("test", "p", k), {{"v", Value(payload(k, 1, 500))}}).ok());
  State before = read_state(*c, "p", 0, 100);
  for (int restart = 1; restart <= 2; ++restart) {
    INFO("restart " << restart);
    CHECK(node.terminate() == 0);
    node.restart();
    c = node.connect();
    State after = read_state(*c, "p", 0, 100);
    INFO(diff(before, after));
    CHECK(diff(before, after).empty());
  }
}

TEST_CASE("with commit-to-device, kill -9 loses no acknowledged write or delete", "[storage_restart]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 16M\n"
                             "    write-block-size 128K\n"
                             "    commit-to-device true\n")});
  auto c = node.connect();
  for (int64_t k = 0; k < 200; ++k) {
    REQUIRE(c->put(Key("test", "d", k), {{"v", Value(payload(k, 1, 500))}}).ok());
  }
  for (int64_t k = 0; k < 200; k += 2) REQUIRE(c->remove(Key("test", "d", k)).ok());

  // Four writers overwrite their own keys until asd dies under them. Per key, the last
  // acknowledged version must come back; the one write in flight per writer may or may
  // not have landed.
  constexpr int kWriters = 4;
  constexpr int64_t kKeysPerWriter = 50;
  std::vector<std::vector<int64_t>> acked(kWriters, std::vector<int64_t>(kKeysPerWriter, 0));
  std::atomic<int64_t> total_acked{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int64_t version = 1; !stop; ++version) {
        for (int64_t i = 0; i < kKeysPerWriter && !stop; ++i) {
          int64_t k = w * kKeysPerWriter + i;
          auto st = c->put(Key("test", "w", k), {{"v", Value(payload(k, version, 300))}, {"n", Value(version)}});
          if (!st.ok()) return;
          acked[w][i] = version;
          ++total_acked;
        }
      }
    });
  }
  bool enough = support::eventually([&] { return total_acked >= 3 * kWriters * kKeysPerWriter; }, 60000, 10);
  node.kill9();
  stop = true;
  for (auto& t : writers) t.join();
  REQUIRE(enough);

  node.restart();
  c = node.connect();
  for (int64_t k = 0; k < 200; ++k) {
    auto rec = c->get(Key("test", "d", k));
    if (k % 2 == 0) {
      CHECK(rec.code() == ResultCode::NotFound);
    } else {
      REQUIRE(rec.ok());
      CHECK(rec->bin("v")->as_string() == payload(k, 1, 500));
    }
  }
  int landed_in_flight = 0;
  for (int w = 0; w < kWriters; ++w) {
    for (int64_t i = 0; i < kKeysPerWriter; ++i) {
      int64_t k = w * kKeysPerWriter + i;
      int64_t want = acked[w][i];
      auto rec = c->get(Key("test", "w", k));
      INFO("key " << k << " last acknowledged version " << want);
      if (want == 0 && rec.code() == ResultCode::NotFound) continue;  // first write in flight
      REQUIRE(rec.ok());
      int64_t got = rec->bin("n")->as_int().value_or(-1);
      CHECK((got == want || got == want + 1));
      CHECK(rec->bin("v")->as_string() == payload(k, got, 300));
      CHECK(rec->generation == uint32_t(got));
      landed_in_flight += got == want + 1;
    }
  }
  CHECK(landed_in_flight <= kWriters);
}

TEST_CASE("without commit-to-device, kill -9 loses no write older than flush-max-ms", "[storage_restart]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 16M\n"
                             "    write-block-size 128K\n"
                             "    commit-to-device false\n"
                             "    flush-max-ms 100\n")});
  auto c = node.connect();
  mixed_workload(*c, 0, 300, 1);
  State before = read_state(*c, "r", 0, 300);
  // The contract: writes older than flush-max-ms are on the device. Ten times that.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  node.kill9();
  node.restart();
  c = node.connect();
  State after = read_state(*c, "r", 0, 300);
  INFO(diff(before, after));
  CHECK(diff(before, after).empty());
}

TEST_CASE("a corrupt record is skipped on cold start with a warning; the rest come back",
          "[storage_corrupt]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 16M\n"
                             "    write-block-size 64K\n")});
  const std::string path = node.dir() + "/test.dat";
  constexpr int64_t kRecords = 600;
  constexpr int64_t kVictim = 300;
  auto c = node.connect();
  for (int64_t k = 0; k < kRecords; ++k) {
    REQUIRE(c->put(Key("test", "c", k), {{"v", Value(payload(k, 1, 1000))}, {"k", Value(k)}}).ok());
  }
  CHECK(node.terminate() == 0);

  // Flip 8 bytes inside the victim's value when its bytes are found in the file (records
  // stored as written); otherwise in the middle of the fourth block.
  std::string file = support::read_file(path);
  auto at = file.find(marker(kVictim, 1));
  bool victim_known = at != std::string::npos;
  uint64_t flip_at = victim_known ? at + 400 : 64 * 1024 * 3 + 32 * 1024;
  INFO("flipped 8 bytes at " << flip_at << (victim_known ? " inside key 300's value" : " (value not found)"));
  std::string flipped = file.substr(flip_at, 8);
  for (char& b : flipped) b = char(~b);
  overwrite(path, flip_at, flipped);

  node.restart();
  c = node.connect();
  std::vector<int64_t> missing;
  for (int64_t k = 0; k < kRecords; ++k) {
    auto rec = c->get(Key("test", "c", k));
    if (rec.code() == ResultCode::NotFound) {
      missing.push_back(k);
      continue;
    }
    INFO("key " << k);
    REQUIRE(rec.ok());
    REQUIRE(rec->bin("v"));
    CHECK(rec->bin("v")->as_string() == payload(k, 1, 1000));
    CHECK(rec->generation == 1);
  }
  CHECK(missing.size() <= 2);
  if (victim_known) CHECK(std::find(missing.begin(), missing.end(), kVictim) != missing.end());
  CHECK(ns_stat(*c, "cold_start_skipped") >= 1);
  CHECK(ns_stat(*c, "objects") == double(kRecords - int64_t(missing.size())));

  // A warning names the file and an offset at or before the flipped bytes, in their block.
  bool located = false;
  std::istringstream log(node.log());
  for (std::string line; std::getline(log, line);) {
    if (line.find("corrupt") == std::string::npos || line.find(path) == std::string::npos) continue;
    auto offset = offset_in(line);
    located |= offset && *offset <= flip_at && flip_at < *offset + 64 * 1024;
  }
  INFO("log:\n" << node.log());
  CHECK(located);

  // Still serving, reads and writes.
  REQUIRE(node.process().running());
  REQUIRE(c->put(Key("test", "c", kVictim), {{"v", Value("rewritten")}}).ok());
  CHECK(c->get(Key("test", "c", kVictim))->bin("v")->as_string() == "rewritten");
}

TEST_CASE("a block of garbage in the data file never crashes cold start", "[storage_corrupt]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 16M\n"
                             "    write-block-size 64K\n")});
  const std::string path = node.dir() + "/test.dat";
  constexpr int64_t kRecords = 600;
  constexpr uint64_t kBlock = 64 * 1024;
  auto c = node.connect();
  for (int64_t k = 0; k < kRecords; ++k) {
    REQUIRE(c->put(Key("test", "g", k), {{"v", Value(payload(k, 1, 1000))}}).ok());
  }
  CHECK(node.terminate() == 0);

  // Records whose bytes lie in (or next to) the clobbered block may be lost; none other.
  std::string file = support::read_file(path);
  const uint64_t from = 4 * kBlock, to = 5 * kBlock;
  std::vector<bool> may_lose(kRecords, false);
  for (int64_t k = 0; k < kRecords; ++k) {
    auto at = file.find(marker(k, 1));
    may_lose[size_t(k)] = at == std::string::npos || (at + 2048 >= from && at < to + 2048);
  }
  std::mt19937 rng(42);
  std::string garbage(kBlock, '\0');
  for (char& b : garbage) b = char(rng());
  overwrite(path, from, garbage);

  node.restart();
  c = node.connect();
  int lost = 0;
  for (int64_t k = 0; k < kRecords; ++k) {
    auto rec = c->get(Key("test", "g", k));
    INFO("key " << k);
    if (rec.code() == ResultCode::NotFound && may_lose[size_t(k)]) {
      ++lost;
      continue;
    }
    REQUIRE(rec.ok());
    CHECK(rec->bin("v")->as_string() == payload(k, 1, 1000));
  }
  CHECK(lost < 100);
  REQUIRE(node.process().running());
  REQUIRE(c->put(Key("test", "g", 0), {{"v", Value("after")}}).ok());
}

TEST_CASE("a full device stops writes with code 8; reads and deletes go on; deletes free it",
          "[storage_stop_writes]") {
  // stop-writes-pct 100: the device stops on min-avail-pct alone.
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 4M\n"
                             "    write-block-size 64K\n"
                             "    defrag-lwm-pct 50\n"
                             "    min-avail-pct 5\n",
                             "  stop-writes-pct 100\n")});
  auto c = node.connect();
  int64_t written = 0;
  common::ResultCode first_failure = ResultCode::Ok;
  for (; written < 20000; ++written) {
    auto st = c->put(Key("test", "f", written), {{"v", Value(payload(written, 1, 1000))}});
    if (!st.ok()) {
      first_failure = st.code();
      break;
    }
  }
  INFO("writes accepted before the first failure: " << written);
  REQUIRE(first_failure == ResultCode::OutOfSpace);
  CHECK(written >= 1500);  // most of a 4 MB file holds 1 KB records
  CHECK(stat_text(*c, "stop_writes") == "true");
  CHECK(ns_stat(*c, "device_available_pct") < 5);
  CHECK(c->put(Key("test", "f", written), {{"v", Value("x")}}).code() == ResultCode::OutOfSpace);
  CHECK(c->put(Key("test", "f", 0), {{"v", Value("x")}}).code() == ResultCode::OutOfSpace);

  for (int64_t k = 0; k < written; ++k) {
    auto rec = c->get(Key("test", "f", k));
    INFO("key " << k);
    REQUIRE(rec.ok());
    CHECK(rec->bin("v")->as_string() == payload(k, 1, 1000));
  }
  for (int64_t k = 0; k < written; ++k) {
    if (k % 5 == 0) continue;
    auto removed = c->remove(Key("test", "f", k));
    if (!removed.ok()) FAIL("delete key " << k << ": " << removed.error().message << "\n" << stats_line(*c));
    CHECK(*removed);
  }

  common::ResultCode last = ResultCode::OutOfSpace;
  bool resumed = support::eventually(
      [&] {
        last = c->put(Key("test", "f", written), {{"v", Value(payload(written, 1, 1000))}}).code();
        return last != ResultCode::OutOfSpace;
      },
      30000, 200);
  REQUIRE(resumed);
  REQUIRE(last == ResultCode::Ok);
  // Defrag gives back the space of the deleted 80%.
  CHECK(support::eventually(
      [&] { return stat_text(*c, "stop_writes") == "false" && ns_stat(*c, "device_available_pct") >= 40; }, 30000,
      100));
  for (int64_t k = written + 1; k < written + 200; ++k) {
    REQUIRE(c->put(Key("test", "f", k), {{"v", Value(payload(k, 1, 1000))}}).ok());
  }

  // After a restart the survivors, the deletes and the new writes are all as they were.
  CHECK(node.terminate() == 0);
  node.restart();
  c = node.connect();
  for (int64_t k = 0; k < written + 200; ++k) {
    auto rec = c->get(Key("test", "f", k));
    INFO("key " << k);
    if (k < written && k % 5 != 0) {
      CHECK(rec.code() == ResultCode::NotFound);
    } else {
      REQUIRE(rec.ok());
      CHECK(rec->bin("v")->as_string() == payload(k, 1, 1000));
    }
  }
}

TEST_CASE("memory over stop-writes-pct stops writes with code 8 until deletes free it",
          "[storage_stop_writes]") {
  support::AsdNode node({.namespaces =
                             "namespace test {\n"
                             "  replication-factor 1\n"
                             "  memory-size 4M\n"
                             "  stop-writes-pct 50\n"
                             "  nsup-period 1\n"
                             "  storage-engine memory\n"
                             "}\n"});
  auto c = node.connect();
  int64_t written = 0;
  common::ResultCode first_failure = ResultCode::Ok;
  for (; written < 20000; ++written) {
    auto st = c->put(Key("test", "m", written), {{"v", Value(payload(written, 1, 1000))}});
    if (!st.ok()) {
      first_failure = st.code();
      break;
    }
  }
  INFO("writes accepted before the first failure: " << written);
  REQUIRE(first_failure == ResultCode::OutOfSpace);
  CHECK(stat_text(*c, "stop_writes") == "true");
  CHECK(ns_stat(*c, "memory_used_bytes") >= 2.0 * 1024 * 1024);
  for (int64_t k = 0; k < written; k += 97) CHECK(c->get(Key("test", "m", k)).ok());
  for (int64_t k = 0; k < written; ++k) {
    if (k % 5 != 0) REQUIRE(c->remove(Key("test", "m", k)).ok());
  }
  CHECK(support::eventually(
      [&] { return c->put(Key("test", "m", written), {{"v", Value("back")}}).ok(); }, 30000, 200));
  CHECK(stat_text(*c, "stop_writes") == "false");
}

namespace {

// Eviction groups, shortest TTL first; key k belongs to group k % 4.
constexpr uint32_t kGroupTtl[4] = {1000, 10000, 100000, client::kTtlNeverExpire};

// Writes 1 KB records round-robin over the groups until `full()` holds (checked every 100
// writes); returns how many were written.
template <typename Full>
int64_t fill_groups(client::Client& c, Full full) {
  int64_t k = 0;
  for (; k < 20000; ++k) {
    if (k % 100 == 0 && full()) break;
    auto st = c.put(Key("test", "e", k), {{"v", Value(payload(k, 1, 1000))}}, with_ttl(kGroupTtl[k % 4]));
    INFO("write " << k << ": " << st.message());
    REQUIRE(st.ok());
  }
  REQUIRE(full());
  return k;
}

// Records closest to expiry go first and never-expiring ones never: whenever a group lost
// a record, every shorter-TTL group is gone entirely.
void check_eviction_order(client::Client& c, int64_t written) {
  int64_t total[4] = {}, missing[4] = {};
  for (int64_t k = 0; k < written; ++k) {
    auto rec = c.get(Key("test", "e", k));
    ++total[k % 4];
    if (rec.code() == ResultCode::NotFound) {
      ++missing[k % 4];
    } else {
      REQUIRE(rec.ok());
      CHECK(rec->bin("v")->as_string() == payload(k, 1, 1000));
    }
  }
  INFO("missing per group (ttl 1000, 10000, 100000, never): " << missing[0] << "/" << total[0] << " "
                                                               << missing[1] << "/" << total[1] << " "
                                                               << missing[2] << "/" << total[2] << " "
                                                               << missing[3] << "/" << total[3]);
  CHECK(missing[3] == 0);
  for (int g = 1; g < 3; ++g) {
    for (int shorter = 0; shorter < g; ++shorter) {
      if (missing[g] > 0) CHECK(missing[shorter] == total[shorter]);
    }
  }
  int64_t all_missing = missing[0] + missing[1] + missing[2] + missing[3];
  CHECK(all_missing > 0);
  CHECK(ns_stat(c, "evicted_objects") == double(all_missing));
}

}  // namespace

TEST_CASE("nsup evicts over high-water-disk-pct, closest to expiry first", "[storage_eviction]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 8M\n"
                             "    write-block-size 64K\n",
                             "  high-water-disk-pct 0\n")});
  auto c = node.connect();
  // Everything is written before eviction may start (a record written after a pass could
  // legitimately outlive a longer-TTL one evicted by it), then the mark is lowered.
  int64_t written = fill_groups(*c, [&] {
    return ns_stat(*c, "device_used_bytes") > 0.45 * ns_stat(*c, "device_total_bytes");
  });
  CHECK(ns_stat(*c, "evicted_objects") == 0);
  auto answer = c->info("set-config:context=namespace;id=test;high-water-disk-pct=40");
  REQUIRE(answer.ok());
  REQUIRE(*answer == "ok");

  bool under = support::eventually(
      [&] {
        auto s = namespace_stats(*c);
        return std::stod(s.at("evicted_objects")) > 0 && s.at("hwm_breached") == "false" &&
               std::stod(s.at("device_used_bytes")) <= 0.40 * std::stod(s.at("device_total_bytes"));
      },
      60000, 250);
  INFO("namespace/test: " << stats_line(*c));
  REQUIRE(under);
  check_eviction_order(*c, written);
}

TEST_CASE("nsup evicts over high-water-memory-pct, closest to expiry first", "[storage_eviction]") {
  support::AsdNode node({.namespaces =
                             "namespace test {\n"
                             "  replication-factor 1\n"
                             "  memory-size 4M\n"
                             "  high-water-memory-pct 0\n"
                             "  stop-writes-pct 90\n"
                             "  nsup-period 1\n"
                             "  storage-engine memory\n"
                             "}\n"});
  auto c = node.connect();
  const double memory_size = 4.0 * 1024 * 1024;
  int64_t written = fill_groups(*c, [&] { return ns_stat(*c, "memory_used_bytes") > 0.60 * memory_size; });
  CHECK(ns_stat(*c, "evicted_objects") == 0);
  auto answer = c->info("set-config:context=namespace;id=test;high-water-memory-pct=50");
  REQUIRE(answer.ok());
  REQUIRE(*answer == "ok");

  bool under = support::eventually(
      [&] {
        auto s = namespace_stats(*c);
        return std::stod(s.at("evicted_objects")) > 0 && s.at("hwm_breached") == "false" &&
               std::stod(s.at("memory_used_bytes")) <= 0.50 * memory_size;
      },
      60000, 250);
  INFO("namespace/test: " << stats_line(*c));
  REQUIRE(under);
  check_eviction_order(*c, written);
}

TEST_CASE("defrag keeps an endless overwrite loop within the file", "[storage_defrag]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 8M\n"
                             "    write-block-size 64K\n"
                             "    defrag-lwm-pct 50\n"
                             "    defrag-sleep 0\n")});
  auto c = node.connect();
  // 300 keys x 1 KB, 100 versions each: about four times the file.
  constexpr int64_t kKeys = 300;
  constexpr int64_t kVersions = 100;
  for (int64_t version = 1; version <= kVersions; ++version) {
    for (int64_t k = 0; k < kKeys; ++k) {
      auto st = c->put(Key("test", "o", k), {{"v", Value(payload(k, version, 1000))}, {"n", Value(version)}});
      if (!st.ok()) {
        FAIL("write of key " << k << " version " << version << " failed: code " << int(st.code()) << " "
                             << st.message() << "\nnamespace/test: " << stats_line(*c));
      }
    }
  }
  INFO("namespace/test: " << stats_line(*c));
  CHECK(ns_stat(*c, "defrag_reads") > 0);
  CHECK(ns_stat(*c, "defrag_writes") > 0);
  CHECK(ns_stat(*c, "device_free_pct") > 0);
  CHECK(ns_stat(*c, "objects") == kKeys);

  auto check_all = [&](client::Client& cl) {
    for (int64_t k = 0; k < kKeys; ++k) {
      auto rec = cl.get(Key("test", "o", k));
      INFO("key " << k);
      REQUIRE(rec.ok());
      CHECK(rec->bin("v")->as_string() == payload(k, kVersions, 1000));
      CHECK(rec->bin("n")->as_int() == kVersions);
      CHECK(rec->generation == uint32_t(kVersions));
    }
  };
  check_all(*c);

  CHECK(node.terminate() == 0);
  node.restart();
  c = node.connect();
  check_all(*c);
  CHECK(ns_stat(*c, "objects") == kKeys);
}

TEST_CASE("kill -9 amid overwrites and defrag loses no write older than flush-max-ms", "[storage_defrag]") {
  support::AsdNode node({.namespaces = device_namespace(
                             "    file {dir}/test.dat\n"
                             "    filesize 4M\n"
                             "    write-block-size 64K\n"
                             "    defrag-lwm-pct 50\n"
                             "    commit-to-device false\n"
                             "    flush-max-ms 100\n")});
  auto c = node.connect();
  // One writer overwrites 200 keys round-robin until asd dies under it, noting when each
  // version was acknowledged.
  constexpr int64_t kKeys = 200;
  struct Ack { int64_t version; uint64_t at_ms; };
  std::vector<std::vector<Ack>> acks(kKeys);
  std::atomic<int64_t> total{0};
  std::atomic<bool> killing{false}, writer_failed{false};
  std::string writer_error;  // a failure before the kill; read after join
  std::thread writer([&] {
    for (int64_t version = 1;; ++version) {
      for (int64_t k = 0; k < kKeys; ++k) {
        auto st = c->put(Key("test", "k", k), {{"v", Value(payload(k, version, 1000))}, {"n", Value(version)}});
        if (!st.ok()) {
          if (!killing) writer_error = "code " + std::to_string(int(st.code())) + " " + st.message();
          writer_failed = true;
          return;
        }
        acks[size_t(k)].push_back({version, common::steady_ms()});
        ++total;
      }
    }
  });
  // About three times the file, with defrag at work, before the kill.
  bool busy = support::eventually(
      [&] { return writer_failed || (total >= 11000 && ns_stat_or(*c, "defrag_writes") > 0); }, 60000, 100);
  killing = true;
  uint64_t kill_ms = common::steady_ms();
  node.kill9();
  writer.join();
  INFO("writes acknowledged: " << total << "; write failure before the kill: " << writer_error);
  REQUIRE(busy);
  REQUIRE(writer_error.empty());

  node.restart();
  c = node.connect();
  for (int64_t k = 0; k < kKeys; ++k) {
    const auto& history = acks[size_t(k)];
    int64_t floor = 0;  // last version acknowledged over a second (10 x flush-max-ms) before the kill
    for (const Ack& a : history) {
      if (a.at_ms + 1000 < kill_ms) floor = a.version;
    }
    int64_t ceiling = history.empty() ? 1 : history.back().version + 1;  // + the write in flight
    auto rec = c->get(Key("test", "k", k));
    INFO("key " << k << " must hold a version in [" << floor << ", " << ceiling << "]");
    if (floor == 0 && rec.code() == ResultCode::NotFound) continue;
    REQUIRE(rec.ok());
    int64_t got = rec->bin("n")->as_int().value_or(-1);
    CHECK(got >= floor);
    CHECK(got <= ceiling);
    CHECK(rec->bin("v")->as_string() == payload(k, got, 1000));
    CHECK(rec->generation == uint32_t(got));
  }
}
