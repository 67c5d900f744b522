// Keys (digest test vectors of wire-protocol.md §6.2) and value encodings (§5.4).

#include <catch2/catch.hpp>

#include "client/key.h"
#include "client/operation.h"
#include "client/record.h"
#include "client/value.h"
#include "hex.h"

using client::Key;
using client::Value;
using client_test::hex;
using proto::ParticleType;

TEST_CASE("key digests match the official client", "[client]") {
  Key k1("test", "demo", "key1");
  CHECK(k1.digest().hex() == "ec91192d4b7f8ce35d5d78d34bca65cbaaaac960");
  CHECK(k1.partition_id().value == 492);
  CHECK(k1.user_key()->as_string() == "key1");
  Key k7("test", "demo", 7);
  CHECK(k7.digest().hex() == "dc2e595bc2a0d8c6290c474d74e71b23e3ed846a");
  CHECK(k7.partition_id().value == 3804);
  CHECK(Key("test", "demo", int64_t(1)).digest().hex() == "b7f4b83889e2da67de683e1df6919a1eacc446c8");
  CHECK(Key("test", "", "key1").digest().hex() == "579f05ecf9e6a9e796f4da2ab0b1323364df5c10");
  Key blob = Key::blob("test", "demo", hex("010203"));
  CHECK(blob.digest().hex() == "ff31c926fbef445648ce63ca72a698a5473425c1");
  CHECK(blob.user_key()->type() == ParticleType::Blob);

  Key by_digest = Key::from_digest("test", "demo", k1.digest());
  CHECK(by_digest.digest() == k1.digest());
  CHECK_FALSE(by_digest.user_key());
}

TEST_CASE("value encodings", "[client]") {
  CHECK(Value(42).bytes() == hex("00 00 00 00 00 00 00 2a"));
  CHECK(Value(int64_t(-1)).bytes() == hex("ff ff ff ff ff ff ff ff"));
  CHECK(Value(-1).as_int() == -1);
  CHECK(Value(1.5).type() == ParticleType::Float);
  CHECK(Value(1.5).bytes() == hex("3f f8 00 00 00 00 00 00"));
  CHECK(Value(1.5).as_double() == 1.5);
  CHECK(Value("hello").type() == ParticleType::String);
  CHECK(Value("hello").as_string() == "hello");
  CHECK_FALSE(Value("hello").as_int());
  CHECK(Value::boolean(true).bytes() == hex("01"));
  CHECK(Value::boolean(false).as_bool() == false);
  CHECK(Value::blob("ab").as_blob() == "ab");
  CHECK(Value::raw(ParticleType::PythonBlob, "x").as_blob() == "x");
  CHECK(Value().is_nil());
  CHECK(Value::nil().particle() == 0);
  CHECK(Value::list_msgpack(hex("92 01 02")).as_msgpack() == hex("92 01 02"));
  CHECK(Value::map_msgpack(hex("80")).type() == ParticleType::Map);

  Value geo = Value::geojson(R"({"type":"Point","coordinates":[1,2]})");
  CHECK(geo.bytes().substr(0, 3) == hex("00 00 00"));
  CHECK(geo.as_geojson() == R"({"type":"Point","coordinates":[1,2]})");
  // Server answers carry computed cells that readers skip.
  Value with_cells = Value::raw(ParticleType::GeoJson, hex("00 00 01 0102030405060708") + "{}");
  CHECK(with_cells.as_geojson() == "{}");
}

TEST_CASE("short integers from older servers", "[client]") {
  CHECK(Value::raw(ParticleType::Integer, hex("05")).as_int() == 5);
  CHECK(Value::raw(ParticleType::Integer, hex("ff fe")).as_int() == -2);
  CHECK_FALSE(Value::raw(ParticleType::Integer, "").as_int());
}

TEST_CASE("value rendering and operations", "[client]") {
  CHECK(Value(7).to_string() == "7");
  CHECK(Value("s").to_string() == "s");
  CHECK(Value().to_string() == "nil");
  CHECK(Value::list_msgpack(hex("90")).to_string() == "list:90");
  CHECK(client::Operation::read("a").is_read());
  CHECK(client::Operation::cdt_read("a", "").is_read());
  CHECK_FALSE(client::Operation::cdt_modify("a", "").is_read());
  CHECK(client::Operation::read_all().is_read_all());
  CHECK(client::Operation::incr("a", 1.5).value.type() == ParticleType::Float);

  client::Record rec;
  rec.void_time = 100;
  CHECK(rec.ttl(40) == 60);
  CHECK(rec.ttl(200) == 1);
}
