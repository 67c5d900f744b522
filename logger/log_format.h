#pragma once
// Private: encoders and decoders for the digest-log header copies and entries, and the
// in-memory state a header copy holds. The byte tables live in logger/digest_log.h.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/xdr_frame.h"

namespace logger::detail {

inline constexpr uint8_t kMagic[8] = {'A', 'S', 'X', 'D', 'R', 'L', 'O', 'G'};
inline constexpr uint16_t kFormatVersion = 2;  // 1: 136-byte frames, 148-byte entries
inline constexpr size_t kEntrySize = 8 + proto::kXdrFrameSize + 4;  // 156
inline constexpr size_t kHeaderCopySize = 16384;
inline constexpr uint64_t kEntriesOffset = 2 * kHeaderCopySize;
inline constexpr size_t kMaxDcs = 32;
inline constexpr size_t kMaxNamespaces = 32;   // Aerospike's own limit per node
inline constexpr size_t kMaxNameLen = 31;
inline constexpr uint64_t kNoWindow = UINT64_MAX;  // "no lost window" in the since table
inline constexpr uint64_t kMinEntries = 16;

// Header field offsets (see the table in digest_log.h).
inline constexpr size_t kOffDcTable = 128;
inline constexpr size_t kDcRowSize = 64;
inline constexpr size_t kOffNsTable = kOffDcTable + kMaxDcs * kDcRowSize;       // 2176
inline constexpr size_t kNsRowSize = 32;
inline constexpr size_t kOffLostTable = kOffNsTable + kMaxNamespaces * kNsRowSize;  // 3200
inline constexpr size_t kOffHeaderCrc = kHeaderCopySize - 4;
static_assert(kOffLostTable + kMaxDcs * kMaxNamespaces * 8 <= kOffHeaderCrc);

struct DcState {
  std::string name;
  uint64_t cursor = 0;        // next seq to ship: everything below is done
  uint64_t overwritten = 0;   // entries this DC lost to wrap-around, ever
  std::map<std::string, uint64_t> lost;  // ns -> since LUT (minimum kept)
  std::map<std::string, uint64_t> lost_revision;  // ns -> changes so far (not persisted)
};

struct HeaderState {
  uint16_t version = kFormatVersion;
  uint16_t entry_size = kEntrySize;
  uint32_t header_copy_size = kHeaderCopySize;
  uint64_t file_size = 0;
  uint64_t capacity = 0;
  uint64_t generation = 0;
  uint64_t log_id = 0;
  uint64_t head = 0;
  uint64_t tail = 0;
  std::vector<DcState> dcs;
  // Every namespace ever appended, first-seen order. Only the first kMaxNamespaces are
  // persisted; lost windows of any later one live in memory only (encode reports them).
  std::vector<std::string> namespaces;
};

inline uint64_t capacity_for(uint64_t file_size) {
  return file_size < kEntriesOffset ? 0 : (file_size - kEntriesOffset) / kEntrySize;
}

// Writes one header copy (kHeaderCopySize bytes). Returns how many lost windows did not
// fit (their namespace is beyond the persisted namespace table).
size_t encode_header(const HeaderState& state, uint8_t* out);

// Parses one header copy. nullopt when the magic or the CRC is wrong (a torn or foreign
// copy) or the positions contradict each other (tail after head, more than capacity
// entries, a cursor outside tail..head); the version and sizes are returned as stored
// for the caller to judge.
std::optional<HeaderState> decode_header(const uint8_t* in);

// Entry checksums are seeded with the log id, so entries left by an earlier incarnation
// of the file (before a resize) never pass for entries of this one.
void encode_entry(uint64_t log_id, uint64_t seq, const proto::XdrFrame& frame, uint8_t* out);

enum class EntryCheck {
  Valid,    // checksum good, seq as expected
  Empty,    // all zeros: never written
  Stale,    // checksum good but another seq: an older lap or an older incarnation
  Corrupt,  // checksum bad: a torn write or damage
};
EntryCheck check_entry(uint64_t log_id, uint64_t expect_seq, const uint8_t* in,
                       proto::XdrFrame* frame);

}  // namespace logger::detail
