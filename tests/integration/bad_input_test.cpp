// Bad input against a real asd: malformed and truncated frames, absurd sizes, garbage
// compression, unknown namespaces, oversized records and bin names. Each gets the right
// result code or a closed connection, the daemon never crashes, and other clients keep
// being served throughout.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "common/bytes.h"
#include "proto/frame.h"
#include "proto/message.h"
#include "support/asd_node.h"
#include "support/raw_socket.h"

using client::Key;
using client::Value;
using common::ResultCode;

namespace {

std::string frame(proto::ProtoType type, const std::string& body) {
  std::string out;
  size_t off = proto::begin_proto(out, type);
  out += body;
  proto::end_proto(out, off);
  return out;
}

uint8_t result_of(const std::string& proto_bytes) { return uint8_t(proto_bytes[8 + 5]); }

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("malformed frames close the connection or answer an error; others keep working", "[badinput]") {
  support::AsdNode node;
  auto healthy = node.connect();
  REQUIRE(healthy->put(Key("test", "s", 1), {{"a", Value(1)}}).ok());

  SECTION("bad version closes") {
    support::RawSocket s(node.port());
    s.send(std::string("\x07\x03\x00\x00\x00\x00\x00\x16", 8) + std::string(22, '\0'));
    CHECK(s.closed_by_peer());
  }
  SECTION("unknown type closes") {
    support::RawSocket s(node.port());
    s.send(std::string("\x02\x09\x00\x00\x00\x00\x00\x00", 8));
    CHECK(s.closed_by_peer());
  }
  SECTION("absurd size closes without allocating it") {
    support::RawSocket s(node.port());
    s.send(std::string("\x02\x03\x7f\xff\xff\xff\xff\xff", 8));
    CHECK(s.closed_by_peer());
  }
  SECTION("a message with a lying field size answers parameter error, connection stays") {
    support::RawSocket s(node.port());
    std::string body;
    proto::MsgHeader h;
    h.n_fields = 1;
    proto::append_msg_header(body, h);
    body += std::string("\x00\x00\x10\x00\x00test", 9);
    s.send(frame(proto::ProtoType::Message, body));
    auto answer = s.recv_proto();
    REQUIRE(answer);
    CHECK(result_of(*answer) == uint8_t(ResultCode::Parameter));
    s.send(frame(proto::ProtoType::Info, "status\n"));
    auto info = s.recv_proto();
    REQUIRE(info);
    CHECK(info->substr(8) == "status\tok\n");
  }
  SECTION("a short message body answers parameter error") {
    support::RawSocket s(node.port());
    s.send(frame(proto::ProtoType::Message, std::string(5, '\x16')));
    auto answer = s.recv_proto();
    REQUIRE(answer);
    CHECK(result_of(*answer) == uint8_t(ResultCode::Parameter));
  }
  SECTION("garbage compression closes") {
    support::RawSocket s(node.port());
    s.send(frame(proto::ProtoType::Compressed, std::string("\x00\x00\x00\x00\x00\x00\x01\x00garbage!", 16)));
    CHECK(s.closed_by_peer());
  }
  SECTION("a truncated frame followed by a disconnect") {
    {
      support::RawSocket s(node.port());
      s.send(std::string("\x02\x03\x00\x00\x00\x00\x01\x00", 8) + std::string(30, '\x01'));
    }
  }
  SECTION("unknown namespace answers 20") {
    auto c = node.connect();
    CHECK(c->put(Key("nosuchns", "s", 1), {{"a", Value(1)}}).code() == ResultCode::Namespace);
  }
  SECTION("oversized record answers 13, long bin name 21") {
    CHECK(healthy->put(Key("test", "s", 2), {{"big", Value::blob(std::string(2 * 1024 * 1024, 'x'))}}).code() ==
          ResultCode::RecordTooBig);
    CHECK(healthy->put(Key("test", "s", 3), {{"a-very-long-bin-name", Value(1)}}).code() == ResultCode::BinName);
  }
  // Whatever happened above, the daemon is alive and serving.
  REQUIRE(node.process().running());
  auto rec = healthy->get(Key("test", "s", 1));
  REQUIRE(rec.ok());
  CHECK(rec->bin("a")->as_int() == 1);
}

TEST_CASE("random garbage from many connections never takes the daemon down", "[badinput]") {
  support::AsdNode node;
  auto healthy = node.connect();
  uint32_t seed = 42;
  auto next = [&] { return seed = seed * 1103515245 + 12345; };
  for (int round = 0; round < 200; ++round) {
    support::RawSocket s(node.port());
    std::string junk(8 + next() % 300, '\0');
    for (char& ch : junk) ch = char(next() >> 16);
    junk[0] = 2;
    junk[1] = char(1 + next() % 4);
    uint64_t size = next() % 400;
    for (int i = 0; i < 6; ++i) junk[2 + i] = char((size >> (8 * (5 - i))) & 0xff);
    s.send(junk);
    (void)s.recv_proto(50);
    if (round % 20 == 0) REQUIRE(healthy->put(Key("test", "g", round), {{"r", Value(round)}}).ok());
  }
  REQUIRE(node.process().running());
  CHECK(healthy->get(Key("test", "g", 0)).ok());
}

TEST_CASE("a flood of bad frames writes a few log lines, then the number held back", "[badinput]") {
  support::AsdNode node;
  const std::string bad_version = std::string("\x07\x03\x00\x00\x00\x00\x00\x16", 8) + std::string(22, '\0');
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    support::RawSocket s(node.port());
    s.send(bad_version);
    REQUIRE(s.closed_by_peer());
  }
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  // Past the limiter's 1 s interval, the next rejection reports what was held back.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  {
    support::RawSocket s(node.port());
    s.send(bad_version);
    REQUIRE(s.closed_by_peer());
  }
  REQUIRE(node.process().running());
  std::string log;
  REQUIRE(support::eventually([&] { return (log = node.log()).find("similar)") != std::string::npos; }, 3000));
  size_t lines = count_of(log, "closing connection");
  INFO(log);
  CHECK(lines >= 2);
  CHECK(lines <= size_t(seconds.count()) + 3);
  CHECK(count_of(log, "suppressed ") >= 1);
}

TEST_CASE("the fault hook cluster-block-nodes answers only where fault injection is enabled", "[badinput]") {
  support::AsdNode plain;
  auto c = plain.connect();
  auto refused = c->info("cluster-block-nodes:nodes=a1");
  REQUIRE(refused.ok());
  CHECK(*refused == "ERROR:4:unrecognized command");
  auto size = c->info("cluster-size");
  REQUIRE(size.ok());
  CHECK(*size == "1");

  support::AsdOptions options;
  options.service_extra = "  enable-fault-injection true\n";
  support::AsdNode testing(options);
  auto t = testing.connect();
  auto allowed = t->info("cluster-block-nodes:nodes=a1");
  REQUIRE(allowed.ok());
  CHECK(*allowed == "ok");
}
