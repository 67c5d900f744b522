// Request encoders, byte for byte against wire-protocol.md Appendix A (captured from the
// official Node.js/C client) and the layouts of §3.6, §8 and §9.

#include <catch2/catch.hpp>

#include "client/request.h"
#include "common/bytes.h"
#include "hex.h"
#include "proto/batch.h"
#include "proto/cdt_ops.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "proto/message.h"

using client::Key;
using client_test::hex;

namespace {

const std::string kKeyFields = hex(
    "00 00 00 05 00 74 65 73 74"
    "00 00 00 05 01 64 65 6d 6f"
    "00 00 00 15 04 ec91192d4b7f8ce35d5d78d34bca65cbaaaac960");

proto::Message parse(const std::string& request, std::string& body) {
  auto header = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(request.data()));
  REQUIRE(header.type == uint8_t(proto::ProtoType::Message));
  REQUIRE(header.size + 8 == request.size());
  body = request.substr(8);
  proto::Message msg;
  auto used = proto::parse_message(body, &msg);
  REQUIRE(used.ok());
  REQUIRE(*used == body.size());
  return msg;
}

}  // namespace

TEST_CASE("put request matches A.2", "[client]") {
  Key key("test", "demo", "key1");
  std::string request = client::encode_put(key, {{"i", client::Value(42)}}, {}, 1000);
  std::string expected = hex(
      "02 03 00 00 00 00 00 52"
      "16 00 01 00 00 00  00 00 00 00  00 00 00 00  00 00 03 e8  00 03 00 01") +
      kKeyFields + hex("00 00 00 0d 02 01 00 01 69  00 00 00 00 00 00 00 2a");
  CHECK(request == expected);
}

TEST_CASE("get and exists requests match A.3", "[client]") {
  Key key("test", "demo", "key1");
  std::string head = hex("02 03 00 00 00 00 00 41");
  CHECK(client::encode_get(key, {}, {}, 1000) ==
        head + hex("16 03 00 00 00 00 00000000 00000000 000003e8 0003 0000") + kKeyFields);
  CHECK(client::encode_get_header(key, {}, 1000) ==
        head + hex("16 21 00 00 00 00 00000000 00000000 000003e8 0003 0000") + kKeyFields);
}

TEST_CASE("get of selected bins sends READ ops", "[client]") {
  std::string body;
  auto msg = parse(client::encode_get(Key("test", "demo", "key1"), {"a", "bc"}, {}, 500), body);
  CHECK(msg.header.info1 == proto::info1::kRead);
  CHECK(msg.header.transaction_ttl == 500);
  REQUIRE(msg.ops.size() == 2);
  CHECK(msg.ops[0].op == uint8_t(proto::OpType::Read));
  CHECK(msg.ops[1].name == "bc");
  CHECK(msg.ops[1].value.empty());
}

TEST_CASE("batch request matches A.4", "[client]") {
  std::vector<Key> keys{Key("test", "demo", "key1"), Key("test", "demo", 7)};
  std::string request = client::encode_batch(keys, {0, 1}, client::BatchRead::all(), {}, 1000);
  std::string expected = hex(
      "02 03 00 00 00 00 00 6f"
      "16 08 00 00 00 00  00 00 00 00  00 00 00 00  00 00 03 e8  00 01  00 00"
      "00 00 00 55 29"
      "00 00 00 02  0d"
      "00 00 00 00  ec91192d4b7f8ce35d5d78d34bca65cbaaaac960  0a"
      "03 00 00  00 00 00 00  00 02  00 00"
      "00 00 00 05 00 74 65 73 74  00 00 00 05 01 64 65 6d 6f"
      "00 00 00 01  dc2e595bc2a0d8c6290c474d74e71b23e3ed846a  01");
  CHECK(request == expected);
}

