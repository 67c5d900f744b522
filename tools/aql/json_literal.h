#pragma once
// The JSON text inside aql's JSON('...'), LIST('...') and MAP('...') literals, read into
// the msgpack tree that list and map bins carry. Integers without a fraction or
// exponent stay integers; strings become Aerospike strings; nesting is capped.

#include <string>
#include <string_view>

#include "common/result.h"
#include "proto/msgpack.h"
#include "recexport/json_value.h"

namespace aql {

// Parameter error naming the offset of the first thing that is not JSON.
common::Result<proto::msgpack::Value> parse_json(std::string_view text);

using recexport::json_quote;

}  // namespace aql
