#include "udf/lua_record.h"

#include <lua.hpp>

#include "common/clock.h"
#include "common/log.h"
#include "proto/message.h"
#include "transaction/bin_ops.h"
#include "udf/lua_userdata.h"

namespace asd::udf {

void RecordContext::reset(const UdfTarget& t) {
  target = t;
  exists = t.record != nullptr;
  changed = false;
  removed = false;
  working = t.record ? *t.record : Record();
  pending.clear();
  loaded.clear();
  ttl.reset();
  drop_key = false;
}

namespace {

// Return codes of the aerospike object's calls, as UDFs test them.
constexpr int kOk = 0;
constexpr int kRecordExists = 1;   // create of a live record
constexpr int kRemoveMissing = 1;  // remove of a record that does not exist
constexpr int kUpdateMissing = -2; // update of a record that does not exist
constexpr int kBadBin = -1;

struct RecordBox {
  RecordContext* ctx = nullptr;
};

RecordContext& check_record(lua_State* L, int index) {
  auto* box = static_cast<RecordBox*>(luaL_checkudata(L, index, kRecordMeta));
  if (!box->ctx) luaL_error(L, "record used after its UDF call returned");
  return *box->ctx;
}

// Moves the pending bin assignments into the working copy. False when a value cannot
// be stored (a container nested in itself, or a malformed GeoJSON).
bool apply_pending(RecordContext& ctx) {
  for (auto& [name, value] : ctx.pending) {
    ctx.loaded.erase(name);
    if (value.is_nil()) {
      ctx.working.remove_bin(name);
      continue;
    }
    Bin bin{name, 0, {}};
    if (!to_particle(value, &bin.particle, &bin.value)) return false;
    if (check_bin_value(bin.particle, bin.value) != common::ResultCode::Ok) return false;
    if (Bin* existing = ctx.working.find_bin(name)) *existing = std::move(bin);
    else ctx.working.bins.push_back(std::move(bin));
  }
  ctx.pending.clear();
  return true;
}

// create/update: the pending bins go into the working copy, which becomes the record's
// next version. Pushes the call's return code.
int save_pending(lua_State* L, RecordContext& ctx) {
  if (!apply_pending(ctx)) {
    lua_pushinteger(L, kBadBin);
    return 1;
  }
  ctx.exists = true;
  ctx.changed = true;
  lua_pushinteger(L, kOk);
  return 1;
}

int record_index(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  size_t n = 0;
  const char* name = luaL_checklstring(L, 2, &n);
  std::string_view bin(name, n);
  if (auto it = ctx.pending.find(bin); it != ctx.pending.end()) {
    push_elem(L, it->second);
    return 1;
  }
  if (auto it = ctx.loaded.find(bin); it != ctx.loaded.end()) {
    push_elem(L, it->second);
    return 1;
  }
  const Bin* b = ctx.exists ? ctx.working.find_bin(bin) : nullptr;
  Elem value;
  if (!b || !from_particle(b->particle, b->value, &value)) {
    lua_pushnil(L);
    return 1;
  }
  // A list or map read from a bin is the same object on every read, so a UDF can change
  // it in place and assign it back.
  if (value.list || value.map) ctx.loaded[std::string(bin)] = value;
  push_elem(L, value);
  return 1;
}

int record_newindex(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  size_t n = 0;
  const char* name = luaL_checklstring(L, 2, &n);
  // The real server ignores such a bin with only a log line; a UDF losing a write
  // silently is worse than an error it can see.
  if (n > proto::kMaxBinNameSize) return luaL_error(L, "bin name '%s' is longer than 15 bytes", name);
  int t = lua_type(L, 3);
  if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TLIGHTUSERDATA ||
      (t == LUA_TUSERDATA && luaL_testudata(L, 3, kRecordMeta))) {
    return luaL_error(L, "can't set bin %s to unsupported type", name);
  }
  ctx.pending[std::string(name, n)] = to_elem(L, 3);
  return 0;
}

int record_tostring(lua_State* L) {
  auto* box = static_cast<RecordBox*>(luaL_checkudata(L, 1, kRecordMeta));
  lua_pushstring(L, box->ctx && box->ctx->exists ? "Record()" : "Record(absent)");
  return 1;
}

// aerospike:create(rec): 0, or 1 when the record exists already.
int as_create(lua_State* L) {
  RecordContext& ctx = check_record(L, 2);
  if (ctx.exists) {
    lua_pushinteger(L, kRecordExists);
    return 1;
  }
  ctx.working.bins.clear();
  return save_pending(L, ctx);
}

// aerospike:update(rec): 0, or -2 when the record does not exist (create makes one).
int as_update(lua_State* L) {
  RecordContext& ctx = check_record(L, 2);
  if (!ctx.exists) {
    lua_pushinteger(L, kUpdateMissing);
    return 1;
  }
  return save_pending(L, ctx);
}

int as_exists(lua_State* L) {
  lua_pushboolean(L, check_record(L, 2).exists);
  return 1;
}

// aerospike:remove(rec): 0, or 1 when there is no record.
int as_remove(lua_State* L) {
  RecordContext& ctx = check_record(L, 2);
  if (!ctx.exists) {
    lua_pushinteger(L, kRemoveMissing);
    return 1;
  }
  ctx.exists = false;
  ctx.changed = false;
  ctx.removed = true;
  ctx.working.bins.clear();
  ctx.pending.clear();
  ctx.loaded.clear();
  lua_pushinteger(L, kOk);
  return 1;
}

int rec_ttl(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  uint32_t void_time = ctx.exists ? ctx.working.void_time : 0;
  uint32_t now = common::now_cl_sec();
  lua_pushinteger(L, void_time == 0 ? 0 : void_time > now ? void_time - now : 0);
  return 1;
}

int rec_gen(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  lua_pushinteger(L, ctx.exists ? ctx.working.generation : 0);
  return 1;
}

int rec_last_update_time(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  lua_pushinteger(L, lua_Integer(ctx.exists ? ctx.working.lut : 0));
  return 1;
}

int rec_digest(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  auto b = std::make_shared<LuaBytes>();
  b->data.assign(reinterpret_cast<const char*>(ctx.target.digest->bytes.data()), ctx.target.digest->bytes.size());
  push_box(L, std::move(b), kBytesMeta);
  return 1;
}

// The user key the record was written or called with; nil when neither has one.
int rec_key(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  std::string_view key = ctx.target.key;
  if (key.empty() || !push_particle(L, uint8_t(key[0]), key.substr(1))) lua_pushnil(L);
  return 1;
}

int rec_setname(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  if (ctx.target.set.empty()) lua_pushnil(L);
  else lua_pushlstring(L, ctx.target.set.data(), ctx.target.set.size());
  return 1;
}

int rec_numbins(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  lua_pushinteger(L, ctx.exists ? lua_Integer(ctx.working.bins.size()) : 0);
  return 1;
}

// A Lua array of the stored bins' names.
int rec_bin_names(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  if (!ctx.exists) return luaL_error(L, "can't get bin names");
  lua_createtable(L, int(ctx.working.bins.size()), 0);
  for (size_t i = 0; i < ctx.working.bins.size(); ++i) {
    lua_pushlstring(L, ctx.working.bins[i].name.data(), ctx.working.bins[i].name.size());
    lua_rawseti(L, -2, lua_Integer(i + 1));
  }
  return 1;
}

int rec_size(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  lua_pushinteger(L, ctx.exists ? lua_Integer(ctx.working.record_size()) : 0);
  return 1;
}

// record.set_ttl(rec, ttl): the TTL the record's write will use (0 default, -1 never,
// -2 unchanged), applied when the UDF also creates or updates it.
int rec_set_ttl(lua_State* L) {
  RecordContext& ctx = check_record(L, 1);
  lua_Integer ttl = luaL_optinteger(L, 2, 0);
  luaL_argcheck(L, ttl >= -2 && ttl <= lua_Integer(UINT32_MAX), 2, "bad ttl");
  ctx.ttl = uint32_t(ttl);
  return 0;
}

// aerospike:log(level, message): 0 critical, 1 warning, 2 info, 3 debug, 4 detail.
int as_log(lua_State* L) {
  lua_Integer level = luaL_checkinteger(L, 2);
  const char* text = luaL_checkstring(L, 3);
  spdlog::level::level_enum to = level <= 0   ? spdlog::level::critical
                                 : level == 1 ? spdlog::level::warn
                                 : level == 2 ? spdlog::level::info
                                 : level == 3 ? spdlog::level::debug
                                              : spdlog::level::trace;
  common::logger("udf")->log(to, "{}", text);
  return 0;
}

// Milliseconds since the Unix epoch.
int as_get_current_time(lua_State* L) {
  lua_pushinteger(L, lua_Integer(common::now_unix_ms()));
  return 1;
}

// Hooks the real server does not implement either: their fixed answers.
int as_set_context(lua_State* L) {
  lua_pushinteger(L, 2);
  return 1;
}

int as_get_config(lua_State* L) {
  lua_pushinteger(L, 0);
  return 1;
}

int rec_drop_key(lua_State* L) {
  check_record(L, 1).drop_key = true;
  return 0;
}

}  // namespace

