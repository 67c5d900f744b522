#pragma once
// Test helper: bytes from readable hex ("02 03 00 ..."; spaces and newlines ignored).

#include <cctype>
#include <string>
#include <string_view>

namespace client_test {

inline std::string hex(std::string_view text) {
  std::string out;
  int hi = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(char(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

}  // namespace client_test
