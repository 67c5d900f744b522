#pragma once
// What the local copy of a record, read for a log entry, says to ship. The pumps read the
// current version from the local asd through a partition map that can be a moment behind
// the cluster (a change, a hand-over): the node answering may hold a copy older than the
// entry, missing the write or the delete the entry announces. Such a copy is read again,
// up to kStaleCopyReads times per item, before it is believed: shipping it would put an
// older version (or no delete) at the remote, and the entry would count as shipped.

#include <cstdint>

#include "client/record.h"
#include "proto/xdr_frame.h"

namespace shipper {

// Reads of a stale-looking copy per item before shipping what is there. Counted apart from
// the item's other retries, so an item retried through a remote outage still rereads.
inline constexpr uint32_t kStaleCopyReads = 8;

enum class CopyVerdict {
  LocalError,   // the local read failed: retry
  ReadAgain,    // the copy looks older than the entry: retry, counting a stale read
  NothingToShip,// a write whose record is gone (expired, evicted, never here): done
  ShipDelete,   // a delete at `delete_lut`
  ShipRecord,   // the copy's version
};

struct CopyJudgement {
  CopyVerdict verdict = CopyVerdict::LocalError;
  uint64_t delete_lut = 0;
  const char* why = "";
};

// `record`: the row's record or tombstone, nullptr when the row answered none;
// `result`: the row's result code; `stale_reads`: ReadAgain verdicts the item had so far.
CopyJudgement judge_local_copy(const proto::XdrFrame& entry, common::ResultCode result,
                               const client::Record* record, uint32_t stale_reads);

}  // namespace shipper
