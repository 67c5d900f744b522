// Topology: every filter and reason of should_ship(), src-id learning, describe(), and a
// three-DC ring with forwarding simulated hop by hop. Configs are parsed from text so the
// tests also pin the table defaults (sets-enable-xdr and set-enable-xdr default true).

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "conf/loader.h"
#include "topology/topology.h"

namespace {

// One DC's config: its src-id, the DCs it knows, and the namespace stanzas given.
conf::Config dc_config(int src_id, const std::vector<std::string>& dcs, const std::string& namespaces,
                       const std::string& xdr_extra = "") {
  std::string text = "xdr {\n  enable-xdr true\n  src-id " + std::to_string(src_id) +
                     "\n  xdr-digestlog-path /tmp/dlog 1G\n" + xdr_extra;
  for (const auto& dc : dcs) text += "  datacenter " + dc + " {\n    dc-node-address-port 127.0.0.1 3000\n  }\n";
  text += "}\n" + namespaces;
  return conf::parse_string(text, "topology_test.conf");
}

topology::RecordOrigin local(std::string_view ns, std::string_view set = {}) {
  return {ns, set, 0, false};
}

topology::RecordOrigin remote(std::string_view ns, uint8_t origin, std::string_view set = {}) {
  return {ns, set, origin, true};
}

const char* reason(const topology::ShipDecision& d) { return d.ship ? "ship" : d.reason; }

}  // namespace

TEST_CASE("dcs_for lists the namespace's remote DCs only when xdr is on at both levels", "[topology]") {
  auto config = dc_config(1, {"DC2", "DC3"},
                          "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n"
                          "  xdr-remote-datacenter DC3\n  xdr-remote-datacenter DC2\n}\n"
                          "namespace off {\n  xdr-remote-datacenter DC2\n}\n");
  topology::Topology topo(config);
  CHECK(topo.dcs_for("test") == std::vector<std::string>{"DC2", "DC3"});
  CHECK(topo.dcs_for("off").empty());
  CHECK(topo.dcs_for("missing").empty());
  CHECK(topo.local_src_id() == 1);

  config.xdr.enable_xdr = false;  // the daemon-level switch turns every namespace off
  topology::Topology all_off(config);
  CHECK(all_off.dcs_for("test").empty());
  CHECK(reason(all_off.should_ship(local("test"), "DC2")) == std::string("ns"));
}

TEST_CASE("namespace with xdr off and unknown namespace answer ns", "[topology]") {
  topology::Topology topo(dc_config(1, {"DC2"}, "namespace off {\n  xdr-remote-datacenter DC2\n}\n"));
  CHECK(reason(topo.should_ship(local("off"), "DC2")) == std::string("ns"));
  CHECK(reason(topo.should_ship(local("nope"), "DC2")) == std::string("ns"));
}

TEST_CASE("unknown DC and a DC the namespace does not ship to answer dc", "[topology]") {
  topology::Topology topo(dc_config(1, {"DC2", "DC3"},
                                    "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n}\n"));
  CHECK(topo.should_ship(local("test"), "DC2").ship);
  CHECK(reason(topo.should_ship(local("test"), "DC3")) == std::string("dc"));
  CHECK(reason(topo.should_ship(local("test"), "DC9")) == std::string("dc"));
  CHECK_FALSE(topo.learn_src_id("DC9", 9));
  CHECK_FALSE(topo.learn_src_id("DC2", 0));
  CHECK(topo.src_id_of("DC9") == 0);
}

TEST_CASE("set filters", "[topology]") {
  SECTION("sets-enable-xdr true: every set and no-set records ship, except disabled sets") {
    topology::Topology topo(dc_config(1, {"DC2"},
                                      "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n"
                                      "  set secret {\n    set-enable-xdr false\n  }\n}\n"));
    CHECK(topo.should_ship(local("test"), "DC2").ship);
    CHECK(topo.should_ship(local("test", "users"), "DC2").ship);
    CHECK(reason(topo.should_ship(local("test", "secret"), "DC2")) == std::string("set"));
    // The set filter applies to forwarded records too.
    CHECK(reason(topo.should_ship(remote("test", 3, "secret"), "DC2")) == std::string("set"));
  }
  SECTION("sets-enable-xdr false: only sets with set-enable-xdr true ship") {
    topology::Topology topo(dc_config(1, {"DC2"},
                                      "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n"
                                      "  sets-enable-xdr false\n"
                                      "  set orders {\n    set-enable-xdr true\n  }\n"
                                      "  set audit {\n    set-enable-xdr false\n  }\n}\n"));
    CHECK(topo.should_ship(local("test", "orders"), "DC2").ship);
    CHECK(reason(topo.should_ship(local("test", "audit"), "DC2")) == std::string("set"));
    CHECK(reason(topo.should_ship(local("test", "users"), "DC2")) == std::string("set"));
    CHECK(reason(topo.should_ship(local("test"), "DC2")) == std::string("set"));
    CHECK(topo.describe().find("[sets: only orders]") != std::string::npos);
  }
}

