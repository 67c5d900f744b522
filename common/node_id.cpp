#include "common/node_id.h"

#include <cstdio>

namespace common {

std::string node_id_hex(uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lX", static_cast<unsigned long>(id));
  return buf;
}

}  // namespace common
