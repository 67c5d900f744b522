// The primary index and single-record transactions, driven in-process against one
// Namespace: generations, ttl resolution, set accounting, stop-writes, truncate.

#include <catch2/catch.hpp>

#include "index/namespace.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "conf/config.h"
#include "transaction/record_request.h"
#include "index/truncate.h"
#include "transaction/ttl.h"

using namespace asd;
using common::ResultCode;
namespace p = proto;

namespace {

conf::Namespace test_ns_config() {
  conf::Namespace cfg = conf::make_namespace("test");
  cfg.memory_size = 64ull << 20;
  cfg.nsup_period = 120;
  return cfg;
}

struct Call {
  p::MsgHeader header;
  std::vector<p::Field> fields;
  std::vector<p::Op> ops;
  std::string digest_bytes;
};

std::string int_value(int64_t v) {
  std::string out(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(out.data()), uint64_t(v));
  return out;
}

struct Answer {
  uint8_t result;
  uint32_t generation;
  uint32_t void_time;
  uint16_t n_ops;
};

Answer run(Namespace& ns, const p::MsgHeader& h, std::string_view set, const common::Digest& d,
           std::vector<p::Op> ops = {}) {
  std::vector<p::Field> fields = {{uint8_t(p::FieldType::Namespace), "test"},
                                  {uint8_t(p::FieldType::Set), set},
                                  {uint8_t(p::FieldType::Digest), d.view()}};
  auto req = make_record_request(h, fields, ops);
  REQUIRE(req.ok());
  std::string out;
  execute_record_request(ns, *req, 0, out);
  p::MsgHeader r = p::decode_msg_header(common::as_bytes(out));
  return {r.result_code, r.generation, r.record_ttl, r.n_ops};
}

p::MsgHeader write_header(uint32_t ttl = 0) {
  p::MsgHeader h;
  h.info2 = p::info2::kWrite;
  h.record_ttl = ttl;
  return h;
}

}  // namespace

TEST_CASE("writes create, bump generation and account memory per set", "[asd]") {
  Namespace ns(test_ns_config());
  auto d = common::compute_digest("s", int64_t(1));
  std::string v = int_value(5);
  p::Op w{uint8_t(p::OpType::Write), uint8_t(p::ParticleType::Integer), 0, "a", v};
  Answer a = run(ns, write_header(), "s", d, {w});
  CHECK(a.result == 0);
  CHECK(a.generation == 1);
  a = run(ns, write_header(), "s", d, {w});
  CHECK(a.generation == 2);
  CHECK(ns.stats().objects == 1);
  CHECK(ns.stats().memory_used_bytes > 0);
  auto id = ns.set_id("s", false);
  REQUIRE(id);
  CHECK(ns.set_stats(*id)->objects == 1);

  p::MsgHeader del;
  del.info2 = p::info2::kWrite | p::info2::kDelete;
  CHECK(run(ns, del, "s", d).result == 0);
  CHECK(ns.stats().objects == 0);
  CHECK(ns.stats().memory_used_bytes == 0);
  CHECK(ns.set_stats(*id)->objects == 0);
  CHECK(run(ns, del, "s", d).result == uint8_t(ResultCode::NotFound));
}

TEST_CASE("generation wraps from 65535 to 1", "[asd]") {
  CHECK(next_generation(0) == 1);
  CHECK(next_generation(65534) == 65535);
  CHECK(next_generation(65535) == 1);
}

TEST_CASE("ttl resolution follows the wire rules", "[asd]") {
  conf::Namespace cfg = test_ns_config();
  cfg.default_ttl = 3600;
  uint32_t now = 1000;
  CHECK(*resolve_void_time(0, cfg, nullptr, 0, now) == now + 3600);
  CHECK(*resolve_void_time(0, cfg, nullptr, 60, now) == now + 60);
  CHECK(*resolve_void_time(kTtlNeverExpire, cfg, nullptr, 0, now) == 0);
  Record existing;
  existing.void_time = 5555;
  CHECK(*resolve_void_time(kTtlDontUpdate, cfg, &existing, 0, now) == 5555);
  CHECK(*resolve_void_time(kTtlDontUpdate, cfg, nullptr, 0, now) == now + 3600);
  CHECK(*resolve_void_time(10, cfg, nullptr, 0, now) == now + 10);
  CHECK(resolve_void_time(0x80000000u, cfg, nullptr, 0, now).code() == ResultCode::Parameter);
  cfg.nsup_period = 0;
  cfg.allow_ttl_without_nsup = false;
  CHECK(resolve_void_time(10, cfg, nullptr, 0, now).code() == ResultCode::Forbidden);
  CHECK(*resolve_void_time(kTtlNeverExpire, cfg, nullptr, 0, now) == 0);
}

