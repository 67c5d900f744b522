// Answer parsers against the response bytes of wire-protocol.md Appendix A, plus batch
// and scan stream rules (§8.5, §9.4).

#include <catch2/catch.hpp>

#include "client/response.h"
#include "hex.h"
#include "proto/frame.h"
#include "proto/message.h"

using client_test::hex;
using common::ResultCode;

namespace {

// A header-only message: info3, result, generation, batch index.
std::string message(uint8_t info3, uint8_t result, uint32_t generation = 0, uint32_t index = 0) {
  std::string out;
  proto::MsgHeader h;
  h.info3 = info3;
  h.result_code = result;
  h.generation = generation;
  h.transaction_ttl = index;
  proto::append_msg_header(out, h);
  return out;
}

std::string scan_record(std::string_view set, std::string_view key_text, int64_t value) {
  std::string out;
  proto::MsgHeader h;
  h.generation = 2;
  h.n_fields = 3;
  h.n_ops = 1;
  proto::append_msg_header(out, h);
  proto::append_field(out, proto::FieldType::Namespace, "test");
  proto::append_field(out, proto::FieldType::Digest, common::compute_digest(set, key_text).view());
  proto::append_field(out, proto::FieldType::Set, set);
  client::Value v(value);
  proto::append_op(out, proto::OpType::Read, v.particle(), "i", v.bytes());
  return out;
}

}  // namespace

TEST_CASE("get answer of A.3", "[client]") {
  std::string proto_bytes = hex(
      "02 03 00 00 00 00 00 27"
      "16 00 00 00 00 00  00 00 00 01  00 00 00 00  00 00 00 00  00 00  00 01"
      "00 00 00 0d 01 01 00 01 69  00 00 00 00 00 00 00 2a");
  auto answer = client::parse_answer(std::string_view(proto_bytes).substr(8));
  REQUIRE(answer.ok());
  CHECK(answer->result() == ResultCode::Ok);
  CHECK(answer->record.generation == 1);
  CHECK(answer->record.void_time == 0);
  CHECK(answer->record.ttl(1000) == 0xFFFFFFFF);
  REQUIRE(answer->record.bins.size() == 1);
  CHECK(answer->record.bins[0].name == "i");
  CHECK(answer->record.bin("i")->as_int() == 42);
  CHECK(answer->record.bin("missing") == nullptr);

  std::string not_found = hex("16 00 00 00 00 02") + std::string(16, '\0');
  auto missing = client::parse_answer(not_found);
  REQUIRE(missing.ok());
  CHECK(missing->result() == ResultCode::NotFound);

  CHECK_FALSE(client::parse_answer(hex("16 00 00")).ok());
  CHECK(client::parse_answer(hex("16 00 00")).code() == ResultCode::ServerError);
}

TEST_CASE("batch answer of A.4", "[client]") {
  std::string proto_bytes = hex(
      "02 03 00 00 00 00 00 53"
      "16 00 00 00 00 00  00 00 00 01  00 00 00 00  00 00 00 00  00 00 00 01"
      "00 00 00 0d 01 01 00 01 69 00 00 00 00 00 00 00 2a"
      "16 00 00 00 00 02  00 00 00 00  00 00 00 00  00 00 00 01  00 00 00 00"
      "16 00 00 01 00 00  00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00");
  std::vector<client::BatchRecord> rows(2);
  auto last = client::parse_batch_answer(std::string_view(proto_bytes).substr(8), rows);
  REQUIRE(last.ok());
  CHECK(*last);
  CHECK(rows[0].found());
  CHECK(rows[0].record.generation == 1);
  CHECK(rows[0].record.bin("i")->as_int() == 42);
  CHECK(rows[1].result == ResultCode::NotFound);
  CHECK(rows[1].record.bins.empty());
}

TEST_CASE("batch stream rules", "[client]") {
  std::vector<client::BatchRecord> rows(1);
  // A proto without LAST: more to come.
  auto more = client::parse_batch_answer(message(0, 0, 3, 0), rows);
  REQUIRE(more.ok());
  CHECK_FALSE(*more);
  CHECK(rows[0].record.generation == 3);
  // Row index out of range.
  CHECK(client::parse_batch_answer(message(0, 0, 1, 5), rows).code() == ResultCode::ServerError);
  // LAST carrying an error fails the batch with that code.
  CHECK(client::parse_batch_answer(message(proto::info3::kLast, 151), rows).code() ==
        ResultCode::BatchMaxRequests);
}

TEST_CASE("scan stream: records, partition done, last", "[client]") {
  std::vector<client::Record> got;
  std::vector<uint32_t> unavailable;
  auto on_record = [&](client::Record& r) {
    got.push_back(r);
    return true;
  };
  auto on_done = [&](uint32_t pid, ResultCode code) {
    CHECK(code == ResultCode::Unavailable);
    unavailable.push_back(pid);
  };
  std::string body = scan_record("demo", "key1", 5) + message(proto::info3::kPartitionDone, 0, 17) +
                     message(proto::info3::kPartitionDone, 11, 492) + scan_record("demo", "k2", 6);
  auto state = client::parse_scan_answer(body, on_record, on_done);
  REQUIRE(state.ok());
  CHECK(*state == client::StreamState::More);
  REQUIRE(got.size() == 2);
  CHECK(got[0].ns == "test");
  CHECK(got[0].set == "demo");
  CHECK(got[0].digest == common::compute_digest("demo", "key1"));
  CHECK(got[0].generation == 2);
  CHECK(got[1].bin("i")->as_int() == 6);
  CHECK(unavailable == std::vector<uint32_t>{492});

  auto last = client::parse_scan_answer(message(proto::info3::kLast, 0), on_record, on_done);
  REQUIRE(last.ok());
  CHECK(*last == client::StreamState::Last);

  auto stop = client::parse_scan_answer(scan_record("demo", "a", 1) + scan_record("demo", "b", 2),
                                        [](client::Record&) { return false; }, on_done);
  REQUIRE(stop.ok());
  CHECK(*stop == client::StreamState::Stopped);

  // Errors before the job starts arrive as a plain message: fatal, except NotFound.
  CHECK(client::parse_scan_answer(message(0, 20), on_record, on_done).code() == ResultCode::Namespace);
  auto quiet = client::parse_scan_answer(message(0, 2), on_record, on_done);
  REQUIRE(quiet.ok());
  CHECK(*quiet == client::StreamState::Last);
  CHECK(client::parse_scan_answer(message(proto::info3::kLast, 15), on_record, on_done).code() ==
        ResultCode::QueryAbort);
}

TEST_CASE("scan record with a stored key", "[client]") {
  std::string out;
  proto::MsgHeader h;
  h.n_fields = 2;
  proto::append_msg_header(out, h);
  proto::append_field(out, proto::FieldType::Digest, common::compute_digest("", int64_t(7)).view());
  proto::append_field(out, proto::FieldType::Key, hex("01 00 00 00 00 00 00 00 07"));
  auto answer = client::parse_answer(out);
  REQUIRE(answer.ok());
  REQUIRE(answer->record.user_key);
  CHECK(answer->record.user_key->as_int() == 7);
  CHECK(answer->record.set.empty());
}