TEST_CASE("forwarding: XDR writes ship on only with forward-xdr-writes or ns-forward-xdr-writes",
          "[topology]") {
  const std::string ns = "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC3\n}\n";
  topology::Topology off(dc_config(2, {"DC3"}, ns));
  CHECK(off.should_ship(local("test"), "DC3").ship);
  CHECK(reason(off.should_ship(remote("test", 1), "DC3")) == std::string("forward"));

  topology::Topology xdr_level(dc_config(2, {"DC3"}, ns, "  forward-xdr-writes true\n"));
  CHECK(xdr_level.should_ship(remote("test", 1), "DC3").ship);

  topology::Topology ns_level(dc_config(
      2, {"DC3"}, "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC3\n  ns-forward-xdr-writes true\n}\n"));
  CHECK(ns_level.should_ship(remote("test", 1), "DC3").ship);
}

TEST_CASE("origin: never back to the DC that wrote the record", "[topology]") {
  topology::Topology topo(dc_config(1, {"DC2", "DC3"},
                                    "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n"
                                    "  xdr-remote-datacenter DC3\n  ns-forward-xdr-writes true\n}\n"));
  // Not learned yet: ship, the receiver's LUT check is the safety net.
  CHECK(topo.should_ship(remote("test", 2), "DC2").ship);
  CHECK(topo.learn_src_id("DC2", 2));
  CHECK(topo.src_id_of("DC2") == 2);
  CHECK(reason(topo.should_ship(remote("test", 2), "DC2")) == std::string("origin"));
  CHECK(topo.should_ship(remote("test", 2), "DC3").ship);
  // A record of ours that came back round a loop is never re-shipped.
  CHECK(reason(topo.should_ship(remote("test", 1), "DC3")) == std::string("origin"));
  // A local write is always ours to ship, whatever the ids.
  CHECK(topo.should_ship(local("test"), "DC2").ship);
}

TEST_CASE("ring of three with forwarding: DC1 -> DC2 -> DC3, never back to DC1", "[topology]") {
  auto ring_dc = [](int id, const std::string& next) {
    return dc_config(id, {next},
                     "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter " + next + "\n}\n",
                     "  forward-xdr-writes true\n");
  };
  topology::Topology dc1(ring_dc(1, "DC2")), dc2(ring_dc(2, "DC3")), dc3(ring_dc(3, "DC1"));
  CHECK(dc1.learn_src_id("DC2", 2));
  CHECK(dc2.learn_src_id("DC3", 3));
  CHECK(dc3.learn_src_id("DC1", 1));

  // A client writes at DC1: DC1 ships it (origin stays 1 on the way round).
  CHECK(dc1.should_ship(local("test"), "DC2").ship);
  // It arrives at DC2 as an XDR write with origin 1: forwarded to DC3.
  CHECK(dc2.should_ship(remote("test", 1), "DC3").ship);
  // At DC3 the next hop is the origin: the loop stops here.
  CHECK(reason(dc3.should_ship(remote("test", 1), "DC1")) == std::string("origin"));

  // Same for a write that starts at DC2 and one that starts at DC3.
  CHECK(dc3.should_ship(remote("test", 2), "DC1").ship);
  CHECK(reason(dc1.should_ship(remote("test", 2), "DC2")) == std::string("origin"));
  CHECK(dc1.should_ship(remote("test", 3), "DC2").ship);
  CHECK(reason(dc2.should_ship(remote("test", 3), "DC3")) == std::string("origin"));

  CHECK(dc2.local_shape("test") == topology::Shape::Chain);
  CHECK(dc2.describe().find("chain/ring hop") != std::string::npos);
}

TEST_CASE("active-active without forwarding never echoes", "[topology]") {
  const std::string ns2 = "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n}\n";
  const std::string ns1 = "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC1\n}\n";
  topology::Topology dc1(dc_config(1, {"DC2"}, ns2)), dc2(dc_config(2, {"DC1"}, ns1));
  CHECK(dc1.should_ship(local("test"), "DC2").ship);
  CHECK(reason(dc2.should_ship(remote("test", 1), "DC1")) == std::string("forward"));
  CHECK(dc1.local_shape("test") == topology::Shape::ActivePassive);
}

