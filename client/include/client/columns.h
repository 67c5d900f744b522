#pragma once
// Columnar reads: records decoded straight into caller-owned rows laid out like a NumPy
// structured dtype, for a Python layer that hands us numpy buffers (aerospike-py's
// `batch_read(keys, _dtype=...)`).
//
// A ColumnLayout names bins and says where each lands in a fixed-size row: kind (i, u, f,
// S, V), item size, sub-array element count, byte offset, and the row itemsize, so it can
// be built from numpy's dtype.fields / offsets / itemsize, padded or aligned dtypes included.
// Only the layout's bins are asked of the server. Cells are written from the answer bytes
// with no per-bin allocation (no Value or Record objects on the hot path).
//
// Cell rules (column_decode.h has the details) follow aerospike-py's NumPy batch read:
// C-style casts between integer and float particles, strings and blobs copied into S/V
// truncated and zero-padded, a blob copied raw into a numeric sub-array, missing bins
// and missing records left zero. Whole rows, padding included, are zeroed before decode.
// Rows are written in native (little-endian) byte order; a big-endian layout is refused.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.h"
#include "common/result.h"

namespace client {

// numpy's dtype.kind characters.
enum class ColumnKind : char {
  Int = 'i',    // signed integer, 1/2/4/8 bytes
  Uint = 'u',   // unsigned integer, 1/2/4/8 bytes
  Float = 'f',  // IEEE float, 4/8 bytes
  Bytes = 'S',  // fixed-size bytes (numpy pads with zeros)
  Void = 'V',   // raw bytes
};

// One field as the caller describes it. Signed so that numbers from Python arrive as
// given and bad ones are refused by name rather than wrapped.
struct ColumnFieldSpec {
  std::string name;       // the bin name
  char kind = 0;          // a ColumnKind character; anything else is refused
  int64_t item_size = 0;  // bytes of one element
  int64_t offset = 0;     // byte offset of the field in the row
  int64_t count = 1;      // sub-array elements (the product of the shape), 1 = scalar
};

// A validated field.
struct ColumnField {
  std::string name;
  ColumnKind kind = ColumnKind::Int;
  uint32_t item_size = 0;
  uint32_t offset = 0;
  uint32_t count = 1;

  uint32_t size() const { return item_size * count; }
};

class ColumnLayout {
 public:
  // Parameter, naming the field, for: an empty, over-long (> 15 bytes) or repeated name;
  // a kind other than i u f S V; an item size not in {1,2,4,8} (i/u), {4,8} (f) or < 1
  // (S/V); a count < 1; a negative offset; fields that overlap or end past `itemsize`;
  // no fields at all.
  static common::Result<ColumnLayout> make(const std::vector<ColumnFieldSpec>& fields, int64_t itemsize);

  const std::vector<ColumnField>& fields() const { return fields_; }
  size_t itemsize() const { return itemsize_; }
  // The bins to request, in field order.
  const std::vector<std::string>& bin_names() const { return bin_names_; }
  // The field for a bin name, or nullptr.
  const ColumnField* find(std::string_view bin) const;

 private:
  std::vector<ColumnField> fields_;
  std::vector<std::string> bin_names_;
  size_t itemsize_ = 0;
};

// Builds a layout from numpy type strings ("<f8", "i4", "|S16", "V8"). add() places a
// field right after the previous one (a packed dtype); add_at() at an explicit offset.
// The itemsize defaults to the end of the last field. The first bad type string is
// reported by build(), naming its field.
class ColumnLayoutBuilder {
 public:
  ColumnLayoutBuilder& add(std::string name, std::string_view type, int64_t count = 1);
  ColumnLayoutBuilder& add_at(std::string name, std::string_view type, int64_t offset, int64_t count = 1);
  ColumnLayoutBuilder& itemsize(int64_t bytes);
  common::Result<ColumnLayout> build() const;

 private:
  std::vector<ColumnFieldSpec> specs_;
  int64_t next_offset_ = 0;
  int64_t itemsize_ = -1;  // -1: end of the last field
  common::Status error_;
};

// Per-row metadata, laid out as numpy's [("gen", "u4"), ("ttl", "u4")].
struct RowMeta {
  uint32_t gen = 0;
  uint32_t ttl = 0;  // seconds left; 0xFFFFFFFF = never expires
};
static_assert(sizeof(RowMeta) == 8);

// Caller-owned output of a columnar batch read, one entry per key. `meta` and
// `result_codes` may be null when not wanted. The memory must stay valid during the call.
struct ColumnBuffer {
  uint8_t* rows = nullptr;          // n_rows * layout.itemsize() bytes
  RowMeta* meta = nullptr;          // n_rows entries
  int32_t* result_codes = nullptr;  // n_rows entries: 0 ok, 2 not found, ...
  size_t n_rows = 0;
};

// Rows handed to a scan_columns callback. Valid only during the callback: the buffer is
// reused for the next batch.
struct ColumnBatch {
  const ColumnLayout* layout = nullptr;
  const uint8_t* rows = nullptr;  // count * layout->itemsize() bytes
  const RowMeta* meta = nullptr;
  const common::Digest* digests = nullptr;  // which record each row came from
  size_t count = 0;
};

// Return false to stop the scan.
using ColumnBatchCallback = std::function<bool(const ColumnBatch&)>;

}  // namespace client
