// The key registry: every configuration key, declared once.
//
// A context is the dotted path of the stanza a key lives in: "service", "network.heartbeat",
// "namespace", "namespace.storage-engine" (the `storage-engine device { }` block),
// "namespace.set", "xdr", "xdr.datacenter", "logging.console", ... The top level is "".
// Stanzas are rows too (type Stanza); a repeatable stanza takes one name argument
// (`namespace NAME {`, `set NAME {`, `datacenter NAME {`, `file PATH {`).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace conf {

enum class KeyType {
    Int,         // decimal integer
    Size,        // bytes, or with suffix K/M/G/T/P (powers of 1024, case-insensitive)
    Time,        // seconds, or with suffix s/m/h/d
    Bool,        // true | false
    String,      // one word
    Path,        // one word, a file system path
    Enum,        // one of KeySpec::choices
    Hex,         // up to 16 hex digits
    HostPort,    // two words: HOST PORT
    PathSize,    // two words: PATH SIZE
    LogContext,  // two words: CONTEXT LEVEL (level one of KeySpec::choices)
    Stanza,      // opens `{ ... }`
};

inline constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

struct KeySpec {
    std::string_view context;
    std::string_view name;
    KeyType type;
    std::string_view default_value;  // in config syntax; empty: no default (empty/unset)
    int64_t min;                     // range for Int/Size/Time/Hex; kNoMax: unbounded
    int64_t max;
    bool dynamic;     // may change at runtime through set-config
    bool repeatable;  // may appear more than once in one stanza
    std::string_view description;
    std::string_view choices = {};  // Enum/LogContext: `a|b|c`
    // A key of the real server this project does not implement: why. A file that sets it
    // stops start-up with this reason at its line.
    std::string_view unsupported = {};
};

// All keys, grouped by context in file order. The span stays valid for the process lifetime.
std::span<const KeySpec> key_table();

// The row for (context, name), or nullptr.
const KeySpec* find_key(std::string_view context, std::string_view name);

// Config-syntax name of a type ("size", "time", ...), for messages and docs.
std::string_view type_name(KeyType type);

// docs/config-reference.md: one markdown table per context, generated from key_table().
std::string reference_markdown();

}  // namespace conf
