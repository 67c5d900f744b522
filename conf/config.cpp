// Lookups and default-filled builders for the config structs.

#include "conf/config.h"

#include <utility>

#include "bindings.h"

namespace conf {

const SetConfig* Namespace::find_set(std::string_view set_name) const {
    for (const SetConfig& set : sets) {
        if (set.name == set_name) return &set;
    }
    return nullptr;
}

const XdrDc* Xdr::find_dc(std::string_view dc_name) const {
    for (const XdrDc& dc : datacenters) {
        if (dc.name == dc_name) return &dc;
    }
    return nullptr;
}

bool forwards_xdr_writes(const Xdr& xdr, const Namespace& ns) {
    return xdr.forward_xdr_writes || ns.ns_forward_xdr_writes;
}

std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::Critical: return "critical";
        case LogLevel::Warning: return "warning";
        case LogLevel::Info: return "info";
        case LogLevel::Debug: return "debug";
        case LogLevel::Detail: return "detail";
    }
    return "info";
}

std::vector<std::pair<std::string, std::string_view>> ordered_log_levels(const Logging& logging) {
    std::vector<std::pair<std::string, std::string_view>> out;
    for (const LogSink& sink : logging.sinks) {
        if (auto any = sink.contexts.find("any"); any != sink.contexts.end()) {
            out.emplace_back("any", log_level_name(any->second));
        }
        for (const auto& [context, level] : sink.contexts) {
            if (context != "any") out.emplace_back(context, log_level_name(level));
        }
    }
    return out;
}

const TlsSpec* Network::find_tls(std::string_view tls_name) const {
    for (const TlsSpec& spec : tls) {
        if (spec.name == tls_name) return &spec;
    }
    return nullptr;
}

const Namespace* Config::find_namespace(std::string_view ns_name) const {
    for (const Namespace& ns : namespaces) {
        if (ns.name == ns_name) return &ns;
    }
    return nullptr;
}

Namespace* Config::find_namespace(std::string_view ns_name) {
    for (Namespace& ns : namespaces) {
        if (ns.name == ns_name) return &ns;
    }
    return nullptr;
}

Config make_config() {
    Config config;
    apply_defaults(config.service, "service");
    apply_defaults(config.network.service, "network.service");
    apply_defaults(config.network.heartbeat, "network.heartbeat");
    apply_defaults(config.network.fabric, "network.fabric");
    apply_defaults(config.network.info, "network.info");
    apply_defaults(config.xdr, "xdr");
    apply_defaults(config.mod_lua, "mod-lua");
    apply_defaults(config.security, "security");
    apply_defaults(config.security.log, "security.log");
    config.security.enabled = false;  // only a `security { }` stanza turns it on
    return config;
}

Namespace make_namespace(std::string name) {
    Namespace ns;
    ns.name = std::move(name);
    apply_defaults(ns, "namespace");
    apply_defaults(ns.device, "namespace.storage-engine");
    return ns;
}

SetConfig make_set(std::string name) {
    SetConfig set;
    set.name = std::move(name);
    apply_defaults(set, "namespace.set");
    return set;
}

XdrDc make_dc(std::string name) {
    XdrDc dc;
    dc.name = std::move(name);
    apply_defaults(dc, "xdr.datacenter");
    return dc;
}

}  // namespace conf
