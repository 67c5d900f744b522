#pragma once
// The ids that cross module boundaries, each its own type so that one cannot be passed
// where another is expected: a node id where a partition id belongs compiles as an
// integer, never as one of these. Construction is explicit; `value` is the raw number
// for the wire and for indexing.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace common {

// A node of a cluster (the real server's 64-bit node id).
struct NodeId {
  uint64_t value = 0;
  constexpr NodeId() = default;
  constexpr explicit NodeId(uint64_t v) : value(v) {}
  constexpr auto operator<=>(const NodeId&) const = default;
};

// One of a namespace's 4096 partitions.
struct PartitionId {
  uint16_t value = 0;
  constexpr PartitionId() = default;
  constexpr explicit PartitionId(uint16_t v) : value(v) {}
  constexpr auto operator<=>(const PartitionId&) const = default;
};

// A datacenter's XDR src-id (1..255; 0 means none is set).
struct SrcId {
  uint8_t value = 0;
  constexpr SrcId() = default;
  constexpr explicit SrcId(uint8_t v) : value(v) {}
  constexpr auto operator<=>(const SrcId&) const = default;
};

}  // namespace common

template <>
struct std::hash<common::NodeId> {
  size_t operator()(common::NodeId id) const { return std::hash<uint64_t>{}(id.value); }
};
