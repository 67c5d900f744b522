// msgpack Writer and Reader (wire-protocol.md §5.5). The Value tree lives in
// msgpack_value.cpp.

#include "proto/msgpack.h"

#include <cstring>

#include "common/bytes.h"

namespace proto::msgpack {

//----------------------------------------------------------------------------
// Writer
//----------------------------------------------------------------------------

void Writer::nil() { common::append_u8(*out_, 0xc0); }

void Writer::boolean(bool v) { common::append_u8(*out_, v ? 0xc3 : 0xc2); }

void Writer::uinteger(uint64_t v) {
  if (v < 0x80) {
    common::append_u8(*out_, uint8_t(v));
  } else if (v <= 0xff) {
    common::append_u8(*out_, 0xcc);
    common::append_u8(*out_, uint8_t(v));
  } else if (v <= 0xffff) {
    common::append_u8(*out_, 0xcd);
    common::append_be16(*out_, uint16_t(v));
  } else if (v <= 0xffffffffULL) {
    common::append_u8(*out_, 0xce);
    common::append_be32(*out_, uint32_t(v));
  } else {
    common::append_u8(*out_, 0xcf);
    common::append_be64(*out_, v);
  }
}

// Non-negative values use the unsigned family, exactly as the C/Node clients pack them.
void Writer::integer(int64_t v) {
  if (v >= 0) {
    uinteger(uint64_t(v));
  } else if (v >= -32) {
    common::append_u8(*out_, uint8_t(v));  // negative fixint 0xe0-0xff
  } else if (v >= -128) {
    common::append_u8(*out_, 0xd0);
    common::append_u8(*out_, uint8_t(v));
  } else if (v >= -32768) {
    common::append_u8(*out_, 0xd1);
    common::append_be16(*out_, uint16_t(v));
  } else if (v >= -2147483648LL) {
    common::append_u8(*out_, 0xd2);
    common::append_be32(*out_, uint32_t(v));
  } else {
    common::append_u8(*out_, 0xd3);
    common::append_be64(*out_, uint64_t(v));
  }
}

void Writer::float64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  common::append_u8(*out_, 0xcb);
  common::append_be64(*out_, bits);
}

void Writer::str_header(uint32_t n) {
  if (n < 32) {
    common::append_u8(*out_, uint8_t(0xa0 | n));
  } else if (n < 256) {
    common::append_u8(*out_, 0xd9);
    common::append_u8(*out_, uint8_t(n));
  } else if (n < 65536) {
    common::append_u8(*out_, 0xda);
    common::append_be16(*out_, uint16_t(n));
  } else {
    common::append_u8(*out_, 0xdb);
    common::append_be32(*out_, n);
  }
}

void Writer::typed_str(uint8_t type, std::string_view payload) {
  str_header(uint32_t(payload.size() + 1));
  common::append_u8(*out_, type);
  out_->append(payload);
}

void Writer::raw_str(std::string_view s) {
  str_header(uint32_t(s.size()));
  out_->append(s);
}

void Writer::array_header(uint32_t n) {
  if (n < 16) {
    common::append_u8(*out_, uint8_t(0x90 | n));
  } else if (n < 65536) {
    common::append_u8(*out_, 0xdc);
    common::append_be16(*out_, uint16_t(n));
  } else {
    common::append_u8(*out_, 0xdd);
    common::append_be32(*out_, n);
  }
}

void Writer::map_header(uint32_t n) {
  if (n < 16) {
    common::append_u8(*out_, uint8_t(0x80 | n));
  } else if (n < 65536) {
    common::append_u8(*out_, 0xde);
    common::append_be16(*out_, uint16_t(n));
  } else {
    common::append_u8(*out_, 0xdf);
    common::append_be32(*out_, n);
  }
}

// Sizes 1/2/4/8/16 use fixext; anything else (the empty flags ext included) ext8/16/32.
void Writer::ext(uint8_t type, std::string_view data) {
  size_t n = data.size();
  switch (n) {
    case 1: common::append_u8(*out_, 0xd4); break;
    case 2: common::append_u8(*out_, 0xd5); break;
    case 4: common::append_u8(*out_, 0xd6); break;
    case 8: common::append_u8(*out_, 0xd7); break;
    case 16: common::append_u8(*out_, 0xd8); break;
    default:
      if (n < 256) {
        common::append_u8(*out_, 0xc7);
        common::append_u8(*out_, uint8_t(n));
      } else if (n < 65536) {
        common::append_u8(*out_, 0xc8);
        common::append_be16(*out_, uint16_t(n));
      } else {
        common::append_u8(*out_, 0xc9);
        common::append_be32(*out_, uint32_t(n));
      }
  }
  common::append_u8(*out_, type);
  out_->append(data);
}

//----------------------------------------------------------------------------
// Reader
//----------------------------------------------------------------------------

