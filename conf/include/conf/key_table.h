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
    NsSet,       // one or two words: NAMESPACE [SET]
    Stanza,      // opens `{ ... }`
};

inline constexpr int64_t kNoMax = std::numeric_limits<int64_t>::max();

// Which form of the file a key belongs to. Aerospike changed two parts of the file: 5.0
// moved XDR into `xdr { dc NAME { namespace NAME { } } }` (and namespace allow-*-writes into
// reject-*-writes), and 7.0 moved memory and eviction settings into the storage-engine block
// (`storage-engine memory { data-size }`, evict-used-pct, ...). Both forms parse into the
// same Config, but the XDR settings of a file, and the storage settings of one namespace,
// may not mix the two forms: two spellings of one setting would silently contradict.
enum class Dialect {
    Any,       // the same in every version
    Xdr4,      // 4.x XDR: enable-xdr, xdr-remote-datacenter, datacenter NAME { }, ...
    Xdr5,      // 5.x-8.x XDR: dc NAME { namespace NAME { } }, reject-xdr-writes, ...
    Storage6,  // 4.x-6.x storage: memory-size, high-water-*-pct, data-in-memory, ...
    Storage7,  // 7.x-8.x storage: storage-engine memory { data-size }, evict-used-pct, ...
};

// The name of a dialect for messages, e.g. "the 5.x-8.x XDR form".
std::string_view dialect_name(Dialect dialect);

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
    Dialect dialect = Dialect::Any;
    // A 5.x-8.x spelling of a 4.x key: "CONTEXT NAME" of the key that holds the value, so
    // get-config prints one form whichever the file used. `negated`: the stored boolean is
    // the opposite (reject-xdr-writes true = allow-xdr-writes false).
    std::string_view stored_as = {};
    bool negated = false;
};

// All keys, grouped by context in file order. The span stays valid for the process lifetime.
std::span<const KeySpec> key_table();

// The row for (context, name), or nullptr.
const KeySpec* find_key(std::string_view context, std::string_view name);

// The row a 5.x-8.x spelling stores into (spec.stored_as), or nullptr for a key of its own.
const KeySpec* storage_key(const KeySpec& spec);

// Config-syntax name of a type ("size", "time", ...), for messages and docs.
std::string_view type_name(KeyType type);

// docs/config-reference.md: one markdown table per context, generated from key_table().
std::string reference_markdown();

}  // namespace conf
