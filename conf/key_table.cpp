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

constexpr Dialect X4 = Dialect::Xdr4;
constexpr Dialect X5 = Dialect::Xdr5;
constexpr Dialect S6 = Dialect::Storage6;
constexpr Dialect S7 = Dialect::Storage7;

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
    {"", "security", K::Stanza, "", 0, 0, false, false,
     "Access control: users, roles and privileges (server 5.7+: the stanza's presence turns it on). Clients must log in; "
     "the first start has user `admin` (password `admin`, role user-admin)."},

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
     "The licence file of the real server. No feature of this build needs one, so asd only checks at start-up that the "
     "file can be read (it stops if not)."},
    {"service", "user", K::String, "", 0, 0, false, false,
     "User asd and xdr switch to at start-up, after reading the config (only root may switch to another user). Empty: "
     "the user that started them."},
    {"service", "group", K::String, "", 0, 0, false, false,
     "Group asd and xdr switch to at start-up. Empty: the user's primary group (or the current group, without user)."},
    {"service", "migrate-threads", K::Int, "1", 0, 100, true, false,
     "Threads sending partitions to their new owners after the cluster changes. 0: outgoing migrations pause."},
    {"service", "migrate-max-num-incoming", K::Int, "4", 0, 256, true, false,
     "Most partitions this node receives at once (incoming migrations). 0: it takes none; senders wait."},
    {"service", "paxos-single-replica-limit", K::Int, "1", 0, 1, false, false,
     "Cluster size at or below which a namespace keeps one copy. asd always caps the replication factor at the cluster size, "
     "which is what 0 and 1 mean; larger values are refused."},
    {"service", "min-cluster-size", K::Int, "1", 1, 128, false, false,
     "Nodes needed before the cluster accepts transactions.", {},
     "the cluster serves with any number of nodes; remove the line"},
    {"service", "batch-index-threads", K::Int, "", 1, 256, false, false, "Threads serving batch requests.", {},
     "batches run on the service threads; remove the line"},
    {"service", "enable-fault-injection", K::Bool, "false", 0, 0, false, false,
     "asd only, for tests: answers the info command cluster-block-nodes (which cuts this node off the peers it "
     "names). Off, that command answers `ERROR:4:unrecognized command` like any unknown one."},
    {"service", "ticker-interval", K::Int, "10", 0, 86400, true, false,
     "Seconds between the periodic statistics lines asd logs under the `info` context. 0: no ticker."},
    {"service", "tls-refresh-period", K::Int, "86400", 0, kU32, true, false,
     "Seconds between checks of the TLS files (cert-file, key-file, ca-file, ca-path, cert-blacklist): changed "
     "files are reloaded, new connections use them, open ones keep theirs. 0: never. asd checks its listener's; "
     "xdr checks its DC links' (also whenever a link reconnects). Each daemon's own set-config changes its "
     "period: asd's on the service or info port, xdr's on xdr's info port (context=service)."},

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
    {"network", "admin", K::Stanza, "", 0, 0, false, false,
     "The 8.x name of the info-only endpoint (tools such as asadm and asinfo): the same keys as `info`, which it "
     "replaces; a file may have one of the two."},
    {"network", "tls", K::Stanza, "", 0, 0, false, true,
     "Certificates and settings of a TLS endpoint (`tls NAME {`), named by `tls-name`."},

    {"network.service", "address", K::String, "", 0, 0, false, true,
     "Address to listen on; `any` or absent: all interfaces."},
    {"network.service", "port", K::Int, "3000", 1, kPort, false, false, "Client service port."},
    {"network.service", "access-address", K::String, "", 0, 0, false, true,
     "Address advertised to clients."},
    {"network.service", "alternate-access-address", K::String, "", 0, 0, false, true,
     "Alternate address advertised to clients.", {}, "alternate access addresses are not supported yet"},

    {"network.service", "tls-port", K::Int, "", 1, kPort, false, false,
     "Client service port for TLS connections (with tls-name). Absent: no TLS listener."},
    {"network.service", "tls-address", K::String, "", 0, 0, false, true,
     "Address the TLS listener binds; absent: those of `address`."},
    {"network.service", "tls-name", K::String, "", 0, 0, false, false,
     "The `network.tls` stanza whose certificates the TLS listener presents; also the name clients verify."},
    {"network.service", "tls-authenticate-client", K::String, "", 0, 0, false, true,
     "`any` (also when absent): clients must present a certificate the CA signed; `false`: none is asked for; "
     "otherwise the names (common name or subject alternative name) a client certificate may carry, one per line."},
    {"network.service", "tls-access-address", K::String, "", 0, 0, false, true,
     "TLS address advertised to clients.", {}, "tls-access-address is not supported yet: clients see `address`"},
    {"network.service", "tls-alternate-access-address", K::String, "", 0, 0, false, true,
     "Alternate TLS address advertised to clients.", {}, "alternate access addresses are not supported yet"},

    {"network.tls", "cert-file", K::Path, "", 0, 0, false, false, "PEM certificate chain this endpoint presents."},
    {"network.tls", "key-file", K::Path, "", 0, 0, false, false, "PEM private key of cert-file."},
    {"network.tls", "ca-file", K::Path, "", 0, 0, false, false,
     "PEM CA certificates that verify the peer's certificate (mutual TLS)."},
    {"network.tls", "ca-path", K::Path, "", 0, 0, false, false,
     "Directory of hashed CA certificates (OpenSSL c_rehash layout), as ca-file."},
    {"network.tls", "protocols", K::String, "TLSv1.2", 0, 0, false, false,
     "TLS versions accepted: TLSv1.2, TLSv1.3, or both separated by commas; `all` for both."},
    {"network.tls", "cipher-suite", K::String, "", 0, 0, false, false,
     "OpenSSL cipher list for TLSv1.2; empty: OpenSSL's default."},
    {"network.tls", "cert-blacklist", K::Path, "", 0, 0, false, false,
     "File of refused peer certificates, one a line: serial number in hex, optionally the issuer name "
     "(`/C=../CN=..`). Read at start-up and at each tls-refresh-period."},
    {"network.tls", "key-file-password", K::String, "", 0, 0, false, false,
     "Where the password of an encrypted key-file is, as Aerospike reads it: `env:NAME` (an environment "
     "variable of asd / xdr), `env-b64:NAME` (the same, base64) or a file path (its contents, trailing line "
     "ends dropped). Read whenever the key is loaded (start-up, each tls-refresh-period). `secrets:` and "
     "`vault:` are refused."},

    {"network.heartbeat", "mode", K::Enum, "mesh", 0, 0, false, false,
     "Heartbeat protocol. Only mesh is supported: multicast is refused at start-up.", "mesh|multicast"},
    {"network.heartbeat", "multicast-group", K::String, "", 0, 0, false, false, "Multicast group address.", {},
     "heartbeat mode multicast is not supported: use mode mesh with mesh-seed-address-port"},
    {"network.heartbeat", "address", K::String, "", 0, 0, false, false,
     "Mesh: address to listen on. Multicast: group address."},
    {"network.heartbeat", "port", K::Int, "3002", 1, kPort, false, false,
     "Heartbeat port. When the file gives tls-port and not port, the node has no plaintext heartbeat."},
    {"network.heartbeat", "mesh-seed-address-port", K::HostPort, "", 0, 0, false, true,
     "`HOST PORT` of a mesh seed node."},
    {"network.heartbeat", "interval", K::Int, "150", 50, 600000, false, false,
     "Milliseconds between heartbeats."},
    {"network.heartbeat", "timeout", K::Int, "10", 3, 4096, false, false,
     "Missed intervals before a node is considered gone."},
    {"network.heartbeat", "tls-port", K::Int, "", 1, kPort, false, false,
     "Heartbeat port for TLS (with tls-name). Absent: no TLS heartbeat listener."},
    {"network.heartbeat", "tls-address", K::String, "", 0, 0, false, true,
     "Address the TLS heartbeat listener binds; absent: the fabric's `address`, where the plaintext heartbeat "
     "listens too (as the real server's heartbeat defaults to the fabric's addresses)."},
    {"network.heartbeat", "tls-mesh-seed-address-port", K::HostPort, "", 0, 0, false, true,
     "`HOST PORT` of a mesh seed node's TLS heartbeat port (needs tls-port)."},
    {"network.heartbeat", "tls-name", K::String, "", 0, 0, false, false,
     "The `network.tls` stanza whose certificate node-to-node heartbeats present; a peer's certificate must carry "
     "this name (common name or DNS subject alternative name). `<hostname>` and `<cluster-name>` stand for the "
     "host's name and service cluster-name."},

    {"network.fabric", "address", K::String, "", 0, 0, false, true, "Address to listen on."},
    {"network.fabric", "port", K::Int, "3001", 1, kPort, false, false,
     "Fabric port. When the file gives tls-port and not port, the node has no plaintext fabric."},
    {"network.fabric", "tls-port", K::Int, "", 1, kPort, false, false,
     "Fabric port for TLS (with tls-name). A node with one reaches peers that advertise one over TLS."},
    {"network.fabric", "tls-address", K::String, "", 0, 0, false, true,
     "Address the TLS fabric listener binds; absent: those of `address`."},
    {"network.fabric", "tls-name", K::String, "", 0, 0, false, false,
     "The `network.tls` stanza of the fabric, as heartbeat tls-name."},

    {"network.info", "address", K::String, "", 0, 0, false, true, "Address to listen on."},
    {"network.info", "port", K::Int, "3003", 1, kPort, false, false, "Info port."},

    // ---- namespace ---------------------------------------------------------------------------
    {"namespace", "replication-factor", K::Int, "2", 1, 256, false, false,
     "Copies of each record in the cluster (capped at the cluster size)."},
    {"namespace", "memory-size", K::Size, "4G", kMiB, kNoMax, true, false,
     "Memory budget for index and data.", {}, {}, S6},
    {"namespace", "default-ttl", K::Time, "0", 0, kTenYears, true, false,
     "TTL of records written without one. 0: never expire."},
    {"namespace", "max-ttl", K::Time, "315360000", 1, kTenYears, false, false,
     "Largest TTL a client may set (10 years)."},
    {"namespace", "nsup-period", K::Time, "0", 0, 86400, true, false,
     "Seconds between expiration/eviction passes. 0: off."},
    {"namespace", "allow-ttl-without-nsup", K::Bool, "false", 0, 0, true, false,
     "Allow records with a TTL while nsup-period is 0."},
    {"namespace", "high-water-memory-pct", K::Int, "0", 0, 100, true, false,
     "Memory use that starts eviction. 0: no eviction.", {}, {}, S6},
    {"namespace", "high-water-disk-pct", K::Int, "0", 0, 100, true, false,
     "Device use that starts eviction. 0: no eviction.", {}, {}, S6},
    {"namespace", "stop-writes-pct", K::Int, "90", 0, 100, true, false,
     "Memory use (and device use, with device storage) that stops client writes.", {}, {}, S6},
    {"namespace", "stop-writes-sys-memory-pct", K::Int, "90", 0, 100, true, false,
     "Memory use of the whole machine (/proc/meminfo: MemTotal less MemAvailable) that stops client writes. 0: no limit."},
    {"namespace", "evict-sys-memory-pct", K::Int, "0", 0, 100, true, false,
     "Memory use of the whole machine that starts eviction.", {}, "eviction on the machine's memory use is not supported yet"},
    {"namespace", "evict-tenths-pct", K::Int, "5", 0, 1000, true, false,
     "Tenths of a percent of records evicted per nsup pass."},
    {"namespace", "max-record-size", K::Size, "1M", 0, kNoMax, true, false,
     "Largest record accepted. With device storage, at most write-block-size (its default there)."},
    {"namespace", "default-read-touch-ttl-pct", K::Int, "0", 0, 100, false, false,
     "Reads (readTouchTtlPercent 0) in the last pct of the TTL reset it to the TTL last written. 0: off."},
    {"namespace", "rack-id", K::Int, "0", 0, 1000000, false, false,
     "Rack of this node for the namespace (rack-aware replica placement)."},
    {"namespace", "conflict-resolution-policy", K::Enum, "generation", 0, 0, true, false,
     "How a replica or migrated copy wins over the local one. (XDR writes always compare the last-update time, then the src-id.)",
     "generation|last-update-time"},
    {"namespace", "single-bin", K::Bool, "false", 0, 0, false, false,
     "Accepted for compatibility; only false is supported."},
    {"namespace", "strong-consistency", K::Bool, "false", 0, 0, false, false,
     "Accepted for compatibility; only false is supported."},
    {"namespace", "index-type", K::String, "", 0, 0, false, false, "Where the primary index lives (shmem, flash, pmem).", {},
     "asd keeps the primary index in process memory; remove the line"},
    {"namespace", "sindex-type", K::String, "", 0, 0, false, false, "Where secondary indexes live.", {},
     "asd keeps secondary indexes in process memory; remove the line"},
    {"namespace", "indexes-memory-budget", K::Size, "", 0, kNoMax, false, false, "Memory limit for the indexes.", {},
     "a separate index memory budget is not supported: memory-size (or data-size) covers index and data"},
    {"namespace", "storage-engine", K::Enum, "memory", 0, 0, false, false,
     "`memory` (4.x-6.x: no block; 7.x-8.x: `memory { data-size ... }`), or `device { ... }` for file/device persistence.",
     "memory|device"},
    {"namespace", "set", K::Stanza, "", 0, 0, false, true,
     "Per-set settings (`set NAME {`). Name up to 63 characters."},
    {"namespace", "enable-xdr", K::Bool, "false", 0, 0, false, false,
     "Announce this namespace's writes to xdr. (5.x-8.x: a namespace ships when an `xdr { dc { namespace } }` names it.)",
     {}, {}, X4},
    {"namespace", "xdr-remote-datacenter", K::String, "", 0, 0, false, true,
     "A datacenter (defined in `xdr { }`) this namespace ships to.", {}, {}, X4},
    {"namespace", "sets-enable-xdr", K::Bool, "true", 0, 0, false, false,
     "Ship sets unless the set says otherwise.", {}, {}, X4},
    {"namespace", "ns-forward-xdr-writes", K::Bool, "false", 0, 0, false, false,
     "Ship writes that arrived through XDR onwards.", {}, {}, X4},
    {"namespace", "allow-xdr-writes", K::Bool, "true", 0, 0, true, false,
     "Accept writes from XDR.", {}, {}, X4},
    {"namespace", "allow-nonxdr-writes", K::Bool, "true", 0, 0, true, false,
     "Accept writes from ordinary clients.", {}, {}, X4},
    {"namespace", "reject-xdr-writes", K::Bool, "false", 0, 0, true, false,
     "5.x-8.x: refuse writes from XDR (the opposite of allow-xdr-writes).", {}, {}, X5,
     "namespace allow-xdr-writes", true},
    {"namespace", "reject-non-xdr-writes", K::Bool, "false", 0, 0, true, false,
     "5.x-8.x: refuse writes from ordinary clients (the opposite of allow-nonxdr-writes).", {}, {}, X5,
     "namespace allow-nonxdr-writes", true},

    {"namespace.storage-engine", "file", K::Path, "", 0, 0, false, true,
     "A data file; created with filesize if missing."},
    {"namespace.storage-engine", "device", K::Path, "", 0, 0, false, true,
     "A raw block device."},
    {"namespace.storage-engine", "filesize", K::Size, "4G", kMiB, kNoMax, false, false,
     "Size of each data file."},
    {"namespace.storage-engine", "write-block-size", K::Size, "1M", 1024, 8 * kMiB, false, false,
     "Unit of device writes; a power of 2."},
    {"namespace.storage-engine", "data-in-memory", K::Bool, "false", 0, 0, false, false,
     "Keep a full copy of the data in memory. (7.x-8.x: `storage-engine memory` with `file` lines.)", {}, {}, S6},
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
     "Available blocks (free, or emptied and about to be freed; percent of the device) below which client writes stop.",
     {}, {}, S6},
    {"namespace.storage-engine", "read-page-cache", K::Bool, "true", 0, 0, false, false,
     "Reads go through the kernel's page cache. asd always reads this way, so only true is accepted."},
    {"namespace.storage-engine", "evict-used-pct", K::Int, "0", 0, 100, true, false,
     "7.x-8.x: device use that starts eviction (high-water-disk-pct). 0: no eviction.", {}, {}, S7,
     "namespace high-water-disk-pct"},
    {"namespace.storage-engine", "stop-writes-used-pct", K::Int, "70", 0, 100, true, false,
     "7.x-8.x: device use that stops client writes (stop-writes-pct).", {}, {}, S7, "namespace stop-writes-pct"},
    {"namespace.storage-engine", "stop-writes-avail-pct", K::Int, "5", 0, 100, true, false,
     "7.x-8.x: available blocks below which client writes stop (min-avail-pct).", {}, {}, S7,
     "namespace.storage-engine min-avail-pct"},
    {"namespace.storage-engine", "scheduler-mode", K::String, "", 0, 0, false, false, "Kernel I/O scheduler for raw devices.",
     {}, "asd does not set the kernel's I/O scheduler; set it through sysfs or udev and remove the line"},
    {"namespace.storage-engine", "compression", K::String, "", 0, 0, false, false, "Record compression on the device.",
     {}, "storage compression is not supported"},
    {"namespace.storage-engine", "compression-level", K::Int, "", 0, 9, false, false, "Storage compression level.",
     {}, "storage compression is not supported"},
    {"namespace.storage-engine", "encryption-key-file", K::Path, "", 0, 0, false, false, "Encryption at rest.",
     {}, "encryption at rest is not supported"},
    {"namespace.storage-engine", "direct-files", K::Bool, "false", 0, 0, false, false, "Open files with O_DIRECT.",
     {}, "asd writes files through the page cache; remove the line"},
    {"namespace.storage-engine", "cold-start-empty", K::Bool, "false", 0, 0, false, false, "Ignore the data at start-up.",
     {}, "asd always reads its data back at start-up; remove the line"},
    {"namespace.storage-engine", "post-write-queue", K::Int, "", 0, 4096, false, false, "Write blocks kept as a read cache.",
     {}, "asd relies on the page cache instead; remove the line"},

    {"namespace.storage-memory", "data-size", K::Size, "", kMiB, kNoMax, true, false,
     "Memory for the namespace's data and index (memory-size). Without it, the total size of the files.", {}, {}, S7,
     "namespace memory-size"},
    {"namespace.storage-memory", "evict-used-pct", K::Int, "0", 0, 100, true, false,
     "Memory use that starts eviction (high-water-memory-pct). 0: no eviction.", {}, {}, S7,
     "namespace high-water-memory-pct"},
    {"namespace.storage-memory", "stop-writes-used-pct", K::Int, "70", 0, 100, true, false,
     "Memory use that stops client writes (stop-writes-pct).", {}, {}, S7, "namespace stop-writes-pct"},
    {"namespace.storage-memory", "stop-writes-avail-pct", K::Int, "5", 0, 100, false, false,
     "Free memory (or, with files, free blocks) below which client writes stop. Without files it lowers stop-writes-pct "
     "to 100 minus this; with files it is min-avail-pct.", {}, {}, S7},
    {"namespace.storage-memory", "file", K::Path, "", 0, 0, false, true,
     "A file that keeps a copy of the data (the 4.x-6.x `storage-engine device` with data-in-memory true).", {}, {}, S7,
     "namespace.storage-engine file"},
    {"namespace.storage-memory", "device", K::Path, "", 0, 0, false, true,
     "A raw block device that keeps a copy of the data.", {}, {}, S7, "namespace.storage-engine device"},
    {"namespace.storage-memory", "filesize", K::Size, "4G", kMiB, kNoMax, false, false,
     "Size of each file.", {}, {}, S7, "namespace.storage-engine filesize"},
    {"namespace.storage-memory", "compression", K::String, "", 0, 0, false, false, "Record compression in memory.",
     {}, "storage compression is not supported"},

    {"namespace.set", "disable-eviction", K::Bool, "false", 0, 0, false, false,
     "Never evict records of this set."},
    {"namespace.set", "stop-writes-count", K::Int, "0", 0, kNoMax, false, false,
     "Refuse writes once the set holds this many records. 0: no limit.", {},
     "per-set stop-writes-count is not supported yet"},
    {"namespace.set", "stop-writes-size", K::Size, "0", 0, kNoMax, false, false,
     "Refuse writes once the set holds this many bytes. 0: no limit.", {}, "per-set stop-writes-size is not supported yet"},
    {"namespace.set", "enable-index", K::Bool, "false", 0, 0, false, false, "Keep an index of the set's records.", {},
     "set indexes are not supported yet"},
    {"namespace.set", "default-ttl", K::Time, "", 0, kTenYears, false, false,
     "Overrides the namespace default-ttl for this set."},
    {"namespace.set", "set-enable-xdr", K::Bool, "true", 0, 0, false, false,
     "Ship this set (when the namespace ships).", {}, {}, X4},

    // ---- xdr ---------------------------------------------------------------------------------
    {"xdr", "enable-xdr", K::Bool, "false", 0, 0, false, false,
     "Run XDR shipping. (5.x-8.x: on when a `dc` is defined.)", {}, {}, X4},
    {"xdr", "src-id", K::Int, "0", 0, 255, false, false,
     "This DC's id, carried by shipped records to stop loops."},
    {"xdr", "xdr-digestlog-path", K::PathSize, "", kMiB, kNoMax, false, false,
     "`PATH SIZE`: the digest log file and its size. Required with enable-xdr true; in the 5.x-8.x form it may be left "
     "out: <work-directory>/xdr/digestlog, 256M."},
    {"xdr", "xdr-namedpipe-path", K::Path, "", 0, 0, false, false,
     "Named pipe asd announces digests on. In the 5.x-8.x form it may be left out: <work-directory>/xdr/pipe."},
    {"xdr", "xdr-info-port", K::Int, "3004", 1, kPort, false, false, "xdr's info port."},
    {"xdr", "xdr-compression-threshold", K::Size, "0", 0, kNoMax, true, false,
     "Compress records at least this large. 0: off.", {}, {}, X4},
    {"xdr", "xdr-hotkey-time-ms", K::Int, "100", 0, 600000, true, false,
     "Window in which repeated writes of one key ship once. A change applies to writes read from then on.", {}, {}, X4},
    {"xdr", "xdr-max-ship-throughput", K::Int, "0", 0, kNoMax, true, false,
     "Records per second per DC. 0: unlimited.", {}, {}, X4},
    {"xdr", "forward-xdr-writes", K::Bool, "false", 0, 0, false, false,
     "Ship writes that arrived through XDR onwards (all namespaces).", {}, {}, X4},
    {"xdr", "xdr-delete-shipping-enabled", K::Bool, "true", 0, 0, false, false,
     "Ship client deletes.", {}, {}, X4},
    {"xdr", "xdr-nsup-deletes-enabled", K::Bool, "false", 0, 0, false, false,
     "Ship expirations and evictions as deletes.", {}, {}, X4},
    {"xdr", "datacenter", K::Stanza, "", 0, 0, false, true, "A remote DC (`datacenter NAME {`).", {}, {}, X4},
    {"xdr", "dc", K::Stanza, "", 0, 0, false, true,
     "5.x-8.x: a remote DC (`dc NAME {`) and the namespaces shipped to it.", {}, {}, X5},

    {"xdr.datacenter", "dc-node-address-port", K::HostPort, "", 0, 0, false, true,
     "`HOST PORT [TLS-NAME]` of a seed node in the remote DC; TLS-NAME is the name its certificate carries "
     "(default: the DC's tls-name)."},
    {"xdr.datacenter", "tls-name", K::String, "", 0, 0, false, false,
     "The `network.tls` stanza whose CA (and certificate, for mutual TLS) the link uses; empty: no TLS."},
    {"xdr.datacenter", "dc-security-config-file", K::Path, "", 0, 0, false, false,
     "File with `credentials { username U; password P }` xdr logs in to the remote DC with; read at every login."},

    {"xdr.dc", "node-address-port", K::HostPort, "", 0, 0, false, true,
     "`HOST PORT [TLS-NAME]` of a seed node in the remote DC.", {}, {}, X5, "xdr.datacenter dc-node-address-port"},
    {"xdr.dc", "namespace", K::Stanza, "", 0, 0, false, true,
     "A namespace shipped to this DC (`namespace NAME {`), with its shipping settings.", {}, {}, X5},
    {"xdr.dc", "connector", K::Bool, "false", 0, 0, false, false, "The DC is a connector (Kafka, JMS, ...).", {},
     "connectors are not supported: a DC here is an Aerospike cluster"},
    {"xdr.dc", "period-ms", K::Int, "100", 5, 1000, false, false, "How often the DC's thread looks for work.", {},
     "xdr ships as soon as a record is due (no polling period); remove the line"},
    {"xdr.dc", "max-recoveries-interleaved", K::Int, "0", 0, kU32, false, false,
     "Partition recoveries run at once.", {}, "recovery concurrency is not configurable; remove the line"},
    {"xdr.dc", "tls-name", K::String, "", 0, 0, false, false,
     "The `network.tls` stanza the link uses; empty: no TLS.", {}, {}, X5, "xdr.datacenter tls-name"},
    {"xdr.dc", "auth-mode", K::String, "none", 0, 0, false, false,
     "How xdr logs in to the remote DC: none, or internal (a user of the remote's access control). "
     "external, external-insecure (LDAP) and pki are refused.", {}, {}, X5},
    {"xdr.dc", "auth-user", K::String, "", 0, 0, false, false, "User xdr logs in as (with auth-mode internal).", {},
     {}, X5},
    {"xdr.dc", "auth-password-file", K::Path, "", 0, 0, false, false,
     "File holding auth-user's password (its first line); read at every login, so a changed password is "
     "picked up without a restart.", {}, {}, X5},
    {"xdr.dc", "use-alternate-access-address", K::Bool, "false", 0, 0, false, false,
     "Connect to the remote nodes' alternate addresses.", {}, "alternate access addresses are not supported yet"},

    // One value per DC and namespace in Aerospike; here the shipping settings below apply to
    // every DC and namespace alike (see parser.cpp: files giving them different values are
    // refused), and a namespace's set choices apply to every DC it ships to.
    {"xdr.dc.namespace", "enable-compression", K::Bool, "false", 0, 0, false, false,
     "Compress records of at least compression-threshold bytes in transit (xdr-compression-threshold).", {}, {}, X5},
    {"xdr.dc.namespace", "compression-threshold", K::Size, "128", 1, kNoMax, false, false,
     "Smallest record compressed when enable-compression is true.", {}, {}, X5},
    {"xdr.dc.namespace", "compression-level", K::Int, "1", 1, 9, false, false, "zstd level in transit.", {},
     "xdr compresses at a fixed zstd level; remove the line"},
    {"xdr.dc.namespace", "forward", K::Bool, "false", 0, 0, false, false,
     "Ship writes that arrived through XDR onwards (ns-forward-xdr-writes).", {}, {}, X5},
    {"xdr.dc.namespace", "ship-nsup-deletes", K::Bool, "false", 0, 0, false, false,
     "Ship expirations and evictions as deletes (xdr-nsup-deletes-enabled).", {}, {}, X5},
    {"xdr.dc.namespace", "ignore-expunges", K::Bool, "false", 0, 0, false, false,
     "Do not ship client deletes (xdr-delete-shipping-enabled false).", {}, {}, X5},
    {"xdr.dc.namespace", "hot-key-ms", K::Int, "100", 0, 5000, false, false,
     "Window in which repeated writes of one key ship once (xdr-hotkey-time-ms).", {}, {}, X5},
    {"xdr.dc.namespace", "max-throughput", K::Int, "100000", 0, kNoMax, false, false,
     "Records per second per DC (xdr-max-ship-throughput). 0: unlimited.", {}, {}, X5},
    {"xdr.dc.namespace", "ship-only-specified-sets", K::Bool, "false", 0, 0, false, false,
     "Ship only the sets listed with shipped-sets (sets-enable-xdr false).", {}, {}, X5},
    {"xdr.dc.namespace", "shipped-sets", K::String, "", 0, 0, false, true,
     "A set to ship (set-enable-xdr true).", {}, {}, X5},
    {"xdr.dc.namespace", "ignored-sets", K::String, "", 0, 0, false, true,
     "A set not to ship (set-enable-xdr false).", {}, {}, X5},
    {"xdr.dc.namespace", "bin-policy", K::Enum, "all", 0, 0, false, false,
     "Which bins ship. xdr ships whole records, so only `all` is accepted.",
     "all|no-bins|only-changed|changed-and-specified|changed-or-specified", {}, X5},
    {"xdr.dc.namespace", "write-policy", K::Enum, "auto", 0, 0, false, false,
     "How the remote DC applies a shipped record. The shipped record replaces the remote one, which is what `auto` "
     "and `replace` mean with whole records; `update` is refused.", "auto|update|replace", {}, X5},
    {"xdr.dc.namespace", "delay-ms", K::Int, "0", 0, 5000, false, false,
     "Delay before a write ships. Only 0 is accepted (hot-key-ms groups repeated writes).", {}, {}, X5},
    {"xdr.dc.namespace", "transaction-queue-limit", K::Int, "16384", 1024, 1048576, false, false,
     "Writes queued per partition.", {},
     "xdr keeps its backlog in the digest log (xdr-digestlog-path), not a transaction queue; remove the line"},
    {"xdr.dc.namespace", "remote-namespace", K::String, "", 0, 0, false, false, "Namespace name in the remote DC.", {},
     "shipping into a namespace of another name is not supported yet"},
    {"xdr.dc.namespace", "sc-replication-wait-ms", K::Int, "100", 5, 1000, false, false,
     "Wait for strong-consistency replication.", {}, "strong consistency is not supported"},
    {"xdr.dc.namespace", "ship-bin-luts", K::Bool, "false", 0, 0, false, false, "Ship per-bin update times.", {},
     "bin-level conflict resolution is not supported: xdr ships whole records"},
    {"xdr.dc.namespace", "shipped-bins", K::String, "", 0, 0, false, true, "A bin to ship.", {},
     "shipping selected bins is not supported: xdr ships whole records"},
    {"xdr.dc.namespace", "ignored-bins", K::String, "", 0, 0, false, true, "A bin not to ship.", {},
     "shipping selected bins is not supported: xdr ships whole records"},

    // ---- mod-lua -----------------------------------------------------------------------------
    {"mod-lua", "user-path", K::Path, "", 0, 0, false, false,
     "Directory asd writes the registered UDF modules to (udf-put), on every node. Empty: "
     "<work-directory>/usr/udf/lua, which is /opt/aerospike/usr/udf/lua with the default work-directory. "
     "Created if missing."},
    // ---- security ----------------------------------------------------------------------------
    {"security", "enable-security", K::Bool, "true", 0, 0, false, false,
     "4.x form: `false` turns access control off again; 5.7+ removed the key (the stanza alone turns it on)."},
    {"security", "enable-quotas", K::Bool, "false", 0, 0, false, false,
     "Per-role read and write rate quotas (records per second on each node, set by create-role and set-quotas): "
     "each user's rates are measured, and a command over the user's quota answers QUOTA_EXCEEDED (83). With "
     "`false`, set-quotas and a create-role with quotas answer QUOTAS_NOT_ENABLED (74) and no rate is measured."},
    {"security", "privilege-refresh-period", K::Time, "300", 10, 86400, false, false,
     "How often the real server re-reads roles from LDAP. asd keeps users and roles in the cluster's system "
     "metadata and applies every change at once, so this is checked and kept only."},
    {"security", "session-ttl", K::Time, "86400", 1, 864000, false, false,
     "Seconds a login's session token stays valid; clients log in again before it runs out. Below 120 only with "
     "`service { enable-fault-injection true }` (tests)."},
    {"security", "tps-weight", K::Int, "2", 2, 20, true, false,
     "Weight of the per-user rate average query-users reports: each second the rate becomes (rate * (weight - 1) "
     "+ that second's count) / weight. Quotas are enforced on each second's own count."},
    {"security", "default-password-file", K::Path, "", 0, 0, false, false,
     "File with the first password of user admin.", {}, "the first password of admin is always `admin`: change it "
     "with set-password"},
    {"security", "ldap", K::Stanza, "", 0, 0, false, false, "External authentication through LDAP.", {},
     "LDAP is not supported"},
    {"security", "syslog", K::Stanza, "", 0, 0, false, false, "4.x audit log to syslog.", {},
     "the audit log goes to asd's log sinks (context security)"},
    {"security", "log", K::Stanza, "", 0, 0, false, false,
     "Which security events go to the audit log (log context `security`)."},
    {"security.log", "report-authentication", K::Bool, "false", 0, 0, false, false,
     "Log logins and authentications, successful or failed (failures at most a few lines a second)."},
    {"security.log", "report-user-admin", K::Bool, "false", 0, 0, false, false,
     "Log user and role administration (create, drop, grant, revoke, passwords)."},
    {"security.log", "report-sys-admin", K::Bool, "false", 0, 0, false, false,
     "Log system administration: set-config, truncate, index and UDF changes."},
    {"security.log", "report-violation", K::Bool, "false", 0, 0, false, false,
     "Log refused commands: not authenticated, role violations."},
    {"security.log", "report-data-op", K::NsSet, "", 0, 0, false, true,
     "`NAMESPACE [SET]`: log every data command on that namespace (or set), one line each."},
    {"security.log", "report-data-op-role", K::String, "", 0, 0, false, true,
     "Log data commands of users with this role.", {}, "data-op logging by role is not supported: use report-data-op"},
    {"security.log", "report-data-op-user", K::String, "", 0, 0, false, true,
     "Log data commands of this user.", {}, "data-op logging by user is not supported: use report-data-op"},
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

const KeySpec* storage_key(const KeySpec& spec) {
    if (spec.stored_as.empty()) return nullptr;
    std::string_view target = spec.stored_as;
    std::size_t space = target.find(' ');
    return find_key(target.substr(0, space), target.substr(space + 1));
}

std::string_view dialect_name(Dialect dialect) {
    switch (dialect) {
        case Dialect::Any: return "any form";
        case Dialect::Xdr4: return "the 4.x XDR form";
        case Dialect::Xdr5: return "the 5.x-8.x XDR form";
        case Dialect::Storage6: return "the 4.x-6.x storage form";
        case Dialect::Storage7: return "the 7.x-8.x storage form";
    }
    return "?";
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
        case KeyType::NsSet: return "namespace [set]";
        case KeyType::Stanza: return "stanza";
    }
    return "?";
}

}  // namespace conf
