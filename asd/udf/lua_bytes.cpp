// The `bytes` type UDFs use for blob bins: bytes(n), b[i], #b, and the functions of the
// real server's Lua bytes module (sizes, types, single bytes, strings, byte runs, fixed
// width integers in either byte order, and varints). Positions are 1-based; a set past
// the end grows the value with zero bytes.

#include <cstring>
#include <string>

#include "udf/lua_userdata.h"
#include "udf/lua_value.h"

namespace asd::udf {

namespace {

LuaBytes& check_bytes(lua_State* L, int index) { return check_box<LuaBytes>(L, index, kBytesMeta); }

size_t check_pos(lua_State* L, int arg) {
  lua_Integer i = luaL_checkinteger(L, arg);
  luaL_argcheck(L, i >= 1, arg, "index out of range");
  return size_t(i - 1);
}

void put(std::string& data, size_t at, const void* src, size_t n) {
  if (data.size() < at + n) data.resize(at + n, '\0');
  std::memcpy(data.data() + at, src, n);
}

int bytes_new(lua_State* L) {
  lua_Integer n = luaL_optinteger(L, 2, 0);
  luaL_argcheck(L, n >= 0 && n <= (1 << 24), 2, "bad size");
  auto out = std::make_shared<LuaBytes>();
  out->data.assign(size_t(n), '\0');
  push_box(L, std::move(out), kBytesMeta);
  return 1;
}

int bytes_size(lua_State* L) {
  lua_pushinteger(L, lua_Integer(check_bytes(L, 1).data.size()));
  return 1;
}

int bytes_set_size(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0 && n <= (1 << 24), 2, "bad size");
  b.data.resize(size_t(n), '\0');
  lua_pushboolean(L, 1);
  return 1;
}

int bytes_get_type(lua_State* L) {
  lua_pushinteger(L, check_bytes(L, 1).type);
  return 1;
}

int bytes_set_type(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  lua_Integer t = luaL_checkinteger(L, 2);
  luaL_argcheck(L, t >= 0 && t <= 255, 2, "bad type");
  b.type = uint8_t(t);
  lua_pushboolean(L, 1);
  return 1;
}

int bytes_get_byte(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  if (at >= b.data.size()) lua_pushnil(L);
  else lua_pushinteger(L, uint8_t(b.data[at]));
  return 1;
}

int bytes_set_byte(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  auto v = uint8_t(luaL_checkinteger(L, 3));
  put(b.data, at, &v, 1);
  lua_pushboolean(L, 1);
  return 1;
}

int bytes_append_byte(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  b.data.push_back(char(uint8_t(luaL_checkinteger(L, 2))));
  lua_pushboolean(L, 1);
  return 1;
}

// The run of arguments 2 (position) and 3 (length) within b; false when it is not.
bool check_run(lua_State* L, const LuaBytes& b, size_t* at, size_t* n) {
  *at = check_pos(L, 2);
  lua_Integer len = luaL_checkinteger(L, 3);
  if (len < 0 || *at + size_t(len) > b.data.size()) return false;
  *n = size_t(len);
  return true;
}

int bytes_get_string(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = 0, n = 0;
  if (!check_run(L, b, &at, &n)) lua_pushnil(L);
  else lua_pushlstring(L, b.data.data() + at, n);
  return 1;
}

int bytes_set_string(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  size_t n = 0;
  const char* s = luaL_checklstring(L, 3, &n);
  put(b.data, at, s, n);
  lua_pushboolean(L, 1);
  return 1;
}

int bytes_append_string(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t n = 0;
  const char* s = luaL_checklstring(L, 2, &n);
  b.data.append(s, n);
  lua_pushboolean(L, 1);
  return 1;
}

int bytes_get_bytes(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = 0, n = 0;
  if (!check_run(L, b, &at, &n)) {
    lua_pushnil(L);
    return 1;
  }
  auto out = std::make_shared<LuaBytes>();
  out->data = b.data.substr(at, n);
  push_box(L, std::move(out), kBytesMeta);
  return 1;
}

int bytes_set_bytes(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  std::string src = check_bytes(L, 3).data;
  put(b.data, at, src.data(), src.size());
  lua_pushboolean(L, 1);
  return 1;
}

int bytes_append_bytes(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  std::string src = check_bytes(L, 2).data;
  b.data.append(src);
  lua_pushboolean(L, 1);
  return 1;
}

// Fixed-width integers: width in bytes, big-endian or not.
template <size_t W, bool BE>
int get_int(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  if (at + W > b.data.size()) {
    lua_pushnil(L);
    return 1;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < W; ++i) {
    uint64_t byte = uint8_t(b.data[at + (BE ? i : W - 1 - i)]);
    v = (v << 8) | byte;
  }
  // Sign-extend, as the real module returns signed values.
  if constexpr (W < 8) {
    uint64_t sign = uint64_t(1) << (W * 8 - 1);
    if (v & sign) v |= ~((sign << 1) - 1);
  }
  lua_pushinteger(L, lua_Integer(v));
  return 1;
}

template <size_t W, bool BE>
void encode_int(uint64_t v, char* out) {
  for (size_t i = 0; i < W; ++i) out[BE ? W - 1 - i : i] = char(uint8_t(v >> (8 * i)));
}

template <size_t W, bool BE>
int set_int(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  char buf[W];
  encode_int<W, BE>(uint64_t(luaL_checkinteger(L, 3)), buf);
  put(b.data, at, buf, W);
  lua_pushboolean(L, 1);
  return 1;
}

template <size_t W, bool BE>
int append_int(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  char buf[W];
  encode_int<W, BE>(uint64_t(luaL_checkinteger(L, 2)), buf);
  b.data.append(buf, W);
  lua_pushboolean(L, 1);
  return 1;
}

// Varints: 7 bits per byte, least significant group first, high bit = more follows.
std::string varint(uint64_t v) {
  std::string out;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    if (v) byte |= 0x80;
    out.push_back(char(byte));
  } while (v);
  return out;
}

