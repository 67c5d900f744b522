// conf: the Aerospike-style configuration file, parsed into typed structs.
//
// Overview
// --------
// The module owns one job: turn a text file in Aerospike's stanza syntax
//
//     namespace test {
//         replication-factor 2
//         storage-engine device {
//             file /opt/aerospike/data/test.dat
//         }
//     }
//
// into the plain structs below, or fail with a precise `file:line: message` (ConfigError).
//
// Parts:
//   - key_table.h: the registry. Every key is declared once there with its context, type,
//     default, range, whether `set-config` may change it, and its description. Parsing,
//     validation, defaults, `get-config` rendering, `set-config` and docs/config-reference.md
//     are all driven from that one table.
//   - loader.h: load_file() / parse_string(), the only way to build a Config from text.
//   - render.h: `get-config` output and `set-config` (apply_dynamic) on a live Config.
//
// Design choices:
//   - No global config: a Config is a value, handed to each component's constructor.
//   - Struct members carry no defaults of their own (only zero-initialisation); the loader and
//     the make_*() helpers fill them from the table, so a default is written down exactly once.
//   - Sizes are bytes, times are seconds unless the member name says otherwise (`_ms`).
//   - The module depends on the C++ standard library only and runs no threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conf {

// A `HOST PORT` pair, as in `mesh-seed-address-port 10.0.0.2 3002`.
struct HostPort {
    std::string host;
    uint32_t port = 0;
    // XDR seeds only (`node-address-port HOST PORT TLS-NAME`): the name the remote
    // node's certificate must carry.
    std::string tls_name;

    bool operator==(const HostPort&) const = default;
};

// service { }

struct Service {
    std::string cluster_name;
    std::optional<uint64_t> node_id;  // unset: asd derives one from its address and port
    uint32_t service_threads = 0;     // 0: one per CPU core, resolved by asd
    uint32_t proto_fd_max = 0;
    std::string pidfile;
    std::string work_directory;
    uint32_t batch_max_requests = 0;
    uint32_t info_threads = 0;
    std::string feature_key_file;  // checked readable at start-up (no licensed features)
    std::string user;
    std::string group;
    uint32_t migrate_threads = 0;           // 0: this node sends no partitions
    uint32_t migrate_max_num_incoming = 0;  // partitions received at once
    uint32_t ticker_interval = 0;           // seconds between ticker lines; 0: none
    uint32_t tls_refresh_period = 0;        // seconds between TLS file reloads; 0: never
    bool enable_fault_injection = false;    // test-only info commands (cluster-block-nodes)
    uint32_t paxos_single_replica_limit = 0;  // 0 or 1, both what asd does anyway
};

// logging { console { } file PATH { } }

// Order matters: it is the index into the table's `critical|warning|info|debug|detail`.
enum class LogLevel { Critical, Warning, Info, Debug, Detail };

enum class LogSinkKind { Console, File };

// The level's name as written in the config (`critical` ... `detail`).
std::string_view log_level_name(LogLevel level);

struct LogSink {
    LogSinkKind kind = LogSinkKind::Console;
    std::string path;                             // File only
    std::map<std::string, LogLevel> contexts;     // `any`, `service`, ... -> level
    int line = 0;
};

struct Logging {
    std::vector<LogSink> sinks;
};

// (context, level name) of every sink in the order to apply them: each sink's `any`
// first, so that the specific contexts after it override it.
std::vector<std::pair<std::string, std::string_view>> ordered_log_levels(const Logging& logging);

// network { service { } heartbeat { } fabric { } info { } }

struct Endpoint {
    std::vector<std::string> addresses;  // empty: listen on all interfaces
    uint32_t port = 0;
    std::vector<std::string> access_addresses;            // service only
    std::vector<std::string> alternate_access_addresses;  // service only
    // service and fabric: a TLS listener, its certificates from `network { tls NAME { } }`.
    uint32_t tls_port = 0;                        // 0: none
    std::vector<std::string> tls_addresses;       // empty: the same as `address`
    std::string tls_name;                         // names a network.tls stanza
    // service only: `any` (a client certificate is required, any name the CA signed), `false` (none is
    // asked for), or the names a client certificate must carry.
    std::vector<std::string> tls_authenticate_client;
};

// network { tls NAME { } }: certificates and protocol settings one TLS endpoint uses.
struct TlsSpec {
    std::string name;
    int line = 0;
    std::string cert_file;
    std::string key_file;
    std::string ca_file;
    std::string ca_path;
    std::string protocols;     // e.g. `TLSv1.2` or `TLSv1.2,TLSv1.3`
    std::string cipher_suite;  // an OpenSSL cipher list; empty: OpenSSL's default
    std::string cert_blacklist;  // file of refused serials [issuer]; empty: none
    // Where key-file's password is (common/key_file.h): env:NAME, env-b64:NAME or a
    // file; empty: key-file is not encrypted.
    std::string key_file_password;
};

enum class HeartbeatMode { Mesh, Multicast };  // index into `mesh|multicast`

struct Heartbeat {
    HeartbeatMode mode = HeartbeatMode::Mesh;
    std::string address;
    uint32_t port = 0;
    std::vector<HostPort> mesh_seeds;
    uint32_t interval_ms = 0;
    uint32_t timeout = 0;  // in missed intervals
    // A TLS listener (0: none); its seeds are reached over TLS. With tls-port and no
    // `port` in the file, `port` is 0: the node has no plaintext heartbeat.
    uint32_t tls_port = 0;
    std::vector<std::string> tls_addresses;  // empty: the same as `address`
    std::vector<HostPort> tls_mesh_seeds;
    std::string tls_name;  // names a network.tls stanza (`<hostname>`, `<cluster-name>` resolved)
};

