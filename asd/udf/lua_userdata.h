#pragma once
// Internal to udf/: how the Aerospike value types sit in Lua userdata. A box is a
// userdata holding a shared_ptr, so several Lua values can name one container; its
// metatable's __gc releases the reference.

#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <lua.hpp>

namespace asd::udf {

struct Elem;

inline constexpr const char* kListMeta = "Aerospike.List";
inline constexpr const char* kMapMeta = "Aerospike.Map";
inline constexpr const char* kBytesMeta = "Aerospike.Bytes";
inline constexpr const char* kGeoJsonMeta = "Aerospike.GeoJSON";
inline constexpr const char* kRecordMeta = "Aerospike.Record";

template <class T>
int box_gc(lua_State* L) {
  auto* p = static_cast<std::shared_ptr<T>*>(lua_touserdata(L, 1));
  if (p) p->~shared_ptr<T>();
  return 0;
}

template <class T>
void push_box(lua_State* L, std::shared_ptr<T> value, const char* meta) {
  void* mem = lua_newuserdatauv(L, sizeof(std::shared_ptr<T>), 0);
  new (mem) std::shared_ptr<T>(std::move(value));
  luaL_setmetatable(L, meta);
}

template <class T>
std::shared_ptr<T>* test_box(lua_State* L, int index, const char* meta) {
  return static_cast<std::shared_ptr<T>*>(luaL_testudata(L, index, meta));
}

// The box at `index`, or a Lua error naming the expected type.
template <class T>
T& check_box(lua_State* L, int index, const char* meta) {
  return **static_cast<std::shared_ptr<T>*>(luaL_checkudata(L, index, meta));
}

// GeoJSON values: a userdata holding the GeoJSON text.
void push_geojson(lua_State* L, std::string_view json);
const std::string* test_geojson(lua_State* L, int index);

// Pushes how tostring shows the value at `index` inside a list or map: strings quoted,
// nil as NIL, other values as tostring gives them.
void push_display(lua_State* L, int index);

// A record userdata: list and map stores ignore it, as the real server's do.
inline bool is_record(lua_State* L, int index) { return luaL_testudata(L, index, kRecordMeta) != nullptr; }

// Library openers (one per value type).
void open_list_lib(lua_State* L);
void open_map_lib(lua_State* L);
void open_bytes_lib(lua_State* L);
void open_geojson_lib(lua_State* L);

// Creates metatable `meta` with `methods` as its fields (the __ metamethods), and a
// global table `name` holding `functions`, callable as a constructor through `ctor`.
void register_type(lua_State* L, const char* meta, const luaL_Reg* methods, const char* name,
                   const luaL_Reg* functions, lua_CFunction ctor);

}  // namespace asd::udf