TEST_CASE("batch rows: selected bins, header only, set changes", "[client]") {
  std::vector<Key> keys{Key("test", "demo", "key1"), Key("test", "other", 7)};
  std::string body;
  auto msg = parse(client::encode_batch(keys, {0, 1}, client::BatchRead::selected({"i"}), {}, 1000), body);
  REQUIRE(msg.fields.size() == 1);
  // The captured selected-bin row of A.4: full row, READ op for "i".
  std::string row0 = hex("0a 01 00 00 00000000 0002 0001") +
                     hex("00 00 00 05 00 74 65 73 74  00 00 00 05 01 64 65 6d 6f") +
                     hex("00000005 01 00 00 01 69");
  CHECK(msg.fields[0].data.substr(5 + 24, row0.size()) == row0);

  proto::BatchRequest parsed;
  REQUIRE(proto::parse_batch_field(msg.fields[0].data, &parsed).ok());
  REQUIRE(parsed.rows.size() == 2);
  CHECK(parsed.rows[1].index == 1);
  REQUIRE(parsed.rows[1].field(proto::FieldType::Set));
  CHECK(parsed.rows[1].field(proto::FieldType::Set)->data == "other");  // a set change is a full row

  auto header_only = parse(client::encode_batch(keys, {1}, client::BatchRead::header(), {}, 1000), body);
  REQUIRE(proto::parse_batch_field(header_only.fields[0].data, &parsed).ok());
  CHECK(parsed.rows.back().header.info1 == (proto::info1::kRead | proto::info1::kGetNoBinData));
}

TEST_CASE("write policy bits", "[client]") {
  Key key("test", "demo", "key1");
  client::WritePolicy p;
  p.exists = client::ExistsAction::CreateOnly;
  p.generation_policy = client::GenerationPolicy::Eq;
  p.generation = 7;
  p.ttl = client::kTtlNeverExpire;
  p.durable_delete = true;
  p.send_key = true;
  std::string body;
  auto msg = parse(client::encode_put(key, {{"s", client::Value("x")}, {"gone", {}}}, p, 1000), body);
  CHECK(msg.header.info2 == (proto::info2::kWrite | proto::info2::kCreateOnly | proto::info2::kGeneration |
                             proto::info2::kDurableDelete));
  CHECK(msg.header.generation == 7);
  CHECK(msg.header.record_ttl == 0xFFFFFFFF);
  REQUIRE(msg.field(proto::FieldType::Key));
  CHECK(msg.field(proto::FieldType::Key)->data == std::string("\x03key1"));
  REQUIRE(msg.ops.size() == 2);
  CHECK(msg.ops[1].particle == 0);  // nil deletes the bin

  for (auto [action, bit] : {std::pair{client::ExistsAction::UpdateOnly, proto::info3::kUpdateOnly},
                             std::pair{client::ExistsAction::Replace, proto::info3::kCreateOrReplace},
                             std::pair{client::ExistsAction::ReplaceOnly, proto::info3::kReplaceOnly}}) {
    client::WritePolicy q;
    q.exists = action;
    CHECK(parse(client::encode_put(key, {}, q, 1000), body).header.info3 == bit);
  }
}

TEST_CASE("xdr write carries flag, lut and source id", "[client]") {
  client::WritePolicy p;
  p.xdr = true;
  p.lut = 0x0102030405060708ull;
  p.src_id = 3;
  std::string body;
  auto msg = parse(client::encode_put(Key("test", "demo", "key1"), {{"i", client::Value(1)}}, p, 1000), body);
  CHECK((msg.header.info1 & proto::info1::kXdr) != 0);
  REQUIRE(msg.field(proto::FieldType::Lut));
  CHECK(msg.field(proto::FieldType::Lut)->data == hex("0102030405060708"));
  REQUIRE(msg.field(proto::FieldType::XdrSrcId));
  CHECK(msg.field(proto::FieldType::XdrSrcId)->data == std::string(1, '\x03'));

  auto del = parse(client::encode_remove(Key("test", "demo", "key1"), p, 1000), body);
  CHECK(del.header.info1 == proto::info1::kXdr);
  CHECK(del.header.info2 == (proto::info2::kWrite | proto::info2::kDelete));
  CHECK(del.ops.empty());
}

