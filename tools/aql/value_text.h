#pragma once
// How aql shows a bin value. In a table: integers and doubles as numbers, strings in
// double quotes (unescaped, as Aerospike's aql does), lists as LIST('[...]'), maps as
// MAP('{...}'), GeoJSON as GeoJSON('...'), blobs as hex bytes, nil as nothing. In JSON
// output: the JSON value itself (blobs as a hex string).

#include <string>

#include "client/value.h"
#include "recexport/json_value.h"

namespace aql {

std::string table_text(const client::Value& value);
using recexport::json_text;  // JSON output is the exporters' JSON

// A value sent to a UDF as an argument: its msgpack form (lists and maps as stored).
void append_msgpack(const client::Value& value, std::string* out);

}  // namespace aql
