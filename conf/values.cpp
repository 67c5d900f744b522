// Value syntax: integers, sizes, times, booleans, enums, hex ids and two-word values.
// The real server accepts only `true`/`false` for booleans and exact lowercase enum names;
// so do we, so a config that works here works there.

#include "values.h"

#include <cctype>
#include <vector>

namespace conf {

namespace {

// Parses an unsigned decimal prefix of `text` into `out`; false on no digits or overflow.
bool parse_digits(std::string_view text, std::size_t& pos, uint64_t& out) {
    uint64_t value = 0;
    std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        uint64_t digit = static_cast<uint64_t>(text[pos] - '0');
        if (value > (UINT64_MAX - digit) / 10) return false;
        value = value * 10 + digit;
        ++pos;
    }
    out = value;
    return pos > start;
}

bool parse_int(std::string_view text, uint64_t& out) {
    std::size_t pos = 0;
    return parse_digits(text, pos, out) && pos == text.size();
}

// `text` is digits with an optional one-letter suffix; `multiplier` maps the lowercase
// suffix to its factor (0: unknown suffix).
template <class Multiplier>
bool parse_scaled(std::string_view text, uint64_t& out, Multiplier multiplier) {
    std::size_t pos = 0;
    uint64_t value = 0;
    if (!parse_digits(text, pos, value)) return false;
    uint64_t factor = 1;
    if (pos + 1 == text.size()) {
        factor = multiplier(static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos]))));
        if (factor == 0) return false;
    } else if (pos != text.size()) {
        return false;
    }
    if (value != 0 && factor > UINT64_MAX / value) return false;
    out = value * factor;
    return true;
}

bool parse_size(std::string_view text, uint64_t& out) {
    return parse_scaled(text, out, [](char suffix) -> uint64_t {
        switch (suffix) {
            case 'k': return uint64_t{1} << 10;
            case 'm': return uint64_t{1} << 20;
            case 'g': return uint64_t{1} << 30;
            case 't': return uint64_t{1} << 40;
            case 'p': return uint64_t{1} << 50;
            default: return 0;
        }
    });
}

bool parse_time(std::string_view text, uint64_t& out) {
    return parse_scaled(text, out, [](char suffix) -> uint64_t {
        switch (suffix) {
            case 's': return 1;
            case 'm': return 60;
            case 'h': return 3600;
            case 'd': return 86400;
            default: return 0;
        }
    });
}

bool parse_hex(std::string_view text, uint64_t& out) {
    if (text.empty() || text.size() > 16) return false;
    uint64_t value = 0;
    for (char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
        int digit = std::isdigit(static_cast<unsigned char>(c))
                        ? c - '0'
                        : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
        value = value << 4 | static_cast<uint64_t>(digit);
    }
    out = value;
    return true;
}

std::string expected_words(const KeySpec& spec) {
    switch (spec.type) {
        case KeyType::HostPort: return "HOST PORT";
        case KeyType::PathSize: return "PATH SIZE";
        case KeyType::LogContext: return "CONTEXT LEVEL";
        case KeyType::NsSet: return "NAMESPACE [SET]";
        default: return "one value";
    }
}

std::size_t word_count(KeyType type) {
    switch (type) {
        case KeyType::HostPort:
        case KeyType::PathSize:
        case KeyType::LogContext: return 2;
        default: return 1;
    }
}

// The words a type takes at most (an optional last word: NsSet's set).
std::size_t max_word_count(KeyType type) { return type == KeyType::NsSet ? 2 : word_count(type); }

std::string bad_value(std::string_view word, const KeySpec& spec, std::string_view where,
                      std::string_view expected) {
    return "bad value '" + std::string(word) + "' for '" + std::string(spec.name) + "' in " +
           std::string(where) + ": expected " + std::string(expected);
}

std::string check_range(uint64_t value, const KeySpec& spec, std::string_view where) {
    auto min = static_cast<uint64_t>(spec.min);
    auto max = static_cast<uint64_t>(spec.max);
    if (value >= min && value <= max) return {};
    std::string message = "value " + std::to_string(value) + " for '" + std::string(spec.name) +
                          "' out of range ";
    message += spec.max == kNoMax ? "(minimum " + std::to_string(min) + ")"
                                  : std::to_string(min) + ".." + std::to_string(max);
    return message + " in " + std::string(where);
}

