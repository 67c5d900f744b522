#include "value_text.h"

#include "json_literal.h"
#include "proto/msgpack.h"

namespace aql {

namespace msgpack = proto::msgpack;
using recexport::container_text;
using recexport::hex_bytes;
using recexport::number_text;

std::string table_text(const client::Value& value) {
  using proto::ParticleType;
  if (value.is_nil()) return {};
  if (auto i = value.as_int()) return std::to_string(*i);
  if (auto d = value.as_double()) return number_text(*d);
  if (auto s = value.as_string()) return "\"" + std::string(*s) + "\"";
  if (auto b = value.as_bool()) return *b ? "true" : "false";
  if (auto g = value.as_geojson()) return "GeoJSON('" + std::string(*g) + "')";
  if (value.type() == ParticleType::List) return "LIST('" + container_text(value, false) + "')";
  if (value.type() == ParticleType::Map) return "MAP('" + container_text(value, false) + "')";
  if (auto b = value.as_blob()) return hex_bytes(*b);
  return hex_bytes(value.bytes());
}

void append_msgpack(const client::Value& value, std::string* out) {
  msgpack::Writer w(out);
  if (value.is_nil()) return w.nil();
  if (auto i = value.as_int()) return w.integer(*i);
  if (auto d = value.as_double()) return w.float64(*d);
  if (auto s = value.as_string()) return w.string(*s);
  if (auto b = value.as_bool()) return w.boolean(*b);
  if (auto g = value.as_geojson()) return w.geojson(*g);
  if (auto m = value.as_msgpack()) return w.raw(*m);
  if (auto b = value.as_blob()) return w.blob(*b);
  w.nil();
}

}  // namespace aql
