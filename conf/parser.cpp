// Statements -> Config. One recursive-descent reader, read_block(), does everything that is
// the same for every stanza (key lookup in the table, duplicate keys, stanza syntax, the
// missing '}' at end of file); a handler per stanza decides where values go. Values are
// parsed and range-checked by values.cpp and stored through bindings.cpp, so adding a key
// means one table row and one binding, never parser code.

#include <algorithm>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unistd.h>
#include <vector>

#include "bindings.h"
#include "conf/dc_credentials.h"
#include "conf/config_error.h"
#include "conf/key_table.h"
#include "conf/loader.h"
#include "lexer.h"
#include "validate.h"
#include "values.h"

namespace conf {

namespace {

constexpr std::size_t kMaxNamespaceName = 31;
constexpr std::size_t kMaxSetName = 63;

// The stanza being read.
struct Block {
    std::string_view context;  // table context
    std::string where;         // for messages: "network.service", "namespace 'test'"
    std::string opener;        // for "missing '}'": "namespace test"
    int line = 0;              // line of the opening `{`; 0 for the top level
};

// An xdr-remote-datacenter reference, checked once the whole file is read.
struct DcRef {
    std::string ns;
    std::string dc;
    int line;
};

// The first key seen of one dialect: its name and line, for the "do not mix" message.
struct DialectUse {
    Dialect dialect = Dialect::Any;
    std::string key;
    int line = 0;
};

// A 5.x-8.x `dc NAME { namespace NAME { ... } }` block, folded into the namespaces and the
// xdr settings once the whole file is read.
struct XdrNamespaceBlock {
    std::string dc;
    std::string ns;
    int line = 0;
    std::map<std::string, Value, std::less<>> values;  // key -> value, table defaults included
    std::map<std::string, int, std::less<>> lines;      // key -> line, for keys written in the block
    std::vector<std::string> shipped_sets;
    std::vector<std::string> ignored_sets;
};

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
    return out;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

class Parser {
public:
    Parser(std::string_view text, std::string_view source) : lexed_(lex(text)), source_(source) {}

    Config run() {
        config_ = make_config();
        config_.source = source_;
        Block top{"", "top level", "", 0};
        read_block(top, [this](const KeySpec& spec, const Statement& stmt) { top_stanza(spec, stmt); });
        finish();
        return std::move(config_);
    }

private:
    [[noreturn]] void fail(int line, const std::string& message) const {
        throw ConfigError(source_, line, message);
    }

    // Reads statements up to the block's `}` (or end of file at the top level), checking
    // each against the table, and hands each known key or stanza to `handler`.
    template <class Handler>
    void read_block(const Block& block, Handler&& handler) {
        const bool top = block.line == 0;
        std::unordered_map<std::string_view, int> seen;  // non-repeatable name -> first line
        while (next_ < lexed_.statements.size()) {
            const Statement& stmt = lexed_.statements[next_++];
            if (stmt.words.empty()) {
                if (stmt.end == Statement::End::Open) fail(stmt.line, "unexpected '{'");
                if (top) fail(stmt.line, "unexpected '}'");
                return;
            }
            const KeySpec& spec = lookup(block, stmt);
            note_dialect(spec.dialect, spec.name, stmt.line);
            if (!spec.repeatable) {
                auto [it, inserted] = seen.emplace(spec.name, stmt.line);
                if (!inserted) {
                    std::string kind = spec.type == KeyType::Stanza ? "stanza " : "key ";
                    fail(stmt.line, "duplicate " + kind + quoted(spec.name) +
                                        (top ? "" : " in " + block.where) + " (first at line " +
                                        std::to_string(it->second) + ")");
                }
            }
            if (spec.type == KeyType::Stanza) check_stanza_syntax(spec, stmt, block);
            handler(spec, stmt);
            if (stmt.end == Statement::End::Close) {
                if (top) fail(stmt.line, "unexpected '}'");
                return;
            }
        }
        if (!top) {
            fail(lexed_.last_line, "missing '}' for " + quoted(block.opener) + " opened at line " +
                                       std::to_string(block.line));
        }
    }

    const KeySpec& lookup(const Block& block, const Statement& stmt) const {
        const std::string& name = stmt.words[0];
        if (const KeySpec* spec = find_key(block.context, name)) {
            if (!spec->unsupported.empty()) {
                fail(stmt.line, quoted(name) + " in " + block.where + " is not supported: " + std::string(spec->unsupported));
            }
            return *spec;
        }
        if (block.line == 0) fail(stmt.line, "unknown context " + quoted(name));
        std::string kind = stmt.end == Statement::End::Open ? "unknown stanza " : "unknown key ";
        fail(stmt.line, kind + quoted(name) + " in " + block.where);
    }

