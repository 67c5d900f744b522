#include "shipper/local_copy.h"

#include <algorithm>

namespace shipper {

CopyJudgement judge_local_copy(const proto::XdrFrame& entry, common::ResultCode result,
                               const client::Record* record, uint32_t stale_reads) {
  const bool is_write = entry.op == proto::XdrOp::Write;
  const bool may_be_stale = stale_reads < kStaleCopyReads;
  if (!record) {
    if (result != common::ResultCode::NotFound) return {CopyVerdict::LocalError, 0, "local read failed"};
    // No tombstone either: the node that answered never held this version. For a write
    // that is a stale copy; shipping a delete with the write's LUT would delete the
    // version itself at the remote. A record that vanished without a tombstone
    // (expired, evicted) expires at the remote by its own TTL.
    if (is_write) {
      if (may_be_stale) return {CopyVerdict::ReadAgain, 0, "local copy does not hold the record yet"};
      return {CopyVerdict::NothingToShip, 0, ""};
    }
    return {CopyVerdict::ShipDelete, entry.lut, ""};
  }
  // Older than the entry, live or deleted: the answering copy has not seen the entry's
  // write or delete yet (a live copy read for a delete entry would otherwise ship the
  // version the delete removed, and the delete never).
  if (record->lut < entry.lut && may_be_stale) {
    return {CopyVerdict::ReadAgain, 0, "local copy older than the entry"};
  }
  if (record->tombstone) {
    // A write entry shipped as the tombstone it found keeps the tombstone's own LUT: the
    // remote then never deletes the entry's (newer) version with it.
    return {CopyVerdict::ShipDelete, is_write ? record->lut : std::max(record->lut, entry.lut), ""};
  }
  return {CopyVerdict::ShipRecord, 0, ""};
}

}  // namespace shipper