void push_record(lua_State* L, RecordContext* ctx) {
  auto* box = static_cast<RecordBox*>(lua_newuserdatauv(L, sizeof(RecordBox), 0));
  box->ctx = ctx;
  luaL_setmetatable(L, kRecordMeta);
}

void detach_record(lua_State* L, int index) {
  auto* box = static_cast<RecordBox*>(luaL_testudata(L, index, kRecordMeta));
  if (box) box->ctx = nullptr;
}

void fill_outcome(const RecordContext& ctx, UdfOutcome* out) {
  out->ttl = ctx.ttl;
  out->drop_key = ctx.drop_key;
  if (ctx.exists && ctx.changed) {
    out->change = UdfOutcome::Change::Write;
    out->bins = ctx.working.bins;
  } else if (!ctx.exists && ctx.removed && ctx.target.record) {
    out->change = UdfOutcome::Change::Delete;
  }
}

void open_record_lib(lua_State* L) {
  static const luaL_Reg methods[] = {{"__index", record_index},
                                     {"__newindex", record_newindex},
                                     {"__tostring", record_tostring},
                                     {nullptr, nullptr}};
  luaL_newmetatable(L, kRecordMeta);
  luaL_setfuncs(L, methods, 0);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  static const luaL_Reg record_functions[] = {{"ttl", rec_ttl},
                                              {"gen", rec_gen},
                                              {"last_update_time", rec_last_update_time},
                                              {"digest", rec_digest},
                                              {"key", rec_key},
                                              {"setname", rec_setname},
                                              {"numbins", rec_numbins},
                                              {"bin_names", rec_bin_names},
                                              {"size", rec_size},
                                              {"device_size", rec_size},
                                              {"memory_size", rec_size},
                                              {"set_ttl", rec_set_ttl},
                                              {"drop_key", rec_drop_key},
                                              {nullptr, nullptr}};
  luaL_newlib(L, record_functions);
  lua_setglobal(L, "record");

  // `aerospike` is an object: its functions are called as aerospike:create(rec).
  static const luaL_Reg aerospike_functions[] = {
      {"create", as_create},
      {"update", as_update},
      {"exists", as_exists},
      {"remove", as_remove},
      {"log", as_log},
      {"get_current_time", as_get_current_time},
      {"set_context", as_set_context},
      {"get_config", as_get_config},
      {nullptr, nullptr}};
  luaL_newlib(L, aerospike_functions);
  lua_setglobal(L, "aerospike");
}

}  // namespace asd::udf
