#pragma once
// Internal to udf/: stream UDFs (aggregations) in a sandboxed state.

#include <string>
#include <string_view>

#include "proto/msgpack.h"
#include "transaction/record_udf.h"

struct lua_State;

namespace asd::udf {

class LuaState;

// Loads the stream builder and pipeline into a new state (at sandbox creation).
void open_stream_lib(lua_State* L);

// Runs `function(stream, args...)` in `state` and streams its server-side stages over
// `source` into `sink`. False with the Lua error in *error; *function_found false when
// the module has no such function.
bool run_stream_in(LuaState& state, std::string_view function, const proto::msgpack::Value* args,
                   UdfRecordSource& source, UdfValueSink& sink, std::string* error, bool* function_found);

}  // namespace asd::udf
