#include "client/column_decode.h"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <string>

#include "answer_walk.h"
#include "client/record.h"
#include "client/value.h"

namespace client {

using common::ResultCode;
using proto::ParticleType;

namespace {

// Above every int64 / uint64; the limits themselves are exact powers of two in a double.
constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

// Rows come from numpy, so cells may be unaligned: always memcpy.
template <typename T>
void put(uint8_t* dst, T v) {
  std::memcpy(dst, &v, sizeof v);
}

// The low `size` bytes of v: a C cast to that width, for signed and unsigned alike
// (two's complement), in host order as numpy expects.
void store_integer(uint8_t* dst, uint32_t size, uint64_t v) {
  switch (size) {
    case 1: put(dst, uint8_t(v)); break;
    case 2: put(dst, uint16_t(v)); break;
    case 4: put(dst, uint32_t(v)); break;
    default: put(dst, v); break;
  }
}

void store_float(uint8_t* dst, uint32_t size, double v) {
  if (size == 4) {
    put(dst, float(v));
  } else {
    put(dst, v);
  }
}

void store_bytes(uint8_t* dst, const ColumnField& field, std::string_view bytes) {
  std::memcpy(dst, bytes.data(), std::min<size_t>(bytes.size(), field.size()));
}

bool numeric(ColumnKind kind) { return kind == ColumnKind::Int || kind == ColumnKind::Uint || kind == ColumnKind::Float; }

common::Status incompatible(const ColumnField& field, const std::string& what) {
  return {ResultCode::IncompatibleType, "column '" + field.name + "' (kind '" + char(field.kind) + "'): " + what};
}

common::Status store_int(const ColumnField& field, uint8_t* dst, int64_t v) {
  switch (field.kind) {
    case ColumnKind::Int: store_integer(dst, field.item_size, uint64_t(v)); return {};
    case ColumnKind::Uint:
      if (v < 0) return incompatible(field, "negative integer " + std::to_string(v));
      store_integer(dst, field.item_size, uint64_t(v));
      return {};
    case ColumnKind::Float: store_float(dst, field.item_size, double(v)); return {};
    default: return incompatible(field, "integer bin");
  }
}

common::Status store_double(const ColumnField& field, uint8_t* dst, double d) {
  switch (field.kind) {
    case ColumnKind::Float: store_float(dst, field.item_size, d); return {};
    case ColumnKind::Int:
      if (!std::isfinite(d) || d < -kTwo63 || d >= kTwo63) return incompatible(field, "double out of range");
      store_integer(dst, field.item_size, uint64_t(int64_t(d)));
      return {};
    case ColumnKind::Uint:
      if (!std::isfinite(d) || d < 0 || d >= kTwo64) return incompatible(field, "double out of range");
      store_integer(dst, field.item_size, uint64_t(d));
      return {};
    default: return incompatible(field, "double bin");
  }
}

}  // namespace

common::Status decode_cell(const ColumnField& field, uint8_t particle, std::string_view value, uint8_t* row) {
  uint8_t* dst = row + field.offset;
  const bool bytes_field = !numeric(field.kind);
  switch (ParticleType(particle)) {
    case ParticleType::Null: return {};
    case ParticleType::Integer: {
      auto v = integer_particle(value);
      if (!v) return incompatible(field, "malformed integer particle");
      return store_int(field, dst, *v);
    }
    case ParticleType::Float: {
      auto d = float_particle(value);
      if (!d) return incompatible(field, "malformed double particle");
      return store_double(field, dst, *d);
    }
    case ParticleType::Bool:
      if (bytes_field || value.size() != 1) return incompatible(field, "bool bin");
      return store_int(field, dst, value[0] != 0 ? 1 : 0);
    case ParticleType::String:
      if (!bytes_field) return incompatible(field, "string bin");
      store_bytes(dst, field, value);
      return {};
    default: break;
  }
  if (!proto::is_blob_particle(particle)) {
    return incompatible(field, "unsupported particle type " + std::to_string(particle));
  }
  // A numeric sub-array takes a blob as raw element bytes (e.g. a packed float32 vector).
  if (!bytes_field && field.count == 1) return incompatible(field, "blob bin into a scalar");
  store_bytes(dst, field, value);
  return {};
}

common::Status decode_row(const ColumnLayout& layout, const proto::Message& message, uint8_t* row) {
  std::memset(row, 0, layout.itemsize());
  common::Status first;
  for (const proto::Op& op : message.ops) {
    const ColumnField* field = layout.find(op.name);
    if (!field) continue;
    auto st = decode_cell(*field, op.particle, op.value, row);
    if (!st.ok() && first.ok()) first = std::move(st);
  }
  return first;
}

common::Result<bool> decode_batch_columns(std::string_view body, const ColumnLayout& layout,
                                          const ColumnBuffer& out, uint32_t now_cl_sec,
                                          common::Status& cell_error) {
  return walk_batch_answer(body, out.n_rows, [&](uint32_t index, const proto::Message& msg) {
    uint8_t* row = out.rows + size_t(index) * layout.itemsize();
    const int32_t code = msg.header.result_code;
    RowMeta meta;
    if (code == int32_t(ResultCode::Ok)) {
      meta = {msg.header.generation, ttl_from_void_time(msg.header.record_ttl, now_cl_sec)};
      auto st = decode_row(layout, msg, row);
      if (!st.ok() && cell_error.ok()) cell_error = std::move(st);
    } else {
      std::memset(row, 0, layout.itemsize());
    }
    if (out.meta) out.meta[index] = meta;
    if (out.result_codes) out.result_codes[index] = code;
  });
}

}  // namespace client