TEST_CASE("operate header follows its ops", "[client]") {
  Key key("test", "demo", "key1");
  std::string body;
  auto rw = parse(client::encode_operate(key, {client::Operation::incr("i", int64_t(1)), client::Operation::read("i")},
                                         {}, 1000), body);
  CHECK(rw.header.info1 == proto::info1::kRead);
  CHECK(rw.header.info2 == proto::info2::kWrite);
  CHECK(rw.ops[0].op == uint8_t(proto::OpType::Incr));

  client::WritePolicy all_ops;
  all_ops.respond_all_ops = true;
  auto ro = parse(client::encode_operate(key, {client::Operation::read_all()}, all_ops, 1000), body);
  CHECK(ro.header.info1 == (proto::info1::kRead | proto::info1::kGetAll));
  CHECK(ro.header.info2 == 0);  // RESPOND_ALL_OPS never with GET_ALL

  auto cdt = parse(client::encode_operate(key, {client::Operation::cdt_modify("l", hex("9301"))}, all_ops, 1000), body);
  CHECK(cdt.header.info2 == (proto::info2::kWrite | proto::info2::kRespondAllOps));
  CHECK(cdt.ops[0].particle == uint8_t(proto::ParticleType::Blob));

  auto touch = parse(client::encode_operate(key, {client::Operation::touch()}, {}, 1000), body);
  CHECK(touch.ops[0].op == uint8_t(proto::OpType::Touch));
  CHECK(touch.ops[0].name.empty());
}

TEST_CASE("cdt operations carry proto/cdt_ops payloads as blobs", "[client]") {
  std::string payload = proto::cdt::list_append(proto::msgpack::Value::integer(5));
  std::string body;
  auto msg = parse(client::encode_operate(Key("test", "demo", "key1"),
                                          {client::Operation::cdt_modify("l", payload),
                                           client::Operation::cdt_read("l", proto::cdt::list_size())},
                                          {}, 1000),
                   body);
  REQUIRE(msg.ops.size() == 2);
  CHECK(msg.ops[0].op == uint8_t(proto::OpType::CdtModify));
  CHECK(msg.ops[0].particle == uint8_t(proto::ParticleType::Blob));
  CHECK(msg.ops[0].value == payload);
  CHECK(msg.ops[1].op == uint8_t(proto::OpType::CdtRead));
  CHECK(msg.header.info1 == proto::info1::kRead);
  CHECK(msg.header.info2 == proto::info2::kWrite);
}

TEST_CASE("compressed requests are type 4 above 128 bytes", "[client]") {
  client::WritePolicy p;
  p.compress = true;
  Key key("test", "demo", "key1");
  std::string small = client::encode_put(key, {{"i", client::Value(1)}}, p, 1000);
  CHECK(small[1] == 3);
  std::string big = client::encode_put(key, {{"s", client::Value(std::string(300, 'x'))}}, p, 1000);
  REQUIRE(big[1] == 4);
  auto inner = proto::inflate_proto(std::string_view(big).substr(8));
  REQUIRE(inner.ok());
  std::string body;
  auto msg = parse(*inner, body);
  CHECK((msg.header.info1 & proto::info1::kCompressResponse) != 0);
  CHECK(msg.ops[0].value == std::string(300, 'x'));
}

TEST_CASE("scan request layout as A.5", "[client]") {
  client::ScanRequest req;
  req.ns = "test";
  req.set = "demo";
  req.task_id = 42;
  for (uint32_t pid = 0; pid < 4096; ++pid) req.partitions.push_back(uint16_t(pid));
  client::ScanPolicy policy;
  policy.socket_timeout_ms = 1000;
  std::string body;
  auto msg = parse(client::encode_scan(req, policy), body);
  CHECK(body.size() == 8259);
  CHECK(msg.header.info1 == proto::info1::kRead);
  CHECK(msg.header.info3 == proto::info3::kPartitionDone);
  CHECK(msg.header.record_ttl == 0xFFFFFFFF);
  std::vector<uint8_t> order;
  for (const auto& f : msg.fields) order.push_back(f.type);
  CHECK(order == std::vector<uint8_t>{0, 1, 9, 7, 11});
  CHECK(msg.fields[4].data.substr(0, 6) == hex("00 00 01 00 02 00"));

  policy.bins = {"i"};
  req.max_records = 10;
  req.resume_after = {common::compute_digest("demo", "key1")};
  auto more = parse(client::encode_scan(req, policy), body);
  order.clear();
  for (const auto& f : more.fields) order.push_back(f.type);
  CHECK(order == std::vector<uint8_t>{0, 1, 9, 7, 11, 12, 13});
  CHECK(more.field(proto::FieldType::MaxRecords)->data == hex("00 00 00 00 00 00 00 0a"));
  REQUIRE(more.ops.size() == 1);
  CHECK(more.ops[0].name == "i");
}

