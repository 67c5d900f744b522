#pragma once
// Cardinality, union, intersection and similarity estimates over HLL sketches, computed
// step for step as the real server does (particle_hll.c), so results match it exactly:
//   count        Ertl's improved raw estimator ("New cardinality estimation algorithms
//                for HyperLogLog sketches", 2017, algorithm 6), or the cached count when
//                the sketch carries one
//   union        register-wise maximum folded to the smallest index bits, then count
//   similarity   with minhash bits on all sketches, HyperMinHash (Yu & Weber, 2017):
//                matching registers over used registers, less expected collisions for
//                two sketches; otherwise intersection / union by inclusion-exclusion
//   intersect    similarity * union count with minhash bits, else inclusion-exclusion
//                over two or three sketches
// Every span must be non-empty and hold well-sized sketches.

#include <cstdint>
#include <span>

#include "base/hll_sketch.h"

namespace asd::base::hll {

uint64_t estimate_count(SketchView sketch);
// The union of the sketches, with compatible_bits and no cached count.
Sketch union_of(std::span<const SketchView> sketches);
uint64_t estimate_union_count(std::span<const SketchView> sketches);
uint64_t estimate_intersect_count(std::span<const SketchView> sketches);
// NaN when every sketch is empty (minhash path) or the union estimate is 0.
double estimate_similarity(std::span<const SketchView> sketches);

}  // namespace asd::base::hll
