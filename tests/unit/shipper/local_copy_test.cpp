#include <catch2/catch.hpp>

#include "shipper/local_copy.h"

using common::ResultCode;
using shipper::CopyVerdict;
using shipper::judge_local_copy;
using shipper::kStaleCopyReads;

namespace {

proto::XdrFrame entry(proto::XdrOp op, uint64_t lut) {
  proto::XdrFrame f;
  f.op = op;
  f.lut = lut;
  f.ns = "test";
  return f;
}

client::Record live(uint64_t lut) {
  client::Record r;
  r.lut = lut;
  return r;
}

client::Record tombstone(uint64_t lut) {
  client::Record r;
  r.lut = lut;
  r.tombstone = true;
  return r;
}

}  // namespace

TEST_CASE("a delete entry read from a copy that still holds the older version reads again", "[shipper][local_copy]") {
  // The failure this guards: the delete's own node answered through a stale partition
  // map by the former master, which had not applied the delete yet; the live version
  // was shipped for the delete entry, and the remote kept it for good.
  client::Record older = live(100);
  auto j = judge_local_copy(entry(proto::XdrOp::Delete, 200), ResultCode::Ok, &older, 0);
  CHECK(j.verdict == CopyVerdict::ReadAgain);
  // Once the copy has the delete, the delete ships with its LUT.
  client::Record deleted = tombstone(200);
  j = judge_local_copy(entry(proto::XdrOp::Delete, 200), ResultCode::Ok, &deleted, 1);
  CHECK(j.verdict == CopyVerdict::ShipDelete);
  CHECK(j.delete_lut == 200);
  // A later write of the key is what ships for the older delete entry.
  client::Record newer = live(300);
  CHECK(judge_local_copy(entry(proto::XdrOp::Delete, 200), ResultCode::Ok, &newer, 0).verdict ==
        CopyVerdict::ShipRecord);
}

TEST_CASE("a write entry read from an older copy reads again, live or deleted", "[shipper][local_copy]") {
  client::Record older = live(100);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::Ok, &older, 0).verdict == CopyVerdict::ReadAgain);
  client::Record old_tombstone = tombstone(100);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::Ok, &old_tombstone, 0).verdict ==
        CopyVerdict::ReadAgain);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::NotFound, nullptr, 0).verdict ==
        CopyVerdict::ReadAgain);
  client::Record same = live(200);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::Ok, &same, 0).verdict == CopyVerdict::ShipRecord);
}

TEST_CASE("after the stale reads are used up, what the copy holds ships", "[shipper][local_copy]") {
  const uint32_t used = kStaleCopyReads;
  client::Record older = live(100);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::Ok, &older, used).verdict ==
        CopyVerdict::ShipRecord);
  CHECK(judge_local_copy(entry(proto::XdrOp::Delete, 200), ResultCode::Ok, &older, used).verdict ==
        CopyVerdict::ShipRecord);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::NotFound, nullptr, used).verdict ==
        CopyVerdict::NothingToShip);
  // An older tombstone found for a write entry goes with its own LUT, so it cannot delete
  // the entry's newer version at the remote.
  client::Record old_tombstone = tombstone(100);
  auto j = judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::Ok, &old_tombstone, used);
  CHECK(j.verdict == CopyVerdict::ShipDelete);
  CHECK(j.delete_lut == 100);
  // For a delete entry the delete is the newest state known: it ships with the entry's LUT.
  j = judge_local_copy(entry(proto::XdrOp::Delete, 200), ResultCode::Ok, &old_tombstone, used);
  CHECK(j.verdict == CopyVerdict::ShipDelete);
  CHECK(j.delete_lut == 200);
}

TEST_CASE("a delete entry whose record is gone without a tombstone ships the delete; a failed read retries",
          "[shipper][local_copy]") {
  auto j = judge_local_copy(entry(proto::XdrOp::Delete, 200), ResultCode::NotFound, nullptr, 0);
  CHECK(j.verdict == CopyVerdict::ShipDelete);
  CHECK(j.delete_lut == 200);
  CHECK(judge_local_copy(entry(proto::XdrOp::Write, 200), ResultCode::Timeout, nullptr, 0).verdict ==
        CopyVerdict::LocalError);
}