// Parses one numeric word of type `type` (Int/Size/Time/Hex), range-checked.
std::string parse_number(KeyType type, const std::string& word, const KeySpec& spec,
                         std::string_view where, uint64_t& out) {
    switch (type) {
        case KeyType::Int:
            if (!parse_int(word, out)) return bad_value(word, spec, where, "an integer");
            break;
        case KeyType::Size:
            if (!parse_size(word, out)) {
                return bad_value(word, spec, where, "a size such as 4G, 512M, 64K or bytes");
            }
            break;
        case KeyType::Time:
            if (!parse_time(word, out)) {
                return bad_value(word, spec, where, "a time such as 30d, 12h, 10m, 30s or seconds");
            }
            break;
        default:
            if (!parse_hex(word, out)) return bad_value(word, spec, where, "up to 16 hex digits");
            return {};  // the full 64-bit range is valid for hex ids
    }
    return check_range(out, spec, where);
}

}  // namespace

std::string parse_value(const KeySpec& spec, std::span<const std::string> words,
                        std::string_view where, Value& out) {
    std::size_t wanted = word_count(spec.type);
    if (words.size() < wanted) {
        return "missing value for '" + std::string(spec.name) + "' in " + std::string(where) +
               (wanted > 1 ? ": expected " + expected_words(spec) : "");
    }
    // `node-address-port HOST PORT TLS-NAME`: XDR seeds may name their certificate.
    bool tls_name_allowed = spec.type == KeyType::HostPort && spec.name.ends_with("node-address-port");
    std::size_t most = max_word_count(spec.type) + (tls_name_allowed ? 1 : 0);
    if (words.size() > most) {
        std::size_t first_extra = most;
        return "too many values for '" + std::string(spec.name) + "' in " + std::string(where) +
               ": expected " + expected_words(spec) + ", got '" + words[first_extra] + "'";
    }
    const std::string& word = words[0];
    switch (spec.type) {
        case KeyType::Int:
        case KeyType::Size:
        case KeyType::Time:
        case KeyType::Hex: return parse_number(spec.type, word, spec, where, out.number);
        case KeyType::Bool:
            if (word != "true" && word != "false") return bad_value(word, spec, where, "true or false");
            out.flag = word == "true";
            return {};
        case KeyType::String:
        case KeyType::Path: out.text = word; return {};
        case KeyType::Enum: {
            int index = choice_index(spec.choices, word);
            if (index < 0) return bad_value(word, spec, where, "one of " + std::string(spec.choices));
            out.choice = static_cast<std::size_t>(index);
            out.text = word;
            return {};
        }
        case KeyType::HostPort: {
            out.host_port.host = word;
            uint64_t port = 0;
            if (!parse_int(words[1], port) || port == 0 || port > 65535) {
                return bad_value(words[1], spec, where, "a port 1..65535");
            }
            out.host_port.port = static_cast<uint32_t>(port);
            if (words.size() > 2) out.host_port.tls_name = words[2];
            return {};
        }
        case KeyType::PathSize:
            out.text = word;
            return parse_number(KeyType::Size, words[1], spec, where, out.number);
        case KeyType::LogContext: {
            int index = choice_index(spec.choices, words[1]);
            if (index < 0) {
                return bad_value(words[1], spec, where, "a log level, one of " + std::string(spec.choices));
            }
            out.text = word;
            out.choice = static_cast<std::size_t>(index);
            return {};
        }
        case KeyType::NsSet:
            // Stored as written, "NS" or "NS SET": the set is optional.
            out.text = words.size() == 2 ? word + " " + words[1] : word;
            return {};
        case KeyType::Stanza: break;
    }
    return "'" + std::string(spec.name) + "' in " + std::string(where) + " opens a stanza: expected '{'";
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
        std::size_t start = pos;
        while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t') ++pos;
        if (pos > start) words.emplace_back(text.substr(start, pos - start));
    }
    return words;
}

int choice_index(std::string_view choices, std::string_view word) {
    int index = 0;
    std::size_t start = 0;
    while (start <= choices.size()) {
        std::size_t end = choices.find('|', start);
        if (end == std::string_view::npos) end = choices.size();
        if (choices.substr(start, end - start) == word) return index;
        ++index;
        start = end + 1;
    }
    return -1;
}

std::string_view choice_name(std::string_view choices, std::size_t index) {
    std::size_t start = 0;
    for (std::size_t i = 0; start <= choices.size(); ++i) {
        std::size_t end = choices.find('|', start);
        if (end == std::string_view::npos) end = choices.size();
        if (i == index) return choices.substr(start, end - start);
        start = end + 1;
    }
    return {};
}

std::string format_size(uint64_t bytes) {
    static constexpr char kSuffixes[] = "KMGTP";
    if (bytes == 0) return "0";
    int shift = 0;
    uint64_t value = bytes;
    while (shift < 5 && value % 1024 == 0) {
        value /= 1024;
        ++shift;
    }
    if (shift == 0) return std::to_string(bytes);
    return std::to_string(value) + kSuffixes[shift - 1];
}

}  // namespace conf
