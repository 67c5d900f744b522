// XDR tombstones: a delete in an XDR namespace (or a delete that came by XDR) keeps the
// record's LUT and origin, so an older version arriving later from another DC loses the
// conflict check (28) instead of resurrecting the record.

#include <catch2/catch.hpp>

#include "index/namespace.h"
#include "common/bytes.h"
#include "common/clock.h"
#include "transaction/record_request.h"

using namespace asd;
using common::ResultCode;
namespace p = proto;

namespace {

struct Xdr {
  uint64_t lut;
  uint8_t src;
};

uint8_t run(Namespace& ns, p::MsgHeader h, const common::Digest& d, std::vector<p::Op> ops,
            std::optional<Xdr> xdr = std::nullopt) {
  std::string lut(8, '\0');
  std::string src(1, '\0');
  std::vector<p::Field> fields = {{uint8_t(p::FieldType::Namespace), "test"},
                                  {uint8_t(p::FieldType::Set), "s"},
                                  {uint8_t(p::FieldType::Digest), d.view()}};
  if (xdr) {
    h.info1 |= p::info1::kXdr;
    common::store_be64(reinterpret_cast<uint8_t*>(lut.data()), xdr->lut);
    src[0] = char(xdr->src);
    fields.push_back({uint8_t(p::FieldType::Lut), lut});
    fields.push_back({uint8_t(p::FieldType::XdrSrcId), src});
  }
  auto req = make_record_request(h, fields, ops);
  REQUIRE(req.ok());
  std::string out;
  execute_record_request(ns, *req, 0, out);
  return p::decode_msg_header(common::as_bytes(out)).result_code;
}

p::MsgHeader write_h() {
  p::MsgHeader h;
  h.info2 = p::info2::kWrite;
  h.info3 = p::info3::kCreateOrReplace;
  return h;
}
p::MsgHeader delete_h() {
  p::MsgHeader h;
  h.info2 = p::info2::kWrite | p::info2::kDelete;
  return h;
}
p::MsgHeader read_h() {
  p::MsgHeader h;
  h.info1 = p::info1::kRead | p::info1::kGetAll;
  return h;
}

std::unique_ptr<Namespace> make_ns(bool ships) {
  conf::Namespace cfg = conf::make_namespace("test");
  cfg.memory_size = 64ull << 20;
  auto ns = std::make_unique<Namespace>(cfg);
  XdrPolicy policy;
  policy.ship = ships;
  policy.local_src_id = 1;
  ns->set_xdr_policy(policy);
  return ns;
}

const std::string kValue(8, '\x01');
const p::Op kWrite{uint8_t(p::OpType::Write), uint8_t(p::ParticleType::Integer), 0, "v", kValue};

}  // namespace

TEST_CASE("a local delete in a shipping namespace leaves a tombstone that older versions lose to", "[tombstone]") {
  auto ns = make_ns(true);
  auto d = common::compute_digest("s", int64_t(1));
  REQUIRE(run(*ns, write_h(), d, {kWrite}) == 0);
  uint64_t before_delete = common::now_cl_ms();
  REQUIRE(run(*ns, delete_h(), d, {}) == 0);
  CHECK(ns->stats().objects == 0);
  CHECK(ns->stats().tombstones == 1);
  CHECK(run(*ns, read_h(), d, {}) == uint8_t(ResultCode::NotFound));
  CHECK(run(*ns, delete_h(), d, {}) == uint8_t(ResultCode::NotFound));
  // A version written elsewhere before the delete arrives late: it must not resurrect.
  CHECK(run(*ns, write_h(), d, {kWrite}, Xdr{before_delete - 10, 2}) == uint8_t(ResultCode::LostConflict));
  CHECK(run(*ns, read_h(), d, {}) == uint8_t(ResultCode::NotFound));
  // A newer version from another DC, or a new local write, brings the record back.
  CHECK(run(*ns, write_h(), d, {kWrite}, Xdr{common::now_cl_ms() + 1000, 2}) == 0);
  CHECK(run(*ns, read_h(), d, {}) == 0);
  CHECK(ns->stats().objects == 1);
  CHECK(ns->stats().tombstones == 0);
}

TEST_CASE("an xdr delete of a record not yet here is remembered (the active-active race)", "[tombstone]") {
  // DC1 deleted at t3; DC2's own write at t2 < t3 reaches DC1 only afterwards. Both DCs
  // must end without the record.
  auto ns = make_ns(false);  // even a pure receiver keeps the tombstone of an XDR delete
  auto d = common::compute_digest("s", int64_t(2));
  uint64_t t2 = common::now_cl_ms();
  uint64_t t3 = t2 + 50;
  REQUIRE(run(*ns, delete_h(), d, {}, Xdr{t3, 2}) == 0);
  CHECK(ns->stats().tombstones == 1);
  CHECK(run(*ns, write_h(), d, {kWrite}, Xdr{t2, 3}) == uint8_t(ResultCode::LostConflict));
  CHECK(run(*ns, read_h(), d, {}) == uint8_t(ResultCode::NotFound));
  // Replaying the same delete is harmless.
  CHECK(run(*ns, delete_h(), d, {}, Xdr{t3, 2}) == 0);
  CHECK(ns->stats().tombstones == 1);
}

TEST_CASE("namespaces outside XDR delete outright", "[tombstone]") {
  auto ns = make_ns(false);
  auto d = common::compute_digest("s", int64_t(3));
  REQUIRE(run(*ns, write_h(), d, {kWrite}) == 0);
  REQUIRE(run(*ns, delete_h(), d, {}) == 0);
  CHECK(ns->stats().tombstones == 0);
  CHECK(ns->stats().objects == 0);
  CHECK(ns->stats().memory_used_bytes == 0);
}
