#include "base/geo_cells.h"

#include <algorithm>
#include <cmath>

namespace asd::base {

namespace {

constexpr uint32_t kCells = 1u << kGeoMaxLevel;

uint32_t column(double lon) {
  double x = std::floor((lon + 180.0) / 360.0 * kCells);
  return uint32_t(std::clamp(x, 0.0, double(kCells - 1)));
}

uint32_t row(double lat) {
  double y = std::floor((lat + 90.0) / 180.0 * kCells);
  return uint32_t(std::clamp(y, 0.0, double(kCells - 1)));
}

uint64_t interleave(uint32_t x, uint32_t y) {
  uint64_t out = 0;
  for (int b = 0; b < kGeoMaxLevel; ++b) {
    out |= uint64_t((x >> b) & 1) << (2 * b);
    out |= uint64_t((y >> b) & 1) << (2 * b + 1);
  }
  return out;
}

int64_t key(int level, uint64_t cell) { return int64_t((uint64_t(level) << 40) | cell); }

// The cells at `level` covering the box, as (column, row) spans at that level.
struct Span {
  uint32_t x0, x1, y0, y1;
  size_t count() const { return size_t(x1 - x0 + 1) * size_t(y1 - y0 + 1); }
};

Span span_at(const Geometry& g, int level) {
  int shift = kGeoMaxLevel - level;
  return {column(g.min_lon) >> shift, column(g.max_lon) >> shift, row(g.min_lat) >> shift, row(g.max_lat) >> shift};
}

// The finest level whose cover of the box has at most kGeoMaxCoverCells cells.
int cover_level(const Geometry& g) {
  for (int level = kGeoMaxLevel; level > 0; --level) {
    if (span_at(g, level).count() <= kGeoMaxCoverCells) return level;
  }
  return 0;
}

}  // namespace

int64_t geo_point_key(GeoPoint p) { return key(kGeoMaxLevel, interleave(column(p.lon), row(p.lat))); }

std::vector<int64_t> geo_cover_keys(const Geometry& region) {
  int level = cover_level(region);
  Span s = span_at(region, level);
  std::vector<int64_t> keys;
  for (uint32_t x = s.x0; x <= s.x1; ++x) {
    for (uint32_t y = s.y0; y <= s.y1; ++y) keys.push_back(key(level, interleave(x, y)));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<std::pair<int64_t, int64_t>> geo_within_ranges(const Geometry& region) {
  int level = cover_level(region);
  int shift = 2 * (kGeoMaxLevel - level);
  Span s = span_at(region, level);
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (uint32_t x = s.x0; x <= s.x1; ++x) {
    for (uint32_t y = s.y0; y <= s.y1; ++y) {
      uint64_t first = interleave(x, y) << shift;
      uint64_t last = first + (uint64_t(1) << shift) - 1;
      ranges.emplace_back(key(kGeoMaxLevel, first), key(kGeoMaxLevel, last));
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<int64_t, int64_t>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1) merged.back().second = std::max(merged.back().second, r.second);
    else merged.push_back(r);
  }
  return merged;
}

std::vector<int64_t> geo_containing_keys(GeoPoint p) {
  uint32_t x = column(p.lon), y = row(p.lat);
  std::vector<int64_t> keys;
  for (int level = 0; level <= kGeoMaxLevel; ++level) {
    int shift = kGeoMaxLevel - level;
    keys.push_back(key(level, interleave(x >> shift, y >> shift)));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace asd::base
