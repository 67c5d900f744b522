#include <catch2/catch.hpp>

#include "common/bytes.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "proto/info.h"

using namespace proto;

TEST_CASE("proto header encodes version, type and 48-bit size", "[proto]") {
  uint8_t b[8];
  encode_proto_header(b, ProtoType::Message, 0x52);
  const uint8_t expected[8] = {2, 3, 0, 0, 0, 0, 0, 0x52};
  CHECK(std::equal(b, b + 8, expected));
  ProtoHeader h = decode_proto_header(b);
  CHECK(h.version == 2);
  CHECK(h.type == 3);
  CHECK(h.size == 0x52);
}

TEST_CASE("proto header checks reject bad versions, types and sizes", "[proto]") {
  ProtoHeader h{2, 3, kMaxProtoSize};
  CHECK(check_proto_header(h).empty());
  h.size = kMaxProtoSize + 1;
  CHECK_FALSE(check_proto_header(h).empty());
  h = {1, 3, 10};
  CHECK_FALSE(check_proto_header(h).empty());
  h = {2, 9, 10};
  CHECK_FALSE(check_proto_header(h).empty());
  h = {2, 5, 10};  // internal XDR type: never from clients
  CHECK_FALSE(check_proto_header(h).empty());
  uint8_t max_size[8] = {2, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  CHECK_FALSE(check_proto_header(decode_proto_header(max_size)).empty());
}

TEST_CASE("compressed protos round trip and corrupt ones are refused", "[proto]") {
  std::string inner;
  size_t off = begin_proto(inner, ProtoType::Message);
  inner += std::string(300, 'x');
  end_proto(inner, off);
  std::string compressed = deflate_proto(inner);
  ProtoHeader h = decode_proto_header(common::as_bytes(compressed));
  CHECK(h.type == 4);
  auto body = std::string_view(compressed).substr(8);
  auto back = inflate_proto(body);
  REQUIRE(back.ok());
  CHECK(*back == inner);

  std::string corrupt(body);
  corrupt[12] ^= 0x55;
  CHECK_FALSE(inflate_proto(corrupt).ok());
  CHECK_FALSE(inflate_proto(body.substr(0, 5)).ok());
  for (size_t cut = 0; cut < body.size(); cut += 7) CHECK_FALSE(inflate_proto(body.substr(0, cut)).ok());
  std::string lying(body);
  common::store_be64(reinterpret_cast<uint8_t*>(lying.data()), 1ull << 40);
  CHECK_FALSE(inflate_proto(lying).ok());
}

TEST_CASE("info requests split into commands with path and params", "[proto]") {
  auto cmds = parse_info_request("node\nnamespace/test\nget-config:context=namespace;id=test\nunterminated");
  REQUIRE(cmds.size() == 3);
  CHECK(cmds[0].name == "node");
  CHECK(cmds[1].name == "namespace");
  REQUIRE(cmds[1].path.size() == 1);
  CHECK(cmds[1].path[0] == "test");
  CHECK(cmds[2].name == "get-config");
  CHECK(cmds[2].params == "context=namespace;id=test");
  std::string_view v;
  CHECK(find_info_param(cmds[2].params, "id", &v));
  CHECK(v == "test");
  CHECK_FALSE(find_info_param(cmds[2].params, "nope", &v));
  CHECK(parse_info_request("").empty());
  CHECK(parse_info_request("\n\n").empty());
}

TEST_CASE("info answers echo the command and parse back", "[proto]") {
  std::string out;
  append_info_answer(out, "node", "BB9");
  append_info_answer(out, "status", "ok");
  CHECK(out == "node\tBB9\nstatus\tok\n");
  auto pairs = parse_info_answer(out);
  REQUIRE(pairs.size() == 2);
  CHECK(pairs[1].first == "status");
  CHECK(pairs[1].second == "ok");
}

TEST_CASE("zstd-compressed protos round trip through the same inflate", "[proto]") {
  std::string inner;
  size_t off = begin_proto(inner, ProtoType::Message);
  inner += std::string(500, 'z');
  end_proto(inner, off);
  std::string compressed = deflate_proto_zstd(inner);
  CHECK(compressed.size() < inner.size());
  auto back = inflate_proto(std::string_view(compressed).substr(8));
  REQUIRE(back.ok());
  CHECK(*back == inner);
  std::string corrupt = compressed.substr(8);
  corrupt[20] ^= 0x11;
  CHECK_FALSE(inflate_proto(corrupt).ok());
}
