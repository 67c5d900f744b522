#pragma once
// Small helpers the cluster's parts share: a 64-bit mixer for keys, ballots and
// versions, and membership tests on node lists.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace asd::cluster {

// splitmix64: consecutive inputs give unrelated outputs.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

inline bool contains(const std::vector<uint64_t>& nodes, uint64_t n) {
  return std::find(nodes.begin(), nodes.end(), n) != nodes.end();
}

}  // namespace asd::cluster
