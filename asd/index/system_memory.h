// The machine's memory use, for stop-writes-sys-memory-pct.
#pragma once

#include <cstdint>
#include <optional>

namespace asd {

// Percent of the machine's memory in use: MemTotal less MemAvailable from /proc/meminfo.
// Read at most once a second (writes ask on every call); nullopt when /proc/meminfo cannot
// be read, so the limit does not stop writes on a machine that does not report memory.
std::optional<uint32_t> system_memory_used_pct();

}  // namespace asd
