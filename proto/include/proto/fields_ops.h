#pragma once
// The fields-then-ops run of the AS_MSG layout (message.h), which a whole message and
// each batch row (batch.h) both carry: one bounds-checked parser for both.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "proto/message.h"

namespace proto {

// The wording of each parse error, so a message and a batch row keep naming their own
// context in what the server logs.
struct FieldsOpsErrors {
  const char* truncated_field;
  const char* field_overruns;
  const char* truncated_op;
  const char* op_overruns;
  const char* op_name_overruns;
  const char* op_lut_overruns;
};

// Parses n_fields fields and then n_ops ops from data starting at offset pos (at most
// data.size()), appending
// views into data to *fields and *ops. Returns the offset just past the last op, or
// Parameter with the matching text when a field or op overruns data, an op is smaller
// than its fixed part, or its name or LUT overruns the op. The counts come off the wire,
// so reservations are bounded by the bytes left, not by the counts.
common::Result<size_t> parse_fields_and_ops(std::string_view data, size_t pos, uint16_t n_fields,
                                            uint16_t n_ops, std::vector<Field>* fields,
                                            std::vector<Op>* ops, const FieldsOpsErrors& errors);

}  // namespace proto
