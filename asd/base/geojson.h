#pragma once
// GeoJSON validation for GEOJSON bins. Aerospike accepts the geometry types Point,
// Polygon, MultiPolygon and its own AeroCircle ([[lon, lat], radius-in-metres]);
// anything else, malformed JSON, or coordinates out of range is refused with 160.

#include <optional>
#include <string_view>
#include <vector>

namespace asd::base {

// `text` is the GeoJSON text (the particle's bytes after flags and cells).
bool is_valid_geojson(std::string_view text);

// The GeoJSON text of a GeoJSON particle: flags (1), cell count (2), cells (8 each),
// then the text. nullopt when the particle is too short for its cells.
std::optional<std::string_view> geojson_particle_text(std::string_view particle);

struct GeoPoint {
  double lon = 0;
  double lat = 0;
};

// A valid GeoJSON value as geometry: a point, or a region (polygons, each an outer ring
// and holes; or a circle), with its bounding box in degrees.
struct Geometry {
  enum class Kind { Point, Polygons, Circle };
  Kind kind = Kind::Point;
  GeoPoint point;        // Point; the circle's centre
  double radius_m = 0;   // Circle
  std::vector<std::vector<std::vector<GeoPoint>>> polygons;  // Polygon (one), MultiPolygon
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;

  bool is_region() const { return kind != Kind::Point; }
};

// nullopt for anything is_valid_geojson refuses.
std::optional<Geometry> parse_geometry(std::string_view text);

// Whether `region` holds `p`: inside an outer ring and no hole (rings are taken in the
// longitude/latitude plane), or within the circle's radius along the sphere.
bool region_contains(const Geometry& region, GeoPoint p);

// Great-circle distance in metres.
double distance_m(GeoPoint a, GeoPoint b);

}  // namespace asd::base
