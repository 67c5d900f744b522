// Private: converting value words to typed values and back, per KeyType.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.h"
#include "conf/key_table.h"

namespace conf {

// One parsed value. Which members are meaningful depends on the key's type:
// number (Int/Size/Time/Hex, PathSize size), flag (Bool), text (String/Path/Enum name,
// PathSize path, LogContext context name), choice (Enum/LogContext level index), host_port.
struct Value {
    uint64_t number = 0;
    bool flag = false;
    std::string text;
    std::size_t choice = 0;
    HostPort host_port;
};

// Parses `words` (the tokens after the key name) for `spec`, including the count of words,
// the syntax and the range. Returns an empty string on success, else the complete message,
// e.g. "bad value 'abc' for 'port' in network.service: expected an integer". `where` names
// the stanza for messages ("network.service", "namespace 'test'").
std::string parse_value(const KeySpec& spec, std::span<const std::string> words,
                        std::string_view where, Value& out);

// Splits on spaces and tabs; used for default values and set-config values.
std::vector<std::string> split_words(std::string_view text);

// The index of `word` in `a|b|c`, or -1.
int choice_index(std::string_view choices, std::string_view word);
// The name at `index` in `a|b|c` (empty if out of range).
std::string_view choice_name(std::string_view choices, std::size_t index);

// `1048576` -> "1M" when exact, else the plain number; for docs.
std::string format_size(uint64_t bytes);

}  // namespace conf
