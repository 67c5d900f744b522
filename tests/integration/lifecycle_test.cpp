// Process lifecycle: clean shutdown on SIGTERM, refusal to start on a bad config (with
// file:line), and refusal to start when the service port is taken.

#include <catch2/catch.hpp>

#include "support/asd_node.h"

TEST_CASE("SIGTERM stops asd cleanly", "[lifecycle]") {
  support::AsdNode node;
  auto c = node.connect();
  REQUIRE(c->put(client::Key("test", "s", 1), {{"a", client::Value(1)}}).ok());
  CHECK(node.terminate() == 0);
  CHECK(node.log().find("stopped") != std::string::npos);
}

TEST_CASE("a bad config names file and line and asd refuses to start", "[lifecycle]") {
  support::TempDir dir;
  std::string path = dir.path() + "/bad.conf";
  support::write_file(path,
                      "service {\n}\n"
                      "network {\n  service {\n    port 3000\n  }\n}\n"
                      "namespace test {\n  memory-sise 1G\n}\n");
  support::Process p;
  p.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/out.log");
  CHECK(p.wait(10000) == 1);
  std::string out = support::read_file(dir.path() + "/out.log");
  CHECK(out.find("bad.conf:9:") != std::string::npos);
  CHECK(out.find("memory-sise") != std::string::npos);
}

TEST_CASE("asd refuses to start when its port is taken", "[lifecycle]") {
  support::AsdNode first;
  support::TempDir dir;
  std::string cfg = support::read_file(first.config_path());
  std::string path = dir.path() + "/same-port.conf";
  support::write_file(path, cfg);
  support::Process second;
  second.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/out.log");
  CHECK(second.wait(10000) == 1);
  CHECK(support::read_file(dir.path() + "/out.log").find("cannot listen") != std::string::npos);
}
