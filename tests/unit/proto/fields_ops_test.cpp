#include <catch2/catch.hpp>

#include "proto/fields_ops.h"

using namespace proto;

namespace {

constexpr FieldsOpsErrors kErrors{"tf", "fo", "to", "oo", "no", "lo"};

// Two fields then one op, behind a 3-byte prefix the parser must skip.
std::string two_fields_one_op() {
  std::string data = "pre";
  append_field(data, FieldType::Namespace, "test");
  append_field(data, FieldType::Set, "demo");
  append_op(data, OpType::Write, uint8_t(ParticleType::String), "bin", "value");
  return data;
}

struct Parsed {
  common::Result<size_t> end;
  std::vector<Field> fields;
  std::vector<Op> ops;
};

Parsed parse(std::string_view data, uint16_t n_fields, uint16_t n_ops) {
  std::vector<Field> fields;
  std::vector<Op> ops;
  auto end = parse_fields_and_ops(data, 3, n_fields, n_ops, &fields, &ops, kErrors);
  return {std::move(end), std::move(fields), std::move(ops)};
}

std::string error_text(const Parsed& parsed) {
  REQUIRE_FALSE(parsed.end.ok());
  CHECK(parsed.end.code() == common::ResultCode::Parameter);
  return parsed.end.error().message;
}

}  // namespace

TEST_CASE("fields and ops parse into views and end where the last op ends", "[proto]") {
  std::string data = two_fields_one_op();
  Parsed parsed = parse(data, 2, 1);
  REQUIRE(parsed.end.ok());
  CHECK(*parsed.end == data.size());
  REQUIRE(parsed.fields.size() == 2);
  CHECK(parsed.fields[1].type == uint8_t(FieldType::Set));
  CHECK(parsed.fields[1].data == "demo");
  REQUIRE(parsed.ops.size() == 1);
  CHECK(parsed.ops[0].name == "bin");
  CHECK(parsed.ops[0].value == "value");
}

TEST_CASE("a truncated field or op is refused with the caller's wording", "[proto]") {
  std::string data = two_fields_one_op();
  const size_t op_at = data.size() - (8 + 3 + 5);

  SECTION("a field cut inside its fixed part") {
    std::string cut = data.substr(0, 3 + 4);
    CHECK(error_text(parse(cut, 2, 1)) == "tf");
  }
  SECTION("a field whose size runs past the data") {
    std::string cut = data.substr(0, 3 + 7);
    CHECK(error_text(parse(cut, 2, 1)) == "fo");
  }
  SECTION("an op cut inside its fixed part") {
    std::string cut = data.substr(0, op_at + 7);
    CHECK(error_text(parse(cut, 2, 1)) == "to");
  }
  SECTION("an op whose size runs past the data") {
    std::string cut = data.substr(0, data.size() - 1);
    CHECK(error_text(parse(cut, 2, 1)) == "oo");
  }
  SECTION("every cut is refused") {
    for (size_t n = 3; n < data.size(); ++n) {
      std::string cut = data.substr(0, n);  // own buffer so a sanitizer sees overreads
      CHECK_FALSE(parse(cut, 2, 1).end.ok());
    }
  }
}

TEST_CASE("an op's name or LUT overrunning the op is refused", "[proto]") {
  std::string name_overrun = "pre";
  name_overrun += std::string("\x00\x00\x00\x04\x01\x00\x00\x0f", 8);  // name length 15 > op
  CHECK(error_text(parse(name_overrun, 0, 1)) == "no");

  std::string lut_overrun = "pre";
  lut_overrun += std::string("\x00\x00\x00\x06\x02\x03\x01\x00", 8);  // has-LUT flag, 2 bytes
  lut_overrun += "ab";
  CHECK(error_text(parse(lut_overrun, 0, 1)) == "lo");
}

TEST_CASE("counts far beyond the data are refused without a huge reservation", "[proto]") {
  std::string data = two_fields_one_op();
  CHECK(error_text(parse(data, 0xffff, 0)) == "tf");  // the op reads as a third field
  CHECK(error_text(parse(data, 2, 0xffff)) == "to");

  Parsed fields_only = parse(data.substr(0, data.size() - (8 + 3 + 5)), 0xffff, 0xffff);
  CHECK(error_text(fields_only) == "tf");
  CHECK(fields_only.fields.capacity() < 16);
}
