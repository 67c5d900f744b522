// GeoJSON values in Lua (geojson(text), tostring), and the registration shared by every
// value type.

#include <string>

#include "udf/lua_userdata.h"
#include "udf/lua_value.h"

namespace asd::udf {

void push_geojson(lua_State* L, std::string_view json) {
  push_box(L, std::make_shared<std::string>(json), kGeoJsonMeta);
}

const std::string* test_geojson(lua_State* L, int index) {
  auto* p = test_box<std::string>(L, index, kGeoJsonMeta);
  return p ? p->get() : nullptr;
}

namespace {

int geojson_new(lua_State* L) {
  size_t n = 0;
  const char* s = luaL_checklstring(L, 2, &n);
  push_geojson(L, std::string_view(s, n));
  return 1;
}

// tostring shows the JSON in double quotes, as the real server's does.
int geojson_tostring(lua_State* L) {
  const std::string& s = check_box<std::string>(L, 1, kGeoJsonMeta);
  lua_pushfstring(L, "\"%s\"", s.c_str());
  return 1;
}

}  // namespace

void open_geojson_lib(lua_State* L) {
  static const luaL_Reg methods[] = {
      {"__tostring", geojson_tostring}, {"__gc", box_gc<std::string>}, {nullptr, nullptr}};
  static const luaL_Reg functions[] = {{nullptr, nullptr}};
  register_type(L, kGeoJsonMeta, methods, "geojson", functions, geojson_new);
}

void register_type(lua_State* L, const char* meta, const luaL_Reg* methods, const char* name,
                   const luaL_Reg* functions, lua_CFunction ctor) {
  luaL_newmetatable(L, meta);
  luaL_setfuncs(L, methods, 0);
  // Hidden from Lua code, so a UDF cannot change how a type behaves for the next call.
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  lua_newtable(L);
  luaL_setfuncs(L, functions, 0);
  lua_newtable(L);
  lua_pushcfunction(L, ctor);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_setglobal(L, name);
}

void push_display(lua_State* L, int index) {
  index = lua_absindex(L, index);
  if (lua_type(L, index) == LUA_TSTRING) {
    lua_pushfstring(L, "\"%s\"", lua_tostring(L, index));
  } else if (lua_isnil(L, index)) {
    lua_pushliteral(L, "NIL");
  } else {
    luaL_tolstring(L, index, nullptr);
  }
}

void open_value_libs(lua_State* L) {
  open_list_lib(L);
  open_map_lib(L);
  open_bytes_lib(L);
  open_geojson_lib(L);
}

}  // namespace asd::udf