TEST_CASE("stop-writes refuses writes but not reads or deletes", "[asd]") {
  conf::Namespace cfg = test_ns_config();
  cfg.memory_size = 1 << 20;
  cfg.stop_writes_pct = 1;  // ~10 KB
  Namespace ns(cfg);
  std::string big(2000, 'x');
  p::Op w{uint8_t(p::OpType::Write), uint8_t(p::ParticleType::String), 0, "a", big};
  int written = 0;
  uint8_t last = 0;
  for (int i = 0; i < 100; ++i) {
    last = run(ns, write_header(), "", common::compute_digest("", int64_t(i)), {w}).result;
    if (last != 0) break;
    ++written;
  }
  CHECK(last == uint8_t(ResultCode::OutOfSpace));
  CHECK(written > 0);
  p::MsgHeader read;
  read.info1 = p::info1::kRead | p::info1::kGetAll;
  CHECK(run(ns, read, "", common::compute_digest("", int64_t(0))).result == 0);
  p::MsgHeader del;
  del.info2 = p::info2::kWrite | p::info2::kDelete;
  CHECK(run(ns, del, "", common::compute_digest("", int64_t(0))).result == 0);
}

TEST_CASE("truncate hides older records of the set at once", "[asd]") {
  Namespace ns(test_ns_config());
  std::string v = int_value(1);
  p::Op w{uint8_t(p::OpType::Write), uint8_t(p::ParticleType::Integer), 0, "a", v};
  for (int i = 0; i < 50; ++i) {
    REQUIRE(run(ns, write_header(), "a", common::compute_digest("a", int64_t(i)), {w}).result == 0);
    REQUIRE(run(ns, write_header(), "b", common::compute_digest("b", int64_t(i)), {w}).result == 0);
  }
  REQUIRE(truncate_records(ns, "a", common::now_cl_ms() + 1).ok());
  p::MsgHeader read;
  read.info1 = p::info1::kRead | p::info1::kGetAll;
  CHECK(run(ns, read, "a", common::compute_digest("a", int64_t(3))).result == uint8_t(ResultCode::NotFound));
  CHECK(run(ns, read, "b", common::compute_digest("b", int64_t(3))).result == 0);
  CHECK(ns.stats().objects == 50);
}

TEST_CASE("existence policies and generation checks", "[asd]") {
  Namespace ns(test_ns_config());
  auto d = common::compute_digest("", "k");
  std::string v = int_value(1);
  p::Op w{uint8_t(p::OpType::Write), uint8_t(p::ParticleType::Integer), 0, "a", v};
  p::MsgHeader create = write_header();
  create.info2 |= p::info2::kCreateOnly;
  CHECK(run(ns, create, "", d, {w}).result == 0);
  CHECK(run(ns, create, "", d, {w}).result == uint8_t(ResultCode::RecordExists));
  p::MsgHeader update = write_header();
  update.info3 = p::info3::kUpdateOnly;
  CHECK(run(ns, update, "", common::compute_digest("", "other"), {w}).result == uint8_t(ResultCode::NotFound));
  p::MsgHeader gen = write_header();
  gen.info2 |= p::info2::kGeneration;
  gen.generation = 7;
  CHECK(run(ns, gen, "", d, {w}).result == uint8_t(ResultCode::Generation));
  gen.generation = 1;
  CHECK(run(ns, gen, "", d, {w}).result == 0);
  p::Op bad{uint8_t(p::OpType::Write), 99, 0, "a", v};
  CHECK(run(ns, write_header(), "", d, {bad}).result == uint8_t(ResultCode::Parameter));
}
