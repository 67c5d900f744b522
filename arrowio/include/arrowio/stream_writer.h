#pragma once
// arrowio: Apache Arrow's IPC streaming format, written from rows (the format's
// "Serialization and Interprocess Communication" chapter): a schema message, record
// batches, and the end-of-stream marker. Every message is the continuation marker, the
// metadata length, a flatbuffer Message (arrow_format.fbs) padded to 8 bytes, and for a
// batch its body: per column a validity bitmap, then offsets and data (utf8, binary) or
// the values (int64, float64, bool bitmap, fixed_size_binary's width bytes a row), each
// buffer padded to 8 bytes. Files it
// writes are read by Arrow's own readers (tests/compat/arrow_export.js).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace arrowio {

enum class ColumnType { Int64, Float64, Bool, Utf8, Binary, FixedSizeBinary };

// The largest fixed_size_binary width accepted (a row's bytes; Arrow itself allows more,
// but a wider value is a blob, better exported as binary).
inline constexpr int32_t kMaxByteWidth = 1 << 20;

struct Field {
  std::string name;
  ColumnType type = ColumnType::Int64;
  bool nullable = true;
  int32_t byte_width = 0;  // FixedSizeBinary only: bytes a row
};

// "int64", "float64", "bool", "utf8", "binary", "fixed_size_binary[N]".
std::string type_name(const Field& field);
// Sets field's type (and byte_width) from one of those names; false when the name is none
// of them or N is not 1..kMaxByteWidth.
bool parse_type(std::string_view name, Field* field);

// Rows of one record batch, column by column. Each row gives every column a value or a
// null (a null in a non-nullable column is refused by append_null).
class BatchBuilder {
 public:
  explicit BatchBuilder(std::vector<Field> schema);

  common::Status append_null(size_t column);
  void append_int(size_t column, int64_t value);
  void append_double(size_t column, double value);
  void append_bool(size_t column, bool value);
  // utf8 or binary; fixed_size_binary takes at most byte_width bytes, zero-padded (the
  // caller refuses longer values: they are cut to the width here).
  void append_bytes(size_t column, std::string_view value);
  // Closes the row; every column must have had exactly one value.
  common::Status end_row();

  size_t rows() const { return rows_; }
  void clear();

  // The Arrow body: buffers in schema order, and per column (rows, nulls).
  struct Encoded {
    std::string body;
    std::vector<std::pair<int64_t, int64_t>> nodes;    // length, null_count
    std::vector<std::pair<int64_t, int64_t>> buffers;  // offset, length within body
  };
  Encoded encode() const;

 private:
  struct Column {
    std::vector<uint8_t> validity;  // one bit per row
    std::string values;             // fixed-width values (byte_width a row), or the concatenated bytes
    std::vector<int32_t> offsets;   // utf8/binary: rows + 1
    int64_t nulls = 0;
    size_t filled = 0;              // rows with a value
  };
  void set_valid(Column& column, bool valid);

  std::vector<Field> schema_;
  std::vector<Column> columns_;
  size_t rows_ = 0;
};

// Writes a stream to `sink` (called with each piece of the stream, in order).
class StreamWriter {
 public:
  using Sink = std::function<common::Status(std::string_view)>;

  StreamWriter(std::vector<Field> schema, Sink sink);

  common::Status write_schema();
  common::Status write_batch(const BatchBuilder& batch);
  // The end-of-stream marker; nothing may follow.
  common::Status finish();

  const std::vector<Field>& schema() const { return schema_; }

 private:
  common::Status write_message(std::string_view metadata, std::string_view body);

  std::vector<Field> schema_;
  Sink sink_;
};

}  // namespace arrowio
