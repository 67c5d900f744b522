#pragma once
// The columns of an export: given as 'name:type,...', or inferred from the first records
// (every bin seen there, in order of first appearance, typed by its particle: integer ->
// int64, double -> float64, bool -> bool, string and GeoJSON -> utf8, blob -> binary, list
// and map -> utf8 holding their JSON text). A list of bins limits the inferred columns to
// those bins, in that list's order. Every column is nullable: a record without the bin
// gets a null.

#include <string>
#include <vector>

#include "arrowio/stream_writer.h"
#include "client/record.h"
#include "common/result.h"

namespace recexport {

// `name:type,...` with types int64, float64, bool, utf8, binary, fixed_size_binary[N].
common::Result<std::vector<arrowio::Field>> parse_schema(const std::string& text);

std::vector<arrowio::Field> infer_schema(const std::vector<client::Record>& records,
                                         const std::vector<std::string>& only_bins);

// The column type a value goes into.
arrowio::ColumnType column_type_of(const client::Value& value);

}  // namespace recexport
