// Membership over a simulated network: nodes form one cluster, reform when one dies,
// split into two when the network does and merge when it heals.

#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <set>

#include "cluster/membership.h"

using namespace asd::cluster;

namespace {

constexpr uint32_t kIntervalMs = 150;
constexpr uint32_t kTimeoutIntervals = 10;
constexpr uint64_t kStepMs = 10;

class Network {
 public:
  explicit Network(std::vector<NodeId> ids, std::string name = "c1") {
    for (NodeId id : ids) nodes_.push_back(std::make_unique<Membership>(id, name, kIntervalMs, kTimeoutIntervals));
  }

  void add(NodeId id, const std::string& name) {
    nodes_.push_back(std::make_unique<Membership>(id, name, kIntervalMs, kTimeoutIntervals));
  }
  Membership& node(size_t i) { return *nodes_[i]; }
  size_t size() const { return nodes_.size(); }

  // Nodes i and j hear each other unless cut apart or one is down.
  bool linked(size_t i, size_t j) const {
    if (down_.count(i) || down_.count(j)) return false;
    if (cut_.count({std::min(i, j), std::max(i, j)})) return false;
    return group(i) == group(j);
  }
  void split(std::set<size_t> side_a) { side_a_ = std::move(side_a); }
  void heal() { side_a_.clear(); }
  void kill(size_t i) { down_.insert(i); }
  // One link down, the rest as they are (a node that knows only some of the others).
  void cut(size_t i, size_t j) { cut_.insert({std::min(i, j), std::max(i, j)}); }
  void uncut() { cut_.clear(); }

  // Runs the simulation for `ms` of simulated time.
  void run(uint64_t ms) {
    for (uint64_t end = now_ + ms; now_ < end; now_ += kStepMs) {
      if (now_ % kIntervalMs == 0) {
        for (size_t i = 0; i < size(); ++i) {
          if (down_.count(i)) continue;
          Heartbeat hb = nodes_[i]->heartbeat(now_);
          for (size_t j = 0; j < size(); ++j) {
            if (j != i && linked(i, j)) nodes_[j]->on_heartbeat(hb, now_);
          }
        }
      }
      for (size_t i = 0; i < size(); ++i) {
        if (!down_.count(i)) queue(nodes_[i]->tick(now_));
      }
      // Messages sent in one step arrive in the next.
      std::deque<PaxosMessage> batch;
      batch.swap(in_flight_);
      for (const PaxosMessage& m : batch) {
        size_t from = index_of(m.from), to = index_of(m.to);
        if (!linked(from, to)) continue;
        queue(nodes_[to]->on_paxos(m, now_));
      }
    }
  }

  // True when the given nodes share one cluster key and exactly that membership.
  bool one_cluster(const std::vector<size_t>& members) {
    std::vector<NodeId> expected;
    for (size_t i : members) expected.push_back(nodes_[i]->self());
    std::sort(expected.rbegin(), expected.rend());
    uint64_t key = nodes_[members[0]]->view().cluster_key;
    if (key == 0) return false;
    for (size_t i : members) {
      if (nodes_[i]->view().cluster_key != key || nodes_[i]->view().succession != expected) return false;
    }
    return true;
  }

  // Runs until `pred` holds; returns the simulated milliseconds it took (or -1).
  template <typename Pred>
  int64_t until(Pred pred, uint64_t limit_ms = 10000) {
    for (uint64_t t = 0; t <= limit_ms; t += kStepMs) {
      if (pred()) return int64_t(t);
      run(kStepMs);
    }
    return -1;
  }

 private:
  int group(size_t i) const { return side_a_.count(i) ? 1 : 0; }
  size_t index_of(NodeId id) const {
    for (size_t i = 0; i < size(); ++i) {
      if (nodes_[i]->self() == id) return i;
    }
    return size();
  }
  void queue(std::vector<PaxosMessage> msgs) {
    for (auto& m : msgs) in_flight_.push_back(std::move(m));
  }

  std::vector<std::unique_ptr<Membership>> nodes_;
  std::set<size_t> down_;
  std::set<size_t> side_a_;
  std::set<std::pair<size_t, size_t>> cut_;
  std::deque<PaxosMessage> in_flight_;
  uint64_t now_ = kIntervalMs;
};

}  // namespace

TEST_CASE("three nodes agree on one cluster within about a second", "[membership]") {
  Network net({0xA1, 0xB2, 0xC3});
  int64_t took = net.until([&] { return net.one_cluster({0, 1, 2}); });
  REQUIRE(took >= 0);
  CHECK(took <= 3000);  // includes the wait to hear peers before forming alone
  CHECK(net.node(0).view().succession.front() == 0xC3);  // the principal leads the list
  uint64_t key = net.node(0).view().cluster_key;
  net.run(3000);
  CHECK(net.node(1).view().cluster_key == key);  // stable: no change without a cause
}

TEST_CASE("the survivors reform when a node dies, the principal included", "[membership]") {
  Network net({1, 2, 3, 4});
  REQUIRE(net.until([&] { return net.one_cluster({0, 1, 2, 3}); }) >= 0);
  uint64_t before = net.node(0).view().cluster_key;
  net.kill(3);  // the principal (highest id)
  int64_t took = net.until([&] { return net.one_cluster({0, 1, 2}); });
  REQUIRE(took >= 0);
  CHECK(uint64_t(took) <= kIntervalMs * kTimeoutIntervals + 1000);
  CHECK(net.node(0).view().cluster_key != before);
}

TEST_CASE("a split forms two clusters and the heal merges them", "[membership]") {
  Network net({10, 20, 30, 40, 50});
  REQUIRE(net.until([&] { return net.one_cluster({0, 1, 2, 3, 4}); }) >= 0);
  net.split({0, 1});
  REQUIRE(net.until([&] { return net.one_cluster({0, 1}) && net.one_cluster({2, 3, 4}); }) >= 0);
  CHECK(net.node(0).view().cluster_key != net.node(4).view().cluster_key);
  net.heal();
  int64_t took = net.until([&] { return net.one_cluster({0, 1, 2, 3, 4}); });
  REQUIRE(took >= 0);
  CHECK(took <= 3000);
}

TEST_CASE("a node of another cluster-name never joins", "[membership]") {
  Network net({5, 6});
  net.add(7, "other");
  REQUIRE(net.until([&] { return net.one_cluster({0, 1}); }) >= 0);
  net.run(3000);
  CHECK(net.one_cluster({0, 1}));
  CHECK(net.one_cluster({2}));  // alone in its own cluster
  CHECK(net.node(0).foreign_heartbeats() > 0);
}

TEST_CASE("a node joining a running cluster is taken in", "[membership]") {
  Network net({100, 200});
  REQUIRE(net.until([&] { return net.one_cluster({0, 1}); }) >= 0);
  net.add(150, "c1");
  REQUIRE(net.until([&] { return net.one_cluster({0, 1, 2}); }) >= 0);
}

TEST_CASE("a newcomer that hears one member does not pull it out of its cluster", "[membership]") {
  Network net({10, 20, 30});
  REQUIRE(net.until([&] { return net.one_cluster({0, 1, 2}); }) >= 0);
  uint64_t key = net.node(0).view().cluster_key;
  net.add(40, "c1");  // the highest id, so it would be principal of whatever it hears
  net.cut(3, 1);
  net.cut(3, 2);
  net.run(3000);
  CHECK(net.one_cluster({0, 1, 2}));
  CHECK(net.node(0).view().cluster_key == key);
  net.uncut();
  REQUIRE(net.until([&] { return net.one_cluster({0, 1, 2, 3}); }) >= 0);
}
