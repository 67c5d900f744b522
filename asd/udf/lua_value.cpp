#include "udf/lua_value.h"

#include <bit>
#include <cstring>
#include <lua.hpp>

#include "base/geojson.h"
#include "common/bytes.h"
#include "proto/particle.h"
#include "udf/lua_userdata.h"

namespace asd::udf {

namespace msgpack = proto::msgpack;
using proto::ParticleType;

bool Elem::is_nil() const { return !list && !map && !bytes && scalar.kind == msgpack::Kind::Nil; }

//----------------------------------------------------------------------------
// LuaMap
//----------------------------------------------------------------------------

namespace {

// The key as a msgpack value, for the CDT order (integers < strings < bytes).
msgpack::Value key_value(const Elem& key) {
  if (key.bytes) return msgpack::Value::blob(key.bytes->data, key.bytes->type);
  return key.scalar;
}

// Position of the first entry whose key is not below `key`.
size_t lower_bound(const LuaMap& m, const msgpack::Value& key) {
  size_t lo = 0, hi = m.entries.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (msgpack::compare(key_value(m.entries[mid].first), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

}  // namespace

bool LuaMap::valid_key(const Elem& key) {
  if (key.bytes) return true;
  if (key.list || key.map) return false;
  return key.scalar.is_int() || key.scalar.kind == msgpack::Kind::String;
}

Elem* LuaMap::find(const Elem& key) {
  if (!valid_key(key)) return nullptr;
  msgpack::Value k = key_value(key);
  size_t at = lower_bound(*this, k);
  if (at < entries.size() && msgpack::compare(key_value(entries[at].first), k) == 0) return &entries[at].second;
  return nullptr;
}

bool LuaMap::set(Elem key, Elem value) {
  if (!valid_key(key)) return false;
  msgpack::Value k = key_value(key);
  size_t at = lower_bound(*this, k);
  if (at < entries.size() && msgpack::compare(key_value(entries[at].first), k) == 0) {
    entries[at].second = std::move(value);
  } else {
    entries.insert(entries.begin() + std::ptrdiff_t(at), {std::move(key), std::move(value)});
  }
  return true;
}

bool LuaMap::remove(const Elem& key) {
  if (!valid_key(key)) return false;
  msgpack::Value k = key_value(key);
  size_t at = lower_bound(*this, k);
  if (at >= entries.size() || msgpack::compare(key_value(entries[at].first), k) != 0) return false;
  entries.erase(entries.begin() + std::ptrdiff_t(at));
  return true;
}

//----------------------------------------------------------------------------
// msgpack trees
//----------------------------------------------------------------------------

Elem from_value(const msgpack::Value& v) {
  Elem e;
  switch (v.kind) {
    case msgpack::Kind::List: {
      e.list = std::make_shared<LuaList>();
      e.list->flags = v.subtype;
      e.list->items.reserve(v.list.size());
      for (const msgpack::Value& item : v.list) e.list->items.push_back(from_value(item));
      break;
    }
    case msgpack::Kind::Map: {
      e.map = std::make_shared<LuaMap>();
      e.map->flags = v.subtype;
      for (const auto& [k, val] : v.map) e.map->set(from_value(k), from_value(val));
      break;
    }
    case msgpack::Kind::Blob:
      e.bytes = std::make_shared<LuaBytes>();
      e.bytes->data = v.bytes;
      e.bytes->type = v.untyped ? uint8_t(ParticleType::Blob) : v.subtype;
      break;
    default:
      e.scalar = v;
      break;
  }
  return e;
}

namespace {

bool to_value_at(const Elem& e, msgpack::Value* out, size_t depth) {
  if (depth > msgpack::kMaxDepth) return false;
  if (e.list) {
    std::vector<msgpack::Value> items(e.list->items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      if (!to_value_at(e.list->items[i], &items[i], depth + 1)) return false;
    }
    *out = msgpack::Value::make_list(std::move(items), e.list->flags);
    return true;
  }
  if (e.map) {
    std::vector<std::pair<msgpack::Value, msgpack::Value>> entries(e.map->entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      if (!to_value_at(e.map->entries[i].first, &entries[i].first, depth + 1)) return false;
      if (!to_value_at(e.map->entries[i].second, &entries[i].second, depth + 1)) return false;
    }
    *out = msgpack::Value::make_map(std::move(entries), e.map->flags);
    return true;
  }
  if (e.bytes) {
    *out = msgpack::Value::blob(e.bytes->data, e.bytes->type);
    return true;
  }
  *out = e.scalar;
  return true;
}

std::string be64(uint64_t bits) {
  std::string out(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(out.data()), bits);
  return out;
}

}  // namespace

bool to_value(const Elem& e, msgpack::Value* out) { return to_value_at(e, out, 0); }

//----------------------------------------------------------------------------
// Particles
//----------------------------------------------------------------------------

bool from_particle(uint8_t particle, std::string_view bytes, Elem* out) {
  *out = Elem();
  switch (ParticleType(particle)) {
    case ParticleType::Null:
      return true;
    case ParticleType::Integer:
      if (bytes.size() != 8) return false;
      out->scalar = msgpack::Value::integer(int64_t(common::load_be64(common::as_bytes(bytes))));
      return true;
    case ParticleType::Float:
      if (bytes.size() != 8) return false;
      out->scalar = msgpack::Value::real(std::bit_cast<double>(common::load_be64(common::as_bytes(bytes))));
      return true;
    case ParticleType::String:
      out->scalar = msgpack::Value::string(bytes);
      return true;
    case ParticleType::Bool:
      if (bytes.size() != 1) return false;
      out->scalar = msgpack::Value::make_bool(bytes[0] != 0);
      return true;
    case ParticleType::List:
    case ParticleType::Map: {
      msgpack::Value v;
      if (!msgpack::decode(bytes, &v)) return false;
      *out = from_value(v);
      return true;
    }
    case ParticleType::GeoJson: {
      std::optional<std::string_view> text = base::geojson_particle_text(bytes);
      if (!text) return false;
      out->scalar = msgpack::Value::geojson(*text);
      return true;
    }
    default:
      out->bytes = std::make_shared<LuaBytes>();
      out->bytes->data.assign(bytes);
      out->bytes->type = particle;
      return true;
  }
}

bool to_particle(const Elem& e, uint8_t* particle, std::string* bytes) {
  bytes->clear();
  if (e.list || e.map) {
    msgpack::Value v;
    if (!to_value(e, &v)) return false;
    msgpack::encode(v, bytes);
    *particle = uint8_t(e.list ? ParticleType::List : ParticleType::Map);
    return true;
  }
  if (e.bytes) {
    *particle = e.bytes->type;
    *bytes = e.bytes->data;
    return true;
  }
  const msgpack::Value& v = e.scalar;
  switch (v.kind) {
    case msgpack::Kind::Nil:
      *particle = uint8_t(ParticleType::Null);
      return true;
    case msgpack::Kind::Bool:
      *particle = uint8_t(ParticleType::Bool);
      bytes->assign(1, v.boolean ? '\1' : '\0');
      return true;
    case msgpack::Kind::Int:
      *particle = uint8_t(ParticleType::Integer);
      *bytes = be64(uint64_t(v.i));
      return true;
    case msgpack::Kind::Uint:
      *particle = uint8_t(ParticleType::Integer);
      *bytes = be64(v.u);
      return true;
    case msgpack::Kind::Double:
      *particle = uint8_t(ParticleType::Float);
      *bytes = be64(std::bit_cast<uint64_t>(v.d));
      return true;
    case msgpack::Kind::String:
      *particle = uint8_t(ParticleType::String);
      *bytes = v.bytes;
      return true;
    case msgpack::Kind::GeoJson:
      *particle = uint8_t(ParticleType::GeoJson);
      bytes->assign(3, '\0');
      bytes->append(v.bytes);
      return true;
    default:
      return false;
  }
}

//----------------------------------------------------------------------------
// Lua <-> elements
//----------------------------------------------------------------------------

Elem to_elem(lua_State* L, int index) {
  Elem e;
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN:
      e.scalar = msgpack::Value::make_bool(lua_toboolean(L, index));
      break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) e.scalar = msgpack::Value::integer(lua_tointeger(L, index));
      else e.scalar = msgpack::Value::real(lua_tonumber(L, index));
      break;
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      e.scalar = msgpack::Value::string(std::string_view(s, n));
      break;
    }
    case LUA_TUSERDATA:
      if (auto* l = test_box<LuaList>(L, index, kListMeta)) e.list = *l;
      else if (auto* m = test_box<LuaMap>(L, index, kMapMeta)) e.map = *m;
      else if (auto* b = test_box<LuaBytes>(L, index, kBytesMeta)) e.bytes = *b;
      else if (auto* g = test_geojson(L, index)) e.scalar = msgpack::Value::geojson(*g);
      break;
    default:
      break;
  }
  return e;
}

void push_elem(lua_State* L, const Elem& e) {
  if (e.list) return push_box(L, e.list, kListMeta);
  if (e.map) return push_box(L, e.map, kMapMeta);
  if (e.bytes) return push_box(L, e.bytes, kBytesMeta);
  const msgpack::Value& v = e.scalar;
  switch (v.kind) {
    case msgpack::Kind::Bool:
      lua_pushboolean(L, v.boolean);
      break;
    case msgpack::Kind::Int:
      lua_pushinteger(L, v.i);
      break;
    case msgpack::Kind::Uint:
      lua_pushinteger(L, lua_Integer(v.u));
      break;
    case msgpack::Kind::Double:
      lua_pushnumber(L, v.d);
      break;
    case msgpack::Kind::String:
      lua_pushlstring(L, v.bytes.data(), v.bytes.size());
      break;
    case msgpack::Kind::GeoJson:
      push_geojson(L, v.bytes);
      break;
    default:
      lua_pushnil(L);
      break;
  }
}

bool push_particle(lua_State* L, uint8_t particle, std::string_view bytes) {
  Elem e;
  if (!from_particle(particle, bytes, &e)) return false;
  push_elem(L, e);
  return true;
}

int push_items(lua_State* L, const msgpack::Value& list) {
  luaL_checkstack(L, int(list.list.size()) + 4, "too many UDF arguments");
  for (const msgpack::Value& item : list.list) push_elem(L, from_value(item));
  return int(list.list.size());
}

void push_new_list(lua_State* L, std::shared_ptr<LuaList> list) { push_box(L, std::move(list), kListMeta); }
void push_new_map(lua_State* L, std::shared_ptr<LuaMap> map) { push_box(L, std::move(map), kMapMeta); }

}  // namespace asd::udf