// Returns the value and the number of bytes it took (nil, 0 when malformed).
int bytes_get_var_int(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  uint64_t v = 0;
  for (size_t i = 0; i < 10 && at + i < b.data.size(); ++i) {
    uint8_t byte = uint8_t(b.data[at + i]);
    v |= uint64_t(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      lua_pushinteger(L, lua_Integer(v));
      lua_pushinteger(L, lua_Integer(i + 1));
      return 2;
    }
  }
  lua_pushnil(L);
  lua_pushinteger(L, 0);
  return 2;
}

int bytes_set_var_int(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  size_t at = check_pos(L, 2);
  lua_Integer v = luaL_checkinteger(L, 3);
  std::string enc = varint(uint64_t(v));
  put(b.data, at, enc.data(), enc.size());
  lua_pushinteger(L, lua_Integer(enc.size()));
  return 1;
}

int bytes_append_var_int(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  lua_Integer v = luaL_checkinteger(L, 2);
  std::string enc = varint(uint64_t(v));
  b.data.append(enc);
  lua_pushinteger(L, lua_Integer(enc.size()));
  return 1;
}

int bytes_index(lua_State* L) {
  if (lua_isinteger(L, 2)) return bytes_get_byte(L);
  lua_getglobal(L, "bytes");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

int bytes_newindex(lua_State* L) {
  bytes_set_byte(L);
  return 0;
}

int bytes_tostring(lua_State* L) {
  LuaBytes& b = check_bytes(L, 1);
  static const char* hex = "0123456789ABCDEF";
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  luaL_addstring(&out, "Bytes(");
  for (size_t i = 0; i < b.data.size() && i < 1024; ++i) {
    if (i) luaL_addchar(&out, ' ');
    luaL_addchar(&out, hex[uint8_t(b.data[i]) >> 4]);
    luaL_addchar(&out, hex[uint8_t(b.data[i]) & 15]);
  }
  luaL_addstring(&out, ")");
  luaL_pushresult(&out);
  return 1;
}

int bytes_eq(lua_State* L) {
  lua_pushboolean(L, check_bytes(L, 1).data == check_bytes(L, 2).data);
  return 1;
}

}  // namespace

void open_bytes_lib(lua_State* L) {
  static const luaL_Reg methods[] = {{"__index", bytes_index},       {"__newindex", bytes_newindex},
                                     {"__len", bytes_size},          {"__tostring", bytes_tostring},
                                     {"__eq", bytes_eq},             {"__gc", box_gc<LuaBytes>},
                                     {nullptr, nullptr}};
  static const luaL_Reg functions[] = {
      {"size", bytes_size},
      {"set_size", bytes_set_size},
      {"get_type", bytes_get_type},
      {"set_type", bytes_set_type},
      {"get_byte", bytes_get_byte},
      {"set_byte", bytes_set_byte},
      {"append_byte", bytes_append_byte},
      {"get_string", bytes_get_string},
      {"set_string", bytes_set_string},
      {"append_string", bytes_append_string},
      {"get_bytes", bytes_get_bytes},
      {"set_bytes", bytes_set_bytes},
      {"append_bytes", bytes_append_bytes},
      {"get_int16_be", get_int<2, true>},
      {"get_int16_le", get_int<2, false>},
      {"get_int16", get_int<2, true>},
      {"get_int32_be", get_int<4, true>},
      {"get_int32_le", get_int<4, false>},
      {"get_int32", get_int<4, true>},
      {"get_int64_be", get_int<8, true>},
      {"get_int64_le", get_int<8, false>},
      {"get_int64", get_int<8, true>},
      {"set_int16_be", set_int<2, true>},
      {"set_int16_le", set_int<2, false>},
      {"set_int16", set_int<2, true>},
      {"set_int32_be", set_int<4, true>},
      {"set_int32_le", set_int<4, false>},
      {"set_int32", set_int<4, true>},
      {"set_int64_be", set_int<8, true>},
      {"set_int64_le", set_int<8, false>},
      {"set_int64", set_int<8, true>},
      {"append_int16_be", append_int<2, true>},
      {"append_int16_le", append_int<2, false>},
      {"append_int16", append_int<2, true>},
      {"append_int32_be", append_int<4, true>},
      {"append_int32_le", append_int<4, false>},
      {"append_int32", append_int<4, true>},
      {"append_int64_be", append_int<8, true>},
      {"append_int64_le", append_int<8, false>},
      {"append_int64", append_int<8, true>},
      {"get_var_int", bytes_get_var_int},
      {"set_var_int", bytes_set_var_int},
      {"append_var_int", bytes_append_var_int},
      {"tostring", bytes_tostring},
      {nullptr, nullptr}};
  register_type(L, kBytesMeta, methods, "bytes", functions, bytes_new);
}

}  // namespace asd::udf