TEST_CASE("describe names the graph per namespace", "[topology]") {
  topology::Topology topo(dc_config(1, {"DC2", "DC3"},
                                    "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n"
                                    "  xdr-remote-datacenter DC3\n}\n"
                                    "namespace cold {\n}\n"
                                    "namespace users {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n"
                                    "  set sessions {\n    set-enable-xdr false\n  }\n}\n"));
  std::string text = topo.describe();
  INFO(text);
  CHECK(text.find("namespace test: this DC (src-id 1) -> DC2, DC3 [sets: all] [forwarding: off] [star 1->2]\n") !=
        std::string::npos);
  CHECK(text.find("namespace cold: xdr off\n") != std::string::npos);
  CHECK(text.find("[sets: all except sessions]") != std::string::npos);
  CHECK(text.find("active-active when DC2 ships back") != std::string::npos);
  CHECK(topo.local_shape("test") == topology::Shape::Star);
  CHECK(topo.local_shape("cold") == topology::Shape::None);

  topo.learn_src_id("DC3", 3);
  CHECK(topo.describe().find("-> DC2, DC3 (src-id 3) [") != std::string::npos);
}

TEST_CASE("should_ship is safe while learn_src_id races with it", "[topology]") {
  topology::Topology topo(dc_config(1, {"DC2"},
                                    "namespace test {\n  enable-xdr true\n  xdr-remote-datacenter DC2\n}\n",
                                    "  forward-xdr-writes true\n"));
  std::atomic<bool> stop{false};
  std::thread learner([&] {
    for (int i = 0; !stop.load(); ++i) topo.learn_src_id("DC2", uint8_t(2 + i % 2));
  });
  std::vector<std::thread> readers;
  std::atomic<int> bad{0};
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        auto d = topo.should_ship(remote("test", 4), "DC2");  // origin 4 is never DC2's id
        if (!d.ship) ++bad;
      }
    });
  }
  for (auto& r : readers) r.join();
  stop = true;
  learner.join();
  CHECK(bad.load() == 0);
}

// ---- classify(): the names of whole XDR graphs.

TEST_CASE("classify names the supported shapes", "[topology]") {
  CHECK(topology::classify({}) == topology::Shape::None);
  CHECK(topology::classify({{"A", "A"}}) == topology::Shape::None);
  CHECK(topology::classify({{"A", "B"}}) == topology::Shape::ActivePassive);
  CHECK(topology::classify({{"A", "B"}, {"A", "B"}}) == topology::Shape::ActivePassive);
  CHECK(topology::classify({{"A", "B"}, {"B", "A"}}) == topology::Shape::ActiveActive);
  CHECK(topology::classify({{"A", "B"}, {"A", "C"}, {"A", "D"}}) == topology::Shape::Star);
  CHECK(topology::classify({{"A", "B"}, {"B", "C"}}) == topology::Shape::Chain);
  CHECK(topology::classify({{"A", "B"}, {"B", "C"}, {"C", "D"}}) == topology::Shape::Chain);
  CHECK(topology::classify({{"A", "B"}, {"B", "C"}, {"C", "A"}}) == topology::Shape::Ring);
  CHECK(topology::classify({{"A", "B"}, {"B", "A"}, {"B", "C"}, {"C", "B"}, {"A", "C"}, {"C", "A"}}) == topology::Shape::Mesh);
}

TEST_CASE("classify calls irregular graphs a mesh", "[topology]") {
  // Two separate pairs: two topologies, not one chain.
  CHECK(topology::classify({{"A", "B"}, {"C", "D"}}) == topology::Shape::Mesh);
  // A star whose spoke also ships on.
  CHECK(topology::classify({{"A", "B"}, {"A", "C"}, {"B", "C"}}) == topology::Shape::Mesh);
  // Fan-in: two sources into one sink.
  CHECK(topology::classify({{"A", "C"}, {"B", "C"}}) == topology::Shape::Mesh);
}

TEST_CASE("shape names", "[topology]") {
  CHECK(std::string(topology::shape_name(topology::Shape::ActivePassive)) == "active-passive");
  CHECK(std::string(topology::shape_name(topology::Shape::ActiveActive)) == "active-active");
  CHECK(std::string(topology::shape_name(topology::Shape::Star)) == "star");
  CHECK(std::string(topology::shape_name(topology::Shape::Chain)) == "chain");
  CHECK(std::string(topology::shape_name(topology::Shape::Ring)) == "ring");
  CHECK(std::string(topology::shape_name(topology::Shape::Mesh)) == "mesh");
  CHECK(std::string(topology::shape_name(topology::Shape::None)) == "none");
}