    // Remembers the first key of each dialect; a key of the other form in the same scope (the
    // file's XDR settings, or one namespace's storage settings) stops the parse at its line.
    void note_dialect(Dialect dialect, std::string_view key, int line) {
        if (dialect == Dialect::Any) return;
        bool xdr = dialect == Dialect::Xdr4 || dialect == Dialect::Xdr5;
        DialectUse& use = xdr ? xdr_form_ : storage_form_;
        if (use.dialect == Dialect::Any) {
            use = {dialect, std::string(key), line};
            return;
        }
        if (use.dialect == dialect) return;
        std::string scope = xdr ? "the file's XDR settings use " : "namespace " + quoted(namespace_name_) + " uses ";
        fail(line, quoted(key) + " is " + std::string(dialect_name(dialect)) + ", but " + scope +
                       std::string(dialect_name(use.dialect)) + " (" + quoted(use.key) + " at line " +
                       std::to_string(use.line) + "); write them in one form");
    }

    // `name {` or, for repeatable stanzas, `name ARG {`.
    void check_stanza_syntax(const KeySpec& spec, const Statement& stmt, const Block& block) const {
        std::string suffix = block.line == 0 ? "" : " in " + block.where;
        std::size_t wanted = spec.repeatable ? 2 : 1;
        if (stmt.words.size() < wanted) fail(stmt.line, "missing name for " + quoted(spec.name) + suffix);
        if (stmt.words.size() > wanted) {
            fail(stmt.line, "unexpected " + quoted(stmt.words[wanted]) + " after " +
                                quoted(joined({stmt.words.begin(), stmt.words.begin() + wanted})));
        }
        if (stmt.end != Statement::End::Open) {
            fail(stmt.line, "expected '{' after " + quoted(joined(stmt.words)) + suffix);
        }
    }

    void reject_block(const KeySpec& spec, const Statement& stmt, const Block& block) const {
        if (stmt.end == Statement::End::Open) {
            fail(stmt.line, quoted(spec.name) + " in " + block.where + " takes a value, not a '{' block");
        }
    }

    std::span<const std::string> args(const Statement& stmt) const {
        return std::span<const std::string>(stmt.words).subspan(1);
    }

    Value parse(const KeySpec& spec, const Statement& stmt, const Block& block) const {
        reject_block(spec, stmt, block);
        Value value;
        if (std::string error = parse_value(spec, args(stmt), block.where, value); !error.empty()) {
            fail(stmt.line, error);
        }
        return value;
    }

    // The common case: parse the value and store it through the key's binding.
    template <class T>
    void store(T& obj, const KeySpec& spec, const Statement& stmt, const Block& block) const {
        Value value = parse(spec, stmt, block);
        if (spec.context == "network.heartbeat" && spec.name == "mode" && value.text == "multicast") {
            fail(stmt.line, "heartbeat mode multicast is not supported: use mode mesh with mesh-seed-address-port");
        }
        if (std::string error = assign(obj, spec, value, block.where); !error.empty()) {
            fail(stmt.line, error);
        }
    }

    // A stanza whose keys all go straight into `obj`.
    template <class T>
    void read_plain(T& obj, const Block& block) {
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) { store(obj, spec, stmt, block); });
    }

    static Block child(std::string_view context, std::string where, const Statement& stmt) {
        return Block{context, std::move(where), joined(stmt.words), stmt.line};
    }

    void top_stanza(const KeySpec& spec, const Statement& stmt) {
        std::string_view name = spec.name;
        if (name == "service") {
            read_plain(config_.service, child("service", "service", stmt));
        } else if (name == "logging") {
            parse_logging(child("logging", "logging", stmt));
        } else if (name == "network") {
            network_line_ = stmt.line;
            parse_network(child("network", "network", stmt));
        } else if (name == "namespace") {
            parse_namespace(stmt);
        } else if (name == "xdr") {
            xdr_line_ = stmt.line;
            parse_xdr(child("xdr", "xdr", stmt));
        } else if (name == "security") {
            security_line_ = stmt.line;
            parse_security(child("security", "security", stmt));
        } else {
            read_plain(config_.mod_lua, child("mod-lua", "mod-lua", stmt));
        }
    }

    // ---- security ---------------------------------------------------------------------------

