// Configs that must load, and what they load into.

#include <string>

#include "conf/config.h"
#include "conf/loader.h"
#include "conf_test_util.h"

using conf_test::kNamespace;
using conf_test::parse;

TEST_CASE("example single-node.conf loads", "[conf]") {
    conf::Config config = conf::load_file(CONF_EXAMPLES_DIR "/single-node.conf");
    CHECK(config.source == CONF_EXAMPLES_DIR "/single-node.conf");
    CHECK(config.service.cluster_name == "single-node");
    REQUIRE(config.logging.sinks.size() == 1);
    CHECK(config.logging.sinks[0].kind == conf::LogSinkKind::Console);
    CHECK(config.logging.sinks[0].contexts.at("any") == conf::LogLevel::Info);
    CHECK(config.network.service.addresses == std::vector<std::string>{"127.0.0.1"});
    CHECK(config.network.service.port == 3000);
    CHECK(config.network.heartbeat.mode == conf::HeartbeatMode::Mesh);
    CHECK(config.network.heartbeat.port == 3002);
    CHECK(config.network.fabric.port == 3001);
    CHECK(config.network.info.port == 3003);
    REQUIRE(config.namespaces.size() == 2);
    for (const char* name : {"test", "bar"}) {
        const conf::Namespace* ns = config.find_namespace(name);
        REQUIRE(ns != nullptr);
        CHECK(ns->replication_factor == 1);
        CHECK(ns->memory_size == 1024ull * 1024 * 1024);
        CHECK(ns->default_ttl == 0);
        CHECK(ns->nsup_period == 120);
        CHECK(ns->storage_engine == conf::StorageEngine::Memory);
    }
    CHECK(config.find_namespace("test")->line < config.find_namespace("bar")->line);
    CHECK(config.find_namespace("nope") == nullptr);
}

TEST_CASE("example device.conf loads", "[conf]") {
    conf::Config config = conf::load_file(CONF_EXAMPLES_DIR "/device.conf");
    const conf::Namespace* ns = config.find_namespace("test");
    REQUIRE(ns != nullptr);
    CHECK(ns->storage_engine == conf::StorageEngine::Device);
    CHECK(ns->device.files == std::vector<std::string>{"/tmp/asd-device/test.dat"});
    CHECK(ns->device.filesize == 4ull << 30);
    CHECK(ns->device.write_block_size == 1u << 20);
    CHECK_FALSE(ns->device.data_in_memory);
    CHECK_FALSE(ns->device.commit_to_device);
    CHECK(ns->device.flush_max_ms == 1000);
    CHECK(ns->device.min_avail_pct == 5);
    CHECK(ns->high_water_disk_pct == 60);
    CHECK(ns->max_record_size == 1u << 20);
}

TEST_CASE("a device namespace with small blocks gets them as max-record-size", "[conf]") {
    conf::Config config = parse("namespace t {\n  storage-engine device {\n    file /f\n"
                                "    write-block-size 128K\n  }\n}\n");
    CHECK(config.namespaces.at(0).max_record_size == 128u * 1024);
}

