#pragma once
// The 8-byte proto header that starts every unit on an Aerospike socket, both ways:
//
//   byte 0     version, always 2
//   byte 1     type (ProtoType)
//   bytes 2-7  body size, 48-bit big-endian, header excluded
//
// Bodies: type 1 info text, type 3 AS_MSG (message.h), type 4 = 8-byte big-endian
// uncompressed length + zlib stream of a whole type-3 proto (compression.h).

#include <cstdint>
#include <string>
#include <string_view>

namespace proto {

inline constexpr uint8_t kProtoVersion = 2;
inline constexpr size_t kProtoHeaderSize = 8;
// Largest body either side accepts (PROTO_SIZE_MAX in the C client).
inline constexpr uint64_t kMaxProtoSize = 128ull * 1024 * 1024;

enum class ProtoType : uint8_t {
  Info = 1,
  Admin = 2,
  Message = 3,
  Compressed = 4,
  InternalXdr = 5,
};

struct ProtoHeader {
  uint8_t version = kProtoVersion;
  uint8_t type = 0;
  uint64_t size = 0;
};

ProtoHeader decode_proto_header(const uint8_t* bytes);
void encode_proto_header(uint8_t* bytes, ProtoType type, uint64_t size);

// Why a header is unacceptable, or empty when it is fine. A server closes the
// connection on any such header (Aerospike service.c does the same).
std::string_view check_proto_header(const ProtoHeader& header);

// Starts a proto in `out` (placeholder header) and returns its offset; end_proto patches
// the size once the body is complete.
size_t begin_proto(std::string& out, ProtoType type);
void end_proto(std::string& out, size_t offset);

}  // namespace proto
