#pragma once
// Turning the record_ttl of a write request into a void time (wire-protocol §7.4).

#include <cstdint>

#include "base/record.h"
#include "common/result.h"
#include "conf/config.h"

namespace asd {

inline constexpr uint32_t kTtlNeverExpire = 0xFFFFFFFF;
inline constexpr uint32_t kTtlDontUpdate = 0xFFFFFFFE;

// Void time for a write: 0 namespace (or set) default, -1 never, -2 keep the record's
// current void time, 1..max-ttl seconds from now. Parameter for anything else; Forbidden
// for a non-zero effective TTL when the namespace has no nsup and doesn't allow it.
common::Result<uint32_t> resolve_void_time(uint32_t ttl_field, const conf::Namespace& config,
                                           const Record* existing, uint32_t set_default_ttl,
                                           uint32_t now_sec);

}  // namespace asd
