#include "proto/compression.h"

#include <zlib.h>
#include <zstd.h>

#include "common/bytes.h"
#include "proto/frame.h"

namespace proto {

using common::ResultCode;

common::Result<std::string> inflate_proto(std::string_view body) {
  if (body.size() < 8) return {ResultCode::Parameter, "compressed proto shorter than 8 bytes"};
  uint64_t announced = common::load_be64(common::as_bytes(body));
  if (announced < kProtoHeaderSize || announced > kMaxProtoSize + kProtoHeaderSize) {
    return {ResultCode::Parameter, "compressed proto announces a bad length"};
  }
  std::string out(announced, '\0');
  std::string_view stream = body.substr(8);
  if (stream.size() >= 4 && common::load_be32(common::as_bytes(stream)) == 0x28B52FFDu) {
    size_t n = ZSTD_decompress(out.data(), out.size(), stream.data(), stream.size());
    if (ZSTD_isError(n)) return {ResultCode::Parameter, "corrupt zstd frame"};
    if (n != announced) return {ResultCode::Parameter, "inflated length mismatch"};
  } else {
    uLongf out_len = uLongf(announced);
    int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &out_len,
                        reinterpret_cast<const Bytef*>(stream.data()), uLong(stream.size()));
    if (rc != Z_OK) return {ResultCode::Parameter, "corrupt zlib stream"};
    if (out_len != announced) return {ResultCode::Parameter, "inflated length mismatch"};
  }
  ProtoHeader inner = decode_proto_header(reinterpret_cast<const uint8_t*>(out.data()));
  if (inner.version != kProtoVersion || inner.type != uint8_t(ProtoType::Message) ||
      inner.size + kProtoHeaderSize != announced) {
    return {ResultCode::Parameter, "bad inner proto header"};
  }
  return out;
}

std::string deflate_proto(std::string_view inner) {
  uLongf bound = compressBound(uLong(inner.size()));
  std::string out(kProtoHeaderSize + 8 + bound, '\0');
  auto* base = reinterpret_cast<uint8_t*>(out.data());
  common::store_be64(base + kProtoHeaderSize, inner.size());
  uLongf len = bound;
  compress2(base + kProtoHeaderSize + 8, &len, reinterpret_cast<const Bytef*>(inner.data()),
            uLong(inner.size()), 1);
  out.resize(kProtoHeaderSize + 8 + len);
  encode_proto_header(base, ProtoType::Compressed, 8 + len);
  return out;
}

std::string deflate_proto_zstd(std::string_view inner, int level) {
  size_t bound = ZSTD_compressBound(inner.size());
  std::string out(kProtoHeaderSize + 8 + bound, '\0');
  auto* base = reinterpret_cast<uint8_t*>(out.data());
  common::store_be64(base + kProtoHeaderSize, inner.size());
  size_t len = ZSTD_compress(base + kProtoHeaderSize + 8, bound, inner.data(), inner.size(), level);
  out.resize(kProtoHeaderSize + 8 + len);
  encode_proto_header(base, ProtoType::Compressed, 8 + len);
  return out;
}

}  // namespace proto
