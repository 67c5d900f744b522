// Key name -> struct member, one list per struct. A key missing here but present in the
// table is caught by the unit test "every table key has a binding".

#include "bindings.h"

#include <cstdio>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <vector>

namespace conf {

namespace {

// A Bool key the server accepts only as `false` (single-bin, strong-consistency).
struct Unsupported {};

// A Bool key accepted only as `true`, what asd always does (read-page-cache).
struct AlwaysTrue {};

// PATH SIZE stored in two members (xdr-digestlog-path).
template <class T>
struct PathSizeRef {
    std::string T::*path;
    uint64_t T::*size;
};

template <class T>
using Member =
    std::variant<uint32_t T::*, uint64_t T::*, bool T::*, std::string T::*,
                 std::vector<std::string> T::*, std::vector<HostPort> T::*,
                 std::optional<uint64_t> T::*, ConflictResolution T::*, StorageEngine T::*,
                 HeartbeatMode T::*, PathSizeRef<T>, Unsupported, AlwaysTrue>;

template <class T>
struct Binding {
    std::string_view name;
    Member<T> member;
};

template <class>
struct FieldOf;
template <class F, class C>
struct FieldOf<F C::*> {
    using type = F;
};

template <class T>
std::span<const Binding<T>> bindings();

template <>
std::span<const Binding<Service>> bindings() {
    using S = Service;
    static const Binding<S> list[] = {
        {"cluster-name", &S::cluster_name},
        {"node-id", &S::node_id},
        {"service-threads", &S::service_threads},
        {"proto-fd-max", &S::proto_fd_max},
        {"pidfile", &S::pidfile},
        {"work-directory", &S::work_directory},
        {"batch-max-requests", &S::batch_max_requests},
        {"info-threads", &S::info_threads},
        {"feature-key-file", &S::feature_key_file},
        {"user", &S::user},
        {"group", &S::group},
        {"migrate-threads", &S::migrate_threads},
        {"migrate-max-num-incoming", &S::migrate_max_num_incoming},
        {"ticker-interval", &S::ticker_interval},
        {"tls-refresh-period", &S::tls_refresh_period},
        {"enable-fault-injection", &S::enable_fault_injection},
        {"paxos-single-replica-limit", &S::paxos_single_replica_limit},
    };
    return list;
}

template <>
std::span<const Binding<Security>> bindings() {
    using S = Security;
    static const Binding<S> list[] = {
        {"enable-security", &S::enabled},
        {"enable-quotas", &S::enable_quotas},
        {"privilege-refresh-period", &S::privilege_refresh_period},
        {"session-ttl", &S::session_ttl},
        {"tps-weight", &S::tps_weight},
    };
    return list;
}

template <>
std::span<const Binding<SecurityLog>> bindings() {
    using L = SecurityLog;
    static const Binding<L> list[] = {
        {"report-authentication", &L::report_authentication},
        {"report-user-admin", &L::report_user_admin},
        {"report-sys-admin", &L::report_sys_admin},
        {"report-violation", &L::report_violation},
        {"report-data-op", &L::report_data_op},
    };
    return list;
}

template <>
std::span<const Binding<Endpoint>> bindings() {
    using E = Endpoint;
    static const Binding<E> list[] = {
        {"address", &E::addresses},
        {"port", &E::port},
        {"access-address", &E::access_addresses},
        {"alternate-access-address", &E::alternate_access_addresses},
        {"tls-port", &E::tls_port},
        {"tls-address", &E::tls_addresses},
        {"tls-name", &E::tls_name},
        {"tls-authenticate-client", &E::tls_authenticate_client},
    };
    return list;
}

template <>
std::span<const Binding<TlsSpec>> bindings() {
    using T = TlsSpec;
    static const Binding<T> list[] = {
        {"cert-file", &T::cert_file},
        {"key-file", &T::key_file},
        {"key-file-password", &T::key_file_password},
        {"ca-file", &T::ca_file},
        {"ca-path", &T::ca_path},
        {"protocols", &T::protocols},
        {"cipher-suite", &T::cipher_suite},
        {"cert-blacklist", &T::cert_blacklist},
    };
    return list;
}

template <>
std::span<const Binding<Heartbeat>> bindings() {
    using H = Heartbeat;
    static const Binding<H> list[] = {
        {"mode", &H::mode},
        {"address", &H::address},
        {"port", &H::port},
        {"mesh-seed-address-port", &H::mesh_seeds},
        {"interval", &H::interval_ms},
        {"timeout", &H::timeout},
        {"tls-port", &H::tls_port},
        {"tls-address", &H::tls_addresses},
        {"tls-mesh-seed-address-port", &H::tls_mesh_seeds},
        {"tls-name", &H::tls_name},
    };
    return list;
}

template <>
std::span<const Binding<Namespace>> bindings() {
    using N = Namespace;
    static const Binding<N> list[] = {
        {"replication-factor", &N::replication_factor},
        {"memory-size", &N::memory_size},
        {"default-ttl", &N::default_ttl},
        {"max-ttl", &N::max_ttl},
        {"nsup-period", &N::nsup_period},
        {"allow-ttl-without-nsup", &N::allow_ttl_without_nsup},
        {"high-water-memory-pct", &N::high_water_memory_pct},
        {"high-water-disk-pct", &N::high_water_disk_pct},
        {"stop-writes-pct", &N::stop_writes_pct},
        {"stop-writes-sys-memory-pct", &N::stop_writes_sys_memory_pct},
        {"evict-tenths-pct", &N::evict_tenths_pct},
        {"max-record-size", &N::max_record_size},
        {"default-read-touch-ttl-pct", &N::default_read_touch_ttl_pct},
        {"rack-id", &N::rack_id},
        {"conflict-resolution-policy", &N::conflict_resolution_policy},
        {"single-bin", Unsupported{}},
        {"strong-consistency", Unsupported{}},
        {"storage-engine", &N::storage_engine},
        {"enable-xdr", &N::enable_xdr},
        {"xdr-remote-datacenter", &N::xdr_remote_datacenters},
        {"sets-enable-xdr", &N::sets_enable_xdr},
        {"ns-forward-xdr-writes", &N::ns_forward_xdr_writes},
        {"allow-xdr-writes", &N::allow_xdr_writes},
        {"allow-nonxdr-writes", &N::allow_nonxdr_writes},
    };
    return list;
}

template <>
std::span<const Binding<DeviceStorage>> bindings() {
    using D = DeviceStorage;
    static const Binding<D> list[] = {
        {"file", &D::files},
        {"device", &D::devices},
        {"filesize", &D::filesize},
        {"write-block-size", &D::write_block_size},
        {"data-in-memory", &D::data_in_memory},
        {"commit-to-device", &D::commit_to_device},
        {"flush-max-ms", &D::flush_max_ms},
        {"defrag-lwm-pct", &D::defrag_lwm_pct},
        {"defrag-sleep", &D::defrag_sleep},
        {"max-write-cache", &D::max_write_cache},
        {"min-avail-pct", &D::min_avail_pct},
        {"read-page-cache", AlwaysTrue{}},
    };
    return list;
}

template <>
std::span<const Binding<SetConfig>> bindings() {
    using C = SetConfig;
    static const Binding<C> list[] = {
        {"disable-eviction", &C::disable_eviction},
        {"stop-writes-count", &C::stop_writes_count},
        {"default-ttl", &C::default_ttl},
        {"set-enable-xdr", &C::set_enable_xdr},
    };
    return list;
}

template <>
std::span<const Binding<Xdr>> bindings() {
    using X = Xdr;
    static const Binding<X> list[] = {
        {"enable-xdr", &X::enable_xdr},
        {"src-id", &X::src_id},
        {"xdr-digestlog-path", PathSizeRef<X>{&X::digestlog_path, &X::digestlog_size}},
        {"xdr-namedpipe-path", &X::namedpipe_path},
        {"xdr-info-port", &X::info_port},
        {"xdr-compression-threshold", &X::compression_threshold},
        {"xdr-hotkey-time-ms", &X::hotkey_time_ms},
        {"xdr-max-ship-throughput", &X::max_ship_throughput},
        {"forward-xdr-writes", &X::forward_xdr_writes},
        {"xdr-delete-shipping-enabled", &X::delete_shipping_enabled},
        {"xdr-nsup-deletes-enabled", &X::nsup_deletes_enabled},
    };
    return list;
}

template <>
std::span<const Binding<XdrDc>> bindings() {
    using D = XdrDc;
    static const Binding<D> list[] = {
        {"dc-node-address-port", &D::nodes},
        {"tls-name", &D::tls_name},
        {"dc-security-config-file", &D::security_config_file},
        {"auth-mode", &D::auth_mode},
        {"auth-user", &D::auth_user},
        {"auth-password-file", &D::auth_password_file},
    };
    return list;
}

template <>
std::span<const Binding<ModLua>> bindings() {
    static const Binding<ModLua> list[] = {{"user-path", &ModLua::user_path}};
    return list;
}

template <class T>
const Binding<T>* find_binding(std::string_view name) {
    for (const Binding<T>& binding : bindings<T>()) {
        if (binding.name == name) return &binding;
    }
    return nullptr;
}

std::string format_number(uint64_t value, KeyType type) {
    if (type != KeyType::Hex) return std::to_string(value);
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%llx", static_cast<unsigned long long>(value));
    return buffer;
}

template <class T>
std::string assign_field(T& obj, const Member<T>& member, const KeySpec& spec, const Value& value,
                         std::string_view where) {
    return std::visit(
        [&](const auto& m) -> std::string {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, Unsupported>) {
                if (!value.flag) return {};
                return "'" + std::string(spec.name) + " true' is not supported (in " +
                       std::string(where) + ")";
            } else if constexpr (std::is_same_v<M, AlwaysTrue>) {
                if (value.flag) return {};
                return "'" + std::string(spec.name) + " false' is not supported (in " + std::string(where) +
                       "): asd always reads through the page cache";
            } else if constexpr (std::is_same_v<M, PathSizeRef<T>>) {
                obj.*(m.path) = value.text;
                obj.*(m.size) = value.number;
                return {};
            } else {
                using F = typename FieldOf<M>::type;
                F& field = obj.*m;
                if constexpr (std::is_same_v<F, uint32_t>) {
                    if (value.number > UINT32_MAX) {
                        return "value " + std::to_string(value.number) + " for '" +
                               std::string(spec.name) + "' out of range in " + std::string(where);
                    }
                    field = static_cast<uint32_t>(value.number);
                } else if constexpr (std::is_same_v<F, uint64_t>) {
                    field = value.number;
                } else if constexpr (std::is_same_v<F, bool>) {
                    field = value.flag;
                } else if constexpr (std::is_same_v<F, std::string>) {
                    field = value.text;
                } else if constexpr (std::is_same_v<F, std::vector<std::string>>) {
                    field.push_back(value.text);
                } else if constexpr (std::is_same_v<F, std::vector<HostPort>>) {
                    field.push_back(value.host_port);
                } else if constexpr (std::is_same_v<F, std::optional<uint64_t>>) {
                    field = value.number;
                } else {
                    static_assert(std::is_enum_v<F>);
                    field = static_cast<F>(value.choice);
                }
                return {};
            }
        },
        member);
}

template <class T>
std::string render_field(const T& obj, const Member<T>& member, const KeySpec& spec) {
    return std::visit(
        [&](const auto& m) -> std::string {
            using M = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<M, Unsupported>) {
                return "false";
            } else if constexpr (std::is_same_v<M, AlwaysTrue>) {
                return "true";
            } else if constexpr (std::is_same_v<M, PathSizeRef<T>>) {
                if ((obj.*(m.path)).empty()) return {};
                return obj.*(m.path) + " " + std::to_string(obj.*(m.size));
            } else {
                using F = typename FieldOf<M>::type;
                const F& field = obj.*m;
                if constexpr (std::is_same_v<F, uint32_t> || std::is_same_v<F, uint64_t>) {
                    return format_number(field, spec.type);
                } else if constexpr (std::is_same_v<F, bool>) {
                    return field ? "true" : "false";
                } else if constexpr (std::is_same_v<F, std::string>) {
                    return field;
                } else if constexpr (std::is_same_v<F, std::vector<std::string>>) {
                    std::string out;
                    for (const std::string& item : field) out += (out.empty() ? "" : ",") + item;
                    return out;
                } else if constexpr (std::is_same_v<F, std::vector<HostPort>>) {
                    std::string out;
                    for (const HostPort& hp : field) {
                        out += (out.empty() ? "" : ",") + hp.host + ":" + std::to_string(hp.port);
                        if (!hp.tls_name.empty()) out += ":" + hp.tls_name;
                    }
                    return out;
                } else if constexpr (std::is_same_v<F, std::optional<uint64_t>>) {
                    return field ? format_number(*field, spec.type) : std::string();
                } else {
                    static_assert(std::is_enum_v<F>);
                    return std::string(choice_name(spec.choices, static_cast<std::size_t>(field)));
                }
            }
        },
        member);
}

