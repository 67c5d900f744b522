#pragma once
// Particle -> cell decoders for columnar reads (columns.h). Pure functions over answer
// bytes, unit-tested without a server; they allocate nothing unless they report an error.
//
// Cell rules, matching aerospike-py's NumPy batch read (rust/src/numpy_support.rs):
//   integer -> i/u : C cast to the field's width (two's-complement truncation);
//                    a negative integer into u is an error
//   integer -> f   : converted to double, then to float for f4
//   double  -> f   : copied (f8) or rounded to float (f4)
//   double  -> i/u : truncated toward zero to 64 bits, then to the field's width; NaN,
//                    infinities, values outside 64-bit range, and negatives into u are errors
//   bool    -> i/u/f : 1 or 0
//   string, blob -> S/V : the first min(len, size) bytes; the rest of the field stays zero
//   blob    -> numeric sub-array (count > 1) : raw bytes, truncated or zero-padded
//   integer/double/bool -> numeric sub-array : element 0 only
//   nil, or a bin the answer does not carry : the cell stays zero
// Anything else (string or blob into a scalar number, numbers into S/V, lists, maps,
// GeoJSON, HLL) is IncompatibleType naming the field; the cell stays zero.

#include <cstdint>
#include <string_view>

#include "client/columns.h"
#include "common/result.h"
#include "proto/message.h"

namespace client {

// Writes one bin's value into its field of `row` (the row's start). The field's bytes
// must be zero beforehand: shorter values rely on it for padding.
common::Status decode_cell(const ColumnField& field, uint8_t particle, std::string_view value, uint8_t* row);

// Zeroes the whole row (padding included), then fills the layout's fields from the
// message's ops; ops for bins outside the layout are ignored. Every cell is tried; the
// first cell error is returned.
common::Status decode_row(const ColumnLayout& layout, const proto::Message& message, uint8_t* row);

// One proto body of a batch answer into `out`: per answered row its result code, meta
// (gen, ttl from `now_cl_sec`; zeros unless found) and cells (zeros unless found). True
// once LAST was seen. Stream errors fail the call as parse_batch_answer's do; a cell
// error does not (the stream must still be read to its end) and lands in `cell_error`
// unless one is already there.
common::Result<bool> decode_batch_columns(std::string_view body, const ColumnLayout& layout,
                                          const ColumnBuffer& out, uint32_t now_cl_sec,
                                          common::Status& cell_error);

}  // namespace client
