// The 5.x-8.x forms of the file (XDR `dc` stanzas, 7.x storage blocks) parse into the same
// Config as the 4.x forms; mixing the two forms, and 5.x-8.x settings this project cannot
// honour, stop the parse at their line.

#include <string>

#include "conf/render.h"
#include "conf_test_util.h"

using conf_test::parse;
using conf_test::require_error;
using conf_test::value_of;

namespace {

std::string ns_with(const std::string& body) { return "namespace test {\n" + body + "}\n"; }

}  // namespace

TEST_CASE("7.x storage-engine memory block", "[conf][dialect]") {
    conf::Config c = parse(ns_with("  storage-engine memory {\n    data-size 2G\n    evict-used-pct 60\n"
                                   "    stop-writes-used-pct 80\n  }\n"));
    const conf::Namespace& ns = c.namespaces[0];
    CHECK(ns.storage_engine == conf::StorageEngine::Memory);
    CHECK(ns.memory_size == (uint64_t{2} << 30));
    CHECK(ns.high_water_memory_pct == 60);
    CHECK(ns.stop_writes_pct == 80);

    // 7.x defaults: stop-writes-used-pct 70 (not 4.x's stop-writes-pct 90); avail 5%.
    CHECK(parse(ns_with("  storage-engine memory {\n    data-size 1G\n  }\n")).namespaces[0].stop_writes_pct == 70);
    // Free memory below stop-writes-avail-pct stops writes: here before the used limit.
    CHECK(parse(ns_with("  storage-engine memory {\n    data-size 1G\n    stop-writes-avail-pct 40\n  }\n"))
              .namespaces[0]
              .stop_writes_pct == 60);
    require_error(ns_with("  storage-engine memory {\n  }\n"), 2,
                  "'storage-engine memory' needs data-size (or file lines) in namespace 'test'");
}

TEST_CASE("7.x storage-engine memory with files is device storage with the data in memory", "[conf][dialect]") {
    conf::Config c = parse(ns_with("  storage-engine memory {\n    file /data/a.dat\n    file /data/b.dat\n"
                                   "    filesize 2G\n    stop-writes-avail-pct 10\n  }\n"));
    const conf::Namespace& ns = c.namespaces[0];
    CHECK(ns.storage_engine == conf::StorageEngine::Device);
    CHECK(ns.device.data_in_memory);
    CHECK(ns.device.files == std::vector<std::string>{"/data/a.dat", "/data/b.dat"});
    CHECK(ns.memory_size == (uint64_t{4} << 30));  // no data-size: the files' total
    CHECK(ns.device.min_avail_pct == 10);
    CHECK(ns.stop_writes_pct == 70);
    require_error(ns_with("  storage-engine memory {\n    device /dev/sdb\n  }\n"), 2,
                  "'storage-engine memory' with 'device' lines needs data-size");
}

TEST_CASE("7.x storage-engine device keys", "[conf][dialect]") {
    conf::Config c = parse(ns_with("  storage-engine device {\n    file /data/a.dat\n    read-page-cache true\n"
                                   "    evict-used-pct 50\n    stop-writes-avail-pct 8\n  }\n"));
    const conf::Namespace& ns = c.namespaces[0];
    CHECK(ns.high_water_disk_pct == 50);
    CHECK(ns.device.min_avail_pct == 8);
    CHECK(ns.stop_writes_pct == 70);  // the 7.x default, because the block is in the 7.x form
    CHECK_FALSE(ns.device.data_in_memory);
    // The same block in the 4.x form keeps the 4.x default.
    CHECK(parse(ns_with("  storage-engine device {\n    file /data/a.dat\n  }\n")).namespaces[0].stop_writes_pct == 90);
    require_error(ns_with("  storage-engine device {\n    file /a\n    read-page-cache false\n  }\n"), 4,
                  "'read-page-cache false' is not supported");
    require_error(ns_with("  storage-engine device {\n    file /a\n    scheduler-mode noop\n  }\n"), 4,
                  "'scheduler-mode' in namespace 'test' storage-engine device is not supported: asd does not set");
}

