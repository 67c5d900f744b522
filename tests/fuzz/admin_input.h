#pragma once
// The admin target's input (admin_fuzz.cpp), shared with make_corpus.cpp, which writes
// its seeds:
//
//   byte 0   flags (kLogInAsAdmin, kFromOutside)
//   then     up to kMaxRequests admin bodies, each behind its 2-byte big-endian size

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace fuzz::admin {

// The connection logs in as admin (password admin) before the input's requests.
inline constexpr uint8_t kLogInAsAdmin = 1;
// The connection comes from 10.1.2.3 rather than 127.0.0.1 (whitelists).
inline constexpr uint8_t kFromOutside = 2;
inline constexpr size_t kMaxRequests = 8;
// The session secret of every input's node, so that tokens and the built-in xdr-local
// password (local_login.h) are the same from run to run.
inline constexpr std::string_view kSessionSecret = "fuzz-admin-session-secret-32byte";

inline std::string make_input(uint8_t flags, const std::vector<std::string>& bodies) {
  std::string out(1, char(flags));
  for (const std::string& body : bodies) {
    common::append_be16(out, uint16_t(body.size()));
    out += body;
  }
  return out;
}

}  // namespace fuzz::admin