template <class T>
bool has_binding_in(std::string_view name) {
    return find_binding<T>(name) != nullptr;
}

}  // namespace

template <class T>
std::string assign(T& obj, const KeySpec& spec, const Value& value, std::string_view where) {
    const Binding<T>* binding = find_binding<T>(spec.name);
    if (binding == nullptr) {
        return "key '" + std::string(spec.name) + "' has no storage (internal error)";
    }
    return assign_field(obj, binding->member, spec, value, where);
}

template <class T>
std::optional<std::string> render_member(const T& obj, const KeySpec& spec) {
    const Binding<T>* binding = find_binding<T>(spec.name);
    if (binding == nullptr) return std::nullopt;
    return render_field(obj, binding->member, spec);
}

template <class T>
void apply_defaults(T& obj, std::string_view context) {
    for (const KeySpec& spec : key_table()) {
        if (spec.context != context || spec.type == KeyType::Stanza || spec.default_value.empty()) {
            continue;
        }
        // Refused keys and other spellings of a key have no member of their own.
        if ((!spec.unsupported.empty() || !spec.stored_as.empty()) && find_binding<T>(spec.name) == nullptr) continue;
        Value value;
        std::vector<std::string> words = split_words(spec.default_value);
        std::string error = parse_value(spec, words, "defaults", value);
        if (error.empty()) error = assign(obj, spec, value, "defaults");
        // A broken table is a bug in this module, not in the user's file.
        if (!error.empty()) throw std::logic_error("conf key table: " + error);
    }
}

