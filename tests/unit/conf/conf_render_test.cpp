// get-config rendering and set-config (apply_dynamic).

#include <string>

#include "conf/key_table.h"
#include "conf/render.h"
#include "conf_test_util.h"

using conf_test::parse;
using conf_test::value_of;

namespace {

const char* const kFull =
    "service {\n  cluster-name east\n  node-id BB9\n}\n"
    "logging {\n  console {\n    context any info\n  }\n  file /var/log/asd.log {\n    context migrate debug\n  }\n}\n"
    "network {\n"
    "  service {\n    address 127.0.0.1\n    address 10.0.0.1\n    port 3100\n    tls-port 4333\n"
    "    tls-address 127.0.0.1\n    tls-name east\n    tls-authenticate-client false\n  }\n"
    "  tls east {\n    cert-file /etc/tls/east.pem\n    key-file /etc/tls/east.key\n    ca-file /etc/tls/ca.pem\n"
    "    ca-path /etc/tls/ca\n    protocols TLSv1.2,TLSv1.3\n    cipher-suite HIGH\n  }\n"
    "  heartbeat {\n    mesh-seed-address-port 10.0.0.2 3002\n    mesh-seed-address-port 10.0.0.3 3002\n  }\n"
    "}\n"
    "xdr {\n"
    "  enable-xdr true\n"
    "  xdr-digestlog-path /opt/dlog 1G\n"
    "  datacenter DC2 {\n    dc-node-address-port 10.2.0.1 3000\n    dc-node-address-port 10.2.0.2 3000\n  }\n"
    "}\n"
    "namespace test {\n  replication-factor 1\n  memory-size 1G\n  default-ttl 30d\n  nsup-period 120\n  xdr-remote-datacenter DC2\n}\n"
    "namespace disk {\n"
    "  storage-engine device {\n    file /data/a.dat\n    file /data/b.dat\n    write-block-size 128K\n  }\n"
    "  max-record-size 64K\n"
    "}\n";

}  // namespace

TEST_CASE("render service and network", "[conf]") {
    conf::Config config = parse(kFull);
    auto service = conf::render_context(config, "service", "");
    REQUIRE_FALSE(service.empty());
    CHECK(service[0].first == "cluster-name");  // table order
    CHECK(value_of(service, "cluster-name") == "east");
    CHECK(value_of(service, "node-id") == "bb9");
    CHECK(value_of(service, "proto-fd-max") == "15000");
    CHECK(value_of(service, "work-directory") == "/opt/aerospike");

    auto network = conf::render_context(config, "network", "");
    CHECK(value_of(network, "service.address") == "127.0.0.1,10.0.0.1");
    CHECK(value_of(network, "service.port") == "3100");
    CHECK(value_of(network, "heartbeat.mode") == "mesh");
    CHECK(value_of(network, "heartbeat.port") == "3002");
    CHECK(value_of(network, "heartbeat.interval") == "150");
    CHECK(value_of(network, "heartbeat.timeout") == "10");
    CHECK(value_of(network, "heartbeat.mesh-seed-address-port") == "10.0.0.2:3002,10.0.0.3:3002");
    CHECK(value_of(network, "fabric.port") == "3001");
    CHECK(value_of(network, "info.port") == "3003");
    CHECK(value_of(network, "fabric.access-address") == "<absent>");
}

