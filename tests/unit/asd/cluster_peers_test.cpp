// Peers: messages to a member not heard from yet are held in order until its heartbeat
// says where it listens, cut-off nodes get nothing, and a change drops what is held for
// nodes that left.

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/peers.h"

using namespace asd::cluster;

namespace {

class Recorder : public Transport {
 public:
  void send(const std::string& endpoint, std::string message, bool) override {
    sent.emplace_back(endpoint, std::move(message));
  }
  void disconnect(const std::string& endpoint) override { disconnected.push_back(endpoint); }
  std::vector<std::pair<std::string, std::string>> sent;
  std::vector<std::string> disconnected;
};

Member member(int port) {
  return Member{"tcp://h:" + std::to_string(port), "tcp://h:" + std::to_string(port + 1), "h", uint16_t(port + 2)};
}

}  // namespace

TEST_CASE("messages to an unknown member are held in order until it is heard", "[cluster_peers]") {
  Recorder fabric;
  Peers peers(1, fabric);
  peers.send(2, "a");
  peers.send(2, "b");
  peers.send(1, "self");  // never to this node
  CHECK(fabric.sent.empty());
  CHECK(peers.learn(2, member(3000)));
  REQUIRE(fabric.sent.size() == 2);
  CHECK(fabric.sent[0] == std::pair<std::string, std::string>{"tcp://h:3001", "a"});
  CHECK(fabric.sent[1].second == "b");
  peers.send(2, "c");
  CHECK(fabric.sent.back().second == "c");
  CHECK_FALSE(peers.learn(2, member(3000)));  // same service endpoint: no news
}

TEST_CASE("a moved member is disconnected at its old endpoint", "[cluster_peers]") {
  Recorder fabric;
  Peers peers(1, fabric);
  peers.learn(2, member(3000));
  peers.learn(2, member(4000));
  REQUIRE(fabric.disconnected == std::vector<std::string>{"tcp://h:3001"});
}

TEST_CASE("blocked nodes get nothing and show as blocked heartbeat targets", "[cluster_peers]") {
  Recorder fabric;
  Peers peers(1, fabric);
  peers.learn(2, member(3000));
  peers.learn(3, member(5000));
  peers.block({3});
  CHECK(peers.is_blocked(3));
  peers.send(3, "x");
  CHECK(fabric.sent.empty());
  std::vector<std::string> blocked;
  CHECK(peers.heartbeat_endpoints(&blocked).size() == 2);
  CHECK(blocked == std::vector<std::string>{"tcp://h:5000"});
  peers.block({});
  peers.send(3, "y");
  CHECK(fabric.sent.size() == 1);
}

TEST_CASE("a change drops what is held for nodes that left and disconnects them", "[cluster_peers]") {
  Recorder fabric;
  Peers peers(1, fabric);
  peers.learn(2, member(3000));
  peers.send(4, "held");
  peers.keep_only({1, 3}, {2});
  CHECK(fabric.disconnected == std::vector<std::string>{"tcp://h:3001"});
  peers.learn(4, member(6000));
  CHECK(fabric.sent.empty());  // what was held for node 4 is gone
  std::vector<PeerAddress> addresses = peers.service_addresses({1, 2, 4, 9});
  REQUIRE(addresses.size() == 2);
  CHECK(addresses[0].id == 2);
  CHECK(addresses[1].port == 6002);
}
