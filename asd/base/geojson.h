#pragma once
// GeoJSON validation for GEOJSON bins. Aerospike accepts the geometry types Point,
// Polygon, MultiPolygon and its own AeroCircle ([[lon, lat], radius-in-metres]);
// anything else, malformed JSON, or coordinates out of range is refused with 160.

#include <string_view>

namespace asd::base {

// `text` is the GeoJSON text (the particle's bytes after flags and cells).
bool is_valid_geojson(std::string_view text);

}  // namespace asd::base
