#include "common/crc32c.h"

#include <catch2/catch.hpp>

#include <string>

namespace {

std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

TEST_CASE("CRC-32C matches the standard check value, with or without the instruction", "[common]") {
  std::string check = "123456789";
  CHECK(common::crc32c(bytes(check)) == 0xE3069283u);
  CHECK(common::crc32c_portable(bytes(check)) == 0xE3069283u);
  std::string longer(1000, '\0');
  for (size_t i = 0; i < longer.size(); ++i) longer[i] = char(i * 7 + 3);
  for (size_t n : {0, 1, 7, 8, 9, 63, 64, 999, 1000}) {
    CHECK(common::crc32c(bytes(longer).first(n)) == common::crc32c_portable(bytes(longer).first(n)));
  }
}
