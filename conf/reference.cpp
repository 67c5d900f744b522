// reference_markdown(): docs/config-reference.md, generated from the key table so the
// documentation cannot drift from what the parser accepts.

#include <string>

#include "conf/key_table.h"
#include "values.h"

namespace conf {

namespace {

// Markdown table cells may not contain a raw `|`.
std::string cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

std::string bound(const KeySpec& spec, int64_t value) {
    if (spec.type == KeyType::Size || spec.type == KeyType::PathSize) {
        return format_size(static_cast<uint64_t>(value));
    }
    return std::to_string(value);
}

std::string range(const KeySpec& spec) {
    switch (spec.type) {
        case KeyType::Int:
        case KeyType::Size:
        case KeyType::Time:
        case KeyType::PathSize:
            if (spec.max == kNoMax) return spec.min == 0 ? "" : ">= " + bound(spec, spec.min);
            return bound(spec, spec.min) + ".." + bound(spec, spec.max);
        case KeyType::Enum:
        case KeyType::LogContext: return cell(spec.choices);
        default: return "";
    }
}

std::string heading(std::string_view context) {
    if (context.empty()) return "Top level";
    std::string out(context);
    if (context == "namespace") out += " NAME";
    if (context == "namespace.storage-engine") out = "namespace.storage-engine device";
    if (context == "namespace.storage-memory") out = "namespace.storage-engine memory (7.x-8.x)";
    if (context == "xdr.dc") out = "xdr.dc NAME (5.x-8.x)";
    if (context == "xdr.dc.namespace") out = "xdr.dc.namespace NAME (5.x-8.x)";
    if (context == "namespace.set") out = "namespace.set NAME";
    if (context == "xdr.datacenter") out = "xdr.datacenter NAME";
    if (context == "logging.file") out = "logging.file PATH";
    return out;
}

std::string_view form(Dialect dialect) {
    switch (dialect) {
        case Dialect::Any: return "";
        case Dialect::Xdr4: return "4.x";
        case Dialect::Xdr5: return "5.x-8.x";
        case Dialect::Storage6: return "4.x-6.x";
        case Dialect::Storage7: return "7.x-8.x";
    }
    return "";
}

}  // namespace

std::string reference_markdown() {
    std::string out =
        "# Configuration reference\n"
        "\n"
        "<!-- Generated from conf/key_table.cpp by conf::reference_markdown(); do not edit.\n"
        "     Regenerate: CONF_REGENERATE=1 ./unit_conf \"[reference]\" -->\n"
        "\n"
        "The file uses Aerospike's stanza syntax: `name [ARG] {` ... `}`, one `key value` per line,\n"
        "`#` starts a comment. Value syntax:\n"
        "\n"
        "- size: bytes, or a number with suffix K, M, G, T or P (powers of 1024, any case): `4G`.\n"
        "- time: seconds, or a number with suffix s, m, h or d: `30d`.\n"
        "- bool: `true` or `false`.\n"
        "- enum: one of the listed names, exactly.\n"
        "\n"
        "*Dynamic* keys can be changed at runtime with `set-config`, and each changes behaviour\n"
        "at once; a key read only at start-up is static, and `set-config` refuses it (`... is\n"
        "not dynamic: change it in the file and restart`). One `set-config` with several keys\n"
        "applies all of them or none. asd takes `context=service|network|namespace|logging`,\n"
        "and passes `context=xdr` on to the node's xdr daemon, which answers it. Keys of the\n"
        "real server that this project does not implement stop\n"
        "start-up with the reason at their line (marked \"Refused at start-up\" below).\n"
        "\n"
        "Both forms of the file parse. The *form* column marks keys of one form only: the XDR\n"
        "keys of 4.x or of 5.x-8.x (a file may use one of the two), and the storage keys of\n"
        "4.x-6.x or of 7.x-8.x (one namespace may use one of the two). A 5.x-8.x key that\n"
        "names a 4.x setting stores into it, and `get-config` prints the 4.x name.\n"
        "`get-config` prints sizes in bytes and times in seconds. *Repeatable* keys may appear\n"
        "several times.\n";
    std::string_view context = "\x01";  // no real context
    for (const KeySpec& spec : key_table()) {
        if (spec.context != context) {
            context = spec.context;
            out += "\n## " + heading(context) + "\n\n";
            out += "| key | type | default | range | dynamic | repeatable | form | description |\n";
            out += "|---|---|---|---|---|---|---|---|\n";
        }
        out += "| `" + std::string(spec.name) + "` | " + std::string(type_name(spec.type)) + " | " +
               (spec.default_value.empty() ? "" : "`" + cell(spec.default_value) + "`") + " | " +
               range(spec) + " | " + (spec.dynamic ? "yes" : "no") + " | " +
               (spec.repeatable ? "yes" : "no") + " | " + std::string(form(spec.dialect)) + " | " +
               (spec.unsupported.empty()
                    ? cell(spec.description)
                    : "**Refused at start-up:** " + cell(spec.unsupported) + ". (" + cell(spec.description) + ")") +
               " |\n";
    }
    return out;
}

}  // namespace conf
