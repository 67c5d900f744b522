#pragma once
// Client-side failures (no answer from the server) travel as ordinary result codes with
// a message starting "client: ", so callers can tell them from server answers:
//   Timeout      no complete answer before the deadline
//   Unavailable  cannot connect, connection reset or closed, no node for the partition
//   ServerError  the server sent something that is not a valid answer
//   Namespace    no node lists the namespace in `replicas` (nothing was sent)
//   Parameter / BinName   the request was refused before sending (bad key, long names)

#include <string>
#include <string_view>

#include "common/result.h"

namespace client {

inline constexpr std::string_view kClientErrorPrefix = "client: ";

inline bool is_client_error(std::string_view message) {
  return message.substr(0, kClientErrorPrefix.size()) == kClientErrorPrefix;
}
inline bool is_client_error(const common::Status& s) { return !s.ok() && is_client_error(s.message()); }
inline bool is_client_error(const common::Error& e) { return is_client_error(e.message); }

inline common::Error client_error(common::ResultCode code, std::string_view what) {
  return common::Error{code, std::string(kClientErrorPrefix) + std::string(what)};
}

// Status <-> Error glue for Result<T>.
inline common::Status to_status(const common::Error& e) { return {e.code, e.message}; }
inline common::Error to_error(const common::Status& s) { return {s.code(), s.message()}; }

}  // namespace client
