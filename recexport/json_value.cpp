#include "recexport/json_value.h"

#include <charconv>
#include <cstdio>

#include "proto/msgpack.h"

namespace recexport {

namespace msgpack = proto::msgpack;

namespace {

void append_tree(const msgpack::Value& v, bool json_keys, std::string* out) {
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
        append_tree(v.list[i], json_keys, out);
      }
      out->push_back(']');
      return;
    case msgpack::Kind::Map:
      out->push_back('{');
      for (size_t i = 0; i < v.map.size(); ++i) {
        if (i) *out += ", ";
        const msgpack::Value& key = v.map[i].first;
        if (json_keys && key.kind != msgpack::Kind::String) {
          std::string inner;
          append_tree(key, json_keys, &inner);
          *out += json_quote(inner);
        } else {
          append_tree(key, json_keys, out);
        }
        out->push_back(':');
        append_tree(v.map[i].second, json_keys, out);
      }
      out->push_back('}');
      return;
    default: *out += json_quote(hex_bytes(v.bytes)); return;  // blobs, ext
  }
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

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

std::string container_text(const client::Value& value, bool json_keys) {
  msgpack::Value tree;
  auto bytes = value.as_msgpack();
  if (!bytes || !msgpack::decode(*bytes, &tree)) return json_quote(hex_bytes(value.bytes()));
  std::string out;
  append_tree(tree, json_keys, &out);
  return out;
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

}  // namespace recexport
