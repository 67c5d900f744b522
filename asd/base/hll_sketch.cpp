#include "base/hll_sketch.h"

#include <algorithm>
#include <bit>

#include "base/murmur3.h"
#include "common/bytes.h"

namespace asd::base::hll {

namespace {

uint32_t register_bits(uint8_t minhash_bits) { return kHllBits + minhash_bits; }

uint32_t registers_size(uint8_t index_bits, uint8_t minhash_bits) {
  return (register_bits(minhash_bits) * (uint32_t(1) << index_bits) + 7) / 8;
}

// Where register r sits: the big-endian 64-bit word to load (never past the end, so the
// last registers are read from a word that starts early) and how far into it r begins.
struct Window {
  uint32_t byte = 0;
  uint32_t shift = 0;
};

Window window_of(uint32_t r, uint8_t index_bits, uint8_t minhash_bits) {
  uint32_t bit = register_bits(minhash_bits) * r;
  Window w{bit / 8, bit % 8};
  uint32_t last = registers_size(index_bits, minhash_bits) - 8;
  if (w.byte > last) {
    w.shift += (w.byte - last) * 8;
    w.byte = last;
  }
  return w;
}

uint64_t low_mask(uint32_t n) { return n >= 64 ? ~uint64_t(0) : (uint64_t(1) << n) - 1; }

// The register an element lands in and the value it offers there.
struct Slot {
  uint32_t reg = 0;
  uint64_t value = 0;
};

Slot slot_of(std::string_view element, uint8_t index_bits, uint8_t minhash_bits) {
  Hash128 h = murmur3_x64_128(element);
  uint64_t minhash = (h.h1 >> index_bits) & low_mask(minhash_bits);
  uint64_t hll_value = uint64_t(std::countr_zero(h.h2)) + 1;
  return {uint32_t(h.h1) & ((uint32_t(1) << index_bits) - 1),
          hll_value << minhash_bits | minhash};
}

}  // namespace

bool valid_index_bits(uint64_t n) { return n >= kMinIndexBits && n <= kMaxIndexBits; }

bool valid_minhash_bits(uint64_t n) {
  return n == 0 || (n >= kMinMinhashBits && n <= kMaxMinhashBits);
}

bool valid_bits(uint64_t index_bits, uint64_t minhash_bits) {
  return valid_index_bits(index_bits) && valid_minhash_bits(minhash_bits) &&
         index_bits + minhash_bits <= kMaxCombinedBits;
}

uint32_t sketch_size(uint8_t index_bits, uint8_t minhash_bits) {
  return uint32_t(kHeaderSize) + registers_size(index_bits, minhash_bits);
}

bool well_sized(std::string_view bytes) {
  if (bytes.size() < kHeaderSize) return false;
  uint8_t index_bits = uint8_t(bytes[1]);
  uint8_t minhash_bits = uint8_t(bytes[2]);
  return valid_index_bits(index_bits) && valid_minhash_bits(minhash_bits) &&
         bytes.size() == sketch_size(index_bits, minhash_bits);
}

bool valid_sketch(std::string_view bytes) {
  return well_sized(bytes) && bytes[0] == 0 && valid_bits(uint8_t(bytes[1]), uint8_t(bytes[2]));
}

uint64_t SketchView::cache() const { return common::load_le64(common::as_bytes(bytes_) + 3); }

uint64_t SketchView::reg(uint32_t r) const {
  Window w = window_of(r, index_bits(), minhash_bits());
  uint32_t n_bits = register_bits(minhash_bits());
  uint64_t word = common::load_be64(common::as_bytes(bytes_) + kHeaderSize + w.byte);
  return (word >> (64 - w.shift - n_bits)) & low_mask(n_bits);
}

bool SketchView::has_data() const {
  std::string_view regs = bytes_.substr(kHeaderSize);
  regs = regs.substr(0, std::min<size_t>(regs.size(), n_registers()));
  return std::any_of(regs.begin(), regs.end(), [](char c) { return c != 0; });
}

uint32_t SketchView::used_registers() const {
  uint32_t used = 0;
  for (uint32_t r = 0; r < n_registers(); ++r) used += reg(r) != 0 ? 1 : 0;
  return used;
}

bool SketchView::may_contain(std::string_view element) const {
  Slot s = slot_of(element, index_bits(), minhash_bits());
  return s.value <= reg(s.reg);
}

Sketch::Sketch(uint8_t index_bits, uint8_t minhash_bits)
    : bytes_(sketch_size(index_bits, minhash_bits), '\0') {
  bytes_[1] = char(index_bits);
  bytes_[2] = char(minhash_bits);
}

void Sketch::set_cache(uint64_t count) {
  common::store_le64(reinterpret_cast<uint8_t*>(bytes_.data()) + 3, count);
}

void Sketch::set_reg(uint32_t r, uint64_t value) {
  SketchView v = view();
  Window w = window_of(r, v.index_bits(), v.minhash_bits());
  uint32_t n_bits = register_bits(v.minhash_bits());
  uint32_t down = 64 - n_bits - w.shift;
  uint64_t mask = low_mask(n_bits) << down;
  uint8_t* p = reinterpret_cast<uint8_t*>(bytes_.data()) + kHeaderSize + w.byte;
  uint64_t word = common::load_be64(p);
  common::store_be64(p, (word & ~mask) | ((value << down) & mask));
}

bool Sketch::add(std::string_view element) {
  SketchView v = view();
  Slot s = slot_of(element, v.index_bits(), v.minhash_bits());
  if (v.reg(s.reg) >= s.value) return false;
  set_reg(s.reg, s.value);
  set_cache(0);
  return true;
}

void Sketch::union_with(SketchView other) {
  SketchView self = view();
  uint32_t mask = self.n_registers() - 1;
  if (self.minhash_bits() == 0) {
    // Without minhash bits the server leaves the cached count alone here; every caller
    // starts from an empty sketch, so it is 0 anyway.
    for (uint32_t r = 0; r < other.n_registers(); ++r) {
      uint8_t theirs = other.hll_value(r);
      if (self.hll_value(r & mask) < theirs) set_reg(r & mask, theirs);
    }
    return;
  }
  for (uint32_t r = 0; r < other.n_registers(); ++r) {
    uint64_t theirs = other.reg(r);
    if (self.reg(r & mask) < theirs) set_reg(r & mask, theirs);
  }
  set_cache(0);
}

void Sketch::intersect_with(SketchView other) {
  SketchView self = view();
  uint32_t mask = self.n_registers() - 1;
  for (uint32_t r = 0; r < other.n_registers(); ++r) {
    uint64_t ours = self.reg(r & mask);
    set_reg(r & mask, ours == other.reg(r) ? ours : 0);
  }
}

Bits compatible_bits(std::span<const SketchView> sketches) {
  Bits bits{sketches[0].index_bits(), sketches[0].minhash_bits()};
  for (const SketchView& s : sketches.subspan(1)) {
    bits.index = std::min(bits.index, s.index_bits());
    if (bits.minhash != 0 && bits.minhash != s.minhash_bits()) bits.minhash = 0;
  }
  return bits;
}

}  // namespace asd::base::hll
