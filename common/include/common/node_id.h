#pragma once
// A node's 64-bit id as clients, logs and info answers show it: upper-case hex without
// leading zeros (the real server's %lX).

#include <cstdint>
#include <string>

namespace common {

std::string node_id_hex(uint64_t id);

}  // namespace common
