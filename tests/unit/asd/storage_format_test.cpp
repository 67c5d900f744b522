// The on-disk format: round trips, and every kind of damage detected.

#include <catch2/catch.hpp>

#include <cstring>

#include "storage/format.h"

using namespace asd;
using namespace asd::storage;

namespace {

common::Digest digest_of(uint8_t seed) {
  common::Digest d;
  for (size_t i = 0; i < d.bytes.size(); ++i) d.bytes[i] = uint8_t(seed + i);
  return d;
}

Record sample_record() {
  Record r;
  r.generation = 7;
  r.void_time = 123456;
  r.lut = 987654321012ull;
  r.origin_src_id = 3;
  r.key = std::string("\x03user-key", 9);
  r.bins.push_back(Bin{"name", 3, "value bytes"});
  r.bins.push_back(Bin{"n", 1, std::string("\0\0\0\0\0\0\0\x2a", 8)});
  r.bins.push_back(Bin{"empty", 4, ""});
  return r;
}

std::span<const uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

TEST_CASE("a record round-trips with every field", "[storage_format]") {
  Record r = sample_record();
  std::string out;
  append_record(out, digest_of(1), r, "myset", 42, 0);
  REQUIRE(out.size() == encoded_size(r, "myset"));
  REQUIRE(out.size() % kRecordAlign == 0);

  RecordHeader h;
  REQUIRE(decode_record_header(bytes(out), &h) == Decode::Ok);
  CHECK(h.digest == digest_of(1));
  CHECK(h.generation == 7);
  CHECK(h.void_time == 123456);
  CHECK(h.lut == 987654321012ull);
  CHECK(h.origin_src_id == 3);
  CHECK(h.block_seq == 42);
  CHECK(h.has_key);
  CHECK_FALSE(h.tombstone);
  CHECK(h.n_bins == 3);

  RecordBody body;
  std::vector<Bin> bins;
  REQUIRE(decode_record_body(h, bytes(out), &body, &bins) == Decode::Ok);
  CHECK(body.set_name == "myset");
  CHECK(body.key == r.key);
  REQUIRE(bins.size() == 3);
  for (size_t i = 0; i < bins.size(); ++i) {
    CHECK(bins[i].name == r.bins[i].name);
    CHECK(bins[i].particle == r.bins[i].particle);
    CHECK(bins[i].value == r.bins[i].value);
  }
}

TEST_CASE("a tombstone keeps its delete sequence", "[storage_format]") {
  Record r;
  r.tombstone = true;
  r.lut = 5;
  r.generation = 2;
  std::string out;
  append_record(out, digest_of(2), r, "", 9, 8);
  RecordHeader h;
  REQUIRE(decode_record_header(bytes(out), &h) == Decode::Ok);
  CHECK(h.tombstone);
  CHECK_FALSE(h.has_key);
  RecordBody body;
  REQUIRE(decode_record_body(h, bytes(out), &body, nullptr) == Decode::Ok);
  CHECK(body.tomb_seq == 8);
  CHECK(body.set_name.empty());
}

TEST_CASE("moving a record to another block keeps it valid", "[storage_format]") {
  std::string out;
  append_record(out, digest_of(3), sample_record(), "s", 1, 0);
  set_record_block_seq(reinterpret_cast<uint8_t*>(out.data()), 77);
  RecordHeader h;
  REQUIRE(decode_record_header(bytes(out), &h) == Decode::Ok);
  CHECK(h.block_seq == 77);
  RecordBody body;
  CHECK(decode_record_body(h, bytes(out), &body, nullptr) == Decode::Ok);
}

TEST_CASE("damage anywhere in a record is detected", "[storage_format]") {
  std::string good;
  append_record(good, digest_of(4), sample_record(), "set", 1, 0);
  RecordHeader h;
  REQUIRE(decode_record_header(bytes(good), &h) == Decode::Ok);

  SECTION("every single header byte") {
    for (size_t i = 0; i < kRecordHeaderSize; ++i) {
      std::string bad = good;
      bad[i] = char(bad[i] ^ 0x10);
      RecordHeader x;
      Decode d = decode_record_header(bytes(bad), &x);
      INFO("byte " << i);
      CHECK(d != Decode::Ok);
    }
  }
  SECTION("every single body byte") {
    for (size_t i = kRecordHeaderSize; i < h.length; ++i) {
      std::string bad = good;
      bad[i] = char(bad[i] ^ 0x01);
      RecordHeader x;
      REQUIRE(decode_record_header(bytes(bad), &x) == Decode::Ok);
      RecordBody body;
      INFO("byte " << i);
      CHECK(decode_record_body(x, bytes(bad), &body, nullptr) == Decode::BadChecksum);
    }
  }
  SECTION("truncated") {
    RecordHeader x;
    CHECK(decode_record_header(bytes(good).first(kRecordHeaderSize - 1), &x) == Decode::BadLength);
    CHECK(decode_record_header(bytes(good).first(h.length - 1), &x) == Decode::BadLength);
    RecordBody body;
    CHECK(decode_record_body(h, bytes(good).first(h.length - 1), &body, nullptr) == Decode::BadLength);
  }
  SECTION("zeros read as empty, not as damage") {
    std::string zeros(kRecordHeaderSize, '\0');
    RecordHeader x;
    CHECK(decode_record_header(bytes(zeros), &x) == Decode::Empty);
  }
}

TEST_CASE("block headers round-trip and fail their checksum when damaged", "[storage_format]") {
  uint8_t buf[kBlockHeaderSize];
  encode_block_header(BlockHeader{12345, 1 << 20, 9}, buf);
  BlockHeader h;
  REQUIRE(decode_block_header({buf, sizeof buf}, &h) == Decode::Ok);
  CHECK(h.seq == 12345);
  CHECK(h.write_block_size == (1u << 20));
  CHECK(h.block_index == 9);
  buf[10] ^= 1;
  CHECK(decode_block_header({buf, sizeof buf}, &h) == Decode::BadChecksum);
  std::memset(buf, 0, sizeof buf);
  CHECK(decode_block_header({buf, sizeof buf}, &h) == Decode::Empty);
  buf[0] = 'X';
  CHECK(decode_block_header({buf, sizeof buf}, &h) == Decode::BadMagic);
}

TEST_CASE("file headers round-trip and reject foreign files", "[storage_format]") {
  uint8_t buf[kFileHeaderSize];
  encode_file_header(FileHeader{128 * 1024, 1ull << 30, 2, "users"}, buf);
  FileHeader h;
  REQUIRE(decode_file_header({buf, sizeof buf}, &h) == Decode::Ok);
  CHECK(h.write_block_size == 128u * 1024);
  CHECK(h.file_size == (1ull << 30));
  CHECK(h.file_index == 2);
  CHECK(h.ns_name == "users");
  buf[40] ^= 1;
  CHECK(decode_file_header({buf, sizeof buf}, &h) == Decode::BadChecksum);
  std::memcpy(buf, "GARBAGE!", 8);
  CHECK(decode_file_header({buf, sizeof buf}, &h) == Decode::BadMagic);
}