TEST_CASE("minimal config gets the table defaults", "[conf]") {
    conf::Config config = parse(kNamespace);
    CHECK(config.source == "test.conf");
    const conf::Service& service = config.service;
    CHECK(service.cluster_name.empty());
    CHECK_FALSE(service.node_id.has_value());
    CHECK(service.service_threads == 0);
    CHECK(service.proto_fd_max == 15000);
    CHECK(service.batch_max_requests == 5000);
    CHECK(service.info_threads == 16);
    CHECK(service.work_directory == "/opt/aerospike");
    CHECK(config.network.service.port == 3000);
    CHECK(config.network.service.addresses.empty());
    CHECK(config.network.heartbeat.port == 3002);
    CHECK(config.network.heartbeat.interval_ms == 150);
    CHECK(config.network.heartbeat.timeout == 10);
    CHECK(config.network.fabric.port == 3001);
    CHECK(config.network.info.port == 3003);
    CHECK(config.logging.sinks.empty());
    CHECK(config.mod_lua.user_path.empty());  // asd uses <work-directory>/usr/udf/lua

    REQUIRE(config.namespaces.size() == 1);
    const conf::Namespace& ns = config.namespaces[0];
    CHECK(ns.name == "test");
    CHECK(ns.line == 1);
    CHECK(ns.replication_factor == 2);
    CHECK(ns.memory_size == 4ull << 30);
    CHECK(ns.default_ttl == 0);
    CHECK(ns.max_ttl == 315360000);
    CHECK(ns.nsup_period == 0);
    CHECK_FALSE(ns.allow_ttl_without_nsup);
    CHECK(ns.high_water_memory_pct == 0);
    CHECK(ns.high_water_disk_pct == 0);
    CHECK(ns.stop_writes_pct == 90);
    CHECK(ns.evict_tenths_pct == 5);
    CHECK(ns.default_read_touch_ttl_pct == 0);
    CHECK(ns.max_record_size == 1u << 20);
    CHECK(ns.conflict_resolution_policy == conf::ConflictResolution::Generation);
    CHECK(ns.storage_engine == conf::StorageEngine::Memory);
    CHECK(ns.device.filesize == 4ull << 30);
    CHECK(ns.device.write_block_size == 1u << 20);
    CHECK(ns.device.flush_max_ms == 1000);
    CHECK(ns.device.defrag_lwm_pct == 50);
    CHECK(ns.device.defrag_sleep == 1000);
    CHECK(ns.device.max_write_cache == 64u << 20);
    CHECK_FALSE(ns.enable_xdr);
    CHECK(ns.sets_enable_xdr);
    CHECK_FALSE(ns.ns_forward_xdr_writes);
    CHECK(ns.allow_xdr_writes);
    CHECK(ns.allow_nonxdr_writes);

    const conf::Xdr& xdr = config.xdr;
    CHECK_FALSE(xdr.enable_xdr);
    CHECK(xdr.src_id == 0);
    CHECK(xdr.info_port == 3004);
    CHECK(xdr.compression_threshold == 0);
    CHECK(xdr.hotkey_time_ms == 100);
    CHECK(xdr.max_ship_throughput == 0);
    CHECK(xdr.delete_shipping_enabled);
    CHECK_FALSE(xdr.nsup_deletes_enabled);
    CHECK(xdr.datacenters.empty());
}

TEST_CASE("make_namespace matches a parsed empty namespace", "[conf]") {
    conf::Namespace built = conf::make_namespace("test");
    conf::Namespace parsed = parse(kNamespace).namespaces[0];
    CHECK(built.memory_size == parsed.memory_size);
    CHECK(built.stop_writes_pct == parsed.stop_writes_pct);
    CHECK(built.device.write_block_size == parsed.device.write_block_size);
    CHECK(conf::make_set("s").set_enable_xdr);
    CHECK(conf::make_config().network.service.port == 3000);
}

TEST_CASE("size values", "[conf]") {
    auto threshold = [](const std::string& value) {
        return parse("xdr {\n  xdr-compression-threshold " + value + "\n}\n" + std::string(kNamespace))
            .xdr.compression_threshold;
    };
    CHECK(threshold("0") == 0);
    CHECK(threshold("2048") == 2048);
    CHECK(threshold("64K") == 64u << 10);
    CHECK(threshold("64k") == 64u << 10);
    CHECK(threshold("512M") == 512u << 20);
    CHECK(threshold("4G") == 4ull << 30);
    CHECK(threshold("4g") == 4ull << 30);
    CHECK(threshold("1T") == 1ull << 40);
    CHECK(threshold("2P") == 2ull << 50);
}

TEST_CASE("time values", "[conf]") {
    auto ttl = [](const std::string& value) {
        return parse("namespace test {\n  nsup-period 60\n  default-ttl " + value + "\n}\n").namespaces[0].default_ttl;
    };
    CHECK(ttl("0") == 0);
    CHECK(ttl("45") == 45);
    CHECK(ttl("30s") == 30);
    CHECK(ttl("10m") == 600);
    CHECK(ttl("12h") == 12 * 3600);
    CHECK(ttl("30d") == 30 * 86400);
    CHECK(ttl("30D") == 30 * 86400);
}

