// Bit-level kernels for apply_bit_op: moving regions in and out of a blob, shifts,
// integer fields, counting and scanning. Byte-at-a-time rather than the server's 64-bit
// strides: blobs are bounded by the record size, and this keeps every read in bounds.

#include <bit>

#include "base/bits_internal.h"

namespace asd::base::bits {

namespace {

// Out-of-range positions, either side, read as zero.
uint8_t byte_at(std::string_view s, int64_t i) {
  return i >= 0 && uint64_t(i) < s.size() ? uint8_t(s[size_t(i)]) : 0;
}

// Bits of the region that fall in byte `byte`, as a mask over that byte.
uint8_t region_mask(uint64_t byte, uint64_t start, uint64_t n) {
  uint64_t end = start + n;  // exclusive
  uint8_t m = 0xff;
  if (byte == start / 8) m &= uint8_t(0xff >> (start % 8));
  if (byte == (end - 1) / 8) m &= uint8_t(0xff << (7 - (end - 1) % 8));
  return m;
}

// Clears the bits past n in a packed buffer.
void trim(std::string* packed, uint64_t n) {
  if (n % 8 != 0 && !packed->empty()) {
    packed->back() = char(uint8_t(packed->back()) & uint8_t(0xff << (8 - n % 8)));
  }
}

}  // namespace

std::string extract(std::string_view data, uint64_t start, uint64_t n) {
  uint64_t first = start / 8;
  unsigned s = unsigned(start % 8);
  std::string out((n + 7) / 8, '\0');
  for (uint64_t i = 0; i < out.size(); ++i) {
    uint8_t hi = uint8_t(byte_at(data, int64_t(first + i)) << s);
    uint8_t lo = s == 0 ? 0 : uint8_t(byte_at(data, int64_t(first + i + 1)) >> (8 - s));
    out[i] = char(hi | lo);
  }
  trim(&out, n);
  return out;
}

void deposit(std::string* data, uint64_t start, uint64_t n, std::string_view packed) {
  uint64_t first = start / 8;
  uint64_t last = (start + n - 1) / 8;
  unsigned s = unsigned(start % 8);
  for (uint64_t byte = first; byte <= last; ++byte) {
    uint64_t i = byte - first;
    uint8_t hi = s == 0 ? 0 : uint8_t(byte_at(packed, int64_t(i) - 1) << (8 - s));
    uint8_t v = uint8_t(hi | (byte_at(packed, int64_t(i)) >> s));
    uint8_t m = region_mask(byte, start, n);
    uint8_t old = uint8_t((*data)[byte]);
    (*data)[byte] = char((old & ~m) | (v & m));
  }
}

void shift(std::string* packed, uint64_t n, uint64_t by, bool left) {
  if (by >= n) {
    packed->assign(packed->size(), '\0');
    return;
  }
  int64_t step = left ? 1 : -1;
  int64_t q = int64_t(by / 8) * step;
  unsigned r = unsigned(by % 8);
  std::string in = *packed;
  for (int64_t i = 0; i < int64_t(in.size()); ++i) {
    // A shift that is not whole bytes also pulls in the spill of the next source byte.
    uint8_t near = byte_at(in, i + q);
    uint8_t far = r == 0 ? 0 : byte_at(in, i + q + step);
    uint8_t v = left ? uint8_t(near << r | far >> (8 - r)) : uint8_t(near >> r | far << (8 - r));
    (*packed)[size_t(i)] = char(v);
  }
  trim(packed, n);
}

uint64_t load_uint(std::string_view data, uint64_t start, unsigned n) {
  std::string packed = extract(data, start, n);
  uint64_t v = 0;
  for (char c : packed) v = v << 8 | uint8_t(c);
  return v >> (packed.size() * 8 - n);
}

void store_uint(std::string* data, uint64_t start, unsigned n, uint64_t value) {
  uint64_t aligned = value << (64 - n);
  char packed[8];
  for (int i = 0; i < 8; ++i) packed[i] = char(uint8_t(aligned >> (56 - 8 * i)));
  deposit(data, start, n, std::string_view(packed, (n + 7) / 8));
}

int64_t sign_extend(uint64_t v, unsigned n) {
  unsigned lead = 64 - n;
  return int64_t(v << lead) >> lead;
}

uint64_t count_ones(std::string_view data, uint64_t start, uint64_t n) {
  uint64_t count = 0;
  for (uint64_t byte = start / 8; byte <= (start + n - 1) / 8; ++byte) {
    count += unsigned(std::popcount(uint8_t(uint8_t(data[byte]) & region_mask(byte, start, n))));
  }
  return count;
}

int64_t scan_left(std::string_view data, uint64_t start, uint64_t n, bool value) {
  for (uint64_t byte = start / 8; byte <= (start + n - 1) / 8; ++byte) {
    uint8_t b = value ? uint8_t(data[byte]) : uint8_t(~uint8_t(data[byte]));
    b &= region_mask(byte, start, n);
    if (b != 0) return int64_t(byte * 8 + unsigned(std::countl_zero(b))) - int64_t(start);
  }
  return -1;
}

int64_t scan_right(std::string_view data, uint64_t start, uint64_t n, bool value) {
  uint64_t first = start / 8;
  uint64_t aligned = first * 8;
  for (uint64_t byte = (start + n - 1) / 8 + 1; byte-- > first;) {
    uint8_t b = value ? uint8_t(data[byte]) : uint8_t(~uint8_t(data[byte]));
    b &= region_mask(byte, aligned, start + n - aligned);
    if (b != 0) return int64_t(byte * 8 + 7 - unsigned(std::countr_zero(b))) - int64_t(start);
  }
  return -1;
}

bool add_int(uint64_t load, uint64_t value, unsigned n, bool subtract, uint64_t subflags,
             uint64_t* result) {
  uint64_t mask = ~uint64_t(0) >> (64 - n);
  value &= mask;
  uint64_t r = (subtract ? load - value : load + value) & mask;
  bool saturate = (subflags & kIntSaturate) != 0;
  if ((subflags & kIntWrap) == 0) {
    if ((subflags & kIntSigned) != 0) {
      // The server tests a subtraction as the addition of the negated (already masked)
      // operand, and only strict sign changes count: -2^(n-1) - 2^(n-1) wraps to 0
      // unnoticed. Kept for parity.
      int64_t sl = sign_extend(load, n);
      int64_t sv = sign_extend(subtract ? 0 - value : value, n);
      int64_t sr = sign_extend(r, n);
      if (sl < 0 && sv < 0 && sr > 0) {
        if (!saturate) return false;
        r = uint64_t(1) << (n - 1);
      } else if (sl > 0 && sv > 0 && sr < 0) {
        if (!saturate) return false;
        r = mask >> 1;
      }
    } else if (subtract ? r > load : r < load) {
      if (!saturate) return false;
      r = subtract ? 0 : mask;
    }
  }
  *result = r;
  return true;
}

}  // namespace asd::base::bits
