#pragma once
// Bin values as they travel on the wire: a particle type plus the raw value bytes
// (wire-protocol.md §5.4). Lists and maps stay raw msgpack here; build or read them with
// proto/msgpack.h. A nil value in a write deletes the bin.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/message.h"

namespace client {

class Value {
 public:
  Value() = default;  // nil
  Value(int v) : Value(int64_t(v)) {}
  Value(int64_t v);
  Value(double v);
  Value(std::string v);
  Value(const char* v) : Value(std::string(v)) {}

  static Value nil() { return {}; }
  static Value boolean(bool v);
  static Value blob(std::string bytes);
  static Value list_msgpack(std::string msgpack);
  static Value map_msgpack(std::string msgpack);
  // GeoJSON text; the wire form adds the flags byte and an empty cell list.
  static Value geojson(std::string_view text);
  // Any particle type with its wire bytes, taken as given (server answers, pass-through).
  static Value raw(proto::ParticleType type, std::string bytes);
  static Value raw(uint8_t type, std::string bytes) { return raw(proto::ParticleType(type), std::move(bytes)); }

  proto::ParticleType type() const { return type_; }
  uint8_t particle() const { return uint8_t(type_); }
  const std::string& bytes() const { return bytes_; }
  bool is_nil() const { return type_ == proto::ParticleType::Null; }

  // Typed accessors: nullopt when the particle type does not match. as_int accepts the
  // 1-8 byte integers older servers send.
  std::optional<int64_t> as_int() const;
  std::optional<double> as_double() const;
  std::optional<std::string_view> as_string() const;
  std::optional<std::string_view> as_blob() const;  // any blob flavour
  std::optional<bool> as_bool() const;
  std::optional<std::string_view> as_geojson() const;  // the text, cells skipped
  std::optional<std::string_view> as_msgpack() const;  // list or map

  // Human-readable rendering for tools and test failures (not a stable format).
  std::string to_string() const;

  bool operator==(const Value& other) const = default;

 private:
  Value(proto::ParticleType type, std::string bytes) : type_(type), bytes_(std::move(bytes)) {}

  proto::ParticleType type_ = proto::ParticleType::Null;
  std::string bytes_;
};

// Particle readers shared by Value and the columnar decoders, which read straight from
// answer bytes. nullopt when the bytes cannot be that particle.
std::optional<int64_t> integer_particle(std::string_view bytes);  // 1-8 bytes, sign-extended
std::optional<double> float_particle(std::string_view bytes);     // exactly 8 bytes

struct Bin {
  std::string name;  // at most 15 bytes (proto::kMaxBinNameSize)
  Value value;

  bool operator==(const Bin& other) const = default;
};

}  // namespace client
