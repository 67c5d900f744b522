#pragma once
// The HLL bin format (the real server's HyperMinHash particle, particle_hll.c) and the
// register-level operations on it. Estimators are in hll_estimate.h; op parsing and
// semantics in hll.cpp.
//
//   byte 0       flags, always 0 (anything else is refused)
//   byte 1       index bits p, 4..16: the sketch has 2^p registers
//   byte 2       minhash bits r, 0 or 4..51, and p + r <= 64
//   bytes 3..10  cached count, little-endian (the server keeps it in host order, and it
//                runs on little-endian hosts); 0 = not cached
//   bytes 11..   2^p registers of 6 + r bits each, packed most significant bit first:
//                a register's top 6 bits are its HLL value, its low r bits the minhash
//
// An element hashes (murmur3_x64_128, seed 0) over its compacted msgpack bytes: the low p
// bits of the first word pick the register, the next r bits are the minhash, and one plus
// the trailing zero count of the second word is the HLL value. The server keeps that
// value unmasked (up to 65, which does not fit 6 bits) when it compares, and truncates it
// when it stores; so does this code, so rare hashes land exactly where the server puts
// them.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace asd::base::hll {

inline constexpr size_t kHeaderSize = 11;
inline constexpr uint32_t kHllBits = 6;
inline constexpr uint64_t kMinIndexBits = 4;
inline constexpr uint64_t kMaxIndexBits = 16;
inline constexpr uint64_t kMinMinhashBits = 4;
inline constexpr uint64_t kMaxMinhashBits = 64 - kHllBits - 7;
inline constexpr uint64_t kMaxCombinedBits = 64;

bool valid_index_bits(uint64_t n);
bool valid_minhash_bits(uint64_t n);
bool valid_bits(uint64_t index_bits, uint64_t minhash_bits);
// Whole sketch size, header included, for bit counts that are each valid.
uint32_t sketch_size(uint8_t index_bits, uint8_t minhash_bits);
// True when bytes hold a header whose bit counts are each in range and whose size
// matches them: the condition for building a SketchView.
bool well_sized(std::string_view bytes);
// What the server accepts as an HLL bin, from a client write (hll_from_wire) or before
// an op: well sized, flags 0, and the bit counts within their combined limit.
bool valid_sketch(std::string_view bytes);

// Read-only access to sketch bytes; the bytes must be well_sized and outlive the view.
class SketchView {
 public:
  explicit SketchView(std::string_view bytes) : bytes_(bytes) {}

  uint8_t flags() const { return uint8_t(bytes_[0]); }
  uint8_t index_bits() const { return uint8_t(bytes_[1]); }
  uint8_t minhash_bits() const { return uint8_t(bytes_[2]); }
  uint64_t cache() const;
  uint32_t n_registers() const { return uint32_t(1) << index_bits(); }
  // Register r whole (HLL value and minhash), and its HLL value alone.
  uint64_t reg(uint32_t r) const;
  uint8_t hll_value(uint32_t r) const { return uint8_t(reg(r) >> minhash_bits()); }
  // The server's emptiness test: any non-zero byte among the first 2^p register bytes.
  bool has_data() const;
  uint32_t used_registers() const;
  bool may_contain(std::string_view element) const;
  std::string_view bytes() const { return bytes_; }

 private:
  std::string_view bytes_;
};

// An owned sketch being built or changed.
class Sketch {
 public:
  // An empty sketch (all registers 0, no cached count).
  Sketch(uint8_t index_bits, uint8_t minhash_bits);
  explicit Sketch(SketchView from) : bytes_(from.bytes()) {}

  SketchView view() const { return SketchView(bytes_); }
  void set_cache(uint64_t count);
  void set_reg(uint32_t r, uint64_t value);
  // Adds one element; true when a register rose (which also drops the cached count).
  bool add(std::string_view element);
  // Register-wise maximum with other, whose index bits are >= ours (its registers fold
  // onto ours by their low bits). With minhash bits, whole registers compare and other
  // must have the same minhash bits; without, HLL values compare.
  void union_with(SketchView other);
  // Keeps a register only where other (folded the same way) holds the same value.
  void intersect_with(SketchView other);
  std::string release() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

// The bit counts a union of sketches gets: the smallest index bits, and the minhash bits
// when all agree, else 0. sketches must not be empty.
struct Bits {
  uint8_t index = 0;
  uint8_t minhash = 0;
};
Bits compatible_bits(std::span<const SketchView> sketches);

}  // namespace asd::base::hll
