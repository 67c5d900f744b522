// Target geojson: the GeoJSON text of a geo bin, a geo expression literal or a geo query
// (is_valid_geojson, parse_geometry), then the geometry used as a query region. Beyond
// not crashing: the two entry points agree on what is valid.

#include <string_view>

#include "base/geojson.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<asd::base::Geometry> geometry = asd::base::parse_geometry(text);
  FUZZ_CHECK(asd::base::is_valid_geojson(text) == geometry.has_value());
  if (geometry && geometry->is_region()) {
    (void)asd::base::region_contains(*geometry, {0, 0});
    (void)asd::base::region_contains(*geometry, {geometry->min_lon, geometry->max_lat});
  }
  (void)asd::base::geojson_particle_text(text);
  return 0;
}
