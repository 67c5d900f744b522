// The `map` type UDFs use: map(), map{k = v}, m[k] and m[k] = v (nil removes), and the
// functions of the real server's Lua map module (size, pairs, keys, values, remove,
// clone, merge, diff).

#include <string>

#include "udf/lua_userdata.h"
#include "udf/lua_value.h"

namespace asd::udf {

namespace {

LuaMap& check_map(lua_State* L, int index) { return check_box<LuaMap>(L, index, kMapMeta); }

// map() / map{k = v, ...}: a new map; a table argument gives its entries.
int map_new(lua_State* L) {
  auto out = std::make_shared<LuaMap>();
  if (lua_istable(L, 2)) {
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
      out->set(to_elem(L, -2), to_elem(L, -1));
      lua_pop(L, 1);
    }
  }
  push_new_map(L, std::move(out));
  return 1;
}

int map_create(lua_State* L) {
  push_new_map(L, std::make_shared<LuaMap>());
  return 1;
}

int map_index(lua_State* L) {
  LuaMap& m = check_map(L, 1);
  if (Elem* v = m.find(to_elem(L, 2))) {
    push_elem(L, *v);
    return 1;
  }
  lua_pushnil(L);
  return 1;
}

// m[k] = v. As in the real server: a key that is not an integer, string or bytes is
// ignored, nil is stored as a value (map.remove deletes), and a value with no Aerospike
// form (a Lua table) removes the key.
int map_newindex(lua_State* L) {
  LuaMap& m = check_map(L, 1);
  int t = lua_type(L, 3);
  if (t == LUA_TTABLE || t == LUA_TFUNCTION || t == LUA_TTHREAD || t == LUA_TLIGHTUSERDATA) {
    m.remove(to_elem(L, 2));
    return 0;
  }
  if (!is_record(L, 3)) m.set(to_elem(L, 2), to_elem(L, 3));
  return 0;
}

int map_size(lua_State* L) {
  lua_pushinteger(L, lua_Integer(check_map(L, 1).entries.size()));
  return 1;
}

int map_tostring(lua_State* L) {
  LuaMap& m = check_map(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "{");
  for (size_t i = 0; i < m.entries.size(); ++i) {
    if (i) luaL_addstring(&b, ", ");
    push_elem(L, m.entries[i].first);
    push_display(L, -1);
    lua_remove(L, -2);
    luaL_addvalue(&b);
    luaL_addstring(&b, ":");
    push_elem(L, m.entries[i].second);
    push_display(L, -1);
    lua_remove(L, -2);
    luaL_addvalue(&b);
  }
  luaL_addstring(&b, "}");
  luaL_pushresult(&b);
  return 1;
}

int map_remove(lua_State* L) {
  check_map(L, 1).remove(to_elem(L, 2));
  return 0;
}

int map_clone(lua_State* L) {
  LuaMap& m = check_map(L, 1);
  push_new_map(L, std::make_shared<LuaMap>(m));
  return 1;
}

// A new map with the entries of both; for a key in both, f(v1, v2) gives the value when
// f is given and returns something, else the second map's value wins. An error in f is raised once the C++
// objects here are gone (Lua errors unwind with longjmp, which skips destructors).
int map_merge(lua_State* L) {
  check_map(L, 1);
  check_map(L, 2);
  bool failed = false;
  {
    auto out = std::make_shared<LuaMap>(check_map(L, 1));
    std::vector<std::pair<Elem, Elem>> entries = check_map(L, 2).entries;
    bool has_fn = lua_isfunction(L, 3);
    for (auto& [k, v] : entries) {
      Elem* mine = out->find(k);
      if (!mine || !has_fn) {
        out->set(k, v);
        continue;
      }
      lua_pushvalue(L, 3);
      push_elem(L, *mine);
      push_elem(L, v);
      if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        failed = true;
        break;
      }
      Elem merged = lua_toboolean(L, -1) ? to_elem(L, -1) : v;
      lua_pop(L, 1);
      out->set(k, std::move(merged));
    }
    if (!failed) push_new_map(L, std::move(out));
  }
  if (failed) return lua_error(L);
  return 1;
}

// A new map with the entries whose key is in only one of the two maps.
int map_diff(lua_State* L) {
  LuaMap& a = check_map(L, 1);
  LuaMap& b = check_map(L, 2);
  auto out = std::make_shared<LuaMap>();
  for (auto& [k, v] : a.entries) {
    if (!b.find(k)) out->set(k, v);
  }
  for (auto& [k, v] : b.entries) {
    if (!a.find(k)) out->set(k, v);
  }
  push_new_map(L, std::move(out));
  return 1;
}

// Iterators over a snapshot of the map's entries taken when the loop starts (a loop
// that changes the map sees the entries it started with).
enum class Yield { Pairs, Keys, Values };

int map_iterate(lua_State* L) {
  auto* snap = test_box<LuaMap>(L, lua_upvalueindex(1), kMapMeta);
  auto what = Yield(lua_tointeger(L, lua_upvalueindex(2)));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
  if (!snap || size_t(i) >= (*snap)->entries.size()) return 0;
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(3));
  const auto& [k, v] = (*snap)->entries[size_t(i)];
  if (what == Yield::Values) {
    push_elem(L, v);
    return 1;
  }
  push_elem(L, k);
  if (what == Yield::Keys) return 1;
  push_elem(L, v);
  return 2;
}

int push_iterator(lua_State* L, Yield what) {
  LuaMap& m = check_map(L, 1);
  auto snap = std::make_shared<LuaMap>();
  snap->entries = m.entries;
  push_new_map(L, std::move(snap));
  lua_pushinteger(L, lua_Integer(what));
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, map_iterate, 3);
  return 1;
}

int map_pairs(lua_State* L) { return push_iterator(L, Yield::Pairs); }
int map_keys(lua_State* L) { return push_iterator(L, Yield::Keys); }
int map_values(lua_State* L) { return push_iterator(L, Yield::Values); }

int map_eq(lua_State* L) {
  lua_pushboolean(L, &check_map(L, 1) == &check_map(L, 2));
  return 1;
}

}  // namespace

void open_map_lib(lua_State* L) {
  static const luaL_Reg methods[] = {{"__index", map_index}, {"__newindex", map_newindex}, {"__len", map_size},
                                     {"__tostring", map_tostring}, {"__pairs", map_pairs}, {"__eq", map_eq},
                                     {"__gc", box_gc<LuaMap>},     {nullptr, nullptr}};
  static const luaL_Reg functions[] = {{"create", map_create}, {"size", map_size},     {"pairs", map_pairs},
                                       {"keys", map_keys},     {"values", map_values}, {"remove", map_remove},
                                       {"clone", map_clone},   {"merge", map_merge},   {"diff", map_diff},
                                       {"tostring", map_tostring}, {nullptr, nullptr}};
  register_type(L, kMapMeta, methods, "map", functions, map_new);
}

}  // namespace asd::udf
