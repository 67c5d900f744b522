#include "value_text.h"

#include <charconv>

#include "json_literal.h"
#include "proto/msgpack.h"

namespace aql {

namespace msgpack = proto::msgpack;

namespace {

std::string number_text(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::string hex_bytes(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// `strict` forces map keys to JSON strings; aql's table shows them as they are.
void append_tree(const msgpack::Value& v, bool strict, std::string* out) {
  switch (v.kind) {
    case msgpack::Kind::Nil: *out += "null"; return;
    case msgpack::Kind::Bool: *out += v.boolean ? "true" : "false"; return;
    case msgpack::Kind::Int: *out += std::to_string(v.i); return;
    case msgpack::Kind::Uint: *out += std::to_string(v.u); return;
    case msgpack::Kind::Double: *out += number_text(v.d); return;
    case msgpack::Kind::String: *out += json_quote(v.bytes); return;
    case msgpack::Kind::GeoJson: *out += v.bytes; return;
    case msgpack::Kind::List:
      out->push_back('[');
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) *out += ", ";
        append_tree(v.list[i], strict, out);
      }
      out->push_back(']');
      return;
    case msgpack::Kind::Map:
      out->push_back('{');
      for (size_t i = 0; i < v.map.size(); ++i) {
        if (i) *out += ", ";
        const msgpack::Value& key = v.map[i].first;
        if (strict && key.kind != msgpack::Kind::String) {
          std::string inner;
          append_tree(key, strict, &inner);
          *out += json_quote(inner);
        } else {
          append_tree(key, strict, out);
        }
        out->push_back(':');
        append_tree(v.map[i].second, strict, out);
      }
      out->push_back('}');
      return;
    default: *out += json_quote(hex_bytes(v.bytes)); return;  // blobs, ext
  }
}

std::string container_text(const client::Value& value, bool strict) {
  msgpack::Value tree;
  auto bytes = value.as_msgpack();
  if (!bytes || !msgpack::decode(*bytes, &tree)) return json_quote(hex_bytes(value.bytes()));
  std::string out;
  append_tree(tree, strict, &out);
  return out;
}

}  // namespace

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

std::string json_text(const client::Value& value) {
  using proto::ParticleType;
  if (value.is_nil()) return "null";
  if (auto i = value.as_int()) return std::to_string(*i);
  if (auto d = value.as_double()) return number_text(*d);
  if (auto s = value.as_string()) return json_quote(*s);
  if (auto b = value.as_bool()) return *b ? "true" : "false";
  if (auto g = value.as_geojson()) return std::string(*g);
  if (value.type() == ParticleType::List || value.type() == ParticleType::Map) return container_text(value, true);
  if (auto b = value.as_blob()) return json_quote(hex_bytes(*b));
  return json_quote(hex_bytes(value.bytes()));
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