Type Reader::peek() const {
  if (at_end()) return Type::Invalid;
  uint8_t b = uint8_t(data_[pos_]);
  if (b < 0x80 || b >= 0xe0) return Type::Int;
  if (b < 0x90) return Type::Map;
  if (b < 0xa0) return Type::Array;
  if (b < 0xc0) return Type::Str;
  switch (b) {
    case 0xc0: return Type::Nil;
    case 0xc2: case 0xc3: return Type::Bool;
    case 0xc4: case 0xc5: case 0xc6: case 0xd9: case 0xda: case 0xdb: return Type::Str;
    case 0xc7: case 0xc8: case 0xc9:
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: return Type::Ext;
    case 0xca: case 0xcb: return Type::Double;
    case 0xcc: case 0xcd: case 0xce: case 0xcf:
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: return Type::Int;
    case 0xdc: case 0xdd: return Type::Array;
    case 0xde: case 0xdf: return Type::Map;
    default: return Type::Invalid;  // 0xc1 is never used
  }
}

bool Reader::read_nil() {
  if (peek() != Type::Nil) return false;
  ++pos_;
  return true;
}

bool Reader::read_bool(bool* v) {
  if (peek() != Type::Bool) return false;
  *v = uint8_t(data_[pos_++]) == 0xc3;
  return true;
}

// Loads a big-endian unsigned of n bytes at p (n = 1, 2, 4 or 8).
static uint64_t load_be(const uint8_t* p, size_t n) {
  switch (n) {
    case 1: return p[0];
    case 2: return common::load_be16(p);
    case 4: return common::load_be32(p);
    default: return common::load_be64(p);
  }
}

// Reads any integer as sign + 64-bit pattern (two's complement when negative).
bool Reader::read_int_raw(bool* negative, uint64_t* bits) {
  if (peek() != Type::Int) return false;
  uint8_t b = uint8_t(data_[pos_]);
  const uint8_t* p = common::as_bytes(data_) + pos_ + 1;
  if (b < 0x80 || b >= 0xe0) {
    *negative = b >= 0xe0;
    *bits = *negative ? uint64_t(int64_t(int8_t(b))) : b;
    ++pos_;
    return true;
  }
  bool is_signed = b >= 0xd0;
  size_t n = size_t(1) << (b & 0x03);
  if (!need(1 + n)) return false;
  uint64_t raw = load_be(p, n);
  if (is_signed && (raw >> (8 * n - 1)) != 0) {
    *negative = true;
    *bits = n == 8 ? raw : raw | ~((uint64_t(1) << (8 * n)) - 1);  // sign-extend
  } else {
    *negative = false;
    *bits = raw;
  }
  pos_ += 1 + n;
  return true;
}

bool Reader::read_int(int64_t* v) {
  size_t start = pos_;
  bool negative;
  uint64_t bits;
  if (!read_int_raw(&negative, &bits)) return false;
  if (!negative && bits > uint64_t(INT64_MAX)) {
    pos_ = start;
    return false;
  }
  *v = int64_t(bits);
  return true;
}

bool Reader::read_uint(uint64_t* v) {
  size_t start = pos_;
  bool negative;
  uint64_t bits;
  if (!read_int_raw(&negative, &bits)) return false;
  if (negative) {
    pos_ = start;
    return false;
  }
  *v = bits;
  return true;
}

bool Reader::read_double(double* v) {
  if (peek() != Type::Double) return false;
  const uint8_t* p = common::as_bytes(data_) + pos_ + 1;
  if (uint8_t(data_[pos_]) == 0xca) {
    if (!need(5)) return false;
    uint32_t bits = common::load_be32(p);
    float f;
    std::memcpy(&f, &bits, sizeof f);
    *v = f;
    pos_ += 5;
    return true;
  }
  if (!need(9)) return false;
  uint64_t bits = common::load_be64(p);
  std::memcpy(v, &bits, sizeof *v);
  pos_ += 9;
  return true;
}

bool Reader::read_str(std::string_view* payload) {
  if (peek() != Type::Str) return false;
  uint8_t b = uint8_t(data_[pos_]);
  size_t len_size = 0;
  uint64_t len;
  if (b >= 0xa0 && b <= 0xbf) {
    len = b & 0x1f;
  } else {
    len_size = (b == 0xc4 || b == 0xd9) ? 1 : (b == 0xc5 || b == 0xda) ? 2 : 4;
    if (!need(1 + len_size)) return false;
    len = load_be(common::as_bytes(data_) + pos_ + 1, len_size);
  }
  if (!need(1 + len_size + len)) return false;
  *payload = data_.substr(pos_ + 1 + len_size, len);
  pos_ += 1 + len_size + len;
  return true;
}

