// Stream UDFs (wire-protocol §10.4). The user's function gets a stream builder and
// returns it with its stages (filter, map, aggregate, reduce, groupby); this node runs
// the stages up to and including the first reduce over its records, pulling them one at
// a time, and emits what comes out. The client runs that reduce again over every node's
// output, then the rest.

#include "udf/lua_stream.h"

#include <lua.hpp>

#include "udf/lua_record.h"
#include "udf/lua_state.h"
#include "udf/lua_value.h"

namespace asd::udf {

namespace {

constexpr const char* kStreamKey = "asd.stream";

// The builder and the pull pipeline, in Lua: the stages are Lua functions calling Lua
// functions, so there is nothing to gain from C here. Stage kinds: "either" stages run
// wherever they come, "server" ones only here, and the first "both" (a reduce) runs here
// and again on the client, which runs everything after it.
constexpr const char* kStreamSource = R"lua(
local Builder = {}
Builder.__index = Builder

local function stage(self, where, kind, fn, init)
  self.stages[#self.stages + 1] = { where = where, kind = kind, fn = fn, init = init }
  return self
end

function Builder:filter(fn) return stage(self, 'either', 'filter', fn) end
function Builder:map(fn) return stage(self, 'either', 'map', fn) end
function Builder:aggregate(init, fn) return stage(self, 'server', 'aggregate', fn, init) end
function Builder:reduce(fn) return stage(self, 'both', 'reduce', fn) end

function Builder:groupby(key_of)
  local function add(groups, value)
    local key = key_of(value)
    if key ~= nil then
      local members = groups[key] or list()
      list.append(members, value)
      groups[key] = members
    end
    return groups
  end
  local function join(a, b)
    return map.merge(a, b, function(x, y)
      local out = list.clone(x)
      list.concat(out, y)
      return out
    end)
  end
  return self:aggregate(map(), add):reduce(join)
end

local function clone(v)
  local t = type(v)
  if t == 'number' or t == 'string' or t == 'boolean' then return v end
  if t == 'table' then
    local out = {}
    for k, x in pairs(v) do out[k] = x end
    return out
  end
  local ok, size = pcall(list.size, v)
  if ok and size then return list.clone(v) end
  ok, size = pcall(map.size, v)
  if ok and size then return map.clone(v) end
  return nil
end

local function wrap(s, pull)
  local fn = s.fn
  if s.kind == 'filter' then
    return function()
      while true do
        local v = pull()
        if v == nil then return nil end
        if fn(v) then return v end
      end
    end
  elseif s.kind == 'map' then
    return function()
      local v = pull()
      if v == nil then return nil end
      return fn(v)
    end
  elseif s.kind == 'aggregate' then
    local done = false
    return function()
      if done then return nil end
      done = true
      local acc = clone(s.init)
      for v in pull do acc = fn(acc, v) end
      return acc
    end
  else
    local done = false
    return function()
      if done then return nil end
      done = true
      local acc = nil
      for v in pull do
        if acc == nil then acc = v else acc = fn(acc, v) end
      end
      return acc
    end
  end
end

local function run(fn, pull, emit, ...)
  local built = fn(setmetatable({ stages = {} }, Builder), ...)
  if getmetatable(built) ~= Builder then error('the stream function did not return its stream', 0) end
  for _, s in ipairs(built.stages) do
    pull = wrap(s, pull)
    if s.where == 'both' then break end
  end
  while true do
    local v = pull()
    if v == nil or not emit(v) then return end
  end
end

return run
)lua";

// Registry slot of the record userdata the stream reuses for every record.
const char kStreamRecordSlot = 0;

struct StreamFrame {
  UdfRecordSource* source = nullptr;
  UdfValueSink* sink = nullptr;
  LuaState* state = nullptr;
  RecordContext record;
  std::string_view function;
  const proto::msgpack::Value* args = nullptr;
  bool function_found = true;
  Elem emitted;
};

StreamFrame* frame_of(lua_State* L) { return static_cast<StreamFrame*>(lua_touserdata(L, lua_upvalueindex(1))); }

// The pipeline's source: the next record (the same userdata, over the next record's
// data), or nil. Each record starts a fresh instruction budget: the limit bounds the
// work per record, not the whole aggregation.
int stream_next(lua_State* L) {
  StreamFrame* frame = frame_of(L);
  const UdfTarget* target = frame->source->next();
  if (!target) {
    lua_pushnil(L);
    return 1;
  }
  frame->record.reset(*target);
  frame->state->begin_call();
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kStreamRecordSlot);
  return 1;
}

// One output value; false when the output stops. Values with no Aerospike form (nil, a
// Lua table) are skipped, as the real server does.
int stream_emit(lua_State* L) {
  StreamFrame* frame = frame_of(L);
  frame->emitted = to_elem(L, 1);
  uint8_t particle = 0;
  thread_local std::string bytes;
  bool ok = true;
  if (!frame->emitted.is_nil() && to_particle(frame->emitted, &particle, &bytes)) {
    ok = frame->sink->emit(particle, bytes);
  }
  frame->emitted = Elem();
  lua_pushboolean(L, ok);
  return 1;
}

int protected_stream(lua_State* L) {
  auto* frame = static_cast<StreamFrame*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  push_record(L, &frame->record);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kStreamRecordSlot);
  lua_getfield(L, LUA_REGISTRYINDEX, kStreamKey);  // 1: run
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushlstring(L, frame->function.data(), frame->function.size());
  if (lua_rawget(L, 2) != LUA_TFUNCTION) {
    frame->function_found = false;
    return 0;
  }
  lua_remove(L, 2);  // 2: the user's function
  lua_pushlightuserdata(L, frame);
  lua_pushcclosure(L, stream_next, 1);
  lua_pushlightuserdata(L, frame);
  lua_pushcclosure(L, stream_emit, 1);
  int nargs = 3;
  if (frame->args) nargs += push_items(L, *frame->args);
  lua_call(L, nargs, 0);
  return 0;
}

}  // namespace

void open_stream_lib(lua_State* L) {
  if (luaL_loadbufferx(L, kStreamSource, std::char_traits<char>::length(kStreamSource), "=stream", "t") != LUA_OK) {
    lua_error(L);
  }
  lua_call(L, 0, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, kStreamKey);
}

bool run_stream_in(LuaState& state, std::string_view function, const proto::msgpack::Value* args,
                   UdfRecordSource& source, UdfValueSink& sink, std::string* error, bool* function_found) {
  StreamFrame frame;
  frame.source = &source;
  frame.sink = &sink;
  frame.state = &state;
  frame.function = function;
  frame.args = args;
  state.begin_call();
  bool ok = protected_run(state.L(), protected_stream, &frame, error);
  lua_State* L = state.L();
  lua_settop(L, 0);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kStreamRecordSlot);
  detach_record(L, -1);
  lua_pop(L, 1);
  lua_pushnil(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kStreamRecordSlot);
  *function_found = frame.function_found;
  return ok;
}

}  // namespace asd::udf
