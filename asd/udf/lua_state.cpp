#include "udf/lua_state.h"

#include <cstdlib>
#include <lua.hpp>
#include <optional>

#include "common/log.h"
#include "udf/lua_record.h"
#include "udf/lua_stream.h"
#include "udf/lua_value.h"
#include "udf/udf_modules.h"

namespace asd::udf {

namespace {

constexpr int kHookEvery = 1000;
constexpr const char* kModulesKey = "asd.modules";
constexpr const char* kLoadedKey = "asd.loaded";

LuaState::Limits* limits_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<LuaState::Limits*>(ud);
}

void* limited_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* limits = static_cast<LuaState::Limits*>(ud);
  if (!ptr) osize = 0;
  if (nsize == 0) {
    std::free(ptr);
    limits->used -= osize;
    return nullptr;
  }
  if (nsize > osize && limits->used + (nsize - osize) > kMaxStateBytes) {
    limits->exceeded = true;
    return nullptr;
  }
  void* p = std::realloc(ptr, nsize);
  if (!p) return nullptr;
  limits->used = limits->used - osize + nsize;
  return p;
}

void count_hook(lua_State* L, lua_Debug*) {
  LuaState::Limits* limits = limits_of(L);
  limits->instructions += kHookEvery;
  if (limits->instructions > kMaxInstructions) {
    limits->exceeded = true;
    luaL_error(L, "UDF stopped: more than %d instructions", int(kMaxInstructions));
  }
}

// info/debug/trace/warn(format, ...): string.format, then the node's log.
template <spdlog::level::level_enum Level>
int udf_log(lua_State* L) {
  int n = lua_gettop(L);
  lua_getglobal(L, "string");
  lua_getfield(L, -1, "format");
  lua_remove(L, -2);
  lua_insert(L, 1);
  lua_call(L, n, 1);
  const char* text = lua_tostring(L, -1);
  common::logger("udf")->log(Level, "{}", text ? text : "");
  return 0;
}

const UdfModules* modules_of(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kModulesKey);
  auto* modules = static_cast<const UdfModules*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return modules;
}

// Pushes the source of the registered module `name`; false (nothing pushed) when there
// is none. Its C++ copies are gone by the time the caller can raise a Lua error.
bool push_module_source(lua_State* L, const char* name) {
  std::string file = std::string(name) + ".lua";
  std::optional<std::string> source = valid_module_filename(file) ? modules_of(L)->content(file) : std::nullopt;
  if (!source) return false;
  lua_pushlstring(L, source->data(), source->size());
  return true;
}

// require(name): a module registered with udf-put, run once per state.
int sandbox_require(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, kLoadedKey);  // 2
  if (lua_getfield(L, 2, name) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  if (!push_module_source(L, name)) return luaL_error(L, "module '%s' not found", name);  // 3
  lua_pushfstring(L, "@%s/%s.lua", modules_of(L)->user_path().c_str(), name);       // 4
  size_t n = 0;
  const char* text = lua_tolstring(L, 3, &n);
  if (luaL_loadbufferx(L, text, n, lua_tostring(L, 4), "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, 2, name);
  return 1;
}

struct OpenArgs {
  const UdfModules* modules;
  std::string source;
  std::string chunk;
};

int open_sandbox(lua_State* L) {
  auto* args = static_cast<OpenArgs*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                                  {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_STRLIBNAME, luaopen_string},
                                  {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8},
                                  {nullptr, nullptr}};
  for (const luaL_Reg* lib = libs; lib->func; ++lib) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  for (const char* unsafe : {"dofile", "loadfile", "load", "print", "collectgarbage"}) {
    lua_pushnil(L);
    lua_setglobal(L, unsafe);
  }
  // string.dump would hand out bytecode, which the sandbox never loads anyway.
  lua_getglobal(L, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);

  lua_pushlightuserdata(L, const_cast<UdfModules*>(args->modules));
  lua_setfield(L, LUA_REGISTRYINDEX, kModulesKey);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, kLoadedKey);
  lua_register(L, "require", sandbox_require);
  lua_register(L, "trace", udf_log<spdlog::level::trace>);
  lua_register(L, "debug", udf_log<spdlog::level::debug>);
  lua_register(L, "info", udf_log<spdlog::level::info>);
  lua_register(L, "warn", udf_log<spdlog::level::warn>);
  open_value_libs(L);
  open_record_lib(L);
  open_stream_lib(L);

  if (luaL_loadbufferx(L, args->source.data(), args->source.size(), args->chunk.c_str(), "t") != LUA_OK) {
    return lua_error(L);
  }
  lua_call(L, 0, 0);
  return 0;
}

}  // namespace

bool protected_run(lua_State* L, int (*fn)(lua_State*), void* arg, std::string* error) {
  lua_pushcfunction(L, fn);
  lua_pushlightuserdata(L, arg);
  if (lua_pcall(L, 1, 0, 0) == LUA_OK) return true;
  // As the real server: an error raised with a table or number has no text to show.
  const char* msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : nullptr;
  *error = msg ? msg : "result value type unexpected";
  lua_pop(L, 1);
  return false;
}

std::unique_ptr<LuaState> LuaState::open(const UdfModules& modules, std::string_view module, std::string* error) {
  std::unique_ptr<LuaState> state(new LuaState());
  // Read before the source, so a module changing meanwhile is loaded again next time.
  state->generation_ = modules.generation();
  std::string file = std::string(module) + ".lua";
  OpenArgs args{&modules, {}, "@" + modules.user_path() + "/" + file};
  std::optional<std::string> source = valid_module_filename(file) ? modules.content(file) : std::nullopt;
  if (!source) {
    *error = "module '" + std::string(module) + "' not found";
    return nullptr;
  }
  args.source = std::move(*source);
  state->limits_ = std::make_unique<Limits>();
  state->L_ = lua_newstate(limited_alloc, state->limits_.get());
  if (!state->L_) {
    *error = "cannot create a Lua state";
    return nullptr;
  }
  lua_sethook(state->L_, count_hook, LUA_MASKCOUNT, kHookEvery);
  state->begin_call();
  if (!protected_run(state->L_, open_sandbox, &args, error)) return nullptr;
  if (state->limits_->exceeded) {
    *error = "module '" + std::string(module) + "' exceeded a limit while loading";
    return nullptr;
  }
  return state;
}

LuaState::~LuaState() {
  if (L_) lua_close(L_);
}

void LuaState::begin_call() {
  limits_->instructions = 0;
  limits_->exceeded = false;
}

bool LuaState::spent() const { return limits_->exceeded; }

}  // namespace asd::udf
