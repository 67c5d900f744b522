#include <catch2/catch.hpp>

#include <random>

#include "common/bytes.h"
#include "common/digest.h"
#include "proto/batch.h"
#include "proto/message.h"

using namespace proto;

namespace {

// The put request of wire-protocol.md Appendix A.2, body only.
std::string appendix_a2_body() {
  std::string body;
  MsgHeader h;
  h.info2 = info2::kWrite;
  h.transaction_ttl = 1000;
  h.n_fields = 3;
  h.n_ops = 1;
  append_msg_header(body, h);
  append_field(body, FieldType::Namespace, "test");
  append_field(body, FieldType::Set, "demo");
  append_field(body, FieldType::Digest, common::compute_digest("demo", std::string_view("key1")).view());
  std::string value(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(value.data()), 42);
  append_op(body, OpType::Write, uint8_t(ParticleType::Integer), "i", value);
  return body;
}

}  // namespace

TEST_CASE("a put request matches the official client's bytes", "[proto]") {
  std::string body = appendix_a2_body();
  REQUIRE(body.size() == 82);
  const char* expected_header = "\x16\x00\x01\x00\x00\x00";
  CHECK(body.substr(0, 6) == std::string(expected_header, 6));
  CHECK(common::to_hex(body.substr(22, 9)) == "000000050074657374");
  CHECK(common::to_hex(body.substr(65)) == "0000000d020100016900000000000000" "2a");
}

TEST_CASE("messages parse back into header, fields and ops", "[proto]") {
  std::string body = appendix_a2_body();
  Message m;
  auto used = parse_message(body, &m);
  REQUIRE(used.ok());
  CHECK(*used == body.size());
  CHECK(m.header.info2 == info2::kWrite);
  CHECK(m.header.transaction_ttl == 1000);
  REQUIRE(m.fields.size() == 3);
  CHECK(m.field(FieldType::Namespace)->data == "test");
  CHECK(m.field(FieldType::Key) == nullptr);
  REQUIRE(m.ops.size() == 1);
  CHECK(m.ops[0].name == "i");
  CHECK(common::load_be64(common::as_bytes(m.ops[0].value)) == 42);
}

TEST_CASE("every truncation of a valid message is refused, never overread", "[proto]") {
  std::string body = appendix_a2_body();
  for (size_t cut = 0; cut < body.size(); ++cut) {
    std::string truncated = body.substr(0, cut);  // own buffer so a sanitizer sees overreads
    Message m;
    CHECK_FALSE(parse_message(truncated, &m).ok());
  }
}

TEST_CASE("garbage never crashes the decoder", "[proto]") {
  std::mt19937 rng(12345);
  std::string body = appendix_a2_body();
  for (int round = 0; round < 20000; ++round) {
    std::string mutated = body;
    int flips = 1 + int(rng() % 6);
    for (int f = 0; f < flips; ++f) mutated[rng() % mutated.size()] = char(rng());
    if (rng() % 4 == 0) mutated.resize(rng() % mutated.size());
    Message m;
    auto r = parse_message(mutated, &m);
    if (r.ok()) {
      CHECK(*r <= mutated.size());
      for (const Field& fld : m.fields) CHECK(fld.data.data() + fld.data.size() <= mutated.data() + mutated.size());
      for (const Op& op : m.ops) CHECK(op.value.data() + op.value.size() <= mutated.data() + mutated.size());
    }
  }
  for (int round = 0; round < 5000; ++round) {
    std::string random(rng() % 200, '\0');
    for (char& c : random) c = char(rng());
    Message m;
    (void)parse_message(random, &m);
  }
}

TEST_CASE("boundary sizes: counts that promise more than the buffer holds", "[proto]") {
  std::string body(22, '\0');
  body[0] = 22;
  body[18] = char(0xff);  // 65280 fields announced, none present
  body[19] = char(0xff);
  Message m;
  CHECK_FALSE(parse_message(body, &m).ok());

  std::string field_overrun = std::string(22, '\0');
  field_overrun[0] = 22;
  field_overrun[19] = 1;
  field_overrun += std::string("\xff\xff\xff\xff\x00", 5);
  CHECK_FALSE(parse_message(field_overrun, &m).ok());

  std::string zero_field = std::string(22, '\0');
  zero_field[0] = 22;
  zero_field[19] = 1;
  zero_field += std::string("\x00\x00\x00\x00", 4);
  CHECK_FALSE(parse_message(zero_field, &m).ok());

  std::string bad_header = appendix_a2_body();
  bad_header[0] = 21;
  CHECK_FALSE(parse_message(bad_header, &m).ok());

  std::string op_name_overrun;
  MsgHeader h;
  h.n_ops = 1;
  append_msg_header(op_name_overrun, h);
  op_name_overrun += std::string("\x00\x00\x00\x04\x01\x00\x00\x0f", 8);  // name len 15 > op size
  CHECK_FALSE(parse_message(op_name_overrun, &m).ok());
}

