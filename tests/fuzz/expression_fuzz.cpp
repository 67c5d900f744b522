// Target expression: a filter expression (Expression::parse) evaluated on a record with
// a bin of every type, or, with bit 0 of the first byte set, an operate expression op
// (parse_op, modify when bit 1 is set). The rest of the input is the msgpack program.
// Beyond not crashing: a program is refused only with Parameter or UnsupportedFeature.

#include <string>

#include "base/bits.h"
#include "base/exp/expression.h"
#include "base/hll.h"
#include "base/record.h"
#include "common/bytes.h"
#include "common/digest.h"
#include "fuzz.h"
#include "proto/particle.h"

namespace {

using proto::ParticleType;

std::string be64(uint64_t v) {
  std::string out(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(out.data()), v);
  return out;
}

// An HLL bin made by the server's own init (hll_init, 8 index bits, 4 minhash bits), so
// it holds the bytes asd would store.
std::string hll_bin() {
  asd::base::CdtOutcome out;
  (void)asd::base::apply_hll_op(nullptr, "\x93\x00\x08\x04", true, &out);
  return out.new_bin ? out.new_bin->bytes : std::string();
}

asd::Record sample_record() {
  asd::Record r;
  r.generation = 3;
  r.void_time = 500000000;
  r.lut = 400000000000;
  r.set_id = 1;
  r.key = std::string(1, char(ParticleType::String)) + "key-1";
  auto bin = [&](const char* name, ParticleType type, std::string value) {
    r.bins.push_back(asd::Bin{name, uint8_t(type), std::move(value)});
  };
  bin("n", ParticleType::Integer, be64(5));
  bin("f", ParticleType::Float, be64(0x4004000000000000));  // 2.5
  bin("s", ParticleType::String, "aXb");
  bin("b", ParticleType::Blob, std::string("\x01\x02\xff\x00", 4));
  bin("t", ParticleType::Bool, std::string(1, '\x01'));
  bin("l", ParticleType::List, "\x93\x01\xa2\x03x\x92\x02\x03");       // [1, "x", [2, 3]]
  bin("m", ParticleType::Map, "\x82\xa2\x03" "a\x01\xa2\x03" "b\x92\x01\x02");  // {"a": 1, "b": [1, 2]}
  // GeoJSON particle: flags, no cells, the text.
  bin("g", ParticleType::GeoJson, std::string("\x00\x00\x00", 3) + R"({"type":"Point","coordinates":[1.5,2.5]})");
  bin("h", ParticleType::Hll, hll_bin());
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const asd::Record record = sample_record();
  static const common::Digest digest = common::compute_digest("set", int64_t(1));
  fuzz::FuzzInput in(data, size);
  uint8_t mode = in.byte();
  std::string program(in.rest());

  if (mode & 1) {
    common::Result<asd::exp::ExpOp> op = asd::exp::parse_op(program, mode & 2);
    FUZZ_CHECK(op.ok() || op.code() == common::ResultCode::Parameter ||
               op.code() == common::ResultCode::UnsupportedFeature);
    return 0;
  }
  common::Result<asd::exp::Expression> e = asd::exp::Expression::parse(program);
  if (!e) {
    FUZZ_CHECK(e.code() == common::ResultCode::Parameter || e.code() == common::ResultCode::UnsupportedFeature);
    return 0;
  }
  asd::exp::RecordView view{&record, &digest, "set", 4096, 512, 400000001000};
  (void)e->matches(view);
  asd::exp::Particle particle;
  (void)e->evaluate(view, &particle);
  (void)e->result_type();
  return 0;
}