TEST_CASE("one namespace may not mix the storage forms", "[conf][dialect]") {
    require_error(ns_with("  memory-size 1G\n  storage-engine memory {\n    data-size 1G\n  }\n"), 3,
                  "'storage-engine memory {' is the 7.x-8.x storage form, but namespace 'test' uses the 4.x-6.x "
                  "storage form ('memory-size' at line 2)");
    require_error(ns_with("  storage-engine device {\n    file /a\n    evict-used-pct 50\n  }\n  high-water-disk-pct 60\n"),
                  6, "'high-water-disk-pct' is the 4.x-6.x storage form");
    require_error(ns_with("  storage-engine device {\n    file /a\n    data-in-memory true\n    stop-writes-used-pct 60\n  }\n"),
                  5, "uses the 4.x-6.x storage form ('data-in-memory' at line 4)");
    // Two namespaces may each use their own form (an upgrade in progress).
    conf::Config c = parse("namespace a {\n  memory-size 1G\n}\nnamespace b {\n  storage-engine memory {\n"
                           "    data-size 1G\n  }\n}\n");
    CHECK(c.namespaces.size() == 2);
}

TEST_CASE("5.x-8.x xdr dc stanza", "[conf][dialect]") {
    conf::Config c = parse(
        "service {\n  work-directory /w\n}\n"
        "xdr {\n  src-id 3\n  dc DC2 {\n    node-address-port 10.0.0.2 3000\n    node-address-port 10.0.0.3 3000\n"
        "    namespace test {\n      ship-only-specified-sets true\n      shipped-sets orders\n      ignored-sets tmp\n"
        "      enable-compression true\n      compression-threshold 1K\n      hot-key-ms 50\n      forward true\n"
        "      bin-policy all\n      write-policy replace\n    }\n  }\n  dc DC3 {\n    node-address-port 10.0.1.2 3000\n"
        "    namespace test {\n      ship-only-specified-sets true\n      shipped-sets orders\n      ignored-sets tmp\n"
        "      enable-compression true\n      compression-threshold 1K\n      hot-key-ms 50\n      forward true\n    }\n"
        "  }\n}\n"
        "namespace test {\n  reject-xdr-writes true\n}\nnamespace local {\n}\n");
    const conf::Xdr& xdr = c.xdr;
    CHECK(xdr.enable_xdr);
    CHECK(xdr.src_id == 3);
    CHECK(xdr.digestlog_path == "/w/xdr/digestlog");
    CHECK(xdr.digestlog_size == (uint64_t{256} << 20));
    CHECK(xdr.namedpipe_path == "/w/xdr/pipe");
    CHECK(xdr.compression_threshold == 1024);
    CHECK(xdr.hotkey_time_ms == 50);
    CHECK(xdr.max_ship_throughput == 100000);  // the 5.x default
    CHECK(xdr.delete_shipping_enabled);
    CHECK_FALSE(xdr.nsup_deletes_enabled);
    REQUIRE(xdr.datacenters.size() == 2);
    CHECK(xdr.datacenters[0].nodes.size() == 2);
    CHECK(xdr.datacenters[1].nodes[0] == conf::HostPort{"10.0.1.2", 3000});

    const conf::Namespace& test = *c.find_namespace("test");
    CHECK(test.enable_xdr);
    CHECK(test.xdr_remote_datacenters == std::vector<std::string>{"DC2", "DC3"});
    CHECK(test.ns_forward_xdr_writes);
    CHECK_FALSE(test.sets_enable_xdr);
    REQUIRE(test.find_set("orders") != nullptr);
    CHECK(test.find_set("orders")->set_enable_xdr);
    CHECK_FALSE(test.find_set("tmp")->set_enable_xdr);
    CHECK_FALSE(test.allow_xdr_writes);
    CHECK(test.allow_nonxdr_writes);
    CHECK_FALSE(c.find_namespace("local")->enable_xdr);
}

TEST_CASE("5.x-8.x xdr settings that differ between DCs are refused", "[conf][dialect]") {
    std::string two_dcs = "xdr {\n  dc A {\n    namespace test {\n      hot-key-ms 50\n    }\n  }\n"
                          "  dc B {\n    namespace test {\n      hot-key-ms 70\n    }\n  }\n}\n" + ns_with("");
    require_error(two_dcs, 9,
                  "'hot-key-ms' in namespace 'test' of dc 'B' differs from namespace 'test' of dc 'A' (line 3): this "
                  "project applies one value to every DC and namespace");
    require_error("xdr {\n  dc A {\n    namespace test {\n      shipped-sets s1\n    }\n  }\n"
                  "  dc B {\n    namespace test {\n    }\n  }\n}\n" + ns_with(""),
                  8, "the shipped-sets and ignored-sets of namespace 'test' in dc 'B' differ from dc 'A'");
    require_error("xdr {\n  dc A {\n    namespace nope {\n    }\n  }\n}\n" + ns_with(""), 3,
                  "dc 'A' ships namespace 'nope', which is not defined");
    require_error("xdr {\n  dc A {\n    namespace test {\n    }\n    namespace test {\n    }\n  }\n}\n" + ns_with(""), 5,
                  "duplicate namespace 'test' in dc 'A' (first at line 3)");
}

