#pragma once
// What every fuzz target shares: the libFuzzer entry point, FUZZ_CHECK for the properties
// a target asserts beyond "does not crash" (a round trip that must hold), and FuzzInput,
// which cuts an input into parts (flags, a length, a payload) for targets that need more
// than one byte string.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// A broken property is a crash, so the fuzzer saves the input like any other.
#define FUZZ_CHECK(cond)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

namespace fuzz {

// A cursor over the input. Reading past the end yields zeros and empty views, so every
// byte string is a valid input and the fuzzer wastes nothing on a framing of its own.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t byte() {
    if (rest_.empty()) return 0;
    auto b = uint8_t(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  uint16_t u16() { return uint16_t(byte() << 8 | byte()); }
  // Up to n bytes.
  std::string_view take(size_t n) {
    std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }
  // Everything not read yet.
  std::string_view rest() { return take(rest_.size()); }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace fuzz
