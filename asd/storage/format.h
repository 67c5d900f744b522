#pragma once
// The on-disk format of a device namespace. These bytes outlive the process that wrote
// them, so mind old files when changing anything here: bump the version that owns the
// change and keep reading the old one. All integers little-endian.
//
// A data file is an array of write blocks of `write-block-size` bytes. Block 0 holds the
// file header; every other block is free (header zeroed) or in use.
//
// File header (block 0, 128 bytes used):
//   off size field
//     0    8 magic "ASDSTOR\0"
//     8    2 format version (kFormatVersion)
//    10    2 reserved, 0
//    12    4 write-block-size
//    16    8 file size in bytes
//    24    4 index of this file in the namespace's file list
//    28    4 reserved, 0
//    32   32 namespace name, zero padded
//    64   60 reserved, 0
//   124    4 CRC-32C of bytes 0..123
//
// Block header (first 64 bytes of a block in use):
//     0    4 magic "ABLK"
//     4    2 format version
//     6    2 reserved, 0
//     8    8 block sequence: grows by one each time any block of the namespace is opened
//              for writing, so it orders blocks by age
//    16    4 write-block-size
//    20    4 block index within the file
//    24   36 reserved, 0
//    60    4 CRC-32C of bytes 0..59
//
// Records follow the block header back to back, each padded to 16 bytes. A block is
// filled from the front and never rewritten in the middle, so the first record whose
// header is all zeros, or whose sequence is not the block's, ends the block's data (the
// rest is unused, or left over from the block's previous life).
//
// Record header (64 bytes):
//     0    4 magic "AREC"
//     4    2 format version
//     6    1 flags: bit 0 tombstone, bit 1 stored user key present
//     7    1 origin src-id (XDR: DC that wrote this version; 0 = local)
//     8    4 length of header + body in bytes, before padding
//    12    4 CRC-32C of the body
//    16    8 sequence of the block this copy was written into
//    24   20 digest (RIPEMD-160)
//    44    4 void time, seconds since the citrusleaf epoch; 0 = never expires
//    48    8 last-update time, ms since the citrusleaf epoch
//    56    2 generation
//    58    2 number of bins
//    60    4 CRC-32C of bytes 0..59
// Record body:
//    u8 set-name length, set name
//    [flag bit 1] u32 key length, key (particle type byte + key bytes)
//    per bin: u8 name length, name, u8 particle type, u32 value length, value
//    [tombstone] u64 sequence of the block the delete was first written into
//
// The header has its own checksum so a damaged body never hides where the next record
// starts; a damaged header is skipped by resynchronising on the next 16-byte boundary
// that holds a valid record header.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/record.h"
#include "common/digest.h"

namespace asd::storage {

inline constexpr uint16_t kFormatVersion = 1;
inline constexpr size_t kFileHeaderSize = 128;
inline constexpr size_t kBlockHeaderSize = 64;
inline constexpr size_t kRecordHeaderSize = 64;
inline constexpr size_t kRecordAlign = 16;
inline constexpr uint32_t kBlockMagic = 0x4B4C4241;   // "ABLK"
inline constexpr uint32_t kRecordMagic = 0x43455241;  // "AREC"

inline size_t padded(size_t n) { return (n + kRecordAlign - 1) / kRecordAlign * kRecordAlign; }

struct FileHeader {
  uint32_t write_block_size = 0;
  uint64_t file_size = 0;
  uint32_t file_index = 0;
  std::string ns_name;
};

struct BlockHeader {
  uint64_t seq = 0;
  uint32_t write_block_size = 0;
  uint32_t block_index = 0;
};

struct RecordHeader {
  bool tombstone = false;
  bool has_key = false;
  uint8_t origin_src_id = 0;
  uint32_t length = 0;
  uint32_t body_crc = 0;
  uint64_t block_seq = 0;
  common::Digest digest;
  uint32_t void_time = 0;
  uint64_t lut = 0;
  uint16_t generation = 0;
  uint16_t n_bins = 0;
};

enum class Decode { Ok, Empty, BadMagic, BadChecksum, BadLength, BadVersion };
const char* decode_name(Decode d);

// File header: encode into kFileHeaderSize bytes; decode checks magic, version, CRC.
void encode_file_header(const FileHeader& h, uint8_t* out);
Decode decode_file_header(std::span<const uint8_t> in, FileHeader* h);

void encode_block_header(const BlockHeader& h, uint8_t* out);
// Empty when the 64 bytes are all zero (a free block).
Decode decode_block_header(std::span<const uint8_t> in, BlockHeader* h);

// Appends one record (header, body, padding) to `out`. `tomb_seq` is stored for
// tombstones only.
void append_record(std::string& out, const common::Digest& digest, const Record& r, std::string_view set_name,
                   uint64_t block_seq, uint64_t tomb_seq);
// Bytes append_record will produce, padding included.
size_t encoded_size(const Record& r, std::string_view set_name);

// Checks the header at `in` (at least kRecordHeaderSize bytes; `in.size()` bounds the
// length). Empty when all zero.
Decode decode_record_header(std::span<const uint8_t> in, RecordHeader* h);
// Rewrites the block sequence of an encoded record (defrag moves records between blocks)
// and its header checksum.
void set_record_block_seq(uint8_t* record, uint64_t block_seq);

// The parts of a record body. Views point into the body bytes.
struct RecordBody {
  std::string_view set_name;
  std::string_view key;
  uint64_t tomb_seq = 0;
};
// Checks the body CRC (unless already checked) and decodes it; with `bins` null the
// bins are only stepped over.
Decode decode_record_body(const RecordHeader& h, std::span<const uint8_t> record, RecordBody* body,
                          std::vector<Bin>* bins, bool check_crc = true);

}  // namespace asd::storage
