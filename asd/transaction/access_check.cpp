#include "transaction/access_check.h"

#include "security/privilege.h"

namespace asd {

namespace {

// UdfOp field values (wire-protocol §10): 1 an aggregation, 2 a background job.
constexpr uint8_t kUdfOpBackground = 2;

}  // namespace

uint32_t record_permissions(const RecordRequest& req) {
  if (req.is_udf) return security::kPermUdfApply;
  if (req.header.info2 & (proto::info2::kWrite | proto::info2::kDelete)) {
    uint32_t needed = security::kPermWrite;
    if (req.header.info1 & proto::info1::kRead) needed |= security::kPermRead;
    return needed;
  }
  return security::kPermRead;
}

uint32_t scan_permissions(const proto::Message& msg) {
  if (const proto::Field* op = msg.field(proto::FieldType::UdfOp)) {
    if (!op->data.empty() && uint8_t(op->data[0]) == kUdfOpBackground) return security::kPermUdfQuery;
    return security::kPermQuery;
  }
  if (msg.header.info2 & proto::info2::kWrite) return security::kPermOpsQuery;
  return security::kPermQuery;
}

security::QuotaKind record_quota_kind(const RecordRequest& req) {
  const bool writes = req.is_udf || (req.header.info2 & (proto::info2::kWrite | proto::info2::kDelete));
  return writes ? security::QuotaKind::Write : security::QuotaKind::Read;
}

security::QuotaKind scan_quota_kind(const ScanPlan& plan) {
  const bool background = plan.mode == ScanPlan::Mode::BackgroundUdf || plan.mode == ScanPlan::Mode::BackgroundOps;
  return background ? security::QuotaKind::Write : security::QuotaKind::Read;
}

const char* record_action(const RecordRequest& req) {
  if (req.is_udf) return "udf";
  if (req.header.info2 & proto::info2::kDelete) return "delete";
  if (req.header.info2 & proto::info2::kWrite) return "write";
  return "read";
}

}  // namespace asd
