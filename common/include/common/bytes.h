#pragma once
// Big- and little-endian loads and stores for wire and disk formats.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace common {

inline uint16_t load_be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t load_be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
inline uint64_t load_be64(const uint8_t* p) {
  return uint64_t(load_be32(p)) << 32 | load_be32(p + 4);
}
inline uint16_t load_le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

inline void store_be16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24); p[1] = uint8_t(v >> 16); p[2] = uint8_t(v >> 8); p[3] = uint8_t(v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
  store_be32(p, uint32_t(v >> 32));
  store_be32(p + 4, uint32_t(v));
}
inline void store_le16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v); p[1] = uint8_t(v >> 8); }
inline void store_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

inline const uint8_t* as_bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// Appenders onto a std::string used as a byte buffer.
inline void append_u8(std::string& out, uint8_t v) { out.push_back(char(v)); }
inline void append_be16(std::string& out, uint16_t v) {
  uint8_t b[2]; store_be16(b, v); out.append(reinterpret_cast<char*>(b), 2);
}
inline void append_be32(std::string& out, uint32_t v) {
  uint8_t b[4]; store_be32(b, v); out.append(reinterpret_cast<char*>(b), 4);
}
inline void append_be64(std::string& out, uint64_t v) {
  uint8_t b[8]; store_be64(b, v); out.append(reinterpret_cast<char*>(b), 8);
}

std::string to_hex(std::string_view bytes, bool upper = false);

}  // namespace common
