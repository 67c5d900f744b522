// The key registry. This is the one place a key's type, default, range, liveness and
// description are written; everything else (parser, defaults, get-config, set-config,
// docs/config-reference.md) reads them from here. Defaults follow Aerospike server 7.x
// unless the description says otherwise.

#include "conf/key_table.h"

#include <array>

namespace conf {

namespace {

using K = KeyType;

constexpr int64_t kU32 = 4294967295;
constexpr int64_t kPort = 65535;
constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kTenYears = 315360000;

constexpr std::string_view kLevels = "critical|warning|info|debug|detail";

// clang-format off
constexpr std::array kTable = std::to_array<KeySpec>({
    // ---- top level ---------------------------------------------------------------------------
    {"", "service", K::Stanza, "", 0, 0, false, false, "Process-wide settings."},
    {"", "logging", K::Stanza, "", 0, 0, false, false, "Log sinks and their per-context levels."},
    {"", "network", K::Stanza, "", 0, 0, false, false, "Listening addresses and ports."},
    {"", "namespace", K::Stanza, "", 0, 0, false, true,
     "A namespace (`namespace NAME {`); at least one is required. Name up to 31 characters."},
    {"", "xdr", K::Stanza, "", 0, 0, false, false, "Cross-datacenter replication."},
    {"", "mod-lua", K::Stanza, "", 0, 0, false, false, "Lua UDF settings."},

    // ---- service -----------------------------------------------------------------------------
    {"service", "cluster-name", K::String, "", 0, 0, false, false,
     "Nodes only join a cluster with the same name. Empty: no check."},
    {"service", "node-id", K::Hex, "", 0, kNoMax, false, false,
     "Node id as up to 16 hex digits. Unset: derived from the address and port."},
    {"service", "service-threads", K::Int, "0", 0, 4096, false, false,
     "Threads serving client transactions. 0: one per CPU core."},
    {"service", "proto-fd-max", K::Int, "15000", 1, 2147483647, true, false,
     "Maximum number of open client connections: a connection past it is closed at once (statistics client_connections_refused)."},
    {"service", "pidfile", K::Path, "", 0, 0, false, false,
     "File asd writes its process id to once it runs (removed at a clean stop); one it cannot write stops start-up."},
    {"service", "work-directory", K::Path, "/opt/aerospike", 0, 0, false, false,
     "Directory for runtime state: the XDR pipe gaps (xdr-pipe.gaps) and the cluster's system metadata (smd/: UDF modules) live here. Created if missing."},
    {"service", "batch-max-requests", K::Int, "5000", 0, kU32, true, false,
     "Maximum keys in one batch request."},
    {"service", "info-threads", K::Int, "16", 1, 256, false, false,
     "Threads serving info requests.", {},
     "asd answers info commands on its service threads; remove the line"},
    {"service", "feature-key-file", K::Path, "", 0, 0, false, false,
     "Accepted for compatibility; ignored."},
    {"service", "user", K::String, "", 0, 0, false, false, "User to run as after start.", {},
     "asd does not change its user; start it as the user it should run as"},
    {"service", "group", K::String, "", 0, 0, false, false, "Group to run as after start.", {},
     "asd does not change its group; start it with the group it should run as"},
    {"service", "migrate-threads", K::Int, "1", 0, 100, true, false,
     "Threads sending partitions to their new owners after the cluster changes. 0: outgoing migrations pause."},
    {"service", "migrate-max-num-incoming", K::Int, "4", 0, 256, true, false,
     "Most partitions this node receives at once (incoming migrations)."},
    {"service", "ticker-interval", K::Int, "10", 0, 86400, true, false,
     "Seconds between the periodic statistics lines asd logs under the `info` context. 0: no ticker."},

    // ---- logging -----------------------------------------------------------------------------
    {"logging", "console", K::Stanza, "", 0, 0, false, false, "Log to standard output."},
    {"logging", "file", K::Stanza, "", 0, 0, false, true, "Log to a file (`file PATH {`)."},
    {"logging.console", "context", K::LogContext, "", 0, 0, true, true,
     "`context NAME LEVEL`: level for one log context; `any` sets all.", kLevels},
    {"logging.file", "context", K::LogContext, "", 0, 0, true, true,
     "`context NAME LEVEL`: level for one log context; `any` sets all.", kLevels},

    // ---- network -----------------------------------------------------------------------------
    {"network", "service", K::Stanza, "", 0, 0, false, false, "Client service endpoint."},
    {"network", "heartbeat", K::Stanza, "", 0, 0, false, false, "Cluster heartbeat."},
    {"network", "fabric", K::Stanza, "", 0, 0, false, false, "Node-to-node fabric endpoint."},
    {"network", "info", K::Stanza, "", 0, 0, false, false, "Info-only endpoint."},

    {"network.service", "address", K::String, "", 0, 0, false, true,
     "Address to listen on; `any` or absent: all interfaces."},
    {"network.service", "port", K::Int, "3000", 1, kPort, false, false, "Client service port."},
    {"network.service", "access-address", K::String, "", 0, 0, false, true,
     "Address advertised to clients."},
    {"network.service", "alternate-access-address", K::String, "", 0, 0, false, true,
     "Alternate address advertised to clients.", {}, "alternate access addresses are not supported yet"},

    {"network.heartbeat", "mode", K::Enum, "mesh", 0, 0, false, false,
     "Heartbeat protocol. Only mesh is supported: multicast is refused at start-up.", "mesh|multicast"},
    {"network.heartbeat", "address", K::String, "", 0, 0, false, false,
     "Mesh: address to listen on. Multicast: group address."},
    {"network.heartbeat", "port", K::Int, "3002", 1, kPort, false, false, "Heartbeat port."},
    {"network.heartbeat", "mesh-seed-address-port", K::HostPort, "", 0, 0, false, true,
     "`HOST PORT` of a mesh seed node."},
    {"network.heartbeat", "interval", K::Int, "150", 50, 600000, false, false,
     "Milliseconds between heartbeats."},
    {"network.heartbeat", "timeout", K::Int, "10", 3, 4096, false, false,
     "Missed intervals before a node is considered gone."},

    {"network.fabric", "address", K::String, "", 0, 0, false, true, "Address to listen on."},
    {"network.fabric", "port", K::Int, "3001", 1, kPort, false, false, "Fabric port."},

    {"network.info", "address", K::String, "", 0, 0, false, true, "Address to listen on."},
    {"network.info", "port", K::Int, "3003", 1, kPort, false, false, "Info port."},

    // ---- namespace ---------------------------------------------------------------------------
    {"namespace", "replication-factor", K::Int, "2", 1, 256, false, false,
     "Copies of each record in the cluster (capped at the cluster size)."},
    {"namespace", "memory-size", K::Size, "4G", kMiB, kNoMax, true, false,
     "Memory budget for index and data."},
    {"namespace", "default-ttl", K::Time, "0", 0, kTenYears, true, false,
     "TTL of records written without one. 0: never expire."},
    {"namespace", "max-ttl", K::Time, "315360000", 1, kTenYears, false, false,
     "Largest TTL a client may set (10 years)."},
    {"namespace", "nsup-period", K::Time, "0", 0, 86400, true, false,
     "Seconds between expiration/eviction passes. 0: off."},
    {"namespace", "allow-ttl-without-nsup", K::Bool, "false", 0, 0, true, false,
     "Allow records with a TTL while nsup-period is 0."},
    {"namespace", "high-water-memory-pct", K::Int, "0", 0, 100, true, false,
     "Memory use that starts eviction. 0: no eviction."},
    {"namespace", "high-water-disk-pct", K::Int, "0", 0, 100, true, false,
     "Device use that starts eviction. 0: no eviction."},
    {"namespace", "stop-writes-pct", K::Int, "90", 0, 100, true, false,
     "Memory use that stops client writes."},
    {"namespace", "evict-tenths-pct", K::Int, "5", 0, 1000, true, false,
     "Tenths of a percent of records evicted per nsup pass."},
    {"namespace", "max-record-size", K::Size, "1M", 0, kNoMax, true, false,
     "Largest record accepted. With device storage, at most write-block-size (its default there)."},
    {"namespace", "default-read-touch-ttl-pct", K::Int, "0", 0, 100, false, false,
     "Reads in the last pct of the TTL reset it. 0: off.", {}, "read-touch TTL is not supported yet"},
    {"namespace", "rack-id", K::Int, "0", 0, 1000000, false, false,
     "Rack of this node for the namespace (rack-aware replica placement)."},
    {"namespace", "conflict-resolution-policy", K::Enum, "generation", 0, 0, true, false,
     "How a replica or migrated copy wins over the local one. (XDR writes always compare the last-update time, then the src-id.)",
     "generation|last-update-time"},
    {"namespace", "single-bin", K::Bool, "false", 0, 0, false, false,
     "Accepted for compatibility; only false is supported."},
    {"namespace", "strong-consistency", K::Bool, "false", 0, 0, false, false,
     "Accepted for compatibility; only false is supported."},
    {"namespace", "storage-engine", K::Enum, "memory", 0, 0, false, false,
     "`memory`, or `device { ... }` for file/device persistence.", "memory|device"},
    {"namespace", "set", K::Stanza, "", 0, 0, false, true,
     "Per-set settings (`set NAME {`). Name up to 63 characters."},
    {"namespace", "enable-xdr", K::Bool, "false", 0, 0, false, false,
     "Announce this namespace's writes to xdr."},
    {"namespace", "xdr-remote-datacenter", K::String, "", 0, 0, false, true,
     "A datacenter (defined in `xdr { }`) this namespace ships to."},
    {"namespace", "sets-enable-xdr", K::Bool, "true", 0, 0, false, false,
     "Ship sets unless the set says otherwise."},
    {"namespace", "ns-forward-xdr-writes", K::Bool, "false", 0, 0, false, false,
     "Ship writes that arrived through XDR onwards."},
    {"namespace", "allow-xdr-writes", K::Bool, "true", 0, 0, true, false,
     "Accept writes from XDR."},
    {"namespace", "allow-nonxdr-writes", K::Bool, "true", 0, 0, true, false,
     "Accept writes from ordinary clients."},

    {"namespace.storage-engine", "file", K::Path, "", 0, 0, false, true,
     "A data file; created with filesize if missing."},
    {"namespace.storage-engine", "device", K::Path, "", 0, 0, false, true,
     "A raw block device."},
    {"namespace.storage-engine", "filesize", K::Size, "4G", kMiB, kNoMax, false, false,
     "Size of each data file."},
    {"namespace.storage-engine", "write-block-size", K::Size, "1M", 1024, 8 * kMiB, false, false,
     "Unit of device writes; a power of 2."},
    {"namespace.storage-engine", "data-in-memory", K::Bool, "false", 0, 0, false, false,
     "Keep a full copy of the data in memory."},
    {"namespace.storage-engine", "commit-to-device", K::Bool, "false", 0, 0, false, false,
     "Flush each write before acknowledging it."},
    {"namespace.storage-engine", "flush-max-ms", K::Int, "1000", 0, 1000000, true, false,
     "Longest a partly filled write block waits before it is flushed."},
    {"namespace.storage-engine", "defrag-lwm-pct", K::Int, "50", 1, 99, true, false,
     "Blocks less full than this are defragmented."},
    {"namespace.storage-engine", "defrag-sleep", K::Int, "1000", 0, 1000000, true, false,
     "Microseconds to sleep after each defragmented block."},
    {"namespace.storage-engine", "max-write-cache", K::Size, "64M", 0, kNoMax, true, false,
     "Pending write blocks before writes are refused."},
    {"namespace.storage-engine", "min-avail-pct", K::Int, "5", 0, 100, true, false,
     "Available blocks (free, or emptied and about to be freed; percent of the device) below which client writes stop."},

    {"namespace.set", "disable-eviction", K::Bool, "false", 0, 0, false, false,
     "Never evict records of this set."},
    {"namespace.set", "stop-writes-count", K::Int, "0", 0, kNoMax, false, false,
     "Refuse writes once the set holds this many records. 0: no limit.", {},
     "per-set stop-writes-count is not supported yet"},
    {"namespace.set", "default-ttl", K::Time, "", 0, kTenYears, false, false,
     "Overrides the namespace default-ttl for this set."},
    {"namespace.set", "set-enable-xdr", K::Bool, "true", 0, 0, false, false,
     "Ship this set (when the namespace ships)."},

    // ---- xdr ---------------------------------------------------------------------------------
    {"xdr", "enable-xdr", K::Bool, "false", 0, 0, false, false, "Run XDR shipping."},
    {"xdr", "src-id", K::Int, "0", 0, 255, false, false,
     "This DC's id, carried by shipped records to stop loops."},
    {"xdr", "xdr-digestlog-path", K::PathSize, "", kMiB, kNoMax, false, false,
     "`PATH SIZE`: the digest log file and its size. Required with enable-xdr true."},
    {"xdr", "xdr-namedpipe-path", K::Path, "", 0, 0, false, false,
     "Named pipe asd announces digests on."},
    {"xdr", "xdr-info-port", K::Int, "3004", 1, kPort, false, false, "xdr's info port."},
    {"xdr", "xdr-compression-threshold", K::Size, "0", 0, kNoMax, false, false,
     "Compress records at least this large. 0: off."},
    {"xdr", "xdr-hotkey-time-ms", K::Int, "100", 0, 600000, false, false,
     "Window in which repeated writes of one key ship once."},
    {"xdr", "xdr-max-ship-throughput", K::Int, "0", 0, kNoMax, true, false,
     "Records per second per DC. 0: unlimited."},
    {"xdr", "forward-xdr-writes", K::Bool, "false", 0, 0, false, false,
     "Ship writes that arrived through XDR onwards (all namespaces)."},
    {"xdr", "xdr-delete-shipping-enabled", K::Bool, "true", 0, 0, false, false,
     "Ship client deletes."},
    {"xdr", "xdr-nsup-deletes-enabled", K::Bool, "false", 0, 0, false, false,
     "Ship expirations and evictions as deletes."},
    {"xdr", "datacenter", K::Stanza, "", 0, 0, false, true, "A remote DC (`datacenter NAME {`)."},

    {"xdr.datacenter", "dc-node-address-port", K::HostPort, "", 0, 0, false, true,
     "`HOST PORT` of a seed node in the remote DC."},
    {"xdr.datacenter", "tls-name", K::String, "", 0, 0, false, false,
     "TLS name to verify; empty: no TLS.", {}, "TLS for XDR links is not supported yet"},
    {"xdr.datacenter", "dc-security-config-file", K::Path, "", 0, 0, false, false,
     "Credentials file for the remote DC.", {}, "shipping to a DC with security enabled is not supported yet"},

    // ---- mod-lua -----------------------------------------------------------------------------
    {"mod-lua", "user-path", K::Path, "", 0, 0, false, false,
     "Directory asd writes the registered UDF modules to (udf-put), on every node. Empty: "
     "<work-directory>/usr/udf/lua, which is /opt/aerospike/usr/udf/lua with the default work-directory. "
     "Created if missing."},
});
// clang-format on

}  // namespace

std::span<const KeySpec> key_table() { return kTable; }

const KeySpec* find_key(std::string_view context, std::string_view name) {
    for (const KeySpec& spec : kTable) {
        if (spec.context == context && spec.name == name) return &spec;
    }
    return nullptr;
}

std::string_view type_name(KeyType type) {
    switch (type) {
        case KeyType::Int: return "integer";
        case KeyType::Size: return "size";
        case KeyType::Time: return "time";
        case KeyType::Bool: return "bool";
        case KeyType::String: return "string";
        case KeyType::Path: return "path";
        case KeyType::Enum: return "enum";
        case KeyType::Hex: return "hex";
        case KeyType::HostPort: return "host port";
        case KeyType::PathSize: return "path size";
        case KeyType::LogContext: return "context level";
        case KeyType::Stanza: return "stanza";
    }
    return "?";
}

}  // namespace conf
