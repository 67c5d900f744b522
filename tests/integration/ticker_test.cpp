// The ticker against a real asd: with `ticker-interval 1` its log shows a block of
// statistics lines every second, the counts follow the data, and set-config pauses and
// resumes it.

#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "support/asd_node.h"

using client::Key;
using client::Value;

namespace {

size_t ticks_in(const std::string& log) {
  size_t n = 0;
  for (size_t at = log.find("NODE-ID "); at != std::string::npos; at = log.find("NODE-ID ", at + 1)) ++n;
  return n;
}

std::string info(client::Client& c, const std::string& command) {
  auto answer = c.info(command);
  return answer.ok() ? *answer : "error";
}

}  // namespace

TEST_CASE("asd logs ticker lines every ticker-interval; set-config pauses and resumes them", "[ticker]") {
  support::AsdOptions options;
  options.service_extra = "  ticker-interval 1\n";
  support::AsdNode node(options);
  auto c = node.connect();
  REQUIRE(c->put(Key("test", "s", 1), {{"a", Value(1)}}).ok());
  REQUIRE(c->get(Key("test", "s", 1)).ok());

  REQUIRE(support::eventually([&] { return node.log().find("{test} objects: all 1 ") != std::string::npos; }, 4000));
  std::string log = node.log();
  INFO(log);
  CHECK(log.find("CLUSTER-SIZE 1") != std::string::npos);
  CHECK(log.find("   fds: proto (") != std::string::npos);
  CHECK(log.find("   migrations: complete") != std::string::npos);
  CHECK(log.find("{test} memory-usage: used-bytes ") != std::string::npos);
  CHECK(log.find("{test} client: read (1,0,0) write (1,0)") != std::string::npos);
  CHECK(log.find("{test} ops/sec: read ") != std::string::npos);

  REQUIRE(info(*c, "set-config:context=service;ticker-interval=0") == "ok");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  size_t paused_at = ticks_in(node.log());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(ticks_in(node.log()) == paused_at);

  REQUIRE(info(*c, "set-config:context=service;ticker-interval=1") == "ok");
  CHECK(support::eventually([&] { return ticks_in(node.log()) > paused_at; }, 3000));
  CHECK(info(*c, "get-config:context=service").find("ticker-interval=1") != std::string::npos);
}
