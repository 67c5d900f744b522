#include "client/value.h"

#include <bit>
#include <cstring>

#include "common/bytes.h"

namespace client {

using proto::ParticleType;

namespace {

std::string be64_bytes(uint64_t v) {
  std::string out;
  common::append_be64(out, v);
  return out;
}

}  // namespace

Value::Value(int64_t v) : type_(ParticleType::Integer), bytes_(be64_bytes(uint64_t(v))) {}

Value::Value(double v)
    : type_(ParticleType::Float), bytes_(be64_bytes(std::bit_cast<uint64_t>(v))) {}

Value::Value(std::string v) : type_(ParticleType::String), bytes_(std::move(v)) {}

Value Value::boolean(bool v) { return {ParticleType::Bool, std::string(1, v ? '\1' : '\0')}; }

Value Value::blob(std::string bytes) { return {ParticleType::Blob, std::move(bytes)}; }

Value Value::list_msgpack(std::string msgpack) { return {ParticleType::List, std::move(msgpack)}; }

Value Value::map_msgpack(std::string msgpack) { return {ParticleType::Map, std::move(msgpack)}; }

Value Value::geojson(std::string_view text) {
  std::string bytes(3, '\0');  // flags 0, cell count 0 (clients never send cells)
  bytes.append(text);
  return {ParticleType::GeoJson, std::move(bytes)};
}

Value Value::raw(ParticleType type, std::string bytes) { return {type, std::move(bytes)}; }

std::optional<int64_t> integer_particle(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > 8) return std::nullopt;
  // Sign-extend shorter encodings from their first byte.
  uint64_t v = (uint8_t(bytes[0]) & 0x80) ? ~uint64_t(0) : 0;
  for (char c : bytes) v = v << 8 | uint8_t(c);
  return int64_t(v);
}

std::optional<double> float_particle(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  return std::bit_cast<double>(common::load_be64(common::as_bytes(bytes)));
}

std::optional<int64_t> Value::as_int() const {
  if (type_ != ParticleType::Integer) return std::nullopt;
  return integer_particle(bytes_);
}

std::optional<double> Value::as_double() const {
  if (type_ != ParticleType::Float) return std::nullopt;
  return float_particle(bytes_);
}

std::optional<std::string_view> Value::as_string() const {
  if (type_ != ParticleType::String) return std::nullopt;
  return std::string_view(bytes_);
}

std::optional<std::string_view> Value::as_blob() const {
  if (!proto::is_blob_particle(uint8_t(type_))) return std::nullopt;
  return std::string_view(bytes_);
}

std::optional<bool> Value::as_bool() const {
  if (type_ != ParticleType::Bool || bytes_.size() != 1) return std::nullopt;
  return bytes_[0] != 0;
}

std::optional<std::string_view> Value::as_geojson() const {
  if (type_ != ParticleType::GeoJson || bytes_.size() < 3) return std::nullopt;
  size_t cells = common::load_be16(common::as_bytes(bytes_) + 1);
  size_t skip = 3 + cells * 8;
  if (skip > bytes_.size()) return std::nullopt;
  return std::string_view(bytes_).substr(skip);
}

std::optional<std::string_view> Value::as_msgpack() const {
  if (type_ != ParticleType::List && type_ != ParticleType::Map) return std::nullopt;
  return std::string_view(bytes_);
}

std::string Value::to_string() const {
  if (is_nil()) return "nil";
  if (auto i = as_int()) return std::to_string(*i);
  if (auto d = as_double()) return std::to_string(*d);
  if (auto s = as_string()) return std::string(*s);
  if (auto b = as_bool()) return *b ? "true" : "false";
  if (auto g = as_geojson()) return std::string(*g);
  std::string kind = type_ == ParticleType::List  ? "list"
                     : type_ == ParticleType::Map ? "map"
                     : as_blob()                  ? "blob"
                                                  : "particle" + std::to_string(particle());
  return kind + ":" + common::to_hex(bytes_);
}

}  // namespace client
