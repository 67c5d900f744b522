// The takeover rules (where a takeover starts, what this node publishes) and the state
// file that keeps them across restarts.

#include <catch2/catch.hpp>

#include "common/base64.h"
#include "common/digest.h"
#include "failover/cluster_view.h"
#include "failover/takeover_state.h"

using namespace failover;

namespace {

const DcNs kKey{"DC2", "test"};

NodeProgress progress_of(uint64_t node, uint64_t lut) {
  NodeProgress p;
  p.node = node;
  p.luts[kKey] = PartitionLuts(common::kPartitions, lut);
  return p;
}

PartitionSet partitions(std::initializer_list<uint32_t> pids) {
  PartitionSet set(common::kPartitions, false);
  for (uint32_t pid : pids) set[pid] = true;
  return set;
}

}  // namespace

TEST_CASE("a takeover starts at the departed node's progress, minus the margin", "[failover][takeover]") {
  NodeProgress d = progress_of(0xA2, 100000);
  d.luts[kKey][5] = 40000;
  auto since = takeover_since(kKey, partitions({5, 6}), 0xA2, d, {});
  REQUIRE(since.size() == 2);
  CHECK(since[5] == 40000 - kTakeoverMarginMs);
  CHECK(since[6] == 100000 - kTakeoverMarginMs);
  // Never heard from: everything.
  since = takeover_since(kKey, partitions({5}), 0xA2, std::nullopt, {});
  CHECK(since[5] == 0);
  // Nothing mastered here: nothing to take over.
  CHECK(takeover_since(kKey, partitions({}), 0xA2, d, {}).empty());
}

TEST_CASE("a node that died holding an earlier departure's work is taken over from both", "[failover][takeover]") {
  // A3 left first; A2 survived it but had not registered A3's takeover when it died.
  DepartedNode a3{0xA3, 200000, {0xA1, 0xA2}, {0xA1}, progress_of(0xA3, 50000)};
  NodeProgress a2 = progress_of(0xA2, 150000);
  auto since = takeover_since(kKey, partitions({1}), 0xA2, a2, {a3});
  CHECK(since[1] == 50000 - kTakeoverMarginMs);
  // Had A2 registered it, its own progress covers A3's work.
  a2.registered.push_back({0xA3, 200500});
  since = takeover_since(kKey, partitions({1}), 0xA2, a2, {a3});
  CHECK(since[1] == 150000 - kTakeoverMarginMs);
  // A node that joined after A3 left never held A3's work.
  DepartedNode before_a2{0xA3, 200000, {0xA1}, {0xA1}, progress_of(0xA3, 50000)};
  since = takeover_since(kKey, partitions({1}), 0xA2, progress_of(0xA2, 150000), {before_a2});
  CHECK(since[1] == 150000 - kTakeoverMarginMs);
}

TEST_CASE("this node publishes the lowest of frontier, waiting entries, windows and tasks", "[failover][takeover]") {
  OwnInputs in;
  in.frontier = 100000;
  in.oldest.assign(common::kPartitions, UINT64_MAX);
  in.oldest[3] = 42000;
  TakeoverTask t;
  t.dc = "DC2";
  t.ns = "test";
  t.since = {{4, 7000}};
  PartitionLuts out = compose_progress(in, {&t}, nullptr);
  CHECK(out[0] == 99000);  // frontier minus the stamping slack
  CHECK(out[3] == 42000);
  CHECK(out[4] == 7000);
  in.window_since = 30000;
  out = compose_progress(in, {&t}, nullptr);
  CHECK(out[0] == 30000);
  CHECK(out[4] == 7000);
  // No frontier yet this run: the previous publication, else 0.
  OwnInputs fresh;
  fresh.oldest.assign(common::kPartitions, UINT64_MAX);
  PartitionLuts previous(common::kPartitions, 88000);
  CHECK(compose_progress(fresh, {}, &previous)[9] == 88000);
  CHECK(compose_progress(fresh, {}, nullptr)[9] == 0);
}

TEST_CASE("the takeover state round trips and refuses damage", "[failover][takeover]") {
  TakeoverState s;
  s.self = 0xA1;
  s.next_task_id = 7;
  s.members = {0xA1, 0xA2};
  s.own = progress_of(0xA1, 5000);
  s.peers[0xA2] = progress_of(0xA2, 4000);
  s.departed.push_back(DepartedNode{0xA3, 3000, {0xA1, 0xA2}, {0xA1}, progress_of(0xA3, 2000)});
  s.departed.push_back(DepartedNode{0xA4, 3500, {0xA1}, {}, std::nullopt});
  s.tasks.push_back(TakeoverTask{5, "DC2", "test", 0xA3, false, 3001, {{1, 1000}, {4095, 2}}});
  s.tasks.push_back(TakeoverTask{6, "DC2", "test", 0xA4, true, 3501, {}});
  s.registered.push_back({0xA3, 3001});
  std::string text = encode_state(s);
  auto back = decode_state(text);
  REQUIRE(back);
  CHECK(*back == s);
  std::string edited = text;
  edited.replace(edited.find("3001"), 4, "3002");
  CHECK_FALSE(decode_state(edited));
  CHECK_FALSE(decode_state(text.substr(0, text.size() - 10)));
  CHECK_FALSE(decode_state(""));
}

TEST_CASE("asd's cluster and role answers parse; bad ones are errors", "[failover][takeover]") {
  auto view = parse_cluster("self=A1;key=96614F99FBC0E805;integrity=true;members=A3,A1,A2;"
                            "peers=A3@127.0.0.1:3020,A2@127.0.0.1:3010");
  REQUIRE(view);
  CHECK(view->self == 0xA1);
  CHECK(view->key == 0x96614F99FBC0E805ull);
  CHECK(view->integrity);
  CHECK(view->members.size() == 3);
  CHECK(view->is_member(0xA2));
  CHECK(view->services.at(0xA3).port == 3020);
  CHECK_FALSE(parse_cluster("garbage"));
  CHECK_FALSE(parse_cluster("self=A1;members=A1;peers=A2@nowhere"));
  // A lone node lists itself.
  auto solo = parse_cluster("self=B7;key=0;integrity=false;members=;peers=");
  REQUIRE(solo);
  CHECK(solo->members == std::vector<uint64_t>{0xB7});
  std::string raw(common::kPartitions / 8, '\0');
  raw[0] = char(0x80);  // partition 0 only
  std::string bits = common::base64_encode(raw);
  auto roles = parse_roles("key=96614F99FBC0E805;master=" + bits + ";replica=A2:" + bits);
  REQUIRE(roles);
  CHECK(roles->first == 0x96614F99FBC0E805ull);
  CHECK(roles->second.master[0]);
  CHECK_FALSE(roles->second.master[1]);
  CHECK(roles->second.replica_of.at(0xA2)[0]);
  CHECK_FALSE(parse_roles("key=1;master=short;replica="));
  CHECK_FALSE(parse_roles("ERROR:4:unknown namespace"));
}