TEST_CASE("render namespace: sizes in bytes, times in seconds", "[conf]") {
    conf::Config config = parse(kFull);
    auto ns = conf::render_context(config, "namespace", "test");
    CHECK(value_of(ns, "replication-factor") == "1");
    CHECK(value_of(ns, "memory-size") == "1073741824");
    CHECK(value_of(ns, "default-ttl") == "2592000");
    CHECK(value_of(ns, "max-ttl") == "315360000");
    CHECK(value_of(ns, "nsup-period") == "120");
    CHECK(value_of(ns, "allow-ttl-without-nsup") == "false");
    CHECK(value_of(ns, "sets-enable-xdr") == "true");
    CHECK(value_of(ns, "max-record-size") == "1048576");
    CHECK(value_of(ns, "conflict-resolution-policy") == "generation");
    CHECK(value_of(ns, "single-bin") == "false");
    CHECK(value_of(ns, "storage-engine") == "memory");
    CHECK(value_of(ns, "xdr-remote-datacenter") == "DC2");
    CHECK(value_of(ns, "storage-engine.file") == "<absent>");

    auto disk = conf::render_context(config, "namespace", "disk");
    CHECK(value_of(disk, "storage-engine") == "device");
    CHECK(value_of(disk, "storage-engine.file") == "/data/a.dat,/data/b.dat");
    CHECK(value_of(disk, "storage-engine.write-block-size") == "131072");
    CHECK(value_of(disk, "storage-engine.data-in-memory") == "false");
    CHECK(value_of(disk, "storage-engine.max-write-cache") == "67108864");

    CHECK(conf::render_context(config, "namespace", "nope").empty());
    CHECK(conf::render_context(config, "bogus", "").empty());
}

TEST_CASE("render logging and xdr", "[conf]") {
    conf::Config config = parse(kFull);
    auto logging = conf::render_context(config, "logging", "");
    CHECK(value_of(logging, "console:any") == "info");
    CHECK(value_of(logging, "/var/log/asd.log:migrate") == "debug");

    auto xdr = conf::render_context(config, "xdr", "");
    CHECK(value_of(xdr, "enable-xdr") == "true");
    CHECK(value_of(xdr, "xdr-digestlog-path") == "/opt/dlog 1073741824");
    CHECK(value_of(xdr, "xdr-info-port") == "3004");
    CHECK(value_of(xdr, "xdr-delete-shipping-enabled") == "true");

    auto dc = conf::render_context(config, "xdr", "DC2");
    CHECK(value_of(dc, "dc-node-address-port") == "10.2.0.1:3000,10.2.0.2:3000");
    CHECK(value_of(dc, "tls-name") == "");  // no TLS on this link
    CHECK(conf::render_context(config, "xdr", "DC9").empty());
}

