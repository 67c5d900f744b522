// get-config (render_context) and set-config (apply_dynamic), both driven by the key table:
// render walks a context's rows in table order; apply looks the key up, refuses rows not
// marked dynamic, and reuses the loader's value parser and cross-key checks.

#include "conf/render.h"

#include "bindings.h"
#include "conf/key_table.h"
#include "validate.h"
#include "values.h"

namespace conf {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

template <class T>
void render_keys(const T& obj, std::string_view context, std::string_view prefix, Pairs& out) {
    for (const KeySpec& spec : key_table()) {
        // A refused key cannot be set, so get-config does not show it as a setting.
        if (spec.context != context || spec.type == KeyType::Stanza || !spec.unsupported.empty()) continue;
        if (std::optional<std::string> value = render_member(obj, spec)) {
            out.emplace_back(std::string(prefix) + std::string(spec.name), std::move(*value));
        }
    }
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// The row for a set-config key, or an error message in `error`.
const KeySpec* find_dynamic(std::string_view context, std::string_view key, std::string_view where,
                            Result& error) {
    const KeySpec* spec = find_key(context, key);
    if (spec == nullptr || spec->type == KeyType::Stanza) {
        error = "unknown key " + quoted(key) + " in " + std::string(where);
        return nullptr;
    }
    if (!spec->unsupported.empty()) {
        error = quoted(key) + " in " + std::string(where) + " is not supported: " + std::string(spec->unsupported);
        return nullptr;
    }
    if (!spec->dynamic) {
        error = quoted(key) + " in " + std::string(where) + " is not dynamic: change it in the file and restart";
        return nullptr;
    }
    return spec;
}

template <class T>
Result assign_text(T& obj, const KeySpec& spec, std::string_view where, std::string_view text) {
    Value value;
    std::vector<std::string> words = split_words(text);
    if (Result error = parse_value(spec, words, where, value); !error.empty()) return error;
    return assign(obj, spec, value, where);
}

// Sets `key` on a copy of `obj` (context `context`), runs `check` on the copy, then commits.
template <class T, class Check>
Result set_plain(T& obj, std::string_view context, std::string_view where, std::string_view key,
                 std::string_view text, Check check) {
    Result error;
    const KeySpec* spec = find_dynamic(context, key, where, error);
    if (spec == nullptr) return error;
    T copy = obj;
    if (error = assign_text(copy, *spec, where, text); !error.empty()) return error;
    if (error = check(copy); !error.empty()) return error;
    obj = std::move(copy);
    return {};
}

auto no_check = [](const auto&) { return Result{}; };

Result set_network(Network& net, std::string_view key, std::string_view text) {
    std::size_t dot = key.find('.');
    std::string_view sub = dot == std::string_view::npos ? std::string_view{} : key.substr(0, dot);
    std::string_view name = dot == std::string_view::npos ? key : key.substr(dot + 1);
    std::string context = "network." + std::string(sub);
    if (sub == "heartbeat") return set_plain(net.heartbeat, context, context, name, text, no_check);
    if (sub == "service") return set_plain(net.service, context, context, name, text, no_check);
    if (sub == "fabric") return set_plain(net.fabric, context, context, name, text, no_check);
    if (sub == "info") return set_plain(net.info, context, context, name, text, no_check);
    if (sub.starts_with("tls[") && sub.ends_with("]")) {
        // As in Aerospike, what a stanza names is fixed; the files it names are read again
        // every service tls-refresh-period, which is how certificates change at runtime.
        if (name == "name" || find_key("network.tls", name) != nullptr) {
            return quoted(key) + " in network is not dynamic: replace the file it names (reloaded every service "
                                 "tls-refresh-period seconds), or change it in the file and restart";
        }
    }
    return "unknown key " + quoted(key) + " in network";
}

// A 5.x-8.x spelling of a namespace key (reject-xdr-writes, evict-used-pct, data-size, ...):
// its row, looked up where the namespace's storage puts it, or nullptr.
const KeySpec* modern_spelling(const Namespace& ns, std::string_view key) {
    bool in_memory = ns.storage_engine == StorageEngine::Memory || ns.device.data_in_memory;
    for (std::string_view context : {"namespace", "namespace.storage-memory", "namespace.storage-engine"}) {
        if (context == "namespace.storage-memory" && !in_memory) continue;
        const KeySpec* spec = find_key(context, key);
        if (spec != nullptr && !spec->stored_as.empty()) return spec;
    }
    return nullptr;
}

Result set_namespace(Config& config, std::string_view id, std::string_view key, std::string_view text) {
    Namespace* ns = config.find_namespace(id);
    if (ns == nullptr) return "unknown namespace " + quoted(id);
    std::string where = "namespace " + quoted(id);
    constexpr std::string_view kStoragePrefix = "storage-engine.";
    bool storage = key.starts_with(kStoragePrefix);
    if (storage) key.remove_prefix(kStoragePrefix.size());
    if (const KeySpec* spelling = modern_spelling(*ns, key)) {
        // Checked as written, then set under the name it is stored as.
        Value value;
        if (!spelling->dynamic) return quoted(key) + " in " + where + " is not dynamic: change it in the file and restart";
        if (Result error = parse_value(*spelling, split_words(text), where, value); !error.empty()) return error;
        const KeySpec& target = *storage_key(*spelling);
        std::string stored = spelling->negated ? (value.flag ? "false" : "true") : std::string(text);
        return set_namespace(config, id, target.name, stored);
    }
    storage = storage || (find_key("namespace", key) == nullptr &&
                          find_key("namespace.storage-engine", key) != nullptr);
    if (!storage) return set_plain(*ns, "namespace", where, key, text, check_namespace);
    if (ns->storage_engine != StorageEngine::Device) {
        return quoted(key) + " is a storage-engine device setting and " + where + " keeps its data in memory only";
    }
    // Storage keys are checked against the whole namespace (max-record-size vs block size).
    Namespace copy = *ns;
    Result error = set_plain(copy.device, "namespace.storage-engine", where, key, text, no_check);
    if (error.empty()) error = check_namespace(copy);
    if (error.empty()) *ns = std::move(copy);
    return error;
}

Result set_log_level(Logging& logging, std::string_view sink_name, std::string_view log_context,
                     std::string_view level) {
    for (LogSink& sink : logging.sinks) {
        bool match = sink.kind == LogSinkKind::Console ? sink_name == "console" : sink_name == sink.path;
        if (!match) continue;
        const KeySpec& spec = *find_key(sink.kind == LogSinkKind::Console ? "logging.console" : "logging.file",
                                        "context");
        Value value;
        std::vector<std::string> words{std::string(log_context), std::string(level)};
        if (Result error = parse_value(spec, words, "logging", value); !error.empty()) return error;
        sink.contexts[value.text] = static_cast<LogLevel>(value.choice);
        return {};
    }
    return "unknown log sink " + quoted(sink_name);
}

}  // namespace

Pairs render_context(const Config& config, std::string_view context, std::string_view id) {
    Pairs out;
    if (context == "service") {
        render_keys(config.service, "service", "", out);
    } else if (context == "network") {
        render_keys(config.network.service, "network.service", "service.", out);
        render_keys(config.network.heartbeat, "network.heartbeat", "heartbeat.", out);
        render_keys(config.network.fabric, "network.fabric", "fabric.", out);
        render_keys(config.network.info, "network.info", "info.", out);
        for (size_t i = 0; i < config.network.tls.size(); ++i) {
            std::string prefix = "tls[" + std::to_string(i) + "].";
            out.emplace_back(prefix + "name", config.network.tls[i].name);
            render_keys(config.network.tls[i], "network.tls", prefix, out);
        }
    } else if (context == "namespace") {
        if (const Namespace* ns = config.find_namespace(id)) {
            render_keys(*ns, "namespace", "", out);
            if (ns->storage_engine == StorageEngine::Device) {
                render_keys(ns->device, "namespace.storage-engine", "storage-engine.", out);
            }
        }
    } else if (context == "logging") {
        for (const LogSink& sink : config.logging.sinks) {
            std::string name = sink.kind == LogSinkKind::Console ? "console" : sink.path;
            const KeySpec& spec = *find_key("logging.console", "context");
            for (const auto& [log_context, level] : sink.contexts) {
                out.emplace_back(name + ":" + log_context,
                                 std::string(choice_name(spec.choices, static_cast<std::size_t>(level))));
            }
        }
    } else if (context == "xdr") {
        if (id.empty()) {
            render_keys(config.xdr, "xdr", "", out);
        } else if (const XdrDc* dc = config.xdr.find_dc(id)) {
            render_keys(*dc, "xdr.datacenter", "", out);
            for (std::string_view key : {"auth-mode", "auth-user", "auth-password-file"}) {
                if (std::optional<std::string> value = render_member(*dc, *find_key("xdr.dc", key))) {
                    out.emplace_back(std::string(key), std::move(*value));
                }
            }
        }
    } else if (context == "mod-lua") {
        render_keys(config.mod_lua, "mod-lua", "", out);
    } else if (context == "security" && config.security.enabled) {
        render_keys(config.security, "security", "", out);
        render_keys(config.security.log, "security.log", "log.", out);
    }
    return out;
}

Result apply_dynamic(Config& config, std::string_view context, std::string_view id, std::string_view key,
                     std::string_view value) {
    if (context == "service") return set_plain(config.service, "service", "service", key, value, no_check);
    if (context == "network") return set_network(config.network, key, value);
    if (context == "namespace") return set_namespace(config, id, key, value);
    if (context == "logging") return set_log_level(config.logging, id, key, value);
    if (context == "mod-lua") return set_plain(config.mod_lua, "mod-lua", "mod-lua", key, value, no_check);
    if (context == "security") {
        if (!config.security.enabled) return "security is not enabled (no security stanza)";
        return set_plain(config.security, "security", "security", key, value, no_check);
    }
    if (context == "xdr") {
        if (id.empty()) return set_plain(config.xdr, "xdr", "xdr", key, value, check_xdr);
        XdrDc* dc = nullptr;
        for (XdrDc& candidate : config.xdr.datacenters) {
            if (candidate.name == id) dc = &candidate;
        }
        if (dc == nullptr) return "unknown datacenter " + quoted(id);
        return set_plain(*dc, "xdr.datacenter", "datacenter " + quoted(id), key, value, no_check);
    }
    return "unknown context " + quoted(context);
}

}  // namespace conf
