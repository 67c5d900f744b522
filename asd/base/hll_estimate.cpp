#include "base/hll_estimate.h"

#include <cmath>
#include <limits>

namespace asd::base::hll {

namespace {

// llround as the server's x86-64 build behaves: an out-of-range (or NaN) argument yields
// the "integer indefinite" 0x8000000000000000. Only crafted sketches get there.
uint64_t round_to_u64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return uint64_t(1) << 63;
  return uint64_t(std::llround(v));
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1 - x;
  double prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2.0) * y;
  } while (prev != z);
  return z / 3;
}

double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1;
  double z = x;
  double prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev != z);
  return z;
}

double alpha(uint8_t index_bits) {
  switch (index_bits) {
    case 4: return 0.673;
    case 5: return 0.697;
    case 6: return 0.709;
    default: return 0.7213 / (1.0 + 1.079 / double(uint32_t(1) << index_bits));
  }
}

// Expected number of registers two sketches of these cardinalities share by chance.
double expected_collisions(Bits bits, uint64_t card0, uint64_t card1) {
  const uint32_t n_registers = uint32_t(1) << bits.index;
  const int n_buckets = 1 << kHllBits;
  double cp = 0.0;
  for (int i = 1; i <= n_buckets; ++i) {
    double b1 = i != n_buckets ? std::pow(2, -i) : 0.0;
    double b2 = std::pow(2, -i + 1);
    b1 /= n_registers;
    b2 /= n_registers;
    double pr_x = std::pow(1 - b1, double(card0)) - std::pow(1 - b2, double(card0));
    double pr_y = std::pow(1 - b1, double(card1)) - std::pow(1 - b2, double(card1));
    cp += pr_x * pr_y;
  }
  return cp * n_registers / std::pow(2, bits.minhash);
}

uint64_t hll_intersect_count(std::span<const SketchView> s) {
  uint64_t union_count = estimate_union_count(s);
  uint64_t sum = 0;
  for (const SketchView& v : s) {
    uint64_t c = estimate_count(v);
    if (sum + c < sum) {
      sum = UINT64_MAX;
      break;
    }
    sum += c;
  }
  if (s.size() == 2) return sum > union_count ? sum - union_count : 0;
  // Three sketches (the parser admits no more without minhash bits).
  const SketchView outer[2] = {s[0], s[2]};
  uint64_t pairs = estimate_intersect_count(s.subspan(0, 2)) +
                   estimate_intersect_count(s.subspan(1, 2)) + estimate_intersect_count(outer);
  auto result = int64_t(union_count - (sum - pairs));  // wraps like the server's int64 math
  return result < 0 ? 0 : uint64_t(result);
}

double hll_similarity(std::span<const SketchView> s) {
  return double(hll_intersect_count(s)) / double(estimate_union_count(s));
}

}  // namespace

uint64_t estimate_count(SketchView sketch) {
  if (sketch.cache() != 0) return sketch.cache();
  const uint32_t m = sketch.n_registers();
  // One slot past the largest 6-bit value, as the server sizes it; it stays 0.
  uint32_t c[(1 << kHllBits) + 1] = {};
  for (uint32_t r = 0; r < m; ++r) c[sketch.hll_value(r)]++;
  const int top = 1 << kHllBits;
  double z = m * tau(c[top] / double(m));
  for (int k = top; k > 0; --k) z = 0.5 * (z + c[k]);
  z += m * sigma(c[0] / double(m));
  return round_to_u64(alpha(sketch.index_bits()) * m * m / z);
}

Sketch union_of(std::span<const SketchView> sketches) {
  Bits bits = compatible_bits(sketches);
  Sketch out(bits.index, bits.minhash);
  for (const SketchView& s : sketches) out.union_with(s);
  return out;
}

uint64_t estimate_union_count(std::span<const SketchView> sketches) {
  return estimate_count(union_of(sketches).view());
}

uint64_t estimate_intersect_count(std::span<const SketchView> sketches) {
  if (compatible_bits(sketches).minhash == 0) return hll_intersect_count(sketches);
  double j = estimate_similarity(sketches);
  if (std::isnan(j)) return 0;
  return round_to_u64(double(estimate_union_count(sketches)) * j);
}

double estimate_similarity(std::span<const SketchView> sketches) {
  Bits bits = compatible_bits(sketches);
  if (bits.minhash == 0) return hll_similarity(sketches);

  bool any_data = false;
  bool any_empty = false;
  for (const SketchView& s : sketches) {
    if (s.has_data()) {
      any_data = true;
    } else {
      any_empty = true;
    }
  }
  if (any_empty) return any_data ? 0.0 : std::numeric_limits<double>::quiet_NaN();

  uint32_t n_union = union_of(sketches).view().used_registers();
  Sketch shared(bits.index, bits.minhash);
  shared.union_with(sketches[0]);
  for (const SketchView& s : sketches.subspan(1)) shared.intersect_with(s);
  uint32_t n_intersect = shared.view().used_registers();

  double collisions = 0.0;
  if (sketches.size() == 2) {
    collisions = expected_collisions(bits, estimate_count(sketches[0]),
                                     estimate_count(sketches[1]));
  }
  double result = (n_intersect - collisions) / double(n_union);
  return result < 0.0 ? 0.0 : result;
}

}  // namespace asd::base::hll
