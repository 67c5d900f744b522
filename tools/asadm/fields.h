#pragma once
// Info answers as asadm reads them, shared by `show xdr` and `show cluster`: `k=v;k2=v2`
// values as ordered fields, list splitting, error answers, and the JSON text both commands
// print. Pure functions.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "recexport/json_value.h"

namespace asadm {

// `key=value` pairs in the order the node sent them (kept for --json and debugging).
using Fields = std::vector<std::pair<std::string, std::string>>;

// "k=v;k2=v2" -> pairs; empty items are skipped, an item without '=' gets an empty value.
Fields parse_fields(std::string_view text);
// The value of `key`, or empty when absent.
std::string_view field(const Fields& fields, std::string_view key);
// The value of `key`, or nullptr when absent (an info answer's empty value is not absent).
// Works on client::InfoAnswer too, which is the same type.
const std::string* find_field(const Fields& fields, std::string_view key);
// "a,b" or "a;b" -> {"a", "b"}, empty items skipped.
std::vector<std::string> split_list(std::string_view text, char delimiter);
// True for the info protocol's error answers (`ERROR:4:unrecognized command`, `error`).
bool is_error_answer(std::string_view value);

// JSON string literal, quotes included (the exporters' quoting).
using recexport::json_quote;
// True when `text` is a number in JSON's grammar (so "0x10", "1.", "inf" are not).
bool is_json_number(std::string_view text);
// A stat as JSON: a number or true/false as such, anything else as a string.
std::string json_value(std::string_view value);
// json_value(), or null for an empty (absent) value.
std::string json_or_null(std::string_view value);
// json_quote(), or null for an empty (absent) value.
std::string json_string_or_null(std::string_view value);
// A table cell: the value, or "-" when absent.
std::string or_dash(std::string_view value);

}  // namespace asadm