TEST_CASE("apply_dynamic changes dynamic keys only", "[conf]") {
    conf::Config config = parse(kFull);
    CHECK(conf::apply_dynamic(config, "namespace", "test", "default-ttl", "3600") == "");
    CHECK(config.find_namespace("test")->default_ttl == 3600);
    CHECK(conf::apply_dynamic(config, "namespace", "test", "default-ttl", "2h") == "");
    CHECK(config.find_namespace("test")->default_ttl == 7200);
    CHECK(conf::apply_dynamic(config, "namespace", "test", "high-water-memory-pct", "70") == "");
    CHECK(config.find_namespace("test")->high_water_memory_pct == 70);
    CHECK(conf::apply_dynamic(config, "namespace", "test", "conflict-resolution-policy", "last-update-time") == "");
    CHECK(config.find_namespace("test")->conflict_resolution_policy == conf::ConflictResolution::LastUpdateTime);

    conf::Result error = conf::apply_dynamic(config, "namespace", "test", "replication-factor", "3");
    CHECK(error.find("'replication-factor' in namespace 'test' is not dynamic") != std::string::npos);
    CHECK(config.find_namespace("test")->replication_factor == 1);

    error = conf::apply_dynamic(config, "namespace", "test", "stop-writes-pct", "200");
    CHECK(error.find("value 200 for 'stop-writes-pct' out of range 0..100") != std::string::npos);
    CHECK(config.find_namespace("test")->stop_writes_pct == 90);

    CHECK(conf::apply_dynamic(config, "namespace", "test", "allow-xdr-writes", "yes").find("expected true or false") !=
          std::string::npos);
    // Keys asd and xdr read once at start-up are static: set-config refuses them.
    for (const char* key : {"enable-xdr", "sets-enable-xdr", "ns-forward-xdr-writes"}) {
        INFO(key);
        CHECK(conf::apply_dynamic(config, "namespace", "test", key, "1").find("is not dynamic") != std::string::npos);
    }
    for (const char* key : {"cluster-name", "service-threads"}) {
        INFO(key);
        CHECK(conf::apply_dynamic(config, "service", "", key, "2").find("is not dynamic") != std::string::npos);
    }
    // Keys of the real server this project does not implement: refused with the reason.
    CHECK(conf::apply_dynamic(config, "service", "", "info-threads", "2") ==
          "'info-threads' in service is not supported: asd answers info commands on its service threads; remove the line");
    CHECK(conf::apply_dynamic(config, "namespace", "test", "default-read-touch-ttl-pct", "1").find("is not dynamic") !=
          std::string::npos);
    // asd reads these too (which writes it announces), and asd does not take set-config for xdr.
    for (const char* key : {"enable-xdr", "forward-xdr-writes", "xdr-delete-shipping-enabled", "xdr-nsup-deletes-enabled"}) {
        INFO(key);
        CHECK(conf::apply_dynamic(config, "xdr", "", key, "1").find("is not dynamic") != std::string::npos);
    }
    CHECK(conf::apply_dynamic(config, "namespace", "test", "memory-sise", "1G") ==
          "unknown key 'memory-sise' in namespace 'test'");
    CHECK(conf::apply_dynamic(config, "namespace", "nope", "default-ttl", "1") == "unknown namespace 'nope'");
    CHECK(conf::apply_dynamic(config, "bogus", "", "x", "1") == "unknown context 'bogus'");
    // Cross-key checks run too: a default-ttl above max-ttl is refused and nothing changes.
    CHECK(conf::apply_dynamic(config, "namespace", "test", "default-ttl", "20y").find("expected a time") !=
          std::string::npos);
    CHECK(conf::apply_dynamic(config, "namespace", "test", "default-ttl", "315360001").find("out of range") !=
          std::string::npos);
    CHECK(config.find_namespace("test")->default_ttl == 7200);
}

TEST_CASE("apply_dynamic for storage, network, service, logging, xdr", "[conf]") {
    conf::Config config = parse(kFull);
    CHECK(conf::apply_dynamic(config, "namespace", "disk", "storage-engine.defrag-lwm-pct", "40") == "");
    CHECK(conf::apply_dynamic(config, "namespace", "disk", "flush-max-ms", "500") == "");
    const conf::Namespace& disk = *config.find_namespace("disk");
    CHECK(disk.device.defrag_lwm_pct == 40);
    CHECK(disk.device.flush_max_ms == 500);
    CHECK(conf::apply_dynamic(config, "namespace", "disk", "write-block-size", "1M").find("is not dynamic") !=
          std::string::npos);
    CHECK(conf::apply_dynamic(config, "namespace", "disk", "max-record-size", "256K") ==
          "max-record-size 262144 exceeds write-block-size 131072 in namespace 'disk'");
    CHECK(disk.max_record_size == 64u << 10);

    CHECK(conf::apply_dynamic(config, "network", "", "heartbeat.interval", "250").find("is not dynamic") !=
          std::string::npos);
    CHECK(conf::apply_dynamic(config, "network", "", "heartbeat.timeout", "20").find("is not dynamic") !=
          std::string::npos);
    CHECK(config.network.heartbeat.interval_ms == 150);
    CHECK(conf::apply_dynamic(config, "network", "", "service.port", "3200").find("is not dynamic") !=
          std::string::npos);
    CHECK(conf::apply_dynamic(config, "network", "", "port", "3200") == "unknown key 'port' in network");

    CHECK(conf::apply_dynamic(config, "service", "", "proto-fd-max", "20000") == "");
    CHECK(config.service.proto_fd_max == 20000);
    CHECK(conf::apply_dynamic(config, "service", "", "work-directory", "/tmp").find("is not dynamic") !=
          std::string::npos);

    CHECK(conf::apply_dynamic(config, "logging", "console", "any", "debug") == "");
    CHECK(config.logging.sinks[0].contexts.at("any") == conf::LogLevel::Debug);
    CHECK(conf::apply_dynamic(config, "logging", "/var/log/asd.log", "nsup", "warning") == "");
    CHECK(config.logging.sinks[1].contexts.at("nsup") == conf::LogLevel::Warning);
    CHECK(conf::apply_dynamic(config, "logging", "console", "any", "loud").find("a log level") != std::string::npos);
    CHECK(conf::apply_dynamic(config, "logging", "syslog", "any", "info") == "unknown log sink 'syslog'");

    CHECK(conf::apply_dynamic(config, "xdr", "", "xdr-max-ship-throughput", "1000") == "");
    CHECK(config.xdr.max_ship_throughput == 1000);
    CHECK(conf::apply_dynamic(config, "xdr", "", "src-id", "3").find("is not dynamic") != std::string::npos);
    CHECK(conf::apply_dynamic(config, "xdr", "DC2", "tls-name", "x").find("is not dynamic") != std::string::npos);
    CHECK(conf::apply_dynamic(config, "xdr", "DC9", "tls-name", "x") == "unknown datacenter 'DC9'");
}

