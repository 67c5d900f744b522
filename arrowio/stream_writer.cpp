#include "arrowio/stream_writer.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "arrow_format_generated.h"

namespace arrowio {

namespace fb = org::apache::arrow::flatbuf;

namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFF;

size_t padded8(size_t n) { return (n + 7) & ~size_t(7); }

void put_u32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // Arrow IPC is little-endian, as is every machine this builds on
  out->append(b, 4);
}

// Appends `bytes` to the body, padded to 8, and records its (offset, length).
void add_buffer(BatchBuilder::Encoded* e, const void* bytes, size_t n) {
  int64_t offset = int64_t(e->body.size());
  e->body.append(static_cast<const char*>(bytes), n);
  e->body.resize(padded8(e->body.size()), '\0');
  e->buffers.emplace_back(offset, int64_t(n));
}

std::pair<fb::Type, flatbuffers::Offset<void>> type_of(flatbuffers::FlatBufferBuilder& b, const Field& field) {
  switch (field.type) {
    case ColumnType::Int64: return {fb::Type_Int, fb::CreateInt(b, 64, true).Union()};
    case ColumnType::Float64: return {fb::Type_FloatingPoint, fb::CreateFloatingPoint(b, fb::Precision_DOUBLE).Union()};
    case ColumnType::Bool: return {fb::Type_Bool, fb::CreateBool(b).Union()};
    case ColumnType::Utf8: return {fb::Type_Utf8, fb::CreateUtf8(b).Union()};
    case ColumnType::Binary: return {fb::Type_Binary, fb::CreateBinary(b).Union()};
    case ColumnType::FixedSizeBinary:
      return {fb::Type_FixedSizeBinary, fb::CreateFixedSizeBinary(b, field.byte_width).Union()};
  }
  return {fb::Type_NONE, 0};
}

bool variable_width(ColumnType type) { return type == ColumnType::Utf8 || type == ColumnType::Binary; }

}  // namespace

constexpr std::string_view kFixedPrefix = "fixed_size_binary[";

std::string type_name(const Field& field) {
  switch (field.type) {
    case ColumnType::Int64: return "int64";
    case ColumnType::Float64: return "float64";
    case ColumnType::Bool: return "bool";
    case ColumnType::Utf8: return "utf8";
    case ColumnType::Binary: return "binary";
    case ColumnType::FixedSizeBinary: return std::string(kFixedPrefix) + std::to_string(field.byte_width) + "]";
  }
  return "?";
}

bool parse_type(std::string_view name, Field* field) {
  if (name.starts_with(kFixedPrefix) && name.ends_with(']')) {
    std::string_view digits = name.substr(kFixedPrefix.size(), name.size() - kFixedPrefix.size() - 1);
    int32_t width = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), width);
    if (ec != std::errc() || end != digits.data() + digits.size() || width < 1 || width > kMaxByteWidth) return false;
    field->type = ColumnType::FixedSizeBinary;
    field->byte_width = width;
    return true;
  }
  for (ColumnType t : {ColumnType::Int64, ColumnType::Float64, ColumnType::Bool, ColumnType::Utf8, ColumnType::Binary}) {
    if (type_name(Field{"", t}) == name) {
      field->type = t;
      field->byte_width = 0;
      return true;
    }
  }
  return false;
}

// ---- BatchBuilder ------------------------------------------------------------------------

BatchBuilder::BatchBuilder(std::vector<Field> schema) : schema_(std::move(schema)), columns_(schema_.size()) { clear(); }

void BatchBuilder::clear() {
  rows_ = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    columns_[i] = Column{};
    if (variable_width(schema_[i].type)) columns_[i].offsets.push_back(0);
  }
}

void BatchBuilder::set_valid(Column& column, bool valid) {
  size_t row = column.filled++;
  if (column.validity.size() * 8 <= row) column.validity.push_back(0);
  if (valid) column.validity[row / 8] |= uint8_t(1u << (row % 8));
}

common::Status BatchBuilder::append_null(size_t column) {
  if (!schema_[column].nullable) {
    return {common::ResultCode::Parameter, "column " + schema_[column].name + " is not nullable"};
  }
  Column& c = columns_[column];
  set_valid(c, false);
  ++c.nulls;
  switch (schema_[column].type) {
    case ColumnType::Int64:
    case ColumnType::Float64: c.values.append(8, '\0'); break;
    case ColumnType::Bool: break;  // the value bitmap is built from `values` bytes below
    case ColumnType::FixedSizeBinary: c.values.append(size_t(schema_[column].byte_width), '\0'); break;
    case ColumnType::Utf8:
    case ColumnType::Binary: c.offsets.push_back(int32_t(c.values.size())); break;
  }
  if (schema_[column].type == ColumnType::Bool) c.values.push_back('\0');
  return {};
}

void BatchBuilder::append_int(size_t column, int64_t value) {
  Column& c = columns_[column];
  set_valid(c, true);
  c.values.append(reinterpret_cast<const char*>(&value), 8);
}

