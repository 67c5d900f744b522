#pragma once
// Type-4 compressed protos: body = 8-byte big-endian uncompressed length + zlib stream
// (RFC 1950) of a complete type-3 proto, its own 8-byte header included.

#include <string>
#include <string_view>

#include "common/result.h"

namespace proto {

// Inflates the body of a type-4 proto and returns the inner proto (header + body),
// checked: announced length matches, inner header is version 2 type 3 and sized
// consistently. Parameter on any mismatch or a corrupt stream. Bounded by kMaxProtoSize.
common::Result<std::string> inflate_proto(std::string_view compressed_body);

// Compresses a complete type-3 proto into a complete type-4 proto (zlib level 1, as the
// C client does).
std::string deflate_proto(std::string_view inner_proto);

// Same, but the stream is a zstd frame. Only our XDR shipper sends these, and only to a
// node whose `features` lists `zstd-compression`; inflate_proto tells the two apart by
// the zstd magic (28 b5 2f fd), which a zlib stream (first byte 0x78) never starts with.
std::string deflate_proto_zstd(std::string_view inner_proto, int level = 1);

}  // namespace proto
