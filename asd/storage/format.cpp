#include "storage/format.h"

#include <algorithm>
#include <cstring>

#include "common/crc32c.h"

namespace asd::storage {

namespace {

constexpr char kFileMagic[8] = {'A', 'S', 'D', 'S', 'T', 'O', 'R', '\0'};
constexpr size_t kNsNameField = 32;

template <typename T>
void put(uint8_t* out, size_t off, T v) {
  // Little-endian on every platform we build for (x86-64, aarch64).
  std::memcpy(out + off, &v, sizeof v);
}

template <typename T>
T get(const uint8_t* in, size_t off) {
  T v;
  std::memcpy(&v, in + off, sizeof v);
  return v;
}

bool all_zero(std::span<const uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

void seal(uint8_t* header, size_t crc_offset) {
  put<uint32_t>(header, crc_offset, common::crc32c({header, crc_offset}));
}

bool sealed(const uint8_t* header, size_t crc_offset) {
  return get<uint32_t>(header, crc_offset) == common::crc32c({header, crc_offset});
}

size_t body_size(const Record& r, std::string_view set_name) {
  size_t n = 1 + set_name.size();
  if (!r.key.empty()) n += 4 + r.key.size();
  for (const Bin& b : r.bins) n += 1 + b.name.size() + 1 + 4 + b.value.size();
  if (r.tombstone) n += 8;
  return n;
}

// Bounds-checked reader over a record body.
struct Cursor {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  bool need(size_t n) {
    if (size_t(end - p) < n) ok = false;
    return ok;
  }
  std::string_view bytes(size_t n) {
    if (!need(n)) return {};
    std::string_view v(reinterpret_cast<const char*>(p), n);
    p += n;
    return v;
  }
  template <typename T>
  T number() {
    if (!need(sizeof(T))) return 0;
    T v = get<T>(p, 0);
    p += sizeof(T);
    return v;
  }
};

}  // namespace

const char* decode_name(Decode d) {
  switch (d) {
    case Decode::Ok: return "ok";
    case Decode::Empty: return "empty";
    case Decode::BadMagic: return "bad magic";
    case Decode::BadChecksum: return "checksum mismatch";
    case Decode::BadLength: return "bad length";
    case Decode::BadVersion: return "unknown format version";
  }
  return "?";
}

void encode_file_header(const FileHeader& h, uint8_t* out) {
  std::memset(out, 0, kFileHeaderSize);
  std::memcpy(out, kFileMagic, sizeof kFileMagic);
  put<uint16_t>(out, 8, kFormatVersion);
  put<uint32_t>(out, 12, h.write_block_size);
  put<uint64_t>(out, 16, h.file_size);
  put<uint32_t>(out, 24, h.file_index);
  std::memcpy(out + 32, h.ns_name.data(), std::min(h.ns_name.size(), kNsNameField));
  seal(out, 124);
}

Decode decode_file_header(std::span<const uint8_t> in, FileHeader* h) {
  if (in.size() < kFileHeaderSize) return Decode::BadLength;
  if (all_zero(in.first(kFileHeaderSize))) return Decode::Empty;
  if (std::memcmp(in.data(), kFileMagic, sizeof kFileMagic) != 0) return Decode::BadMagic;
  if (!sealed(in.data(), 124)) return Decode::BadChecksum;
  if (get<uint16_t>(in.data(), 8) != kFormatVersion) return Decode::BadVersion;
  h->write_block_size = get<uint32_t>(in.data(), 12);
  h->file_size = get<uint64_t>(in.data(), 16);
  h->file_index = get<uint32_t>(in.data(), 24);
  const char* name = reinterpret_cast<const char*>(in.data() + 32);
  h->ns_name.assign(name, strnlen(name, kNsNameField));
  return Decode::Ok;
}

void encode_block_header(const BlockHeader& h, uint8_t* out) {
  std::memset(out, 0, kBlockHeaderSize);
  put<uint32_t>(out, 0, kBlockMagic);
  put<uint16_t>(out, 4, kFormatVersion);
  put<uint64_t>(out, 8, h.seq);
  put<uint32_t>(out, 16, h.write_block_size);
  put<uint32_t>(out, 20, h.block_index);
  seal(out, 60);
}

Decode decode_block_header(std::span<const uint8_t> in, BlockHeader* h) {
  if (in.size() < kBlockHeaderSize) return Decode::BadLength;
  if (all_zero(in.first(kBlockHeaderSize))) return Decode::Empty;
  if (get<uint32_t>(in.data(), 0) != kBlockMagic) return Decode::BadMagic;
  if (!sealed(in.data(), 60)) return Decode::BadChecksum;
  if (get<uint16_t>(in.data(), 4) != kFormatVersion) return Decode::BadVersion;
  h->seq = get<uint64_t>(in.data(), 8);
  h->write_block_size = get<uint32_t>(in.data(), 16);
  h->block_index = get<uint32_t>(in.data(), 20);
  return Decode::Ok;
}

size_t encoded_size(const Record& r, std::string_view set_name) {
  return padded(kRecordHeaderSize + body_size(r, set_name));
}

void append_record(std::string& out, const common::Digest& digest, const Record& r, std::string_view set_name,
                   uint64_t block_seq, uint64_t tomb_seq) {
  size_t length = kRecordHeaderSize + body_size(r, set_name);
  size_t start = out.size();
  out.resize(start + padded(length), '\0');
  auto* rec = reinterpret_cast<uint8_t*>(out.data() + start);

  uint8_t* body = rec + kRecordHeaderSize;
  size_t at = 0;
  auto put_bytes = [&](std::string_view v) {
    std::memcpy(body + at, v.data(), v.size());
    at += v.size();
  };
  body[at++] = uint8_t(set_name.size());
  put_bytes(set_name);
  if (!r.key.empty()) {
    put<uint32_t>(body, at, uint32_t(r.key.size()));
    at += 4;
    put_bytes(r.key);
  }
  for (const Bin& b : r.bins) {
    body[at++] = uint8_t(b.name.size());
    put_bytes(b.name);
    body[at++] = b.particle;
    put<uint32_t>(body, at, uint32_t(b.value.size()));
    at += 4;
    put_bytes(b.value);
  }
  if (r.tombstone) {
    put<uint64_t>(body, at, tomb_seq);
    at += 8;
  }

  put<uint32_t>(rec, 0, kRecordMagic);
  put<uint16_t>(rec, 4, kFormatVersion);
  rec[6] = uint8_t((r.tombstone ? 1 : 0) | (r.key.empty() ? 0 : 2));
  rec[7] = r.origin_src_id;
  put<uint32_t>(rec, 8, uint32_t(length));
  put<uint32_t>(rec, 12, common::crc32c({body, at}));
  put<uint64_t>(rec, 16, block_seq);
  std::memcpy(rec + 24, digest.bytes.data(), common::kDigestSize);
  put<uint32_t>(rec, 44, r.void_time);
  put<uint64_t>(rec, 48, r.lut);
  put<uint16_t>(rec, 56, r.generation);
  put<uint16_t>(rec, 58, uint16_t(r.bins.size()));
  seal(rec, 60);
}

Decode decode_record_header(std::span<const uint8_t> in, RecordHeader* h) {
  if (in.size() < kRecordHeaderSize) return Decode::BadLength;
  const uint8_t* rec = in.data();
  if (get<uint32_t>(rec, 0) != kRecordMagic) {
    return all_zero(in.first(kRecordHeaderSize)) ? Decode::Empty : Decode::BadMagic;
  }
  if (!sealed(rec, 60)) return Decode::BadChecksum;
  if (get<uint16_t>(rec, 4) != kFormatVersion) return Decode::BadVersion;
  h->length = get<uint32_t>(rec, 8);
  if (h->length < kRecordHeaderSize + 1 || h->length > in.size()) return Decode::BadLength;
  h->tombstone = rec[6] & 1;
  h->has_key = rec[6] & 2;
  h->origin_src_id = rec[7];
  h->body_crc = get<uint32_t>(rec, 12);
  h->block_seq = get<uint64_t>(rec, 16);
  std::memcpy(h->digest.bytes.data(), rec + 24, common::kDigestSize);
  h->void_time = get<uint32_t>(rec, 44);
  h->lut = get<uint64_t>(rec, 48);
  h->generation = get<uint16_t>(rec, 56);
  h->n_bins = get<uint16_t>(rec, 58);
  return Decode::Ok;
}

void set_record_block_seq(uint8_t* record, uint64_t block_seq) {
  put<uint64_t>(record, 16, block_seq);
  seal(record, 60);
}

Decode decode_record_body(const RecordHeader& h, std::span<const uint8_t> record, RecordBody* body,
                          std::vector<Bin>* bins, bool check_crc) {
  if (record.size() < h.length) return Decode::BadLength;
  const uint8_t* start = record.data() + kRecordHeaderSize;
  size_t size = h.length - kRecordHeaderSize;
  if (check_crc && common::crc32c({start, size}) != h.body_crc) return Decode::BadChecksum;
  Cursor c{start, start + size};
  body->set_name = c.bytes(c.number<uint8_t>());
  if (h.has_key) body->key = c.bytes(c.number<uint32_t>());
  if (bins) {
    bins->clear();
    bins->reserve(h.n_bins);
  }
  for (uint16_t i = 0; i < h.n_bins && c.ok; ++i) {
    std::string_view name = c.bytes(c.number<uint8_t>());
    uint8_t particle = c.number<uint8_t>();
    std::string_view value = c.bytes(c.number<uint32_t>());
    if (bins && c.ok) bins->push_back(Bin{std::string(name), particle, std::string(value)});
  }
  if (h.tombstone) body->tomb_seq = c.number<uint64_t>();
  // A body whose CRC matches but whose fields overrun it was written by a buggy or
  // foreign writer: refuse it rather than guess.
  if (!c.ok || c.p != c.end) return Decode::BadLength;
  return Decode::Ok;
}

}  // namespace asd::storage