bool has_binding(const KeySpec& spec) {
    std::string_view c = spec.context;
    std::string_view n = spec.name;
    if (c == "service") return has_binding_in<Service>(n);
    if (c == "network.service" || c == "network.fabric" || c == "network.info") {
        return has_binding_in<Endpoint>(n);
    }
    if (c == "network.heartbeat") return has_binding_in<Heartbeat>(n);
    if (c == "network.tls") return has_binding_in<TlsSpec>(n);
    if (c == "namespace") return has_binding_in<Namespace>(n);
    if (c == "namespace.storage-engine") return has_binding_in<DeviceStorage>(n);
    if (c == "namespace.set") return has_binding_in<SetConfig>(n);
    if (c == "xdr") return has_binding_in<Xdr>(n);
    if (c == "xdr.datacenter") return has_binding_in<XdrDc>(n);
    if (c == "mod-lua") return has_binding_in<ModLua>(n);
    if (c == "security") return has_binding_in<Security>(n);
    if (c == "security.log") return has_binding_in<SecurityLog>(n);
    return false;
}

#define CONF_INSTANTIATE(T)                                                                   \
    template std::string assign<T>(T&, const KeySpec&, const Value&, std::string_view);      \
    template std::optional<std::string> render_member<T>(const T&, const KeySpec&);          \
    template void apply_defaults<T>(T&, std::string_view);

CONF_INSTANTIATE(Service)
CONF_INSTANTIATE(Endpoint)
CONF_INSTANTIATE(Heartbeat)
CONF_INSTANTIATE(TlsSpec)
CONF_INSTANTIATE(Namespace)
CONF_INSTANTIATE(DeviceStorage)
CONF_INSTANTIATE(SetConfig)
CONF_INSTANTIATE(Xdr)
CONF_INSTANTIATE(XdrDc)
CONF_INSTANTIATE(ModLua)
CONF_INSTANTIATE(Security)
CONF_INSTANTIATE(SecurityLog)

#undef CONF_INSTANTIATE

}  // namespace conf
