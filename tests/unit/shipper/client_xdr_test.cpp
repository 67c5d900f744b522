// The client features the shipper and the recovery scanner rely on: XDR reads and scans,
// fields 14/200 in answers, zstd-compressed writes. Tested here because they exist for
// XDR; the client's own suite covers the rest of the encoders.

#include <catch2/catch.hpp>

#include "client/request.h"
#include "client/response.h"
#include "common/bytes.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "proto/message.h"

namespace {

proto::Message parse_request(const std::string& request, std::string& inner_storage) {
  std::string_view body(request);
  proto::ProtoHeader h = proto::decode_proto_header(common::as_bytes(body));
  body.remove_prefix(proto::kProtoHeaderSize);
  if (h.type == uint8_t(proto::ProtoType::Compressed)) {
    auto inner = proto::inflate_proto(body);
    REQUIRE(inner.ok());
    inner_storage = std::move(*inner);
    body = std::string_view(inner_storage).substr(proto::kProtoHeaderSize);
  }
  proto::Message msg;
  auto used = proto::parse_message(body, &msg);
  REQUIRE(used.ok());
  return msg;
}

const client::Key kKey("test", "s", int64_t(7));

}  // namespace

TEST_CASE("an XDR read sets the info1 XDR bit", "[shipper][client]") {
  client::ReadPolicy p;
  std::string storage;
  CHECK_FALSE(parse_request(client::encode_get(kKey, {}, p, 1000), storage).header.info1 & proto::info1::kXdr);
  p.xdr = true;
  auto msg = parse_request(client::encode_get(kKey, {}, p, 1000), storage);
  CHECK(msg.header.info1 & proto::info1::kXdr);
  CHECK(msg.header.info1 & proto::info1::kGetAll);
}

TEST_CASE("a recovery scan carries the XDR bit and field 14", "[shipper][client]") {
  client::ScanRequest req{"test", "", {1, 2}, {}, 99, 0};
  client::ScanPolicy p;
  std::string storage;
  auto plain = parse_request(client::encode_scan(req, p), storage);
  CHECK(plain.field(proto::FieldType::Lut) == nullptr);
  p.xdr = true;
  p.since_lut = 0x0102030405060708ull;
  std::string request = client::encode_scan(req, p);
  auto msg = parse_request(request, storage);
  CHECK(msg.header.info1 & proto::info1::kXdr);
  const proto::Field* lut = msg.field(proto::FieldType::Lut);
  REQUIRE(lut);
  REQUIRE(lut->data.size() == 8);
  CHECK(common::load_be64(common::as_bytes(lut->data)) == 0x0102030405060708ull);
}

TEST_CASE("answers with fields 14 and 200 give the record's LUT and origin", "[shipper][client]") {
  proto::Message msg;
  std::string lut;
  common::append_be64(lut, 123456789);
  std::string origin(1, char(3));
  msg.fields = {{uint8_t(proto::FieldType::Lut), lut}, {uint8_t(proto::FieldType::XdrSrcId), origin}};
  client::Record rec = client::to_record(msg);
  CHECK(rec.lut == 123456789);
  CHECK(rec.origin_src_id == 3);
  CHECK(client::to_record(proto::Message{}).lut == 0);
}

TEST_CASE("an XDR write can go zstd-compressed, with sizes reported", "[shipper][client]") {
  client::WritePolicy p;
  p.xdr = true;
  p.lut = 42;
  p.src_id = 1;
  p.compress = true;
  p.zstd = true;
  client::WireSizes sizes;
  p.wire_sizes = &sizes;
  std::vector<client::Bin> bins{{"b", client::Value(std::string(2000, 'x'))}};
  std::string request = client::encode_put(kKey, bins, p, 1000);
  REQUIRE(request.size() > 20);
  CHECK(uint8_t(request[1]) == uint8_t(proto::ProtoType::Compressed));
  // 8-byte proto header, 8-byte length, then the zstd magic 28 b5 2f fd.
  CHECK(uint8_t(request[16]) == 0x28);
  CHECK(uint8_t(request[17]) == 0xb5);
  CHECK(uint8_t(request[18]) == 0x2f);
  CHECK(uint8_t(request[19]) == 0xfd);
  CHECK(sizes.sent == request.size());
  CHECK(sizes.plain > sizes.sent);
  std::string storage;
  auto msg = parse_request(request, storage);
  CHECK(msg.header.info1 & proto::info1::kXdr);
  CHECK_FALSE(msg.header.info1 & proto::info1::kCompressResponse);  // answers stay plain
  REQUIRE(msg.field(proto::FieldType::Lut));
  REQUIRE(msg.field(proto::FieldType::XdrSrcId));
  CHECK(msg.ops.size() == 1);
  // Without zstd the same policy still means zlib (what the official clients send).
  p.zstd = false;
  std::string zlib = client::encode_put(kKey, bins, p, 1000);
  CHECK(uint8_t(zlib[16]) == 0x78);
}