bool Reader::read_array_header(uint32_t* n) {
  if (peek() != Type::Array) return false;
  uint8_t b = uint8_t(data_[pos_]);
  if (b < 0xa0) {
    *n = b & 0x0f;
    ++pos_;
    return true;
  }
  size_t len_size = b == 0xdc ? 2 : 4;
  if (!need(1 + len_size)) return false;
  *n = uint32_t(load_be(common::as_bytes(data_) + pos_ + 1, len_size));
  pos_ += 1 + len_size;
  return true;
}

bool Reader::read_map_header(uint32_t* n) {
  if (peek() != Type::Map) return false;
  uint8_t b = uint8_t(data_[pos_]);
  if (b < 0x90) {
    *n = b & 0x0f;
    ++pos_;
    return true;
  }
  size_t len_size = b == 0xde ? 2 : 4;
  if (!need(1 + len_size)) return false;
  *n = uint32_t(load_be(common::as_bytes(data_) + pos_ + 1, len_size));
  pos_ += 1 + len_size;
  return true;
}

bool Reader::read_ext(uint8_t* type, std::string_view* data) {
  if (peek() != Type::Ext) return false;
  uint8_t b = uint8_t(data_[pos_]);
  size_t len_size = 0;
  uint64_t len;
  if (b >= 0xd4) {
    len = uint64_t(1) << (b - 0xd4);
  } else {
    len_size = size_t(1) << (b - 0xc7);
    if (!need(1 + len_size)) return false;
    len = load_be(common::as_bytes(data_) + pos_ + 1, len_size);
  }
  if (!need(2 + len_size + len)) return false;
  *type = uint8_t(data_[pos_ + 1 + len_size]);
  *data = data_.substr(pos_ + 2 + len_size, len);
  pos_ += 2 + len_size + len;
  return true;
}

// For the value starting with byte b: how many child values follow and how many bytes
// (after b) the header plus any scalar payload occupies. False when b is invalid or the
// header is truncated.
bool Reader::header_size(uint8_t b, uint64_t* children, size_t* extra) {
  *children = 0;
  *extra = 0;
  const uint8_t* p = common::as_bytes(data_) + pos_ + 1;
  auto length = [&](size_t len_size, uint64_t* len) {
    if (!need(1 + len_size)) return false;
    *len = load_be(p, len_size);
    return true;
  };
  uint64_t len = 0;
  if (b < 0x80 || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) return true;
  if (b < 0x90) { *children = 2 * uint64_t(b & 0x0f); return true; }
  if (b < 0xa0) { *children = b & 0x0f; return true; }
  if (b < 0xc0) { *extra = b & 0x1f; return true; }
  switch (b) {
    case 0xc4: case 0xd9: if (!length(1, &len)) return false; *extra = 1 + len; return true;
    case 0xc5: case 0xda: if (!length(2, &len)) return false; *extra = 2 + len; return true;
    case 0xc6: case 0xdb: if (!length(4, &len)) return false; *extra = 4 + len; return true;
    case 0xc7: if (!length(1, &len)) return false; *extra = 2 + len; return true;
    case 0xc8: if (!length(2, &len)) return false; *extra = 3 + len; return true;
    case 0xc9: if (!length(4, &len)) return false; *extra = 5 + len; return true;
    case 0xca: *extra = 4; return true;
    case 0xcb: *extra = 8; return true;
    case 0xcc: case 0xd0: *extra = 1; return true;
    case 0xcd: case 0xd1: *extra = 2; return true;
    case 0xce: case 0xd2: *extra = 4; return true;
    case 0xcf: case 0xd3: *extra = 8; return true;
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
      *extra = 1 + (size_t(1) << (b - 0xd4));
      return true;
    case 0xdc: if (!length(2, &len)) return false; *extra = 2; *children = len; return true;
    case 0xdd: if (!length(4, &len)) return false; *extra = 4; *children = len; return true;
    case 0xde: if (!length(2, &len)) return false; *extra = 2; *children = 2 * len; return true;
    case 0xdf: if (!length(4, &len)) return false; *extra = 4; *children = 2 * len; return true;
    default: return false;
  }
}

// Iterative: a pending-value counter replaces recursion. Every value takes at least one
// byte, so a claimed count larger than the bytes left fails at once.
bool Reader::skip(std::string_view* span) {
  size_t start = pos_;
  uint64_t pending = 1;
  while (pending > 0) {
    if (at_end() || pending > data_.size() - pos_) {
      pos_ = start;
      return false;
    }
    uint64_t children;
    size_t extra;
    if (!header_size(uint8_t(data_[pos_]), &children, &extra) || !need(1 + extra)) {
      pos_ = start;
      return false;
    }
    pos_ += 1 + extra;
    pending = pending - 1 + children;
  }
  if (span != nullptr) *span = data_.substr(start, pos_ - start);
  return true;
}

}  // namespace proto::msgpack
