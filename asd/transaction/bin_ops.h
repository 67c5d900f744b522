#pragma once
// Applying one AS_MSG op to a record's bins (write, incr, append/prepend, CDT, bit, HLL), and
// building the per-op results that go back to the client.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/record.h"
#include "common/result_code.h"
#include "proto/message.h"

namespace asd {

struct OpResult {
  uint8_t op = 0;
  std::string name;
  uint8_t particle = 0;
  std::string value;
};

// Validates a value a client wants stored in a bin: a storable particle type with a
// well-formed value (fixed sizes for integer, float and bool; GeoJSON framing; an HLL
// sketch whose size matches its bit counts).
common::ResultCode check_bin_value(uint8_t particle, std::string_view value);

// Applies a modifying op (WRITE, INCR, APPEND, PREPEND, CDT_MODIFY, BIT_MODIFY,
// HLL_MODIFY) to `record`; `result` receives the op's value when it has one.
common::ResultCode apply_write_op(Record& record, const proto::Op& op,
                                  std::optional<OpResult>* result);

// Evaluates a reading op (READ of a named bin, CDT_READ, BIT_READ, HLL_READ) against `record`.
common::ResultCode apply_read_op(const Record& record, const proto::Op& op,
                                 std::optional<OpResult>* result);

}  // namespace asd