TEST_CASE("boolean, enum and hex values", "[conf]") {
    conf::Config config = parse(
        "service {\n  node-id A1b2\n}\n"
        "network {\n  heartbeat {\n    mode mesh\n    address 127.0.0.1\n  }\n}\n"
        "namespace test {\n"
        "  allow-ttl-without-nsup true\n"
        "  enable-xdr false\n"
        "  single-bin false\n"
        "  strong-consistency false\n"
        "  conflict-resolution-policy last-update-time\n"
        "}\n");
    CHECK(config.service.node_id == 0xa1b2u);
    CHECK(config.network.heartbeat.mode == conf::HeartbeatMode::Mesh);
    CHECK(config.network.heartbeat.address == "127.0.0.1");
    const conf::Namespace& ns = config.namespaces[0];
    CHECK(ns.allow_ttl_without_nsup);
    CHECK_FALSE(ns.enable_xdr);
    CHECK(ns.conflict_resolution_policy == conf::ConflictResolution::LastUpdateTime);
    CHECK(parse("service {\n node-id ffffffffffffffff\n}\n" + std::string(kNamespace)).service.node_id ==
          UINT64_MAX);
}

TEST_CASE("repeatable keys keep every value in order", "[conf]") {
    conf::Config config = parse(
        "network {\n"
        "  service {\n"
        "    address 10.0.0.1\n"
        "    address any\n"
        "    access-address 192.168.1.1\n"
        "    access-address 192.168.1.2\n"
        "  }\n"
        "  heartbeat {\n"
        "    mesh-seed-address-port 10.0.0.2 3002\n"
        "    mesh-seed-address-port node3.local 3102\n"
        "  }\n"
        "  fabric {\n    address 10.0.0.1\n    address 10.0.0.9\n  }\n"
        "}\n"
        "logging {\n"
        "  console {\n    context any info\n    context migrate debug\n  }\n"
        "  file /var/log/asd.log {\n    context any warning\n  }\n"
        "  file /var/log/asd-debug.log {\n    context any detail\n  }\n"
        "}\n" +
        std::string(kNamespace));
    CHECK(config.network.service.addresses == std::vector<std::string>{"10.0.0.1", "any"});
    CHECK(config.network.service.access_addresses == std::vector<std::string>{"192.168.1.1", "192.168.1.2"});
    REQUIRE(config.network.heartbeat.mesh_seeds.size() == 2);
    CHECK(config.network.heartbeat.mesh_seeds[1] == conf::HostPort{"node3.local", 3102});
    CHECK(config.network.fabric.addresses.size() == 2);
    REQUIRE(config.logging.sinks.size() == 3);
    CHECK(config.logging.sinks[0].contexts.at("migrate") == conf::LogLevel::Debug);
    CHECK(config.logging.sinks[1].kind == conf::LogSinkKind::File);
    CHECK(config.logging.sinks[1].path == "/var/log/asd.log");
    CHECK(config.logging.sinks[1].contexts.at("any") == conf::LogLevel::Warning);
    CHECK(config.logging.sinks[2].contexts.at("any") == conf::LogLevel::Detail);
}

