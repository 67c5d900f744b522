#pragma once
// The batch-index field (types 41 and 42) of a batch parent request:
//
//   4  row count N (big-endian)          per row: 4 batch index (big-endian)
//   1  parent flags                                20 digest
//   .. N rows                                      1 row flags
//                                                  -- REPEAT: row ends, reuses the previous row
//                                                  1 info1
//                                                  [1 info2, 1 info3]  HAS_INFO
//                                                  [1 info4]           HAS_INFO4
//                                                  [2 generation]      HAS_GENERATION
//                                                  [4 record ttl]      HAS_TTL
//                                                  2 n_fields, 2 n_ops, fields, ops

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/result.h"
#include "proto/message.h"

namespace proto {

namespace batch_flags {
inline constexpr uint8_t kRepeat = 0x01;
inline constexpr uint8_t kHasInfo = 0x02;
inline constexpr uint8_t kHasGeneration = 0x04;
inline constexpr uint8_t kHasTtl = 0x08;
inline constexpr uint8_t kHasInfo4 = 0x10;
}  // namespace batch_flags

namespace batch_parent {
inline constexpr uint8_t kAllowInline = 0x01;
inline constexpr uint8_t kAllowInlineSsd = 0x02;
inline constexpr uint8_t kRespondAllKeys = 0x04;
inline constexpr uint8_t kReportErrorRow = 0x08;
}  // namespace batch_parent

// Most fields a row may carry: forwarding it (single_record_message) adds the digest and
// the parent's filter, and the count must still fit the message header's 16 bits.
inline constexpr uint16_t kMaxBatchRowFields = 0xFFFF - 2;

// One row, with a repeat row already expanded from its predecessor. Views point into the
// request buffer.
struct BatchRow {
  uint32_t index = 0;
  common::Digest digest;
  MsgHeader header;  // info bytes, generation, record_ttl; counts of fields/ops
  std::vector<Field> fields;
  std::vector<Op> ops;
  bool has_key_field = false;

  const Field* field(FieldType type) const;
};

struct BatchRequest {
  uint8_t parent_flags = 0;
  std::vector<BatchRow> rows;
};

// Parses the batch field data. Rows parsed before an error are kept in `out`; the
// returned status is Parameter for a truncated row, a repeat row with nothing before it,
// a row with more than kMaxBatchRowFields fields, or a zero row count.
common::Status parse_batch_field(std::string_view data, BatchRequest* out);

// One row as a single-record request (the row's header, fields and ops, plus a digest
// field): how a node forwards a row for a partition another node serves.
// `filter`, when not empty and the row has no filter of its own, is added as field 43: a
// batch parent's filter expression travels with each row proxied to another node.
std::string single_record_message(const BatchRow& row, std::string_view filter = {});

// Client side: appends one full row (not repeat) to a batch field under construction.
void append_batch_row(std::string& field_data, uint32_t index, const common::Digest& digest,
                      uint8_t info1, std::string_view ns, std::string_view set,
                      const std::vector<std::string>& bin_names);

}  // namespace proto
