#include <catch2/catch.hpp>

#include "base/geojson.h"

using asd::base::is_valid_geojson;

TEST_CASE("geojson: the geometries Aerospike accepts", "[geojson]") {
  CHECK(is_valid_geojson(R"({"type":"Point","coordinates":[-122.5,37.5]})"));
  CHECK(is_valid_geojson(R"( { "type" : "AeroCircle", "coordinates" : [[-122.0, 37.5], 250.0] } )"));
  CHECK(is_valid_geojson(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})"));
  CHECK(is_valid_geojson(
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]})"));
}

TEST_CASE("geojson: malformed or unsupported input is refused", "[geojson]") {
  CHECK_FALSE(is_valid_geojson(""));
  CHECK_FALSE(is_valid_geojson("{"));
  CHECK_FALSE(is_valid_geojson(R"({"type":"Point","coordinates":"nope"})"));
  CHECK_FALSE(is_valid_geojson(R"({"type":"Point","coordinates":[200,0]})"));
  CHECK_FALSE(is_valid_geojson(R"({"type":"Point","coordinates":[1]})"));
  CHECK_FALSE(is_valid_geojson(R"({"type":"LineString","coordinates":[[0,0],[1,1]]})"));
  CHECK_FALSE(is_valid_geojson(R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[2,2]]]})"));
  CHECK_FALSE(is_valid_geojson(R"({"type":"Point","coordinates":[1,2]} trailing)"));
  CHECK_FALSE(is_valid_geojson(R"({"coordinates":[1,2]})"));
  std::string deep(100, '[');
  CHECK_FALSE(is_valid_geojson(R"({"type":"Point","coordinates":)" + deep));
}
