// Cross-key checks. Each mirrors a startup refusal of the real server, so a config we accept
// would also start there.

#include "validate.h"

namespace conf {

namespace {

std::string in_ns(const Namespace& ns) { return " in namespace '" + ns.name + "'"; }

std::string check_ttls(const Namespace& ns) {
    if (ns.default_ttl > ns.max_ttl) {
        return "default-ttl " + std::to_string(ns.default_ttl) + " exceeds max-ttl " +
               std::to_string(ns.max_ttl) + in_ns(ns);
    }
    if (ns.default_ttl != 0 && ns.nsup_period == 0 && !ns.allow_ttl_without_nsup) {
        return "non-zero default-ttl needs a non-zero nsup-period or allow-ttl-without-nsup true" +
               in_ns(ns);
    }
    for (const SetConfig& set : ns.sets) {
        if (set.default_ttl && *set.default_ttl > ns.max_ttl) {
            return "default-ttl " + std::to_string(*set.default_ttl) + " of set '" + set.name +
                   "' exceeds max-ttl " + std::to_string(ns.max_ttl) + in_ns(ns);
        }
    }
    return {};
}

std::string check_device(const Namespace& ns) {
    if (ns.storage_engine != StorageEngine::Device) return {};
    uint64_t block = ns.device.write_block_size;
    if (block == 0 || (block & (block - 1)) != 0) {
        return "write-block-size " + std::to_string(block) + " is not a power of 2" + in_ns(ns);
    }
    if (ns.max_record_size > block) {
        return "max-record-size " + std::to_string(ns.max_record_size) +
               " exceeds write-block-size " + std::to_string(block) + in_ns(ns);
    }
    return {};
}

}  // namespace

std::string check_namespace(const Namespace& ns) {
    if (std::string error = check_ttls(ns); !error.empty()) return error;
    return check_device(ns);
}

std::string check_xdr(const Xdr& xdr) {
    if (xdr.enable_xdr && xdr.digestlog_path.empty()) {
        return "xdr enable-xdr true needs xdr-digestlog-path";
    }
    return {};
}

}  // namespace conf
