#pragma once
// Time as Aerospike counts it. Void times (expiry) are seconds and last-update times
// (LUT) are milliseconds, both since the "CL epoch" 2010-01-01T00:00:00Z.

#include <cstdint>

namespace common {

inline constexpr uint64_t kClEpochUnixSec = 1262304000;

uint64_t now_unix_ms();
uint64_t now_unix_ns();
inline uint64_t now_cl_ms() { return now_unix_ms() - kClEpochUnixSec * 1000; }
inline uint32_t now_cl_sec() { return uint32_t(now_cl_ms() / 1000); }
// Monotonic milliseconds for timeouts and rates (not comparable across processes).
uint64_t steady_ms();

}  // namespace common
