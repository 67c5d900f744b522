// msgpack Value tree: decode, encode and the CDT total order (server msgpack_cmp).

#include <algorithm>
#include <cstring>

#include "proto/msgpack.h"

namespace proto::msgpack {

//----------------------------------------------------------------------------
// Factories
//----------------------------------------------------------------------------

Value Value::make_bool(bool v) {
  Value out;
  out.kind = Kind::Bool;
  out.boolean = v;
  return out;
}

Value Value::integer(int64_t v) {
  Value out;
  out.kind = Kind::Int;
  out.i = v;
  return out;
}

Value Value::uinteger(uint64_t v) {
  if (v <= uint64_t(INT64_MAX)) return integer(int64_t(v));
  Value out;
  out.kind = Kind::Uint;
  out.u = v;
  return out;
}

Value Value::real(double v) {
  Value out;
  out.kind = Kind::Double;
  out.d = v;
  return out;
}

Value Value::string(std::string_view s) {
  Value out;
  out.kind = Kind::String;
  out.bytes = s;
  return out;
}

Value Value::blob(std::string_view b, uint8_t subtype) {
  Value out;
  out.kind = Kind::Blob;
  out.subtype = subtype;
  out.bytes = b;
  return out;
}

Value Value::geojson(std::string_view json) {
  Value out;
  out.kind = Kind::GeoJson;
  out.bytes = json;
  return out;
}

Value Value::make_list(std::vector<Value> items, uint8_t flags) {
  Value out;
  out.kind = Kind::List;
  out.subtype = flags;
  out.ext_header = flags != 0;
  out.list = std::move(items);
  return out;
}

Value Value::make_map(std::vector<std::pair<Value, Value>> entries, uint8_t flags) {
  Value out;
  out.kind = Kind::Map;
  out.subtype = flags;
  out.ext_header = flags != 0;
  out.map = std::move(entries);
  return out;
}

Value Value::ext(uint8_t type, std::string_view data) {
  Value out;
  out.kind = Kind::Ext;
  out.subtype = type;
  out.bytes = data;
  return out;
}

Value Value::wildcard() {
  Value out;
  out.kind = Kind::Wildcard;
  return out;
}

Value Value::infinity() {
  Value out;
  out.kind = Kind::Infinity;
  return out;
}

bool Value::has_nonstorage() const {
  switch (kind) {
    case Kind::Wildcard:
    case Kind::Infinity:
      return true;
    case Kind::List:
      for (const Value& v : list) {
        if (v.has_nonstorage()) return true;
      }
      return false;
    case Kind::Map:
      for (const auto& [k, v] : map) {
        if (k.has_nonstorage() || v.has_nonstorage()) return true;
      }
      return false;
    default:
      return false;
  }
}

//----------------------------------------------------------------------------
// Decode
//----------------------------------------------------------------------------

static bool decode_value(Reader* r, Value* out, size_t depth);

static void decode_str(std::string_view payload, Value* out) {
  if (payload.empty()) {
    // An empty str carries no type byte; the server treats it as bytes.
    out->kind = Kind::Blob;
    out->untyped = true;
    return;
  }
  uint8_t type = uint8_t(payload[0]);
  out->bytes = payload.substr(1);
  if (type == kBytesString) {
    out->kind = Kind::String;
  } else if (type == kBytesGeoJson) {
    out->kind = Kind::GeoJson;
  } else {
    out->kind = Kind::Blob;
    out->subtype = type;
  }
}

// A leading ext element in a list (or ext key in a map) carries the order flags.
static bool read_flags_ext(Reader* r, Value* out) {
  uint8_t type;
  std::string_view data;
  if (!r->read_ext(&type, &data)) return false;
  out->subtype = type;
  out->ext_header = true;
  return true;
}

static bool decode_list(Reader* r, Value* out, size_t depth) {
  uint32_t n;
  if (!r->read_array_header(&n)) return false;
  out->kind = Kind::List;
  if (n > r->remaining().size()) return false;
  if (n > 0 && r->peek() == Type::Ext) {
    if (!read_flags_ext(r, out)) return false;
    --n;
  }
  out->list.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    if (!decode_value(r, &out->list[k], depth + 1)) return false;
  }
  return true;
}

