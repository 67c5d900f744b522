#pragma once
// Grid cells that turn GeoJSON values into secondary-index keys (GEO2DSPHERE indexes).
//
// The longitude/latitude plane is cut into a quadtree: at level L (0..kGeoMaxLevel) it is
// a 2^L x 2^L grid, and a cell's id interleaves its column and row bits (Morton order),
// so the cells below a cell at a finer level form one contiguous id range. A key is the
// level in the bits above 40 and the cell id below. A point is indexed by its cell at
// the finest level; a region by the cells, at one level, that cover its bounding box.
// Queries look up candidates by key and check each against the geometry itself.

#include <cstdint>
#include <utility>
#include <vector>

#include "base/geojson.h"

namespace asd::base {

inline constexpr int kGeoMaxLevel = 16;
// A region is covered by at most this many cells (the finest level that fits).
inline constexpr size_t kGeoMaxCoverCells = 64;

int64_t geo_point_key(GeoPoint p);
// The keys of the cells covering a region's bounding box.
std::vector<int64_t> geo_cover_keys(const Geometry& region);
// Inclusive key ranges holding every point key inside the region's bounding box,
// sorted and disjoint.
std::vector<std::pair<int64_t, int64_t>> geo_within_ranges(const Geometry& region);
// The keys of the point's cell at every level: a region holding the point is indexed
// under one of them.
std::vector<int64_t> geo_containing_keys(GeoPoint p);

}  // namespace asd::base
