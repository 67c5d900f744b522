#pragma once
// Record digests and partition math, exactly as every Aerospike client computes them:
// digest = RIPEMD-160(set name || key type byte || key bytes); the namespace is not part
// of it. Partition id = low 12 bits of the first two digest bytes read little-endian.

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/ids.h"

namespace common {

inline constexpr uint32_t kPartitions = 4096;
inline constexpr size_t kDigestSize = 20;

struct Digest {
  std::array<uint8_t, kDigestSize> bytes{};

  // The order of the bytes as memcmp sees them, compared a word at a time: the index
  // (an ordered map per partition) makes a few dozen of these per lookup, and a call
  // to memcmp for each was a visible share of a write's cost.
  std::strong_ordering operator<=>(const Digest& o) const {
    for (size_t at = 0; at < 16; at += 8) {
      uint64_t a = load_be64(bytes.data() + at), b = load_be64(o.bytes.data() + at);
      if (a != b) return a <=> b;
    }
    return load_be32(bytes.data() + 16) <=> load_be32(o.bytes.data() + 16);
  }
  bool operator==(const Digest& o) const { return std::memcmp(bytes.data(), o.bytes.data(), kDigestSize) == 0; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  static Digest from(std::string_view raw);  // raw must hold 20 bytes
  std::string hex() const;
};

// Key particle types allowed as user keys.
enum class KeyType : uint8_t { Integer = 1, Double = 2, String = 3, Blob = 4 };

// Thread-safe; never blocks.
Digest compute_digest(std::string_view set, uint8_t key_type, std::string_view key_bytes);
Digest compute_digest(std::string_view set, int64_t key);
Digest compute_digest(std::string_view set, std::string_view string_key);

inline PartitionId partition_id(const Digest& d) {
  return PartitionId(uint16_t((uint32_t(d.bytes[0]) | uint32_t(d.bytes[1]) << 8) & (kPartitions - 1)));
}

struct DigestHash {
  size_t operator()(const Digest& d) const {
    size_t h;
    std::memcpy(&h, d.bytes.data() + 4, sizeof h);
    return h;
  }
};

}  // namespace common
