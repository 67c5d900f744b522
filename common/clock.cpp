#include "common/clock.h"

#include <chrono>

namespace common {

uint64_t now_unix_ms() {
  using namespace std::chrono;
  return uint64_t(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

uint64_t now_unix_ns() {
  using namespace std::chrono;
  return uint64_t(duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

uint64_t steady_ms() {
  using namespace std::chrono;
  return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

}  // namespace common
