// The `list` type UDFs use: list(), list{...}, 1-based indexing, and the functions of
// the real server's Lua list module (size, append, prepend, insert, remove, take, drop,
// trim, concat, merge, clone, iterator).

#include <algorithm>
#include <string>

#include "udf/lua_userdata.h"
#include "udf/lua_value.h"

namespace asd::udf {

namespace {

LuaList& check_list(lua_State* L, int index) { return check_box<LuaList>(L, index, kListMeta); }

std::shared_ptr<LuaList> list_ptr(lua_State* L, int index) {
  luaL_checkudata(L, index, kListMeta);
  return *test_box<LuaList>(L, index, kListMeta);
}

// Pads the list with nil elements up to `size`.
void pad_to(LuaList& l, size_t size) {
  if (l.items.size() < size) l.items.resize(size);
}

void push_copy(lua_State* L, std::vector<Elem> items) {
  auto out = std::make_shared<LuaList>();
  out->items = std::move(items);
  push_new_list(L, std::move(out));
}

// list() / list{...} / list(n): a new list; a table argument gives its array part.
int list_new(lua_State* L) {
  auto out = std::make_shared<LuaList>();
  if (lua_istable(L, 2)) {
    lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, 2, i);
      out->items.push_back(to_elem(L, -1));
      lua_pop(L, 1);
    }
  }
  push_new_list(L, std::move(out));
  return 1;
}

// list.create(capacity): a new empty list (the capacity is only a hint).
int list_create(lua_State* L) {
  push_new_list(L, std::make_shared<LuaList>());
  return 1;
}

int list_index(lua_State* L) {
  LuaList& l = check_list(L, 1);
  if (!lua_isinteger(L, 2)) {
    // Functions of the list module also work as methods: l:append(1).
    lua_getglobal(L, "list");
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
  }
  lua_Integer i = lua_tointeger(L, 2);
  if (i < 1 || size_t(i) > l.items.size()) {
    lua_pushnil(L);
    return 1;
  }
  push_elem(L, l.items[size_t(i - 1)]);
  return 1;
}

// l[i] = v; past the end pads with nil elements; nil stores a nil element. A position
// below 1 is ignored, as in the real server.
int list_newindex(lua_State* L) {
  LuaList& l = check_list(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || i > (1 << 24) || is_record(L, 3)) return 0;
  pad_to(l, size_t(i));
  l.items[size_t(i - 1)] = to_elem(L, 3);
  return 0;
}

int list_size(lua_State* L) {
  lua_pushinteger(L, lua_Integer(check_list(L, 1).items.size()));
  return 1;
}

int list_tostring(lua_State* L) {
  LuaList& l = check_list(L, 1);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "[");
  for (size_t i = 0; i < l.items.size(); ++i) {
    if (i) luaL_addstring(&b, ", ");
    push_elem(L, l.items[i]);
    push_display(L, -1);
    lua_remove(L, -2);
    luaL_addvalue(&b);
  }
  luaL_addstring(&b, "]");
  luaL_pushresult(&b);
  return 1;
}

int list_eq(lua_State* L) {
  lua_pushboolean(L, list_ptr(L, 1) == list_ptr(L, 2));
  return 1;
}

int list_append(lua_State* L) {
  LuaList& l = check_list(L, 1);
  if (!is_record(L, 2)) l.items.push_back(to_elem(L, 2));
  return 0;
}

int list_prepend(lua_State* L) {
  LuaList& l = check_list(L, 1);
  if (!is_record(L, 2)) l.items.insert(l.items.begin(), to_elem(L, 2));
  return 0;
}

// Inserts before position i; past the end pads with nil; below 1 is ignored.
int list_insert(lua_State* L) {
  LuaList& l = check_list(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || i > (1 << 24) || is_record(L, 3)) return 0;
  pad_to(l, size_t(i - 1));
  l.items.insert(l.items.begin() + std::ptrdiff_t(i - 1), to_elem(L, 3));
  return 0;
}

// Removes the element at i; out of range is ignored.
int list_remove(lua_State* L) {
  LuaList& l = check_list(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || size_t(i) > l.items.size()) return 0;
  l.items.erase(l.items.begin() + std::ptrdiff_t(i - 1));
  return 0;
}

// The first n elements, as a new list (nil for n below 1).
int list_take(lua_State* L) {
  LuaList& l = check_list(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (n < 1) {
    lua_pushnil(L);
    return 1;
  }
  size_t count = std::min(size_t(n), l.items.size());
  push_copy(L, std::vector<Elem>(l.items.begin(), l.items.begin() + std::ptrdiff_t(count)));
  return 1;
}

// All but the first n elements, as a new list (nil for n below 1).
int list_drop(lua_State* L) {
  LuaList& l = check_list(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (n < 1) {
    lua_pushnil(L);
    return 1;
  }
  size_t from = std::min(size_t(n), l.items.size());
  push_copy(L, std::vector<Elem>(l.items.begin() + std::ptrdiff_t(from), l.items.end()));
  return 1;
}

// Removes the elements from position i to the end, in place (keeps 1..i-1).
int list_trim(lua_State* L) {
  LuaList& l = check_list(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i >= 1 && size_t(i) <= l.items.size()) l.items.resize(size_t(i - 1));
  return 0;
}

// Appends the second list's elements to the first, in place.
int list_concat(lua_State* L) {
  LuaList& a = check_list(L, 1);
  std::vector<Elem> tail = check_list(L, 2).items;
  a.items.insert(a.items.end(), tail.begin(), tail.end());
  return 0;
}

// A new list with the elements of both.
int list_merge(lua_State* L) {
  std::vector<Elem> items = check_list(L, 1).items;
  const LuaList& b = check_list(L, 2);
  items.insert(items.end(), b.items.begin(), b.items.end());
  push_copy(L, std::move(items));
  return 1;
}

int list_clone(lua_State* L) {
  LuaList& l = check_list(L, 1);
  auto out = std::make_shared<LuaList>(l);
  push_new_list(L, std::move(out));
  return 1;
}

int list_iterator_next(lua_State* L) {
  auto* l = test_box<LuaList>(L, lua_upvalueindex(1), kListMeta);
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
  // Ends at the first nil element, as the real server's iterator does.
  if (!l || size_t(i) >= (*l)->items.size() || (*l)->items[size_t(i)].is_nil()) return 0;
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(2));
  push_elem(L, (*l)->items[size_t(i)]);
  return 1;
}

// for value in list.iterator(l) do ... end
int list_iterator(lua_State* L) {
  check_list(L, 1);
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, list_iterator_next, 2);
  return 1;
}

}  // namespace

void open_list_lib(lua_State* L) {
  static const luaL_Reg methods[] = {{"__index", list_index},       {"__newindex", list_newindex},
                                     {"__len", list_size},          {"__tostring", list_tostring},
                                     {"__eq", list_eq},             {"__gc", box_gc<LuaList>},
                                     {nullptr, nullptr}};
  static const luaL_Reg functions[] = {
      {"create", list_create}, {"size", list_size},         {"append", list_append}, {"prepend", list_prepend},
      {"insert", list_insert}, {"remove", list_remove},     {"take", list_take},     {"drop", list_drop},
      {"trim", list_trim},     {"concat", list_concat},     {"merge", list_merge},   {"clone", list_clone},
      {"iterator", list_iterator}, {"tostring", list_tostring}, {nullptr, nullptr}};
  register_type(L, kListMeta, methods, "list", functions, list_new);
}

}  // namespace asd::udf