static bool decode_map(Reader* r, Value* out, size_t depth) {
  uint32_t n;
  if (!r->read_map_header(&n)) return false;
  out->kind = Kind::Map;
  if (n > r->remaining().size() / 2) return false;
  if (n > 0 && r->peek() == Type::Ext) {
    if (!read_flags_ext(r, out) || !r->skip()) return false;  // ext key, nil value
    --n;
  }
  out->map.resize(n);
  for (uint32_t k = 0; k < n; ++k) {
    if (!decode_value(r, &out->map[k].first, depth + 1) ||
        !decode_value(r, &out->map[k].second, depth + 1)) {
      return false;
    }
  }
  return true;
}

static bool decode_ext(Reader* r, Value* out) {
  uint8_t type;
  std::string_view data;
  if (!r->read_ext(&type, &data)) return false;
  if (type == kCmpExtType && data.size() == 1 && uint8_t(data[0]) <= kCmpInfinity) {
    out->kind = uint8_t(data[0]) == kCmpWildcard ? Kind::Wildcard : Kind::Infinity;
    return true;
  }
  *out = Value::ext(type, data);
  return true;
}

static bool decode_value(Reader* r, Value* out, size_t depth) {
  if (depth > kMaxDepth) return false;
  *out = Value();
  switch (r->peek()) {
    case Type::Nil:
      return r->read_nil();
    case Type::Bool:
      out->kind = Kind::Bool;
      return r->read_bool(&out->boolean);
    case Type::Int: {
      uint64_t u;
      if (r->read_uint(&u)) {
        *out = Value::uinteger(u);
        return true;
      }
      out->kind = Kind::Int;
      return r->read_int(&out->i);
    }
    case Type::Double:
      out->kind = Kind::Double;
      return r->read_double(&out->d);
    case Type::Str: {
      std::string_view payload;
      if (!r->read_str(&payload)) return false;
      decode_str(payload, out);
      return true;
    }
    case Type::Array:
      return decode_list(r, out, depth);
    case Type::Map:
      return decode_map(r, out, depth);
    case Type::Ext:
      return decode_ext(r, out);
    default:
      return false;
  }
}

bool decode_one(Reader* reader, Value* out) { return decode_value(reader, out, 0); }

bool decode(std::string_view bytes, Value* out) {
  Reader r(bytes);
  return decode_value(&r, out, 0) && r.at_end();
}

//----------------------------------------------------------------------------
// Encode
//----------------------------------------------------------------------------

static void encode_value(Writer* w, const Value& v) {
  switch (v.kind) {
    case Kind::Nil: w->nil(); break;
    case Kind::Bool: w->boolean(v.boolean); break;
    case Kind::Int: w->integer(v.i); break;
    case Kind::Uint: w->uinteger(v.u); break;
    case Kind::Double: w->float64(v.d); break;
    case Kind::String: w->string(v.bytes); break;
    case Kind::GeoJson: w->geojson(v.bytes); break;
    case Kind::Blob:
      if (v.untyped && v.bytes.empty()) {
        w->raw_str({});
      } else {
        w->blob(v.bytes, v.subtype);
      }
      break;
    case Kind::Ext: w->ext(v.subtype, v.bytes); break;
    case Kind::Wildcard: w->wildcard(); break;
    case Kind::Infinity: w->infinity(); break;
    case Kind::List: {
      bool header = v.ext_header || v.subtype != 0;
      w->array_header(uint32_t(v.list.size() + (header ? 1 : 0)));
      if (header) w->ext(v.subtype, {});
      for (const Value& item : v.list) encode_value(w, item);
      break;
    }
    case Kind::Map: {
      bool header = v.ext_header || v.subtype != 0;
      w->map_header(uint32_t(v.map.size() + (header ? 1 : 0)));
      if (header) {
        w->ext(v.subtype, {});
        w->nil();
      }
      for (const auto& [key, value] : v.map) {
        encode_value(w, key);
        encode_value(w, value);
      }
      break;
    }
  }
}

