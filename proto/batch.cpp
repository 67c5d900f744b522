#include "proto/batch.h"

#include "common/bytes.h"

namespace proto {

using common::ResultCode;

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
    // Fields and ops have the AS_MSG layout; views stay in the caller's buffer.
    for (uint16_t f = 0; f < row.header.n_fields; ++f) {
      if (size - pos < 5) return {ResultCode::Parameter, "truncated batch row field"};
      uint32_t field_sz = common::load_be32(p + pos);
      if (field_sz < 1 || field_sz > size - pos - 4) {
        return {ResultCode::Parameter, "batch row field overruns"};
      }
      Field fld{p[pos + 4], data.substr(pos + 5, field_sz - 1)};
      if (fld.type == uint8_t(FieldType::Key)) row.has_key_field = true;
      row.fields.push_back(fld);
      pos += 4 + field_sz;
    }
    for (uint16_t o = 0; o < row.header.n_ops; ++o) {
      if (size - pos < 8) return {ResultCode::Parameter, "truncated batch row op"};
      uint32_t op_sz = common::load_be32(p + pos);
      if (op_sz < 4 || op_sz > size - pos - 4) return {ResultCode::Parameter, "batch row op overruns"};
      Op op;
      op.op = p[pos + 4];
      op.particle = p[pos + 5];
      op.flags = p[pos + 6];
      uint8_t name_len = p[pos + 7];
      size_t rest = op_sz - 4;
      if (name_len > rest) return {ResultCode::Parameter, "batch op name overruns"};
      op.name = data.substr(pos + 8, name_len);
      size_t vpos = pos + 8 + name_len;
      rest -= name_len;
      if (op.flags & kOpFlagHasLut) {
        if (rest < 8) return {ResultCode::Parameter, "batch op lut overruns"};
        op.lut = common::load_be64(p + vpos);
        vpos += 8;
        rest -= 8;
      }
      op.value = data.substr(vpos, rest);
      row.ops.push_back(op);
      pos += 4 + op_sz;
    }
    out->rows.push_back(std::move(row));
  }
  return {};
}

std::string single_record_message(const BatchRow& row) {
  std::string out;
  MsgHeader header = row.header;
  header.info1 &= uint8_t(~info1::kBatch);
  size_t at = append_msg_header(out, header);
  for (const Field& f : row.fields) append_field(out, FieldType(f.type), f.data);
  append_field(out, FieldType::Digest, row.digest.view());
  for (const Op& op : row.ops) append_op(out, OpType(op.op), op.particle, op.name, op.value);
  patch_msg_counts(out, at, uint16_t(row.fields.size() + 1), uint16_t(row.ops.size()));
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
