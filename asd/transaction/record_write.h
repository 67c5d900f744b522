#pragma once
// The pieces every single-record transaction shares (internal to transaction/): the
// reply it appends, finding the record, and storing or removing a new version with its
// TTL, LUT, generation and XDR announcement. Plain writes and record UDFs both commit
// through commit_write, so a UDF's change replicates, ships and updates indexes like
// any write.

#include <cstdint>
#include <string>
#include <vector>

#include "base/record.h"
#include "common/result_code.h"
#include "conf/config.h"
#include "transaction/bin_ops.h"
#include "transaction/record_request.h"
#include "xdr_pipe/announce.h"

namespace asd {

class Namespace;
struct Partition;
class RecordUdfRunner;

namespace detail {

struct Reply {
  common::ResultCode code = common::ResultCode::Ok;
  uint16_t generation = 0;
  uint32_t void_time = 0;
  std::vector<OpResult> results;
  bool xdr_fields = false;  // answer the record's LUT (field 14) and origin (field 200)
  uint64_t lut = 0;
  uint8_t origin_src_id = 0;
  std::string key;  // with xdr_fields: the stored user key (field 2), so it ships too
  uint64_t commit_pos = 0;  // commit-to-device: answer once the device has this position
  bool mutated = false;     // the record changed: its new state goes to the replicas
};

void append_reply(std::string& out, const Reply& reply, uint32_t response_ttl);

// Looks the record (or its tombstone) up and drops it when it is logically gone
// (expired or truncated).
Record* find_entry(Namespace& ns, Partition& part, const common::Digest& digest, uint32_t now);

// An XDR version applies only when newer than the local one: later LUT, or on equal LUT
// the higher origin src-id (so both sides of an active-active pair pick the same winner).
bool xdr_wins(const RecordRequest& req, const Record& local);

// Removes a record. In a namespace that takes part in XDR (or for a delete that came by
// XDR) it becomes a tombstone carrying the delete's LUT and origin instead; on a device
// namespace too, written to the device, so a cold start cannot bring an older copy
// back. `entry` may be a tombstone already, or nullptr (nothing stored yet).
common::ResultCode remove_record(Namespace& ns, Partition& part, const RecordRequest& req, Record* entry,
                                 const Announcement& a, uint16_t set_id, uint64_t* commit_pos);

// The announcement of a record this request removes (a delete, or a write that left no
// bins): newer than the version it removes, with the origin of whoever removed it.
Announcement removal_of(Namespace& ns, const RecordRequest& req, const Record& gone);

// Starts the next version of a record: a copy of `existing`, or a new record in the
// request's set. OutOfSpace in stop-writes, Forbidden when the set cannot be added.
common::ResultCode begin_version(Namespace& ns, const conf::Namespace& config, const RecordRequest& req,
                                 const Record* existing, Record* work);

// Stores `work` as the record's next version (`entry`: the index entry, record or
// tombstone, or nullptr; `existing`: the live record with its bins, or nullptr).
// `ttl_field` is a request's record_ttl (§7.4). A `work` without bins removes the record,
// or creates nothing. With `store_key` the request's user key is kept when the record
// has none yet. Counts a client write either way and fills `reply`.
Reply commit_write(Namespace& ns, const conf::Namespace& config, const RecordRequest& req, Partition& part,
                   Record* entry, const Record* existing, Record work, uint32_t ttl_field, uint32_t now_sec,
                   Reply reply, bool store_key = true);

// A record UDF call on `existing` (bins loaded; nullptr when the record does not exist):
// runs it and commits what it changed. Defined in record_apply.cpp.
Reply do_apply(Namespace& ns, const conf::Namespace& config, const RecordRequest& req, Partition& part,
               Record* entry, const Record* existing, uint32_t now_sec, RecordUdfRunner& runner);

}  // namespace detail
}  // namespace asd
