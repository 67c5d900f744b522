#pragma once
// Small state files that must survive a crash whole: written to a temporary file beside
// the target, fdatasync'ed, renamed over it, and the directory fsync'ed. After a crash
// at any point the path holds the old or the new contents, never a mix.

#include <functional>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

#include "common/result.h"

namespace common {

// Replaces `path` with `data` atomically; blocks for the syncs. The error message names
// the file, the step and errno.
Status replace_file(const std::string& path, std::string_view data);

// The whole file, or nullopt when it does not exist; an error (with path and errno) when
// it exists and cannot be read.
Result<std::optional<std::string>> read_whole_file(const std::string& path);

// CRC-32 (zlib polynomial) as 8 lower-case hex digits, for the state files' check lines.
std::string crc32_hex(std::string_view data);

// The state files' last line: `body` followed by `crc <crc32_hex(body)>\n`.
std::string with_crc_line(std::string body);
// The body of a text ending in a valid crc line; an error (Parameter) when the line is
// missing or the CRC does not match (a torn or edited file).
Result<std::string> strip_crc_line(const std::string& text);

}  // namespace common

namespace common {

// Reads a versioned state file's text: a valid crc line, the expected first line, then
// one item per line as space-separated fields, each handed to `item`, which returns ""
// or what is wrong with it. The first problem comes back as an error (Parameter)
// naming its line.
using StateItemFn = std::function<std::string(const std::vector<std::string>& fields)>;
Status parse_state_text(const std::string& text, std::string_view first_line, const StateItemFn& item);

}  // namespace common
