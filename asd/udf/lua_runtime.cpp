#include "udf/lua_runtime.h"

#include <atomic>
#include <lua.hpp>
#include <map>
#include <memory>
#include <utility>

#include "common/log.h"
#include "proto/msgpack.h"
#include "udf/lua_record.h"
#include "udf/lua_state.h"
#include "udf/lua_stream.h"
#include "udf/lua_value.h"
#include "udf/udf_modules.h"

namespace asd::udf {

namespace {

std::atomic<uint64_t> next_runtime_id{1};

// "<runtime id>/<module>" -> state, per thread.
using StateCache = std::map<std::string, std::unique_ptr<LuaState>>;
thread_local StateCache state_cache;

// Registry slot of the current call's record userdata (keyed by this address).
const char kRecordSlot = 0;

// What the protected part of a call works on; everything with a destructor lives here,
// outside the frames a Lua error unwinds.
struct CallFrame {
  RecordContext* record = nullptr;
  std::string_view function;
  const proto::msgpack::Value* args = nullptr;
  bool function_found = true;
  Elem result;
};

int protected_call(lua_State* L) {
  auto* frame = static_cast<CallFrame*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  push_record(L, frame->record);  // 1
  lua_pushvalue(L, 1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kRecordSlot);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);  // 2
  lua_pushlstring(L, frame->function.data(), frame->function.size());
  if (lua_rawget(L, 2) != LUA_TFUNCTION) {
    frame->function_found = false;
    return 0;
  }
  lua_pushvalue(L, 1);
  int nargs = 1;
  if (frame->args) nargs += push_items(L, *frame->args);
  lua_call(L, nargs, 1);
  frame->result = to_elem(L, -1);
  return 0;
}

// The record userdata may outlive the call (a UDF can keep it in a global): it must not
// reach the call's RecordContext afterwards, whether the call returned or failed. Only
// calls that cannot raise errors here: this runs unprotected.
void detach_call_record(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kRecordSlot);
  detach_record(L, -1);
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kRecordSlot);
}

}  // namespace

LuaRuntime::LuaRuntime(const UdfModules& modules) : modules_(modules), id_(next_runtime_id.fetch_add(1)) {}

LuaRuntime::~LuaRuntime() = default;

LuaState* LuaRuntime::state_for(std::string_view module, std::string* error) {
  std::string key = std::to_string(id_) + "/" + std::string(module);
  auto it = state_cache.find(key);
  if (it != state_cache.end() && it->second->generation() == modules_.generation()) return it->second.get();
  std::unique_ptr<LuaState> state = LuaState::open(modules_, module, error);
  if (it != state_cache.end()) state_cache.erase(it);
  if (!state) return nullptr;
  return state_cache.emplace(std::move(key), std::move(state)).first->second.get();
}

void LuaRuntime::drop_state(std::string_view module) {
  state_cache.erase(std::to_string(id_) + "/" + std::string(module));
}

LuaState* LuaRuntime::prepare(std::string_view module, std::string_view args, proto::msgpack::Value* argv,
                              UdfOutcome* out) {
  if (!args.empty() && (!proto::msgpack::decode(args, argv) || argv->kind != proto::msgpack::Kind::List)) {
    out->code = common::ResultCode::Parameter;
    return nullptr;
  }
  std::string error;
  LuaState* state = state_for(module, &error);
  if (!state) {
    // The real server's text for a module it cannot load, with the reason after it.
    common::logger("udf")->warn("cannot load UDF module {}: {}", module, error);
    out->code = common::ResultCode::UdfExecution;
    out->failure = "UDF: Execution Error 1 : " + error;
  }
  return state;
}

UdfOutcome LuaRuntime::run_stream(std::string_view module, std::string_view function, std::string_view args,
                                  UdfRecordSource& source, UdfValueSink& sink) {
  UdfOutcome out;
  proto::msgpack::Value argv;
  LuaState* state = prepare(module, args, &argv, &out);
  if (!state) return out;
  std::string error;
  bool found = true;
  bool ok = run_stream_in(*state, function, args.empty() ? nullptr : &argv, source, sink, &error, &found);
  if (!ok) {
    if (state->spent()) drop_state(module);
    out.code = common::ResultCode::UdfExecution;
    // The real server's text for a Lua error in a stream (2: a runtime error).
    out.failure = "UDF: Execution Error 2 : " + error;
  } else if (!found) {
    out.code = common::ResultCode::UdfExecution;
    out.failure = "function not found";
  }
  return out;
}

UdfOutcome LuaRuntime::run(std::string_view module, std::string_view function, std::string_view args,
                           const UdfTarget& target) {
  UdfOutcome out;
  proto::msgpack::Value argv;
  LuaState* state = prepare(module, args, &argv, &out);
  if (!state) return out;
  std::string error;
  RecordContext record(target);
  CallFrame frame;
  frame.record = &record;
  frame.function = function;
  frame.args = args.empty() ? nullptr : &argv;
  state->begin_call();
  bool ok = protected_run(state->L(), protected_call, &frame, &error);
  lua_settop(state->L(), 0);
  detach_call_record(state->L());
  if (!ok) {
    if (state->spent()) drop_state(module);
    out.code = common::ResultCode::UdfExecution;
    out.failure = std::move(error);
    return out;
  }
  if (!frame.function_found) {
    out.code = common::ResultCode::UdfExecution;
    out.failure = "function not found";
    return out;
  }
  if (!to_particle(frame.result, &out.particle, &out.value)) {
    out.code = common::ResultCode::UdfExecution;
    out.failure = "the UDF returned a value that cannot be sent (a container holding itself)";
    return out;
  }
  fill_outcome(record, &out);
  return out;
}

}  // namespace asd::udf