TEST_CASE("5.x-8.x xdr keys this project cannot honour say so", "[conf][dialect]") {
    auto in_ns = [](const std::string& line) {
        return "xdr {\n  dc A {\n    namespace test {\n      " + line + "\n    }\n  }\n}\n" + ns_with("");
    };
    require_error(in_ns("bin-policy only-changed"), 4, "'bin-policy only-changed' is not supported");
    require_error(in_ns("write-policy update"), 4, "'write-policy update' is not supported");
    require_error(in_ns("delay-ms 10"), 4, "'delay-ms' other than 0 is not supported");
    require_error(in_ns("transaction-queue-limit 4096"), 4, "not a transaction queue");
    require_error(in_ns("remote-namespace other"), 4, "into a namespace of another name is not supported");
    require_error(in_ns("compression-level 5"), 4, "fixed zstd level");
    require_error("xdr {\n  dc A {\n    connector true\n  }\n}\n" + ns_with(""), 3, "connectors are not supported");
    require_error("xdr {\n  dc A {\n    period-ms 50\n  }\n}\n" + ns_with(""), 3, "no polling period");
}

TEST_CASE("the XDR settings of a file may not mix the forms", "[conf][dialect]") {
    require_error("xdr {\n  enable-xdr true\n  dc A {\n  }\n}\n" + ns_with(""), 3,
                  "'dc' is the 5.x-8.x XDR form, but the file's XDR settings use the 4.x XDR form ('enable-xdr' at line 2)");
    require_error("xdr {\n  dc A {\n  }\n  datacenter B {\n  }\n}\n" + ns_with(""), 4,
                  "'datacenter' is the 4.x XDR form");
    require_error("xdr {\n  dc A {\n    namespace test {\n    }\n  }\n}\n" + ns_with("  enable-xdr true\n"), 8,
                  "'enable-xdr' is the 4.x XDR form, but the file's XDR settings use the 5.x-8.x XDR form");
    require_error(ns_with("  reject-xdr-writes true\n  allow-nonxdr-writes true\n"), 3,
                  "'allow-nonxdr-writes' is the 4.x XDR form");
    require_error("xdr {\n  dc A {\n  }\n  dc A {\n  }\n}\n" + ns_with(""), 4, "duplicate datacenter 'A'");
    // A 6.x file: 4.x-6.x storage keys with the 5.x-8.x XDR form.
    conf::Config c = parse("xdr {\n  dc A {\n    namespace test {\n    }\n  }\n}\n" + ns_with("  memory-size 1G\n"));
    CHECK(c.namespaces[0].enable_xdr);
}

TEST_CASE("network admin is the info endpoint", "[conf][dialect]") {
    conf::Config c = parse("network {\n  admin {\n    port 3010\n  }\n}\n" + ns_with(""));
    CHECK(c.network.info.port == 3010);
    require_error("network {\n  info {\n  }\n  admin {\n  }\n}\n" + ns_with(""), 4,
                  "network has both 'info' and 'admin' (line 2)");
}

TEST_CASE("service keys of stock configs", "[conf][dialect]") {
    CHECK(parse("service {\n  paxos-single-replica-limit 1\n}\n" + ns_with("")).service.paxos_single_replica_limit == 1);
    conf::Config stock = parse("service {\n  user root\n  group root\n  feature-key-file /etc/aerospike/features.conf\n}\n" +
                               ns_with(""));
    CHECK(stock.service.user == "root");
    CHECK(stock.service.group == "root");
    CHECK(stock.service.feature_key_file == "/etc/aerospike/features.conf");
    require_error("service {\n  paxos-single-replica-limit 2\n}\n" + ns_with(""), 2, "out of range");
    require_error("network {\n  heartbeat {\n    multicast-group 239.1.99.222\n  }\n}\n" + ns_with(""), 3,
                  "heartbeat mode multicast is not supported");
}

