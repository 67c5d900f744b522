#include <catch2/catch.hpp>

#include <algorithm>

#include "base/geo_cells.h"
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

TEST_CASE("geometry: polygons with holes, multipolygons and circles hold the right points", "[geo]") {
  auto square = asd::base::parse_geometry(
      R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]})");
  REQUIRE(square);
  CHECK(square->is_region());
  CHECK(asd::base::region_contains(*square, {1, 1}));
  CHECK(!asd::base::region_contains(*square, {5, 5}));  // in the hole
  CHECK(!asd::base::region_contains(*square, {11, 1}));
  CHECK(square->min_lon == 0);
  CHECK(square->max_lat == 10);
  auto multi = asd::base::parse_geometry(
      R"({"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[20,20],[21,20],[21,21],[20,21],[20,20]]]]})");
  REQUIRE(multi);
  CHECK(asd::base::region_contains(*multi, {20.5, 20.5}));
  CHECK(!asd::base::region_contains(*multi, {10, 10}));
  auto circle = asd::base::parse_geometry(R"({"type":"AeroCircle","coordinates":[[103.8,1.3],1000]})");
  REQUIRE(circle);
  CHECK(asd::base::region_contains(*circle, {103.8, 1.308}));   // about 890 m north
  CHECK(!asd::base::region_contains(*circle, {103.8, 1.31}));   // about 1110 m north
  auto point = asd::base::parse_geometry(R"({"type":"Point","coordinates":[103.8,1.3]})");
  REQUIRE(point);
  CHECK(!point->is_region());
  CHECK(!asd::base::parse_geometry(R"({"type":"Point","coordinates":[200,1]})"));
}

TEST_CASE("geo cells: a point inside a region is found by the region's ranges, a region by the point's cells",
          "[geo]") {
  auto region = asd::base::parse_geometry(
      R"({"type":"Polygon","coordinates":[[[103.8,1.2],[104.1,1.2],[104.1,1.5],[103.8,1.5],[103.8,1.2]]]})");
  REQUIRE(region);
  auto ranges = asd::base::geo_within_ranges(*region);
  auto cover = asd::base::geo_cover_keys(*region);
  CHECK(cover.size() <= asd::base::kGeoMaxCoverCells);
  for (double lon = 103.8; lon <= 104.1; lon += 0.013) {
    for (double lat = 1.2; lat <= 1.5; lat += 0.017) {
      int64_t k = asd::base::geo_point_key({lon, lat});
      bool in_range = false;
      for (auto [lo, hi] : ranges) in_range = in_range || (k >= lo && k <= hi);
      CHECK(in_range);
      auto keys = asd::base::geo_containing_keys({lon, lat});
      bool covered = false;
      for (int64_t c : cover) covered = covered || std::binary_search(keys.begin(), keys.end(), c);
      CHECK(covered);
    }
  }
  // A point far away is in none of the ranges.
  int64_t far = asd::base::geo_point_key({-70, 40});
  for (auto [lo, hi] : ranges) CHECK((far < lo || far > hi));
}
