#pragma once
// Aerospike values inside Lua: the `list`, `map`, `bytes` and `GeoJSON` userdata a UDF
// works with, and the conversions between Lua values, msgpack trees and bin particles.
//
// Lists and maps are reference types, as in the real server's Lua runtime: a list taken
// out of a map and appended to changes the map too. So containers live behind
// shared_ptr, and an element is either a scalar or a pointer to a container.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/msgpack.h"

struct lua_State;

namespace asd::udf {

struct LuaList;
struct LuaMap;
struct LuaBytes;

// One element of a list or map: a scalar (nil, bool, integer, double, string, GeoJSON),
// or a shared container or byte array.
struct Elem {
  proto::msgpack::Value scalar;
  std::shared_ptr<LuaList> list;
  std::shared_ptr<LuaMap> map;
  std::shared_ptr<LuaBytes> bytes;

  bool is_nil() const;
};

struct LuaList {
  std::vector<Elem> items;
  uint8_t flags = 0;  // msgpack list flags kept from the stored value (ordered)
};

// A map keeps its entries in key order, as the real server's Lua maps do. Keys are
// integers, strings or bytes; set() refuses any other key.
struct LuaMap {
  std::vector<std::pair<Elem, Elem>> entries;
  uint8_t flags = 0;  // msgpack map flags kept from the stored value

  static bool valid_key(const Elem& key);
  // The value for `key`, or nullptr.
  Elem* find(const Elem& key);
  // Sets key to value (a nil value is stored, as in the real server: map.remove deletes).
  // False, and nothing stored, for a key of another type.
  bool set(Elem key, Elem value);
  bool remove(const Elem& key);
};

struct LuaBytes {
  std::string data;
  uint8_t type = 4;  // the blob particle type it came with (4 plain, 7-12 language blobs)
};

// Registers the list, map, bytes and geojson libraries and their metatables in L.
void open_value_libs(lua_State* L);

// Lua value at `index` as an element. Tables, functions and other Lua-only values have
// no Aerospike form: they become nil, as in the real server.
Elem to_elem(lua_State* L, int index);
void push_elem(lua_State* L, const Elem& e);

// Whole msgpack trees (list and map bins, UDF arguments). from_value never fails;
// to_value fails (false) on a container nested in itself or deeper than msgpack allows.
Elem from_value(const proto::msgpack::Value& v);
bool to_value(const Elem& e, proto::msgpack::Value* out);

// A stored bin (particle type + bytes as clients send them) and back. from_particle is
// false on a malformed value; to_particle on an element that cannot be stored (a
// self-nested container). A nil element is particle 0 with no bytes.
bool from_particle(uint8_t particle, std::string_view bytes, Elem* out);
bool to_particle(const Elem& e, uint8_t* particle, std::string* bytes);

// Pushes the value of a stored bin; false (nothing pushed) when it is malformed.
bool push_particle(lua_State* L, uint8_t particle, std::string_view bytes);

// Pushes every item of a decoded msgpack list (UDF arguments); returns how many.
int push_items(lua_State* L, const proto::msgpack::Value& list);

// Pushes a new empty list or map.
void push_new_list(lua_State* L, std::shared_ptr<LuaList> list);
void push_new_map(lua_State* L, std::shared_ptr<LuaMap> map);

}  // namespace asd::udf
