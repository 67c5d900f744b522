// Digest-log header and entry codecs. Big-endian throughout, like the pipe frame.

#include "log_format.h"

#include <algorithm>
#include <cstring>

#include "common/bytes.h"
#include "common/crc32.h"

namespace logger::detail {

namespace {

uint32_t crc(uint32_t seed, const uint8_t* p, size_t n) { return common::crc32(seed, p, n); }

uint32_t entry_crc(uint64_t log_id, const uint8_t* entry) {
  uint8_t id[8];
  common::store_be64(id, log_id);
  return crc(crc(0, id, 8), entry, kEntrySize - 4);
}

void put_name(uint8_t* row, const std::string& name) {
  size_t n = std::min(name.size(), kMaxNameLen);
  row[0] = uint8_t(n);
  std::memcpy(row + 1, name.data(), n);
}

std::optional<std::string> get_name(const uint8_t* row) {
  if (row[0] == 0 || row[0] > kMaxNameLen) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(row + 1), row[0]);
}

}  // namespace

size_t encode_header(const HeaderState& s, uint8_t* out) {
  std::memset(out, 0, kHeaderCopySize);
  std::memcpy(out, kMagic, 8);
  common::store_be16(out + 8, s.version);
  common::store_be16(out + 10, s.entry_size);
  common::store_be32(out + 12, s.header_copy_size);
  common::store_be64(out + 16, s.file_size);
  common::store_be64(out + 24, s.capacity);
  common::store_be64(out + 32, s.generation);
  common::store_be64(out + 40, s.log_id);
  common::store_be64(out + 48, s.head);
  common::store_be64(out + 56, s.tail);
  size_t n_dcs = std::min(s.dcs.size(), kMaxDcs);
  size_t n_ns = std::min(s.namespaces.size(), kMaxNamespaces);
  out[64] = uint8_t(n_dcs);
  out[65] = uint8_t(n_ns);
  for (size_t i = 0; i < n_ns; ++i) put_name(out + kOffNsTable + i * kNsRowSize, s.namespaces[i]);
  // Every (dc, ns) pair has its own since cell, so windows merge by construction and the
  // table can never overflow for persisted namespaces.
  uint8_t* lost = out + kOffLostTable;
  std::memset(lost, 0xFF, kMaxDcs * kMaxNamespaces * 8);
  size_t unpersisted = 0;
  for (size_t d = 0; d < n_dcs; ++d) {
    const DcState& dc = s.dcs[d];
    uint8_t* row = out + kOffDcTable + d * kDcRowSize;
    put_name(row, dc.name);
    common::store_be64(row + 32, dc.cursor);
    common::store_be64(row + 40, dc.overwritten);
    for (const auto& [ns, since] : dc.lost) {
      auto it = std::find(s.namespaces.begin(), s.namespaces.begin() + long(n_ns), ns);
      if (it == s.namespaces.begin() + long(n_ns)) {
        ++unpersisted;
        continue;
      }
      size_t ns_index = size_t(it - s.namespaces.begin());
      common::store_be64(lost + (d * kMaxNamespaces + ns_index) * 8, since);
    }
  }
  common::store_be32(out + kOffHeaderCrc, crc(0, out, kOffHeaderCrc));
  return unpersisted;
}

std::optional<HeaderState> decode_header(const uint8_t* in) {
  if (std::memcmp(in, kMagic, 8) != 0) return std::nullopt;
  if (common::load_be32(in + kOffHeaderCrc) != crc(0, in, kOffHeaderCrc)) return std::nullopt;
  HeaderState s;
  s.version = common::load_be16(in + 8);
  s.entry_size = common::load_be16(in + 10);
  s.header_copy_size = common::load_be32(in + 12);
  s.file_size = common::load_be64(in + 16);
  s.capacity = common::load_be64(in + 24);
  s.generation = common::load_be64(in + 32);
  s.log_id = common::load_be64(in + 40);
  s.head = common::load_be64(in + 48);
  s.tail = common::load_be64(in + 56);
  size_t n_dcs = in[64], n_ns = in[65];
  // Positions no writer stores (the ring holds at most capacity entries, every cursor
  // lies between tail and head): a copy holding them is damaged even though its CRC
  // matches, and open() takes the other copy rather than ship from impossible cursors.
  if (n_dcs > kMaxDcs || n_ns > kMaxNamespaces || s.tail > s.head || s.head - s.tail > s.capacity)
    return std::nullopt;
  for (size_t i = 0; i < n_ns; ++i) {
    auto name = get_name(in + kOffNsTable + i * kNsRowSize);
    if (!name) return std::nullopt;
    s.namespaces.push_back(*name);
  }
  const uint8_t* lost = in + kOffLostTable;
  for (size_t d = 0; d < n_dcs; ++d) {
    const uint8_t* row = in + kOffDcTable + d * kDcRowSize;
    auto name = get_name(row);
    if (!name) return std::nullopt;
    DcState dc;
    dc.name = *name;
    dc.cursor = common::load_be64(row + 32);
    dc.overwritten = common::load_be64(row + 40);
    if (dc.cursor < s.tail || dc.cursor > s.head) return std::nullopt;
    for (size_t n = 0; n < n_ns; ++n) {
      uint64_t since = common::load_be64(lost + (d * kMaxNamespaces + n) * 8);
      if (since != kNoWindow) dc.lost[s.namespaces[n]] = since;
    }
    s.dcs.push_back(std::move(dc));
  }
  return s;
}

void encode_entry(uint64_t log_id, uint64_t seq, const proto::XdrFrame& frame, uint8_t* out) {
  common::store_be64(out, seq);
  proto::encode_xdr_frame(frame, out + 8);
  common::store_be32(out + kEntrySize - 4, entry_crc(log_id, out));
}

EntryCheck check_entry(uint64_t log_id, uint64_t expect_seq, const uint8_t* in,
                       proto::XdrFrame* frame) {
  if (common::load_be32(in + kEntrySize - 4) != entry_crc(log_id, in)) {
    bool zero = std::all_of(in, in + kEntrySize, [](uint8_t b) { return b == 0; });
    return zero ? EntryCheck::Empty : EntryCheck::Corrupt;
  }
  if (common::load_be64(in) != expect_seq) return EntryCheck::Stale;
  auto decoded = proto::decode_xdr_frame(in + 8);
  // The entry CRC passed, so a frame that does not decode was written that way: a bug or
  // a different frame version; either way it cannot be shipped.
  if (!decoded) return EntryCheck::Corrupt;
  if (frame) *frame = std::move(*decoded);
  return EntryCheck::Valid;
}

}  // namespace logger::detail