TEST_CASE("xdr, device storage and sets", "[conf]") {
    conf::Config config = parse(
        "xdr {\n"
        "  enable-xdr true\n"
        "  src-id 7\n"
        "  xdr-digestlog-path /opt/aerospike/xdr/digestlog 2G\n"
        "  xdr-namedpipe-path /tmp/xdr_pipe\n"
        "  xdr-max-ship-throughput 5000\n"
        "  datacenter DC1 {\n"
        "    dc-node-address-port 10.1.0.1 3000\n"
        "    dc-node-address-port 10.1.0.2 3000\n"
        "  }\n"
        "  datacenter DC2 {\n"
        "    dc-node-address-port 10.2.0.1 3000\n"
        "  }\n"
        "}\n"
        "namespace users {\n"
        "  enable-xdr true\n"
        "  xdr-remote-datacenter DC1\n"
        "  xdr-remote-datacenter DC2\n"
        "  storage-engine device {\n"
        "    file /opt/aerospike/data/users-1.dat\n"
        "    file /opt/aerospike/data/users-2.dat\n"
        "    filesize 16G\n"
        "    write-block-size 128K\n"
        "    data-in-memory true\n"
        "    defrag-lwm-pct 60\n"
        "  }\n"
        "  max-record-size 128K\n"
        "  set sessions {\n"
        "    default-ttl 1d\n"
        "    set-enable-xdr false\n"
        "  }\n"
        "  set audit {\n    disable-eviction true\n  }\n"
        "}\n");
    const conf::Xdr& xdr = config.xdr;
    CHECK(xdr.enable_xdr);
    CHECK(xdr.src_id == 7);
    CHECK(xdr.digestlog_path == "/opt/aerospike/xdr/digestlog");
    CHECK(xdr.digestlog_size == 2ull << 30);
    CHECK(xdr.namedpipe_path == "/tmp/xdr_pipe");
    CHECK(xdr.max_ship_throughput == 5000);
    REQUIRE(xdr.datacenters.size() == 2);
    const conf::XdrDc* dc1 = xdr.find_dc("DC1");
    REQUIRE(dc1 != nullptr);
    CHECK(dc1->nodes.size() == 2);
    CHECK(dc1->line == 7);
    CHECK(xdr.find_dc("DC3") == nullptr);

    const conf::Namespace& ns = config.namespaces[0];
    CHECK(ns.xdr_remote_datacenters == std::vector<std::string>{"DC1", "DC2"});
    CHECK(ns.storage_engine == conf::StorageEngine::Device);
    CHECK(ns.device.files.size() == 2);
    CHECK(ns.device.filesize == 16ull << 30);
    CHECK(ns.device.write_block_size == 128u << 10);
    CHECK(ns.device.data_in_memory);
    CHECK(ns.device.defrag_lwm_pct == 60);
    REQUIRE(ns.sets.size() == 2);
    const conf::SetConfig* sessions = ns.find_set("sessions");
    REQUIRE(sessions != nullptr);
    CHECK(sessions->default_ttl == 86400u);
    CHECK_FALSE(sessions->set_enable_xdr);
    CHECK_FALSE(sessions->disable_eviction);
    CHECK(ns.find_set("audit")->disable_eviction);
    CHECK_FALSE(ns.find_set("audit")->default_ttl.has_value());
    CHECK(ns.find_set("audit")->set_enable_xdr);
}

TEST_CASE("comments, blank lines, braces on one line, CRLF", "[conf]") {
    conf::Config config = parse(
        "# leading comment\n"
        "\n"
        "network { service { port 3100 } }   # all on one line\n"
        "namespace test{ # brace without a space\n"
        "\treplication-factor 1   # trailing comment\n"
        "  memory-size 2G }\n"
        "namespace other {\r\n"
        "  memory-size 8M\r\n"
        "}\r\n"
        "mod-lua { user-path /tmp/lua }  # the } needs no line of its own\n");
    CHECK(config.network.service.port == 3100);
    REQUIRE(config.namespaces.size() == 2);
    CHECK(config.namespaces[0].replication_factor == 1);
    CHECK(config.namespaces[0].memory_size == 2ull << 30);
    CHECK(config.namespaces[1].memory_size == 8u << 20);
    CHECK(config.namespaces[1].line == 7);
    CHECK(config.mod_lua.user_path == "/tmp/lua");
}

TEST_CASE("a log context may be set twice; the last level wins", "[conf]") {
    conf::Config config =
        parse("logging {\n  console {\n    context any info\n    context any debug\n  }\n}\n" +
              std::string(kNamespace));
    CHECK(config.logging.sinks[0].contexts.at("any") == conf::LogLevel::Debug);
}

TEST_CASE("either forwarding switch forwards XDR writes", "[conf]") {
    conf::Config config = conf::make_config();
    conf::Namespace ns = conf::make_namespace("test");
    CHECK_FALSE(conf::forwards_xdr_writes(config.xdr, ns));
    ns.ns_forward_xdr_writes = true;
    CHECK(conf::forwards_xdr_writes(config.xdr, ns));
    ns.ns_forward_xdr_writes = false;
    config.xdr.forward_xdr_writes = true;
    CHECK(conf::forwards_xdr_writes(config.xdr, ns));
}
