#pragma once
// Bin values as JSON text, shared by the exporters (jsonl, lists and maps in utf8 columns)
// and aql's JSON output: integers and doubles as numbers, strings quoted and escaped,
// GeoJSON as its own JSON, lists and maps as JSON arrays and objects, blobs as a string of
// hex bytes, nil as null.

#include <string>
#include <string_view>

#include "client/value.h"

namespace recexport {

// JSON text of a string's content, quotes included ("a\"b").
std::string json_quote(std::string_view text);

std::string json_text(const client::Value& value);

// A list or map bin's text. With json_keys, map keys that are not strings are quoted (JSON
// objects need string keys); without, they are shown as they are (aql's table form).
std::string container_text(const client::Value& value, bool json_keys);

// "0A FF 07": upper-case hex bytes, space-separated (how aql shows a blob).
std::string hex_bytes(std::string_view bytes);

// The shortest text that reads back as the same double.
std::string number_text(double d);

}  // namespace recexport
