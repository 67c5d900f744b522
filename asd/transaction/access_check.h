#pragma once
// What data commands need from access control (security/privilege.h): the permissions
// a single-record command, a batch row or a scan/query asks for, read from the message
// as the real server classifies it.

#include <cstdint>

#include "proto/message.h"
#include "transaction/record_request.h"

namespace asd {

// Reads need read; writes and deletes write (and read too when they also return bins);
// record UDFs udf-apply.
uint32_t record_permissions(const RecordRequest& req);

// Scans and queries need query; aggregations too; background UDF jobs udf-query;
// background operation jobs ops-query.
uint32_t scan_permissions(const proto::Message& msg);

// The audit's name for a single-record command: "read", "write", "delete", "udf".
const char* record_action(const RecordRequest& req);

}  // namespace asd
