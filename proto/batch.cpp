#include "proto/batch.h"

#include "common/bytes.h"
#include "proto/fields_ops.h"

namespace proto {

using common::ResultCode;

namespace {

constexpr FieldsOpsErrors kBatchRowErrors{
    "truncated batch row field", "batch row field overruns", "truncated batch row op",
    "batch row op overruns", "batch op name overruns", "batch op lut overruns",
};

}  // namespace

const Field* BatchRow::field(FieldType type) const {
  for (const Field& f : fields) {
    if (f.type == uint8_t(type)) return &f;
  }
  return nullptr;
}

common::Status parse_batch_field(std::string_view data, BatchRequest* out) {
  const auto* p = common::as_bytes(data);
  const size_t size = data.size();
  if (size < 5) return {ResultCode::Parameter, "batch field too short"};
  uint32_t n = common::load_be32(p);
  out->parent_flags = p[4];
  if (n == 0) return {ResultCode::Parameter, "batch with no rows"};
  size_t pos = 5;
  // Each row takes at least 25 bytes, which bounds the reservation against absurd counts.
  out->rows.reserve(std::min<size_t>(n, (size - pos) / 25 + 1));
  for (uint32_t i = 0; i < n; ++i) {
    if (size - pos < 25) return {ResultCode::Parameter, "truncated batch row"};
    BatchRow row;
    row.index = common::load_be32(p + pos);
    row.digest = common::Digest::from(data.substr(pos + 4, 20));
    uint8_t flags = p[pos + 24];
    pos += 25;
    if (flags & batch_flags::kRepeat) {
      if (out->rows.empty()) return {ResultCode::Parameter, "repeat row with no previous row"};
      const BatchRow& prev = out->rows.back();
      if (prev.has_key_field) return {ResultCode::Parameter, "repeat row after a row with a key"};
      uint32_t index = row.index;
      common::Digest digest = row.digest;
      row = prev;
      row.index = index;
      row.digest = digest;
      out->rows.push_back(std::move(row));
      continue;
    }
    size_t need = 1 + ((flags & batch_flags::kHasInfo) ? 2 : 0) +
                  ((flags & batch_flags::kHasInfo4) ? 1 : 0) +
                  ((flags & batch_flags::kHasGeneration) ? 2 : 0) +
                  ((flags & batch_flags::kHasTtl) ? 4 : 0) + 4;
    if (size - pos < need) return {ResultCode::Parameter, "truncated batch row header"};
    row.header.info1 = p[pos++];
    if (flags & batch_flags::kHasInfo) {
      row.header.info2 = p[pos++];
      row.header.info3 = p[pos++];
    }
    if (flags & batch_flags::kHasInfo4) row.header.info4 = p[pos++];
    if (flags & batch_flags::kHasGeneration) {
      row.header.generation = common::load_be16(p + pos);
      pos += 2;
    }
    if (flags & batch_flags::kHasTtl) {
      row.header.record_ttl = common::load_be32(p + pos);
      pos += 4;
    }
    row.header.n_fields = common::load_be16(p + pos);
    row.header.n_ops = common::load_be16(p + pos + 2);
    pos += 4;
    if (row.header.n_fields > kMaxBatchRowFields) return {ResultCode::Parameter, "batch row has too many fields"};
    // Fields and ops have the AS_MSG layout; views stay in the caller's buffer.
    auto end = parse_fields_and_ops(data, pos, row.header.n_fields, row.header.n_ops,
                                    &row.fields, &row.ops, kBatchRowErrors);
    if (!end.ok()) return {end.code(), end.error().message};
    pos = *end;
    row.has_key_field = row.field(FieldType::Key) != nullptr;
    out->rows.push_back(std::move(row));
  }
  return {};
}

std::string single_record_message(const BatchRow& row, std::string_view filter) {
  std::string out;
  MsgHeader header = row.header;
  header.info1 &= uint8_t(~info1::kBatch);
  size_t at = append_msg_header(out, header);
  size_t fields = row.fields.size() + 1;
  for (const Field& f : row.fields) append_field(out, FieldType(f.type), f.data);
  append_field(out, FieldType::Digest, row.digest.view());
  if (!filter.empty() && !row.field(FieldType::Filter)) {
    append_field(out, FieldType::Filter, filter);
    ++fields;
  }
  for (const Op& op : row.ops) append_op(out, OpType(op.op), op.particle, op.name, op.value);
  patch_msg_counts(out, at, uint16_t(fields), uint16_t(row.ops.size()));
  return out;
}

void append_batch_row(std::string& field_data, uint32_t index, const common::Digest& digest,
                      uint8_t info1, std::string_view ns, std::string_view set,
                      const std::vector<std::string>& bin_names) {
  common::append_be32(field_data, index);
  field_data.append(digest.view());
  field_data.push_back(char(batch_flags::kHasInfo | batch_flags::kHasTtl));
  field_data.push_back(char(info1));
  field_data.push_back(0);  // info2
  field_data.push_back(0);  // info3
  common::append_be32(field_data, 0);  // read-touch ttl percent: namespace default
  common::append_be16(field_data, 2);
  common::append_be16(field_data, uint16_t(bin_names.size()));
  append_field(field_data, FieldType::Namespace, ns);
  append_field(field_data, FieldType::Set, set);
  for (const auto& name : bin_names) append_op(field_data, OpType::Read, 0, name, {});
}

}  // namespace proto
