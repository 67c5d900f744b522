#include "base/geojson.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace asd::base {

namespace {

// A tiny JSON tree: enough to check a geometry's shape, bounded in depth.
struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  // Defaulted below the class, as proto::msgpack::Value's: clang cannot instantiate the
  // std::pair of libstdc++ 12 while it defines Json's implicit members.
  Json();
  Json(const Json&);
  Json(Json&&) noexcept;
  Json& operator=(const Json&);
  Json& operator=(Json&&) noexcept;
  ~Json();

  const Json* member(std::string_view name) const {
    for (const auto& [k, v] : members) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

Json::Json() = default;
Json::Json(const Json&) = default;
Json::Json(Json&&) noexcept = default;
Json& Json::operator=(const Json&) = default;
Json& Json::operator=(Json&&) noexcept = default;
Json::~Json() = default;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool parse_document(Json* out) {
    if (!value(out, 0)) return false;
    skip_ws();
    return pos_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 32;

  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool string(std::string* out) {
    if (!eat('"')) return false;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        char e = s_[pos_++];
        if (e == 'u') {
          if (pos_ + 4 > s_.size()) return false;
          pos_ += 4;
          out->push_back('?');
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) return false;
        out->push_back(e);
        continue;
      }
      out->push_back(c);
    }
    return false;
  }

  bool number(Json* out) {
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-')) {
      ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    if (text.empty() || text == "-") return false;
    char* end = nullptr;
    out->number = std::strtod(text.c_str(), &end);
    out->kind = Json::Kind::Number;
    return end == text.c_str() + text.size() && std::isfinite(out->number);
  }

  bool value(Json* out, int depth) {
    if (depth > kMaxDepth) return false;
    skip_ws();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      out->kind = Json::Kind::Object;
      if (eat('}')) return true;
      do {
        std::string key;
        Json v;
        if (!string(&key) || !eat(':') || !value(&v, depth + 1)) return false;
        out->members.emplace_back(std::move(key), std::move(v));
      } while (eat(','));
      return eat('}');
    }
    if (c == '[') {
      ++pos_;
      out->kind = Json::Kind::Array;
      if (eat(']')) return true;
      do {
        Json v;
        if (!value(&v, depth + 1)) return false;
        out->items.push_back(std::move(v));
      } while (eat(','));
      return eat(']');
    }
    if (c == '"') {
      out->kind = Json::Kind::String;
      return string(&out->text);
    }
    if (literal("true") || literal("false")) return out->kind = Json::Kind::Bool, true;
    if (literal("null")) return true;
    return number(out);
  }

  std::string_view s_;
  size_t pos_ = 0;
};

bool is_position(const Json& j) {
  if (j.kind != Json::Kind::Array || j.items.size() < 2) return false;
  for (const Json& n : j.items) {
    if (n.kind != Json::Kind::Number) return false;
  }
  return std::fabs(j.items[0].number) <= 180.0 && std::fabs(j.items[1].number) <= 90.0;
}

// A closed ring of at least 4 positions, first equal to last.
bool is_ring(const Json& j) {
  if (j.kind != Json::Kind::Array || j.items.size() < 4) return false;
  for (const Json& p : j.items) {
    if (!is_position(p)) return false;
  }
  const Json& first = j.items.front();
  const Json& last = j.items.back();
  return first.items[0].number == last.items[0].number && first.items[1].number == last.items[1].number;
}