TEST_CASE("request validation", "[client]") {
  CHECK(client::validate_key(Key("test", "demo", 1)).ok());
  CHECK(client::validate_key(Key("", "demo", 1)).code() == common::ResultCode::Parameter);
  CHECK(client::validate_key(Key(std::string(32, 'n'), "demo", 1)).code() == common::ResultCode::Parameter);
  CHECK(client::validate_bin_name(std::string(15, 'b')).ok());
  CHECK(client::validate_bin_name(std::string(16, 'b')).code() == common::ResultCode::BinName);
  CHECK(client::truncate_command("test", "") == "truncate-namespace:namespace=test");
  CHECK(client::truncate_command("test", "demo") == "truncate:namespace=test;set=demo");
}

TEST_CASE("query filters: integer range, string equality, geo, collection index type", "[client]") {
  client::ScanRequest req;
  req.ns = "test";
  req.task_id = 7;
  req.partitions = {1};
  client::ScanPolicy policy;
  policy.filter = client::IndexRange{"n", 1, 2};
  std::string body;
  auto ints = parse(client::encode_scan(req, policy), body);
  CHECK(!ints.field(proto::FieldType::IndexType));
  CHECK(ints.field(proto::FieldType::IndexRange)->data ==
        hex("01 01 6e 01 00000008 0000000000000001 00000008 0000000000000002"));

  policy.filter->kind = client::IndexRange::Kind::String;
  policy.filter->text = "ab";
  policy.filter->collection = client::IndexCollection::MapValues;
  auto strings = parse(client::encode_scan(req, policy), body);
  CHECK(strings.field(proto::FieldType::IndexType)->data == hex("03"));
  CHECK(strings.field(proto::FieldType::IndexRange)->data == hex("01 01 6e 03 00000002 6162 00000002 6162"));
  std::vector<uint8_t> order;
  for (const auto& f : strings.fields) order.push_back(f.type);
  CHECK(order == std::vector<uint8_t>{0, 9, 7, 11, 26, 22});

  policy.filter->kind = client::IndexRange::Kind::GeoJson;
  policy.filter->text = "{}";
  policy.filter->collection = client::IndexCollection::Default;
  auto geo = parse(client::encode_scan(req, policy), body);
  CHECK(geo.field(proto::FieldType::IndexRange)->data == hex("01 01 6e 17 00000002 7b7d 00000002 7b7d"));
}

TEST_CASE("aggregation request: UDF fields, no partition tracking", "[client]") {
  client::ScanRequest req;
  req.ns = "test";
  req.set = "demo";
  req.task_id = 9;
  req.udf_module = "stats";
  req.udf_function = "count";
  client::ScanPolicy policy;
  std::string body;
  auto msg = parse(client::encode_scan(req, policy), body);
  CHECK(msg.header.info3 == 0);
  std::vector<uint8_t> order;
  for (const auto& f : msg.fields) order.push_back(f.type);
  CHECK(order == std::vector<uint8_t>{0, 1, 9, 7, 30, 31, 32, 33});
  CHECK(msg.field(proto::FieldType::UdfPackageName)->data == "stats");
  CHECK(msg.field(proto::FieldType::UdfFunction)->data == "count");
  CHECK(msg.field(proto::FieldType::UdfArgList)->data == hex("90"));
  CHECK(msg.field(proto::FieldType::UdfOp)->data == hex("01"));
}
