#pragma once
// What data commands need from access control (security/privilege.h): the permissions
// a single-record command, a batch row or a scan/query asks for, read from the message
// as the real server classifies it.

#include <cstdint>

#include "proto/message.h"
#include "security/rate_quota.h"
#include "transaction/record_request.h"
#include "transaction/scan_plan.h"

namespace asd {

// Reads need read; writes and deletes write (and read too when they also return bins);
// record UDFs udf-apply.
uint32_t record_permissions(const RecordRequest& req);

// Scans and queries need query; aggregations too; background UDF jobs udf-query;
// background operation jobs ops-query.
uint32_t scan_permissions(const proto::Message& msg);

// Which rate quota a command counts against (security/rate_quota.h): writes, deletes and
// record UDFs the write quota (an operate that also reads too: it is a write), the rest
// the read quota; background UDF and ops jobs the write quota, other scans and queries
// (aggregations too) the read quota.
security::QuotaKind record_quota_kind(const RecordRequest& req);
security::QuotaKind scan_quota_kind(const ScanPlan& plan);

// The audit's name for a single-record command: "read", "write", "delete", "udf".
const char* record_action(const RecordRequest& req);

}  // namespace asd
