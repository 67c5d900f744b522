#pragma once
// Internal to transaction/: starting a background scan or query job (§10.5).

#include "common/result_code.h"
#include "security/rate_quota.h"
#include "transaction/scan_plan.h"

namespace asd {

class TransactionContext;

// Registers the job under the plan's task id and starts it; Ok once it runs. Parameter
// when a job with that id still runs, UnsupportedFeature for a UDF job on a node
// without a Lua runtime. The job keeps `reservation` (its share of the user's write
// quota) until it ends, and holds to the plan's records-per-second limit.
common::ResultCode start_background(const TransactionContext& ctx, const ScanPlan& plan,
                                    security::QuotaReservation reservation = {});

}  // namespace asd