TEST_CASE("batch rows: full rows, repeat rows and malformed rows", "[proto]") {
  auto d1 = common::compute_digest("demo", std::string_view("key1"));
  auto d2 = common::compute_digest("demo", int64_t(7));
  std::string data;
  common::append_be32(data, 2);
  data.push_back(0x0d);
  append_batch_row(data, 0, d1, info1::kRead | info1::kGetAll, "test", "demo", {});
  common::append_be32(data, 1);
  data += d2.view();
  data.push_back(batch_flags::kRepeat);

  BatchRequest req;
  REQUIRE(parse_batch_field(data, &req).ok());
  REQUIRE(req.rows.size() == 2);
  CHECK(req.parent_flags == 0x0d);
  CHECK(req.rows[0].digest == d1);
  CHECK(req.rows[1].index == 1);
  CHECK(req.rows[1].digest == d2);
  CHECK(req.rows[1].field(FieldType::Namespace)->data == "test");
  CHECK(req.rows[1].header.info1 == (info1::kRead | info1::kGetAll));

  for (size_t cut = 0; cut < data.size(); ++cut) {
    BatchRequest partial;
    std::string truncated = data.substr(0, cut);
    CHECK_FALSE(parse_batch_field(truncated, &partial).ok());
  }

  std::string repeat_first;
  common::append_be32(repeat_first, 1);
  repeat_first.push_back(0);
  common::append_be32(repeat_first, 0);
  repeat_first += d1.view();
  repeat_first.push_back(batch_flags::kRepeat);
  BatchRequest bad;
  CHECK(parse_batch_field(repeat_first, &bad).code() == common::ResultCode::Parameter);

  std::string zero_rows("\x00\x00\x00\x00\x0d", 5);
  CHECK_FALSE(parse_batch_field(zero_rows, &bad).ok());

  std::string absurd("\xff\xff\xff\xff\x0d", 5);  // 4 billion rows announced, none present
  CHECK_FALSE(parse_batch_field(absurd, &bad).ok());
}

TEST_CASE("a batch row becomes the single-record request a proxied row is sent as", "[batch]") {
  auto digest = common::compute_digest("demo", int64_t(7));
  std::string data;
  common::append_be32(data, 1);
  data.push_back(0);
  common::append_be32(data, 5);
  data += digest.view();
  data.push_back(char(batch_flags::kHasInfo | batch_flags::kHasTtl));
  data.push_back(char(info1::kBatch));
  data.push_back(char(info2::kWrite));
  data.push_back(0);
  common::append_be32(data, 300);
  common::append_be16(data, 2);
  common::append_be16(data, 1);
  append_field(data, FieldType::Namespace, "test");
  append_field(data, FieldType::Set, "demo");
  append_op(data, OpType::Write, uint8_t(ParticleType::String), "s", "abc");
  BatchRequest req;
  REQUIRE(parse_batch_field(data, &req).ok());

  std::string body = single_record_message(req.rows.at(0));
  Message msg;
  auto used = parse_message(body, &msg);
  REQUIRE(used);
  CHECK(*used == body.size());
  CHECK((msg.header.info1 & info1::kBatch) == 0);
  CHECK(msg.header.info2 == info2::kWrite);
  CHECK(msg.header.record_ttl == 300);
  REQUIRE(msg.fields.size() == 3);
  CHECK(msg.field(FieldType::Namespace)->data == "test");
  CHECK(msg.field(FieldType::Set)->data == "demo");
  CHECK(msg.field(FieldType::Digest)->data == digest.view());
  REQUIRE(msg.ops.size() == 1);
  CHECK(msg.ops[0].op == uint8_t(OpType::Write));
  CHECK(msg.ops[0].name == "s");
  CHECK(msg.ops[0].value == "abc");
}

TEST_CASE("a batch row's forward keeps its field count within 16 bits", "[batch]") {
  // A row of n empty fields and no filter of its own: the forward adds the digest and the
  // parent's filter. At 65534 fields that made 65536, written as 0 in the header, and the
  // receiving node read the fields' bytes as ops.
  auto row_with_fields = [](uint16_t n) {
    std::string data;
    common::append_be32(data, 1);
    data.push_back(0);
    common::append_be32(data, 0);
    data += common::compute_digest("demo", int64_t(1)).view();
    data.push_back(0);                      // row flags: no info2/3, no ttl
    data.push_back(char(info1::kRead));
    common::append_be16(data, n);
    common::append_be16(data, 0);
    for (uint16_t i = 0; i < n; ++i) append_field(data, FieldType::Set, "");
    return data;
  };
  BatchRequest refused;
  CHECK(parse_batch_field(row_with_fields(kMaxBatchRowFields + 1), &refused).code() ==
        common::ResultCode::Parameter);

  BatchRequest req;
  REQUIRE(parse_batch_field(row_with_fields(kMaxBatchRowFields), &req).ok());
  std::string body = single_record_message(req.rows.at(0), "\x93\x01\x01\x01");
  Message msg;
  auto used = parse_message(body, &msg);
  REQUIRE(used);
  CHECK(*used == body.size());
  CHECK(msg.fields.size() == 0xFFFF);
  CHECK(msg.field(FieldType::Digest) != nullptr);
  CHECK(msg.field(FieldType::Filter)->data == "\x93\x01\x01\x01");
}
