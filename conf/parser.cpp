// Statements -> Config. One recursive-descent reader, read_block(), does everything that is
// the same for every stanza (key lookup in the table, duplicate keys, stanza syntax, the
// missing '}' at end of file); a handler per stanza decides where values go. Values are
// parsed and range-checked by values.cpp and stored through bindings.cpp, so adding a key
// means one table row and one binding, never parser code.

#include <algorithm>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "bindings.h"
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
            parse_network(child("network", "network", stmt));
        } else if (name == "namespace") {
            parse_namespace(stmt);
        } else if (name == "xdr") {
            xdr_line_ = stmt.line;
            parse_xdr(child("xdr", "xdr", stmt));
        } else {
            read_plain(config_.mod_lua, child("mod-lua", "mod-lua", stmt));
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
            Block sub = child(context, context, stmt);  // `context` outlives the read
            if (spec.name == "heartbeat") {
                read_plain(net.heartbeat, sub);
            } else {
                Endpoint& endpoint = spec.name == "service" ? net.service
                                     : spec.name == "fabric" ? net.fabric
                                                             : net.info;
                read_plain(endpoint, sub);
            }
        });
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
        Block block = child("namespace", "namespace " + quoted(name), stmt);
        bool record_size_given = false;
        read_block(block, [&](const KeySpec& spec, const Statement& key) {
            if (spec.name == "max-record-size") record_size_given = true;
            if (spec.name == "set") {
                parse_set(ns, key, block);
            } else if (spec.name == "storage-engine") {
                parse_storage(ns, spec, key, block);
            } else {
                store(ns, spec, key, block);
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

    void parse_storage(Namespace& ns, const KeySpec& spec, const Statement& stmt, const Block& block) {
        Value value;
        if (std::string error = parse_value(spec, args(stmt), block.where, value); !error.empty()) {
            fail(stmt.line, error);
        }
        bool has_block = stmt.end == Statement::End::Open;
        ns.storage_engine = static_cast<StorageEngine>(value.choice);
        if (ns.storage_engine == StorageEngine::Memory) {
            if (has_block) fail(stmt.line, "'storage-engine memory' takes no '{' block in " + block.where);
            return;
        }
        if (!has_block) fail(stmt.line, "'storage-engine device' needs a '{' block in " + block.where);
        read_plain(ns.device, child("namespace.storage-engine", block.where + " storage-engine device", stmt));
        if (ns.device.files.empty() && ns.device.devices.empty()) {
            fail(stmt.line, "storage-engine device in " + block.where + " needs at least one 'file' or 'device'");
        }
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
            if (spec.name != "datacenter") {
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
            read_plain(dc, child("xdr.datacenter", "datacenter " + quoted(name), stmt));
            config_.xdr.datacenters.push_back(std::move(dc));
        });
    }

    // ---- whole-file checks ------------------------------------------------------------------

    void finish() const {
        if (config_.namespaces.empty()) fail(lexed_.last_line, "no namespace defined");
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
    }

    Lexed lexed_;
    std::size_t next_ = 0;
    std::string source_;
    Config config_;
    std::vector<DcRef> dc_refs_;
    int xdr_line_ = 0;
};

}  // namespace

Config parse_string(std::string_view text, std::string_view source_name) {
    return Parser(text, source_name).run();
}

}  // namespace conf