TEST_CASE("every dynamic key accepts its own rendered value", "[conf]") {
    conf::Config config = parse(kFull);
    const conf::Config before = config;
    struct Target {
        const char* context;
        const char* id;
    };
    for (Target target : {Target{"service", ""}, Target{"network", ""}, Target{"namespace", "test"},
                          Target{"namespace", "disk"}, Target{"xdr", ""}}) {
        auto rendered = conf::render_context(config, target.context, target.id);
        for (const auto& [key, value] : rendered) {
            conf::Result result = conf::apply_dynamic(config, target.context, target.id, key, value);
            INFO(target.context << " " << target.id << " " << key << "=" << value << " -> " << result);
            CHECK((result.empty() || result.find("is not dynamic") != std::string::npos ||
                   result.find("is not supported") != std::string::npos));
        }
        CHECK(conf::render_context(config, target.context, target.id) == rendered);
    }
    CHECK(conf::render_context(config, "namespace", "test") == conf::render_context(before, "namespace", "test"));
}

TEST_CASE("every table key outside logging and sets is rendered", "[conf]") {
    // render_context() walks the table through the bindings, so a key without a binding
    // (a table row nobody stores) would be missing here.
    conf::Config config = parse(kFull);
    for (const conf::KeySpec& spec : conf::key_table()) {
        // Refused keys never reach a Config, and a 5.x-8.x spelling prints as the key it
        // is stored in (covered by conf_dialect_test.cpp). kFull has xdr, which security
        // refuses: conf_security_test.cpp renders the security keys.
        if (spec.type == conf::KeyType::Stanza || spec.context.starts_with("logging") ||
            spec.context.starts_with("security") ||
            spec.context == "namespace.set" || spec.context.empty() || !spec.unsupported.empty() ||
            !spec.stored_as.empty() || spec.context == "namespace.storage-memory" || spec.context.starts_with("xdr.dc")) {
            continue;
        }
        std::string context(spec.context);
        std::string key(spec.name);
        std::string id;
        if (context == "network.tls") {
            key = "tls[0]." + key;
            context = "network";
        } else if (context.starts_with("network.")) {
            key = context.substr(8) + "." + key;
            context = "network";
        } else if (context == "namespace.storage-engine") {
            key = "storage-engine." + key;
            context = "namespace";
            id = "disk";
        } else if (context == "namespace") {
            id = "test";
        } else if (context == "xdr.datacenter") {
            context = "xdr";
            id = "DC2";
        }
        INFO(spec.context << " " << spec.name);
        CHECK(value_of(conf::render_context(config, context, id), key) != "<absent>");
    }
}
