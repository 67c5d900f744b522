#include "proto/fields_ops.h"

#include <algorithm>

#include "common/bytes.h"

namespace proto {

using common::ResultCode;

namespace {

// The fixed part of a field (size, type) and of an op (size, op, particle, flags, name length).
constexpr size_t kFieldFixedSize = 5;
constexpr size_t kOpFixedSize = 8;

}  // namespace

common::Result<size_t> parse_fields_and_ops(std::string_view data, size_t pos, uint16_t n_fields,
                                            uint16_t n_ops, std::vector<Field>* fields,
                                            std::vector<Op>* ops, const FieldsOpsErrors& errors) {
  const auto* p = common::as_bytes(data);
  const size_t size = data.size();

  fields->reserve(fields->size() + std::min<size_t>(n_fields, (size - pos) / kFieldFixedSize));
  for (uint16_t i = 0; i < n_fields; ++i) {
    if (size - pos < kFieldFixedSize) return {ResultCode::Parameter, errors.truncated_field};
    uint32_t field_sz = common::load_be32(p + pos);
    if (field_sz < 1 || field_sz > size - pos - 4) return {ResultCode::Parameter, errors.field_overruns};
    fields->push_back(Field{p[pos + 4], data.substr(pos + 5, field_sz - 1)});
    pos += 4 + field_sz;
  }

  ops->reserve(ops->size() + std::min<size_t>(n_ops, (size - pos) / kOpFixedSize));
  for (uint16_t i = 0; i < n_ops; ++i) {
    if (size - pos < kOpFixedSize) return {ResultCode::Parameter, errors.truncated_op};
    uint32_t op_sz = common::load_be32(p + pos);
    if (op_sz < 4 || op_sz > size - pos - 4) return {ResultCode::Parameter, errors.op_overruns};
    Op op;
    op.op = p[pos + 4];
    op.particle = p[pos + 5];
    op.flags = p[pos + 6];
    uint8_t name_len = p[pos + 7];
    size_t rest = op_sz - 4;
    if (name_len > rest) return {ResultCode::Parameter, errors.op_name_overruns};
    op.name = data.substr(pos + 8, name_len);
    size_t value_pos = pos + 8 + name_len;
    rest -= name_len;
    if (op.flags & kOpFlagHasLut) {
      if (rest < 8) return {ResultCode::Parameter, errors.op_lut_overruns};
      op.lut = common::load_be64(p + value_pos);
      value_pos += 8;
      rest -= 8;
    }
    op.value = data.substr(value_pos, rest);
    ops->push_back(op);
    pos += 4 + op_sz;
  }
  return pos;
}

}  // namespace proto