void encode(const Value& v, std::string* out) {
  Writer w(out);
  encode_value(&w, v);
}

std::string encode(const Value& v) {
  std::string out;
  encode(v, &out);
  return out;
}

//----------------------------------------------------------------------------
// Compare
//----------------------------------------------------------------------------

namespace {

// Rank of each kind in the server's msgpack_type order. Ints share one rank here;
// negative-before-positive falls out of the numeric comparison.
int type_rank(const Value& v) {
  switch (v.kind) {
    case Kind::Nil: return 1;
    case Kind::Bool: return v.boolean ? 3 : 2;
    case Kind::Int: case Kind::Uint: return 4;
    case Kind::String: return 5;
    case Kind::List: return 6;
    case Kind::Map: return 7;
    case Kind::Blob: return 8;
    case Kind::Double: return 9;
    case Kind::GeoJson: return 10;
    case Kind::Ext: return 11;
    case Kind::Wildcard: return 12;
    case Kind::Infinity: return 13;
  }
  return 0;
}

// Stop means a wildcard was met: the whole comparison ends as "equal".
enum class Cmp { Less, Equal, Greater, Stop };

template <typename T>
Cmp order(const T& a, const T& b) {
  if (a < b) return Cmp::Less;
  if (b < a) return Cmp::Greater;
  return Cmp::Equal;
}

// memcmp over the common prefix, then length: how the server orders str payloads.
Cmp compare_bytes(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? Cmp::Less : Cmp::Greater;
  return order(a.size(), b.size());
}

// The server compares blobs including their type byte.
std::string blob_key(const Value& v) {
  if (v.untyped) return {};
  std::string key(1, char(v.subtype));
  key += v.bytes;
  return key;
}

Cmp compare_int(const Value& a, const Value& b) {
  if (a.kind == Kind::Uint || b.kind == Kind::Uint) {
    if (a.kind != b.kind) return a.kind == Kind::Uint ? Cmp::Greater : Cmp::Less;
    return order(a.u, b.u);
  }
  return order(a.i, b.i);
}

Cmp compare_internal(const Value& a, const Value& b);

Cmp compare_list(const Value& a, const Value& b) {
  size_t n = std::min(a.list.size(), b.list.size());
  for (size_t k = 0; k < n; ++k) {
    Cmp c = compare_internal(a.list[k], b.list[k]);
    if (c != Cmp::Equal) return c;
  }
  return order(a.list.size(), b.list.size());
}

// Maps order by size first, then pair by pair in stored order.
Cmp compare_map(const Value& a, const Value& b) {
  Cmp c = order(a.map.size(), b.map.size());
  if (c != Cmp::Equal) return c;
  for (size_t k = 0; k < a.map.size(); ++k) {
    if ((c = compare_internal(a.map[k].first, b.map[k].first)) != Cmp::Equal) return c;
    if ((c = compare_internal(a.map[k].second, b.map[k].second)) != Cmp::Equal) return c;
  }
  return Cmp::Equal;
}

Cmp compare_internal(const Value& a, const Value& b) {
  if (a.kind == Kind::Wildcard || b.kind == Kind::Wildcard) return Cmp::Stop;
  Cmp c = order(type_rank(a), type_rank(b));
  if (c != Cmp::Equal) return c;
  switch (a.kind) {
    case Kind::Int: case Kind::Uint: return compare_int(a, b);
    case Kind::Double: return order(a.d, b.d);
    case Kind::String: case Kind::GeoJson: case Kind::Ext:
      return compare_bytes(a.bytes, b.bytes);
    case Kind::Blob: return compare_bytes(blob_key(a), blob_key(b));
    case Kind::List: return compare_list(a, b);
    case Kind::Map: return compare_map(a, b);
    default: return Cmp::Equal;  // nil, bools (rank decided), infinity
  }
}

}  // namespace

int compare(const Value& a, const Value& b) {
  switch (compare_internal(a, b)) {
    case Cmp::Less: return -1;
    case Cmp::Greater: return 1;
    default: return 0;
  }
}

}  // namespace proto::msgpack