struct Network {
    Endpoint service;
    Heartbeat heartbeat;
    Endpoint fabric;
    Endpoint info;
    std::vector<TlsSpec> tls;

    const TlsSpec* find_tls(std::string_view tls_name) const;
};

// namespace NAME { storage-engine device { } set NAME { } }

enum class ConflictResolution { Generation, LastUpdateTime };  // `generation|last-update-time`
enum class StorageEngine { Memory, Device };                    // `memory|device`

struct DeviceStorage {
    std::vector<std::string> files;
    std::vector<std::string> devices;
    uint64_t filesize = 0;
    uint64_t write_block_size = 0;
    bool data_in_memory = false;
    bool commit_to_device = false;
    uint32_t flush_max_ms = 0;
    uint32_t defrag_lwm_pct = 0;
    uint32_t defrag_sleep = 0;  // microseconds
    uint64_t max_write_cache = 0;
    uint32_t min_avail_pct = 0;
};

struct SetConfig {
    std::string name;
    bool disable_eviction = false;
    uint64_t stop_writes_count = 0;
    std::optional<uint64_t> default_ttl;  // unset: the namespace's default-ttl
    bool set_enable_xdr = false;
    int line = 0;
};

struct Namespace {
    std::string name;
    uint32_t replication_factor = 0;
    uint64_t memory_size = 0;
    uint64_t default_ttl = 0;
    uint64_t max_ttl = 0;
    uint64_t nsup_period = 0;
    bool allow_ttl_without_nsup = false;
    uint32_t high_water_memory_pct = 0;
    uint32_t high_water_disk_pct = 0;
    uint32_t stop_writes_pct = 0;
    uint32_t stop_writes_sys_memory_pct = 0;  // 0: no limit
    uint32_t evict_tenths_pct = 0;
    uint32_t default_read_touch_ttl_pct = 0;
    uint64_t max_record_size = 0;
    uint32_t rack_id = 0;
    ConflictResolution conflict_resolution_policy = ConflictResolution::Generation;
    StorageEngine storage_engine = StorageEngine::Memory;
    DeviceStorage device;  // meaningful only when storage_engine == Device
    std::vector<SetConfig> sets;
    bool enable_xdr = false;
    std::vector<std::string> xdr_remote_datacenters;
    bool sets_enable_xdr = false;
    bool ns_forward_xdr_writes = false;
    bool allow_xdr_writes = false;
    bool allow_nonxdr_writes = false;
    int line = 0;  // where `namespace NAME {` was opened; 0 when built in code

    const SetConfig* find_set(std::string_view set_name) const;
};

// xdr { datacenter NAME { } }

struct XdrDc {
    std::string name;
    std::vector<HostPort> nodes;  // dc-node-address-port
    std::string tls_name;         // a network.tls stanza: the link's CA (and certificate)
    // Logging in to a secured remote: 4.x names a `credentials { }` file, 5.x-8.x gives
    // auth-mode internal, auth-user and a password file (conf/dc_credentials.h reads both).
    std::string security_config_file;
    std::string auth_mode = "none";
    std::string auth_user;
    std::string auth_password_file;
    int line = 0;
};

struct Xdr {
    bool enable_xdr = false;
    uint32_t src_id = 0;
    std::string digestlog_path;
    uint64_t digestlog_size = 0;
    std::string namedpipe_path;
    uint32_t info_port = 0;
    uint64_t compression_threshold = 0;  // bytes; 0 = never compress
    uint32_t hotkey_time_ms = 0;
    uint64_t max_ship_throughput = 0;  // records/s; 0 = unlimited
    bool forward_xdr_writes = false;
    bool delete_shipping_enabled = false;
    bool nsup_deletes_enabled = false;
    std::vector<XdrDc> datacenters;

    const XdrDc* find_dc(std::string_view dc_name) const;
};

// Whether the namespace ships on the writes it received over XDR: forward-xdr-writes (xdr)
// or ns-forward-xdr-writes (namespace) turns it on. asd's write path and the topology view
// both ask here, so they cannot disagree.
bool forwards_xdr_writes(const Xdr& xdr, const Namespace& ns);

// mod-lua { }

struct ModLua {
    std::string user_path;
};

// security { log { } }: which security events go to the audit log (asd's `audit` log
// context).
struct SecurityLog {
    bool report_authentication = false;  // logins and authentications, ok or failed
    bool report_user_admin = false;      // user and role changes
    bool report_sys_admin = false;       // set-config, truncate, index and UDF changes
    bool report_violation = false;       // refused commands (not authenticated, role violation)
    std::vector<std::string> report_data_op;  // "NS" or "NS SET": data commands logged there
};

// security { }: access control. The stanza's presence turns it on (server 5.7+);
// `enable-security false` (the 4.x form) turns it off again.
struct Security {
    bool enabled = false;
    bool enable_quotas = false;              // per-role rate quotas (static)
    uint32_t privilege_refresh_period = 0;   // seconds
    uint32_t session_ttl = 0;                // seconds a login's token stays valid
    uint32_t tps_weight = 0;                 // quota rate average's weight (dynamic)
    SecurityLog log;
};

struct Config {
    std::string source;  // file name, or the source_name given to parse_string()
    Service service;
    Logging logging;
    Network network;
    std::vector<Namespace> namespaces;
    Xdr xdr;
    ModLua mod_lua;
    Security security;

    const Namespace* find_namespace(std::string_view ns_name) const;
    Namespace* find_namespace(std::string_view ns_name);
};

// Builders for code and tests that want table defaults without writing config text.
// make_config() has every stanza at its defaults and no namespaces (so it would not pass the
// loader's "no namespace defined" check until one is added).
Config make_config();
Namespace make_namespace(std::string name);
SetConfig make_set(std::string name);
XdrDc make_dc(std::string name);

}  // namespace conf