    void parse_security(const Block& block) {
        Security& security = config_.security;
        security.enabled = true;  // the stanza's presence (5.7+); enable-security may turn it off
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            if (spec.name == "log") return read_plain(security.log, child("security.log", "security.log", stmt));
            store(security, spec, stmt, block);
            if (spec.name == "session-ttl") session_ttl_line_ = stmt.line;
        });
    }

    // After the whole file: what security cannot be combined with.
    void check_security() {
        const Security& security = config_.security;
        if (!security.enabled) return;
        // The real server's floor; tests of token expiry may go below it on a node built for faults.
        constexpr uint32_t kMinSessionTtl = 120;
        if (security.session_ttl < kMinSessionTtl && !config_.service.enable_fault_injection) {
            fail(session_ttl_line_, "session-ttl " + std::to_string(security.session_ttl) + " in security is below " +
                                        std::to_string(kMinSessionTtl) +
                                        " (allowed only with service enable-fault-injection true)");
        }
    }

    // ---- logging ----------------------------------------------------------------------------

    void parse_logging(const Block& block) {
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            LogSink sink;
            sink.line = stmt.line;
            if (spec.name == "file") {
                sink.kind = LogSinkKind::File;
                sink.path = stmt.words[1];
                for (const LogSink& other : config_.logging.sinks) {
                    if (other.kind == LogSinkKind::File && other.path == sink.path) {
                        fail(stmt.line, "duplicate log file " + quoted(sink.path) +
                                            " (first defined at line " + std::to_string(other.line) + ")");
                    }
                }
                parse_sink(sink, child("logging.file", "logging.file " + quoted(sink.path), stmt));
            } else {
                parse_sink(sink, child("logging.console", "logging.console", stmt));
            }
            config_.logging.sinks.push_back(std::move(sink));
        });
    }

    void parse_sink(LogSink& sink, const Block& block) {
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            Value value = parse(spec, stmt, block);
            sink.contexts[value.text] = static_cast<LogLevel>(value.choice);
        });
    }

    // ---- network ----------------------------------------------------------------------------

    void parse_network(const Block& block) {
        Network& net = config_.network;
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            std::string context = "network." + std::string(spec.name);
            std::string where = context;
            if (spec.name == "info" || spec.name == "admin") {
                // 8.x renamed the info endpoint `admin`; both names fill the same endpoint.
                if (info_line_ != 0) {
                    fail(stmt.line, "network has both 'info' and 'admin' (line " + std::to_string(info_line_) +
                                        "): they are the same endpoint here; keep one");
                }
                info_line_ = stmt.line;
                context = "network.info";
            }
            if (spec.name == "tls") return parse_tls(stmt);
            Block sub = child(context, where, stmt);  // `context` outlives the read
            if (spec.name == "heartbeat") {
                heartbeat_line_ = stmt.line;
                read_node_link(net.heartbeat, sub);
            } else if (spec.name == "fabric") {
                fabric_line_ = stmt.line;
                read_node_link(net.fabric, sub);
            } else {
                Endpoint& endpoint = spec.name == "service" ? net.service
                                     : spec.name == "fabric" ? net.fabric
                                                             : net.info;  // info or admin
                read_plain(endpoint, sub);
            }
        });
    }

    // The heartbeat or fabric stanza. As in the real server, a node whose file gives a
    // tls-port and no port has no plaintext listener there: `port`'s default is dropped.
    template <class T>
    void read_node_link(T& link, const Block& block) {
        bool port_given = false;
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            port_given = port_given || spec.name == "port";
            store(link, spec, stmt, block);
        });
        if (link.tls_port != 0 && !port_given) link.port = 0;
    }

    void parse_tls(const Statement& stmt) {
        TlsSpec tls;
        tls.name = stmt.words[1];
        tls.line = stmt.line;
        if (const TlsSpec* first = config_.network.find_tls(tls.name)) {
            fail(stmt.line, "duplicate tls " + quoted(tls.name) + " (first defined at line " +
                                std::to_string(first->line) + ")");
        }
        apply_defaults(tls, "network.tls");
        read_plain(tls, child("network.tls", "network.tls " + quoted(tls.name), stmt));
        if (tls.cert_file.empty() || tls.key_file.empty()) {
            fail(stmt.line, "tls " + quoted(tls.name) + " needs cert-file and key-file");
        }
        config_.network.tls.push_back(std::move(tls));
    }

    // After the whole file: a DC's tls-name names a tls stanza of this file (the link's
    // CA and certificate), since xdr reads the same file as asd.
    void check_xdr_tls_references() {
        for (const XdrDc& dc : config_.xdr.datacenters) {
            if (!dc.tls_name.empty() && !config_.network.find_tls(dc.tls_name)) {
                fail(dc.line, "datacenter " + quoted(dc.name) + " tls-name " + quoted(dc.tls_name) + " names no `tls " +
                                  dc.tls_name + " { }` stanza in network");
            }
            for (const HostPort& node : dc.nodes) {
                if (!node.tls_name.empty() && dc.tls_name.empty()) {
                    fail(dc.line, "datacenter " + quoted(dc.name) + ": " + node.host + " " + std::to_string(node.port) +
                                      " names TLS name " + quoted(node.tls_name) +
                                      " but the datacenter has no tls-name (the tls stanza with its CA)");
                }
            }
        }
    }

    // After the whole file: a TLS listener names a tls stanza that exists.
    void check_tls_references() {
        Network& net = config_.network;
        check_node_link_tls("heartbeat", heartbeat_line_, net.heartbeat.port, net.heartbeat.tls_port,
                            net.heartbeat.tls_name);
        check_node_link_tls("fabric", fabric_line_, net.fabric.port, net.fabric.tls_port, net.fabric.tls_name);
        if (!net.heartbeat.tls_mesh_seeds.empty() && net.heartbeat.tls_port == 0) {
            fail(heartbeat_line_, "network.heartbeat has tls-mesh-seed-address-port but no tls-port: a node "
                                  "without a TLS heartbeat does not reach seeds over TLS");
        }
        check_service_tls();
    }

    // Heartbeat and fabric TLS is mutual, as node-to-node TLS always is in Aerospike: the
    // stanza needs a CA to verify the peer with. `<hostname>` and `<cluster-name>` in
    // tls-name are resolved first, as the real server does (cf_resolve_tls_name).
    void check_node_link_tls(const std::string& link, int line, uint32_t port, uint32_t tls_port,
                             std::string& tls_name) {
        if (line == 0) line = network_line_;
        std::string where = "network." + link;
        if (tls_port == 0 && tls_name.empty()) return;
        if (tls_port == 0) fail(line, where + " has tls-name but no tls-port");
        if (tls_name.empty()) fail(line, where + " has tls-port but no tls-name");
        if (tls_port == port) fail(line, where + " tls-port " + std::to_string(tls_port) + " is also its port");
        if (tls_name == "<hostname>") {
            char host[256] = {};
            if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
                fail(line, where + " tls-name <hostname>: the host's name cannot be read");
            }
            tls_name = host;
        } else if (tls_name == "<cluster-name>") {
            if (config_.service.cluster_name.empty()) {
                fail(line, where + " tls-name <cluster-name> needs service cluster-name");
            }
            tls_name = config_.service.cluster_name;
        }
        const TlsSpec* spec = config_.network.find_tls(tls_name);
        if (spec == nullptr) {
            fail(line, where + " tls-name " + quoted(tls_name) + " names no `tls " + tls_name + " { }` stanza in network");
        }
        if (spec->ca_file.empty() && spec->ca_path.empty()) {
            fail(line, where + " tls-name " + quoted(tls_name) + ": tls " + quoted(tls_name) +
                           " needs ca-file or ca-path (node-to-node TLS verifies the peer's certificate)");
        }
    }

    void check_service_tls() {
        const Endpoint& service = config_.network.service;
        if (service.tls_port == 0 && service.tls_name.empty()) return;
        if (service.tls_port == 0) fail(network_line_, "network.service has tls-name but no tls-port");
        if (service.tls_name.empty()) fail(network_line_, "network.service has tls-port but no tls-name");
        if (!config_.network.find_tls(service.tls_name)) {
            fail(network_line_, "network.service tls-name " + quoted(service.tls_name) +
                                    " names no `tls " + service.tls_name + " { }` stanza in network");
        }
        if (service.tls_port == service.port) {
            fail(network_line_, "network.service tls-port " + std::to_string(service.tls_port) + " is also its port");
        }
        const auto& names = service.tls_authenticate_client;
        bool special = std::find_if(names.begin(), names.end(), [](const std::string& n) {
                           return n == "any" || n == "false";
                       }) != names.end();
        if (special && names.size() > 1) {
            fail(network_line_, "network.service tls-authenticate-client: `any` or `false` stands alone");
        }
    }

    // ---- namespace --------------------------------------------------------------------------

    void parse_namespace(const Statement& stmt) {
        const std::string& name = stmt.words[1];
        if (name.size() > kMaxNamespaceName) {
            fail(stmt.line, "namespace name " + quoted(name) + " is longer than " +
                                std::to_string(kMaxNamespaceName) + " characters");
        }
        if (const Namespace* first = config_.find_namespace(name)) {
            fail(stmt.line, "duplicate namespace " + quoted(name) + " (first defined at line " +
                                std::to_string(first->line) + ")");
        }
        Namespace ns = make_namespace(name);
        ns.line = stmt.line;
        namespace_name_ = name;
        storage_form_ = {};
        Block block = child("namespace", "namespace " + quoted(name), stmt);
        bool record_size_given = false;
        read_block(block, [&](const KeySpec& spec, const Statement& key) {
            if (spec.name == "max-record-size") record_size_given = true;
            if (spec.name == "set") {
                parse_set(ns, key, block);
            } else if (spec.name == "storage-engine") {
                parse_storage(ns, spec, key, block);
            } else {
                store_in_namespace(ns, spec, key, block);
                if (spec.name == "xdr-remote-datacenter") dc_refs_.push_back({ns.name, key.words[1], key.line});
            }
        });
        // A record must fit in one write block: a device namespace with smaller blocks and
        // no explicit max-record-size gets the block size as its limit.
        if (!record_size_given && ns.storage_engine == StorageEngine::Device) {
            ns.max_record_size = std::min(ns.max_record_size, ns.device.write_block_size);
        }
        config_.namespaces.push_back(std::move(ns));
    }

    static Value default_of(std::string_view context, std::string_view name) {
        const KeySpec& spec = *find_key(context, name);
        Value value;
        std::string error = parse_value(spec, split_words(spec.default_value), "defaults", value);
        if (!error.empty()) throw std::logic_error("conf key table: " + error);
        return value;
    }

    // Stores a value into the namespace or its storage, following a 5.x-8.x spelling
    // (KeySpec::stored_as) to the key that holds it. "" or the error.
    static std::string assign_to_namespace(Namespace& ns, const KeySpec& spec, Value value, std::string_view where) {
        const KeySpec* target = storage_key(spec);
        if (target == nullptr) target = &spec;
        if (spec.negated) value.flag = !value.flag;
        if (target->context == "namespace") return assign(ns, *target, value, where);
        return assign(ns.device, *target, value, where);
    }

    void store_in_namespace(Namespace& ns, const KeySpec& spec, const Statement& stmt, const Block& block) {
        if (spec.stored_as.empty()) {
            if (spec.context == "namespace") {
                store(ns, spec, stmt, block);
            } else {
                store(ns.device, spec, stmt, block);
            }
            return;
        }
        if (std::string error = assign_to_namespace(ns, spec, parse(spec, stmt, block), block.where); !error.empty()) {
            fail(stmt.line, error);
        }
    }

    // A 7.x-8.x default can differ from the 4.x-6.x one of the key it is stored in
    // (stop-writes-used-pct 70, stop-writes-pct 90): applied for the keys a 7.x-8.x block
    // left out.
    static void apply_modern_defaults(Namespace& ns, std::string_view context, const std::vector<std::string_view>& given) {
        for (const KeySpec& spec : key_table()) {
            if (spec.context != context || spec.stored_as.empty() || spec.default_value.empty()) continue;
            if (std::find(given.begin(), given.end(), spec.name) != given.end()) continue;
            Value value;
            std::string error = parse_value(spec, split_words(spec.default_value), "defaults", value);
            if (error.empty()) error = assign_to_namespace(ns, spec, value, "defaults");
            if (!error.empty()) throw std::logic_error("conf key table: " + error);
        }
    }

    void parse_storage(Namespace& ns, const KeySpec& spec, const Statement& stmt, const Block& block) {
        Value value;
        if (std::string error = parse_value(spec, args(stmt), block.where, value); !error.empty()) {
            fail(stmt.line, error);
        }
        bool has_block = stmt.end == Statement::End::Open;
        ns.storage_engine = static_cast<StorageEngine>(value.choice);
        if (ns.storage_engine == StorageEngine::Memory) {
            if (has_block) parse_memory_block(ns, stmt, block);
            return;
        }
        if (!has_block) fail(stmt.line, "'storage-engine device' needs a '{' block in " + block.where);
        Block sub = child("namespace.storage-engine", block.where + " storage-engine device", stmt);
        std::vector<std::string_view> given;
        bool modern = false;
        read_block(sub, [&](const KeySpec& key, const Statement& line) {
            store_in_namespace(ns, key, line, sub);
            given.push_back(key.name);
            modern = modern || key.dialect == Dialect::Storage7;
        });
        if (modern) apply_modern_defaults(ns, "namespace.storage-engine", given);
        if (ns.device.files.empty() && ns.device.devices.empty()) {
            fail(stmt.line, "storage-engine device in " + block.where + " needs at least one 'file' or 'device'");
        }
    }

    // 7.x-8.x `storage-engine memory { }`: data in memory, optionally kept in files too,
    // which is what 4.x-6.x wrote as `storage-engine device { data-in-memory true }`.
    void parse_memory_block(Namespace& ns, const Statement& stmt, const Block& block) {
        note_dialect(Dialect::Storage7, "storage-engine memory {", stmt.line);
        Block sub = child("namespace.storage-memory", block.where + " storage-engine memory", stmt);
        std::vector<std::string_view> given;
        uint64_t avail_pct = default_of("namespace.storage-memory", "stop-writes-avail-pct").number;
        read_block(sub, [&](const KeySpec& key, const Statement& line) {
            given.push_back(key.name);
            if (key.name == "stop-writes-avail-pct") {
                avail_pct = parse(key, line, sub).number;
            } else {
                store_in_namespace(ns, key, line, sub);
            }
        });
        apply_modern_defaults(ns, "namespace.storage-memory", given);
        bool data_size = std::find(given.begin(), given.end(), "data-size") != given.end();
        if (!ns.device.files.empty() || !ns.device.devices.empty()) {
            ns.storage_engine = StorageEngine::Device;
            ns.device.data_in_memory = true;
            ns.device.min_avail_pct = static_cast<uint32_t>(avail_pct);
            if (!data_size) {
                if (!ns.device.devices.empty()) {
                    fail(stmt.line, "'storage-engine memory' with 'device' lines needs data-size in " + block.where);
                }
                ns.memory_size = ns.device.filesize * ns.device.files.size();
            }
            return;
        }
        if (!data_size) fail(stmt.line, "'storage-engine memory' needs data-size (or file lines) in " + block.where);
        uint32_t used = ns.stop_writes_pct == 0 ? 100 : ns.stop_writes_pct;
        ns.stop_writes_pct = std::min(used, static_cast<uint32_t>(100 - avail_pct));
    }

    void parse_set(Namespace& ns, const Statement& stmt, const Block& block) {
        const std::string& name = stmt.words[1];
        if (name.size() > kMaxSetName) {
            fail(stmt.line, "set name " + quoted(name) + " is longer than " + std::to_string(kMaxSetName) +
                                " characters in " + block.where);
        }
        if (const SetConfig* first = ns.find_set(name)) {
            fail(stmt.line, "duplicate set " + quoted(name) + " in " + block.where + " (first defined at line " +
                                std::to_string(first->line) + ")");
        }
        SetConfig set = make_set(name);
        set.line = stmt.line;
        read_plain(set, child("namespace.set", "set " + quoted(name) + " in " + block.where, stmt));
        ns.sets.push_back(std::move(set));
    }

    // ---- xdr --------------------------------------------------------------------------------

    void parse_xdr(const Block& block) {
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            if (spec.name != "datacenter" && spec.name != "dc") {
                store(config_.xdr, spec, stmt, block);
                return;
            }
            const std::string& name = stmt.words[1];
            if (const XdrDc* first = config_.xdr.find_dc(name)) {
                fail(stmt.line, "duplicate datacenter " + quoted(name) + " (first defined at line " +
                                    std::to_string(first->line) + ")");
            }
            XdrDc dc = make_dc(name);
            dc.line = stmt.line;
            if (spec.name == "datacenter") {
                read_plain(dc, child("xdr.datacenter", "datacenter " + quoted(name), stmt));
            } else {
                parse_dc(dc, child("xdr.dc", "dc " + quoted(name), stmt));
            }
            config_.xdr.datacenters.push_back(std::move(dc));
        });
    }

    // 5.x-8.x `dc NAME { node-address-port ...; namespace NAME { } }`.
    void parse_dc(XdrDc& dc, const Block& block) {
        read_block(block, [&](const KeySpec& spec, const Statement& stmt) {
            if (spec.name == "namespace") {
                parse_dc_namespace(dc.name, stmt, block);
                return;
            }
            // A key of the 5.x form alone (auth-*) is stored under its own name.
            const KeySpec* target = storage_key(spec);
            if (std::string error = assign(dc, target ? *target : spec, parse(spec, stmt, block), block.where);
                !error.empty()) {
                fail(stmt.line, error);
            }
        });
    }

    void parse_dc_namespace(const std::string& dc, const Statement& stmt, const Block& parent) {
        XdrNamespaceBlock entry;
        entry.dc = dc;
        entry.ns = stmt.words[1];
        entry.line = stmt.line;
        for (const XdrNamespaceBlock& other : xdr_namespaces_) {
            if (other.dc == dc && other.ns == entry.ns) {
                fail(stmt.line, "duplicate namespace " + quoted(entry.ns) + " in " + parent.where + " (first at line " +
                                    std::to_string(other.line) + ")");
            }
        }
        for (const KeySpec& spec : key_table()) {
            if (spec.context == "xdr.dc.namespace" && !spec.default_value.empty() && spec.unsupported.empty()) {
                entry.values[std::string(spec.name)] = default_of(spec.context, spec.name);
            }
        }
        Block block = child("xdr.dc.namespace", "namespace " + quoted(entry.ns) + " in " + parent.where, stmt);
        read_block(block, [&](const KeySpec& spec, const Statement& key) {
            Value value = parse(spec, key, block);
            std::string_view name = spec.name;
            if (name == "shipped-sets" || name == "ignored-sets") {
                (name == "shipped-sets" ? entry.shipped_sets : entry.ignored_sets).push_back(value.text);
                return;
            }
            if (name == "bin-policy" && value.text != "all") {
                fail(key.line, "'bin-policy " + value.text + "' is not supported in " + block.where +
                                   ": xdr ships whole records (bin-policy all)");
            }
            if (name == "write-policy" && value.text == "update") {
                fail(key.line, "'write-policy update' is not supported in " + block.where +
                                   ": a shipped record replaces the remote one (write-policy auto or replace)");
            }
            if (name == "delay-ms" && value.number != 0) {
                fail(key.line, "'delay-ms' other than 0 is not supported in " + block.where +
                                   ": hot-key-ms groups repeated writes of one key");
            }
            entry.values[std::string(name)] = std::move(value);
            entry.lines[std::string(name)] = key.line;
        });
        xdr_namespaces_.push_back(std::move(entry));
    }

    // ---- 5.x-8.x XDR into the 4.x model -----------------------------------------------------

    static bool same(const Value& a, const Value& b) {
        return a.number == b.number && a.flag == b.flag && a.text == b.text;
    }

    static int line_of(const XdrNamespaceBlock& entry, const std::string& key) {
        auto it = entry.lines.find(key);
        return it == entry.lines.end() ? entry.line : it->second;
    }

    // Aerospike keeps these per DC and namespace; here one value serves them all (`scope`),
    // so a file that gives two values is refused rather than half applied.
    void require_same(const XdrNamespaceBlock& first, const XdrNamespaceBlock& other, const std::string& key,
                      std::string_view scope) const {
        if (same(first.values.at(key), other.values.at(key))) return;
        fail(line_of(other, key), quoted(key) + " in namespace " + quoted(other.ns) + " of dc " + quoted(other.dc) +
                                      " differs from namespace " + quoted(first.ns) + " of dc " + quoted(first.dc) +
                                      " (line " + std::to_string(first.line) + "): this project applies one value to " +
                                      std::string(scope));
    }

    static std::vector<std::string> sorted(std::vector<std::string> names) {
        std::sort(names.begin(), names.end());
        return names;
    }

    void ship_sets(Namespace& ns, const std::vector<std::string>& names, bool ship, int line) {
        for (const std::string& name : names) {
            if (name.size() > kMaxSetName) {
                fail(line, "set name " + quoted(name) + " is longer than " + std::to_string(kMaxSetName) + " characters");
            }
            auto it = std::find_if(ns.sets.begin(), ns.sets.end(), [&](const SetConfig& set) { return set.name == name; });
            if (it == ns.sets.end()) {
                ns.sets.push_back(make_set(name));
                it = ns.sets.end() - 1;
            }
            it->set_enable_xdr = ship;
        }
    }

    void fold_modern_xdr() {
        if (xdr_form_.dialect != Dialect::Xdr5) return;
        Xdr& xdr = config_.xdr;
        xdr.enable_xdr = !xdr.datacenters.empty();
        // The 5.x-8.x form has no place for this project's own files: they default under
        // work-directory, which asd and xdr read from the same file.
        const std::string& work = config_.service.work_directory;
        if (xdr.digestlog_path.empty()) {
            xdr.digestlog_path = work + "/xdr/digestlog";
            xdr.digestlog_size = 256 * 1024 * 1024;
        }
        if (xdr.namedpipe_path.empty()) xdr.namedpipe_path = work + "/xdr/pipe";

        static const std::vector<std::string> kShared = {"enable-compression", "compression-threshold", "ship-nsup-deletes",
                                                         "ignore-expunges", "hot-key-ms", "max-throughput"};
        static const std::vector<std::string> kPerNamespace = {"forward", "ship-only-specified-sets"};
        XdrNamespaceBlock defaults;
        for (const std::string& key : kShared) defaults.values[key] = default_of("xdr.dc.namespace", key);
        const XdrNamespaceBlock* first = nullptr;
        for (const XdrNamespaceBlock& entry : xdr_namespaces_) {
            Namespace* ns = config_.find_namespace(entry.ns);
            if (ns == nullptr) {
                fail(entry.line, "dc " + quoted(entry.dc) + " ships namespace " + quoted(entry.ns) + ", which is not defined");
            }
            if (first != nullptr) {
                for (const std::string& key : kShared) require_same(*first, entry, key, "every DC and namespace");
            }
            auto earlier = std::find_if(xdr_namespaces_.begin(), xdr_namespaces_.end(),
                                        [&](const XdrNamespaceBlock& other) { return other.ns == entry.ns; });
            if (&*earlier != &entry) {
                std::string scope = "every DC namespace " + quoted(entry.ns) + " ships to";
                for (const std::string& key : kPerNamespace) require_same(*earlier, entry, key, scope);
                if (sorted(earlier->shipped_sets) != sorted(entry.shipped_sets) ||
                    sorted(earlier->ignored_sets) != sorted(entry.ignored_sets)) {
                    fail(entry.line, "the shipped-sets and ignored-sets of namespace " + quoted(entry.ns) + " in dc " +
                                         quoted(entry.dc) + " differ from dc " + quoted(earlier->dc) + " (line " +
                                         std::to_string(earlier->line) + "): this project applies one value to " + scope);
                }
            } else {
                ns->enable_xdr = true;
                ns->ns_forward_xdr_writes = entry.values.at("forward").flag;
                ns->sets_enable_xdr = !entry.values.at("ship-only-specified-sets").flag;
                ship_sets(*ns, entry.shipped_sets, true, entry.line);
                ship_sets(*ns, entry.ignored_sets, false, entry.line);
            }
            ns->xdr_remote_datacenters.push_back(entry.dc);
            if (first == nullptr) first = &entry;
        }
        const XdrNamespaceBlock& shared = first != nullptr ? *first : defaults;
        xdr.compression_threshold =
            shared.values.at("enable-compression").flag ? shared.values.at("compression-threshold").number : 0;
        xdr.hotkey_time_ms = static_cast<uint32_t>(shared.values.at("hot-key-ms").number);
        xdr.max_ship_throughput = shared.values.at("max-throughput").number;
        xdr.delete_shipping_enabled = !shared.values.at("ignore-expunges").flag;
        xdr.nsup_deletes_enabled = shared.values.at("ship-nsup-deletes").flag;
        xdr.forward_xdr_writes = false;  // forwarding is per namespace (ns-forward-xdr-writes)
    }

    // ---- whole-file checks ------------------------------------------------------------------

    void finish() {
        if (config_.namespaces.empty()) fail(lexed_.last_line, "no namespace defined");
        fold_modern_xdr();
        for (const Namespace& ns : config_.namespaces) {
            if (std::string error = check_namespace(ns); !error.empty()) fail(ns.line, error);
        }
        for (const DcRef& ref : dc_refs_) {
            if (config_.xdr.find_dc(ref.dc) == nullptr) {
                fail(ref.line, "namespace " + quoted(ref.ns) + " has xdr-remote-datacenter " + quoted(ref.dc) +
                                   " which is not defined in xdr { }");
            }
        }
        if (std::string error = check_xdr(config_.xdr); !error.empty()) {
            fail(xdr_line_ > 0 ? xdr_line_ : lexed_.last_line, error);
        }
        check_tls_references();
        check_xdr_tls_references();
        for (const XdrDc& dc : config_.xdr.datacenters) {
            if (std::string error = check_dc_auth(dc); !error.empty()) fail(dc.line, error);
        }
        check_security();
    }

    Lexed lexed_;
    std::size_t next_ = 0;
    std::string source_;
    Config config_;
    std::vector<DcRef> dc_refs_;
    int xdr_line_ = 0;
    int security_line_ = 0;
    int session_ttl_line_ = 0;
    int info_line_ = 0;  // `info` or `admin` in network
    int network_line_ = 0;
    int heartbeat_line_ = 0;  // of network.heartbeat, network.fabric (0: absent)
    int fabric_line_ = 0;
    DialectUse xdr_form_;
    DialectUse storage_form_;  // of the namespace being read
    std::string namespace_name_;
    std::vector<XdrNamespaceBlock> xdr_namespaces_;
};

}  // namespace

Config parse_string(std::string_view text, std::string_view source_name) {
    return Parser(text, source_name).run();
}

}  // namespace conf
