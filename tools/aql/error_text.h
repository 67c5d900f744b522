#pragma once
// Error lines as Aerospike's aql prints them: "Error: (2) AEROSPIKE_ERR_RECORD_NOT_FOUND"
// for a result code, the server's own text where it sent one (UDF failures, info
// errors), and "Error: <message>" for what went wrong before anything was sent.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace aql {

// Why a statement failed, ready to print.
struct Failure {
  std::optional<common::ResultCode> code;  // none: found locally (bad statement, file)
  std::string message;
};

// The C client's name for a result code (AEROSPIKE_ERR_...).
std::string_view result_code_symbol(common::ResultCode code);

// A client call's error: the code's name, a UDF's own text, or, for failures that never
// reached a server, the name and why.
Failure client_failure(const common::Error& error);
// Why connecting failed: a node's refusal of the login (or of a client without one) in
// its own words, "not authenticated (80) from 10.0.0.5:3000"; anything else as above.
Failure connect_failure(const common::Error& error);
inline Failure server_failure(common::ResultCode code, std::string text) { return {code, std::move(text)}; }
inline Failure local_failure(std::string message) { return {std::nullopt, std::move(message)}; }

// The whole line, without the newline.
std::string error_line(const Failure& failure);

}  // namespace aql