bool is_polygon(const Json& j) {
  if (j.kind != Json::Kind::Array || j.items.empty()) return false;
  for (const Json& ring : j.items) {
    if (!is_ring(ring)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> geojson_particle_text(std::string_view particle) {
  if (particle.size() < 3) return std::nullopt;
  size_t cells = (size_t(uint8_t(particle[1])) << 8) | uint8_t(particle[2]);
  size_t at = 3 + cells * 8;
  if (at > particle.size()) return std::nullopt;
  return particle.substr(at);
}

bool is_valid_geojson(std::string_view text) {
  Json doc;
  if (!Parser(text).parse_document(&doc) || doc.kind != Json::Kind::Object) return false;
  const Json* type = doc.member("type");
  const Json* coords = doc.member("coordinates");
  if (!type || type->kind != Json::Kind::String || !coords) return false;
  if (type->text == "Point") return is_position(*coords);
  if (type->text == "Polygon") return is_polygon(*coords);
  if (type->text == "MultiPolygon") {
    if (coords->kind != Json::Kind::Array || coords->items.empty()) return false;
    for (const Json& poly : coords->items) {
      if (!is_polygon(poly)) return false;
    }
    return true;
  }
  if (type->text == "AeroCircle") {
    return coords->kind == Json::Kind::Array && coords->items.size() == 2 && is_position(coords->items[0]) &&
           coords->items[1].kind == Json::Kind::Number && coords->items[1].number >= 0;
  }
  return false;
}

namespace {

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kPi = 3.14159265358979323846;

GeoPoint position(const Json& j) { return {j.items[0].number, j.items[1].number}; }

std::vector<std::vector<GeoPoint>> polygon_of(const Json& j) {
  std::vector<std::vector<GeoPoint>> rings;
  for (const Json& ring : j.items) {
    std::vector<GeoPoint> points;
    for (const Json& p : ring.items) points.push_back(position(p));
    rings.push_back(std::move(points));
  }
  return rings;
}

// Ray casting: the number of ring edges a ray from p towards +longitude crosses.
bool ring_contains(const std::vector<GeoPoint>& ring, GeoPoint p) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const GeoPoint& a = ring[i];
    const GeoPoint& b = ring[j];
    if ((a.lat > p.lat) != (b.lat > p.lat) &&
        p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon) {
      inside = !inside;
    }
  }
  return inside;
}

void fit_box(Geometry* g) {
  bool first = true;
  auto add = [&](GeoPoint p) {
    if (first) {
      g->min_lon = g->max_lon = p.lon;
      g->min_lat = g->max_lat = p.lat;
      first = false;
      return;
    }
    g->min_lon = std::min(g->min_lon, p.lon);
    g->max_lon = std::max(g->max_lon, p.lon);
    g->min_lat = std::min(g->min_lat, p.lat);
    g->max_lat = std::max(g->max_lat, p.lat);
  };
  if (g->kind == Geometry::Kind::Point) add(g->point);
  for (const auto& poly : g->polygons) {
    for (const GeoPoint& p : poly.front()) add(p);
  }
  if (g->kind == Geometry::Kind::Circle) {
    double dlat = g->radius_m / kEarthRadiusM * 180.0 / kPi;
    double coslat = std::cos(g->point.lat * kPi / 180.0);
    double dlon = coslat > 1e-9 ? dlat / coslat : 360.0;
    g->min_lat = std::max(-90.0, g->point.lat - dlat);
    g->max_lat = std::min(90.0, g->point.lat + dlat);
    // Near a pole, or across the antimeridian, the box is every longitude.
    bool wraps = dlon >= 180.0 || g->point.lon - dlon < -180.0 || g->point.lon + dlon > 180.0 ||
                 g->max_lat >= 90.0 || g->min_lat <= -90.0;
    g->min_lon = wraps ? -180.0 : g->point.lon - dlon;
    g->max_lon = wraps ? 180.0 : g->point.lon + dlon;
  }
}

}  // namespace

std::optional<Geometry> parse_geometry(std::string_view text) {
  if (!is_valid_geojson(text)) return std::nullopt;
  Json doc;
  Parser(text).parse_document(&doc);
  const std::string& type = doc.member("type")->text;
  const Json& coords = *doc.member("coordinates");
  Geometry g;
  if (type == "Point") {
    g.point = position(coords);
  } else if (type == "Polygon") {
    g.kind = Geometry::Kind::Polygons;
    g.polygons.push_back(polygon_of(coords));
  } else if (type == "MultiPolygon") {
    g.kind = Geometry::Kind::Polygons;
    for (const Json& poly : coords.items) g.polygons.push_back(polygon_of(poly));
  } else {
    g.kind = Geometry::Kind::Circle;
    g.point = position(coords.items[0]);
    g.radius_m = coords.items[1].number;
  }
  fit_box(&g);
  return g;
}

double distance_m(GeoPoint a, GeoPoint b) {
  double la1 = a.lat * kPi / 180.0, la2 = b.lat * kPi / 180.0;
  double dla = la2 - la1, dlo = (b.lon - a.lon) * kPi / 180.0;
  double h = std::sin(dla / 2) * std::sin(dla / 2) + std::cos(la1) * std::cos(la2) * std::sin(dlo / 2) * std::sin(dlo / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

bool region_contains(const Geometry& region, GeoPoint p) {
  if (region.kind == Geometry::Kind::Circle) return distance_m(region.point, p) <= region.radius_m;
  if (region.kind != Geometry::Kind::Polygons) return false;
  for (const auto& poly : region.polygons) {
    if (!ring_contains(poly.front(), p)) continue;
    bool in_hole = false;
    for (size_t h = 1; h < poly.size() && !in_hole; ++h) in_hole = ring_contains(poly[h], p);
    if (!in_hole) return true;
  }
  return false;
}

}  // namespace asd::base