void BatchBuilder::append_double(size_t column, double value) {
  Column& c = columns_[column];
  set_valid(c, true);
  c.values.append(reinterpret_cast<const char*>(&value), 8);
}

void BatchBuilder::append_bool(size_t column, bool value) {
  Column& c = columns_[column];
  set_valid(c, true);
  c.values.push_back(value ? '\1' : '\0');
}

void BatchBuilder::append_bytes(size_t column, std::string_view value) {
  Column& c = columns_[column];
  set_valid(c, true);
  if (schema_[column].type == ColumnType::FixedSizeBinary) {
    size_t width = size_t(schema_[column].byte_width);
    c.values.append(value.substr(0, width));
    c.values.append(width - std::min(width, value.size()), '\0');
    return;
  }
  c.values.append(value);
  c.offsets.push_back(int32_t(c.values.size()));
}

common::Status BatchBuilder::end_row() {
  ++rows_;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].filled != rows_) {
      return {common::ResultCode::Parameter, "row " + std::to_string(rows_) + " has no single value for column " +
                                                 schema_[i].name};
    }
  }
  return {};
}

BatchBuilder::Encoded BatchBuilder::encode() const {
  Encoded e;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& c = columns_[i];
    e.nodes.emplace_back(int64_t(rows_), c.nulls);
    // No nulls: the validity buffer may be left empty.
    if (c.nulls == 0) {
      e.buffers.emplace_back(int64_t(e.body.size()), 0);
    } else {
      add_buffer(&e, c.validity.data(), (rows_ + 7) / 8);
    }
    switch (schema_[i].type) {
      case ColumnType::Int64:
      case ColumnType::Float64:
      case ColumnType::FixedSizeBinary: add_buffer(&e, c.values.data(), c.values.size()); break;
      case ColumnType::Bool: {
        std::vector<uint8_t> bits((rows_ + 7) / 8, 0);
        for (size_t row = 0; row < rows_; ++row) {
          if (c.values[row]) bits[row / 8] |= uint8_t(1u << (row % 8));
        }
        add_buffer(&e, bits.data(), bits.size());
        break;
      }
      case ColumnType::Utf8:
      case ColumnType::Binary:
        add_buffer(&e, c.offsets.data(), c.offsets.size() * sizeof(int32_t));
        add_buffer(&e, c.values.data(), c.values.size());
        break;
    }
  }
  return e;
}

// ---- StreamWriter ------------------------------------------------------------------------

StreamWriter::StreamWriter(std::vector<Field> schema, Sink sink) : schema_(std::move(schema)), sink_(std::move(sink)) {}

common::Status StreamWriter::write_message(std::string_view metadata, std::string_view body) {
  std::string head;
  put_u32(&head, kContinuation);
  size_t meta_len = padded8(metadata.size() + 8) - 8;  // prefix + metadata end on 8 bytes
  put_u32(&head, uint32_t(meta_len));
  head.append(metadata);
  head.resize(8 + meta_len, '\0');
  if (common::Status s = sink_(head); !s.ok()) return s;
  if (body.empty()) return {};
  return sink_(body);
}

common::Status StreamWriter::write_schema() {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  for (const Field& f : schema_) {
    auto name = b.CreateString(f.name);
    auto [type_type, type] = type_of(b, f);
    auto children = b.CreateVector(std::vector<flatbuffers::Offset<fb::Field>>{});
    fields.push_back(fb::CreateField(b, name, f.nullable, type_type, type, 0, children));
  }
  auto schema = fb::CreateSchema(b, fb::Endianness_Little, b.CreateVector(fields));
  b.Finish(fb::CreateMessage(b, fb::MetadataVersion_V5, fb::MessageHeader_Schema, schema.Union(), 0));
  return write_message({reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize()}, {});
}

common::Status StreamWriter::write_batch(const BatchBuilder& batch) {
  BatchBuilder::Encoded e = batch.encode();
  flatbuffers::FlatBufferBuilder b;
  std::vector<fb::FieldNode> nodes;
  for (auto [length, nulls] : e.nodes) nodes.emplace_back(length, nulls);
  std::vector<fb::Buffer> buffers;
  for (auto [offset, length] : e.buffers) buffers.emplace_back(offset, length);
  auto record_batch =
      fb::CreateRecordBatch(b, int64_t(batch.rows()), b.CreateVectorOfStructs(nodes), b.CreateVectorOfStructs(buffers));
  b.Finish(fb::CreateMessage(b, fb::MetadataVersion_V5, fb::MessageHeader_RecordBatch, record_batch.Union(),
                             int64_t(e.body.size())));
  return write_message({reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize()}, e.body);
}

common::Status StreamWriter::finish() {
  std::string eos;
  put_u32(&eos, kContinuation);
  put_u32(&eos, 0);
  return sink_(eos);
}

}  // namespace arrowio
