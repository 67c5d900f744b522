#pragma once
// The JSON text inside aql's JSON('...'), LIST('...') and MAP('...') literals, read into
// the msgpack tree that list and map bins carry. Integers without a fraction or
// exponent stay integers; strings become Aerospike strings; nesting is capped.

#include <string>
#include <string_view>

#include "common/result.h"
#include "proto/msgpack.h"

namespace aql {

// Parameter error naming the offset of the first thing that is not JSON.
common::Result<proto::msgpack::Value> parse_json(std::string_view text);

// JSON text of a string's content, quotes included ("a\"b").
std::string json_quote(std::string_view text);

}  // namespace aql