TEST_CASE("set-config takes the 5.x-8.x names", "[conf][dialect]") {
    conf::Config c = parse(ns_with("  storage-engine memory {\n    data-size 1G\n  }\n") +
                           "namespace disk {\n  storage-engine device {\n    file /a\n  }\n}\n");
    CHECK(conf::apply_dynamic(c, "namespace", "test", "evict-used-pct", "65").empty());
    CHECK(c.namespaces[0].high_water_memory_pct == 65);
    CHECK(conf::apply_dynamic(c, "namespace", "test", "data-size", "2G").empty());
    CHECK(c.namespaces[0].memory_size == (uint64_t{2} << 30));
    CHECK(conf::apply_dynamic(c, "namespace", "test", "reject-xdr-writes", "true").empty());
    CHECK_FALSE(c.namespaces[0].allow_xdr_writes);
    CHECK(value_of(conf::render_context(c, "namespace", "test"), "allow-xdr-writes") == "false");
    CHECK(conf::apply_dynamic(c, "namespace", "disk", "evict-used-pct", "55").empty());
    CHECK(c.namespaces[1].high_water_disk_pct == 55);
    CHECK(conf::apply_dynamic(c, "namespace", "disk", "stop-writes-avail-pct", "9").empty());
    CHECK(c.namespaces[1].device.min_avail_pct == 9);
    CHECK(conf::apply_dynamic(c, "namespace", "test", "reject-xdr-writes", "maybe").find("bad value") != std::string::npos);
    // A device setting on a namespace kept in memory changes nothing, so it is refused.
    CHECK(conf::apply_dynamic(c, "namespace", "test", "flush-max-ms", "10") ==
          "'flush-max-ms' is a storage-engine device setting and namespace 'test' keeps its data in memory only");
    CHECK(conf::apply_dynamic(c, "namespace", "test", "stop-writes-sys-memory-pct", "50").empty());
    CHECK(c.namespaces[0].stop_writes_sys_memory_pct == 50);
    // A key of the real server this project does not implement is refused with the reason.
    CHECK(conf::apply_dynamic(c, "namespace", "test", "evict-sys-memory-pct", "50") ==
          "'evict-sys-memory-pct' in namespace 'test' is not supported: eviction on the machine's memory use is not "
          "supported yet");
}

TEST_CASE("the 4.x and Aerospike 8 forms of the demo DCs give the same get-config", "[conf][dialect]") {
    for (std::string dc : {"dc1", "dc2"}) {
        conf::Config old_form = conf::load_file(std::string(CONF_EXAMPLES_DIR) + "/" + dc + ".conf");
        conf::Config new_form = conf::load_file(std::string(CONF_EXAMPLES_DIR) + "/aerospike8-" + dc + ".conf");
        INFO(dc);
        CHECK(conf::render_context(old_form, "network", "") == conf::render_context(new_form, "network", ""));
        CHECK(conf::render_context(old_form, "logging", "") == conf::render_context(new_form, "logging", ""));
        for (const char* ns : {"test", "bar"}) {
            INFO(ns);
            CHECK(conf::render_context(old_form, "namespace", ns) == conf::render_context(new_form, "namespace", ns));
        }
        std::string remote = dc == "dc1" ? "DC2" : "DC1";
        CHECK(conf::render_context(old_form, "xdr", remote) == conf::render_context(new_form, "xdr", remote));
        // The files differ only where the 8 form has no key: the digest log and the pipe
        // default under work-directory (and the work directories differ, so both demos can
        // be kept side by side).
        auto xdr_old = conf::render_context(old_form, "xdr", "");
        auto xdr_new = conf::render_context(new_form, "xdr", "");
        REQUIRE(xdr_old.size() == xdr_new.size());
        for (size_t i = 0; i < xdr_old.size(); ++i) {
            INFO(xdr_old[i].first);
            CHECK(xdr_old[i].first == xdr_new[i].first);
            if (xdr_old[i].first == "xdr-digestlog-path") {
                CHECK(xdr_new[i].second == "/tmp/xdr-demo8/" + dc + "/xdr/digestlog 268435456");
            } else if (xdr_old[i].first == "xdr-namedpipe-path") {
                CHECK(xdr_new[i].second == "/tmp/xdr-demo8/" + dc + "/xdr/pipe");
            } else {
                CHECK(xdr_old[i].second == xdr_new[i].second);
            }
        }
    }
}
