// The cluster keys (service migrate-threads / migrate-max-num-incoming, namespace rack-id)
// and the example configs, including the local 3-node cluster (conf/examples/cluster-node*.conf).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

#include "conf/config.h"
#include "conf/loader.h"
#include "conf/render.h"
#include "conf_test_util.h"

using conf_test::kNamespace;
using conf_test::parse;
using conf_test::require_error;
using conf_test::value_of;

namespace {

std::string service(const std::string& line) { return "service {\n  " + line + "\n}\n" + std::string(kNamespace); }

std::string ns_key(const std::string& line) { return "namespace test {\n  " + line + "\n}\n"; }

}  // namespace

TEST_CASE("cluster keys parse", "[conf]") {
    conf::Config config = parse(
        "service {\n  migrate-threads 8\n  migrate-max-num-incoming 16\n}\n"
        "namespace test {\n  rack-id 1000000\n}\n");
    CHECK(config.service.migrate_threads == 8);
    CHECK(config.service.migrate_max_num_incoming == 16);
    CHECK(config.namespaces.at(0).rack_id == 1000000);
    // 0 is in range for all three: no outgoing migrations, no incoming, the default rack.
    config = parse("service {\n  migrate-threads 0\n  migrate-max-num-incoming 0\n}\n" + ns_key("rack-id 0"));
    CHECK(config.service.migrate_threads == 0);
    CHECK(config.service.migrate_max_num_incoming == 0);
    CHECK(config.namespaces.at(0).rack_id == 0);
}

TEST_CASE("cluster keys default from the table", "[conf]") {
    conf::Config config = parse(kNamespace);
    CHECK(config.service.migrate_threads == 1);
    CHECK(config.service.migrate_max_num_incoming == 4);
    CHECK(config.namespaces.at(0).rack_id == 0);
    CHECK(conf::make_config().service.migrate_threads == 1);
    CHECK(conf::make_config().service.migrate_max_num_incoming == 4);
    CHECK(conf::make_namespace("n").rack_id == 0);
}

TEST_CASE("cluster keys out of range name file:line", "[conf]") {
    require_error(service("migrate-threads 101"), 2, "value 101 for 'migrate-threads' out of range 0..100 in service");
    require_error(service("migrate-threads -1"), 2, "bad value '-1' for 'migrate-threads' in service: expected an integer");
    require_error(service("migrate-max-num-incoming 257"), 2,
                  "value 257 for 'migrate-max-num-incoming' out of range 0..256 in service");
    require_error(ns_key("rack-id 1000001"), 2, "value 1000001 for 'rack-id' out of range 0..1000000 in namespace 'test'");
    require_error(ns_key("rack-id one"), 2, "bad value 'one' for 'rack-id' in namespace 'test': expected an integer");
    require_error("namespace test {\n  rack-id 1\n  rack-id 2\n}\n", 3, "duplicate key 'rack-id'");
    // Each key lives in one stanza only.
    require_error(ns_key("migrate-threads 2"), 2, "unknown key 'migrate-threads' in namespace 'test'");
    require_error(service("rack-id 1"), 2, "unknown key 'rack-id' in service");
}

TEST_CASE("get-config renders the cluster keys", "[conf]") {
    conf::Config config = parse("service {\n  migrate-threads 3\n}\n" + ns_key("rack-id 7"));
    auto service_pairs = conf::render_context(config, "service", "");
    CHECK(value_of(service_pairs, "migrate-threads") == "3");
    CHECK(value_of(service_pairs, "migrate-max-num-incoming") == "4");
    CHECK(value_of(conf::render_context(config, "namespace", "test"), "rack-id") == "7");
}

TEST_CASE("set-config changes the migrate keys, not rack-id", "[conf]") {
    conf::Config config = parse(kNamespace);
    CHECK(conf::apply_dynamic(config, "service", "", "migrate-threads", "4") == "");
    CHECK(config.service.migrate_threads == 4);
    CHECK(conf::apply_dynamic(config, "service", "", "migrate-threads", "0") == "");
    CHECK(config.service.migrate_threads == 0);
    CHECK(conf::apply_dynamic(config, "service", "", "migrate-max-num-incoming", "256") == "");
    CHECK(config.service.migrate_max_num_incoming == 256);

    // A refused value leaves the old one in place.
    conf::Result error = conf::apply_dynamic(config, "service", "", "migrate-threads", "101");
    CHECK(error.find("value 101 for 'migrate-threads' out of range 0..100") != std::string::npos);
    CHECK(config.service.migrate_threads == 0);
    error = conf::apply_dynamic(config, "service", "", "migrate-max-num-incoming", "many");
    CHECK(error.find("expected an integer") != std::string::npos);
    CHECK(config.service.migrate_max_num_incoming == 256);

    error = conf::apply_dynamic(config, "namespace", "test", "rack-id", "2");
    CHECK(error == "'rack-id' in namespace 'test' is not dynamic: change it in the file and restart");
    CHECK(config.namespaces.at(0).rack_id == 0);
}

TEST_CASE("example cluster-node*.conf form one local cluster", "[conf]") {
    struct Expected {
        const char* file;
        uint32_t service_port;
        uint64_t node_id;
        uint32_t seed_port;
    };
    const Expected nodes[] = {{"cluster-node1.conf", 3000, 0xa1, 3012},
                              {"cluster-node2.conf", 3010, 0xa2, 3002},
                              {"cluster-node3.conf", 3020, 0xa3, 3002}};
    std::set<uint32_t> ports;
    std::set<std::string> work_dirs;
    for (const Expected& node : nodes) {
        INFO(node.file);
        conf::Config config = conf::load_file(std::string(CONF_EXAMPLES_DIR) + "/" + node.file);
        CHECK(config.service.cluster_name == "cluster-demo");
        CHECK(config.service.node_id == node.node_id);
        CHECK(config.service.migrate_threads == 1);
        CHECK(config.service.migrate_max_num_incoming == 4);
        const conf::Network& net = config.network;
        CHECK(net.service.port == node.service_port);
        CHECK(net.fabric.port == node.service_port + 1);
        CHECK(net.heartbeat.port == node.service_port + 2);
        CHECK(net.info.port == node.service_port + 3);
        CHECK(net.heartbeat.mode == conf::HeartbeatMode::Mesh);
        CHECK(net.heartbeat.mesh_seeds == std::vector<conf::HostPort>{{"127.0.0.1", node.seed_port}});
        for (uint32_t port : {net.service.port, net.fabric.port, net.heartbeat.port, net.info.port}) {
            CHECK(ports.insert(port).second);  // no two nodes share a port
        }
        CHECK(work_dirs.insert(config.service.work_directory).second);
        REQUIRE(config.namespaces.size() == 1);
        const conf::Namespace& ns = config.namespaces[0];
        CHECK(ns.name == "test");
        CHECK(ns.replication_factor == 2);
        CHECK(ns.rack_id == 0);
        CHECK(ns.storage_engine == conf::StorageEngine::Memory);
    }
}

namespace {

// An example as it loads once its operator made the files it names: a copy whose /tmp/
// paths point into a fresh directory, where each xdr credentials file it names is written.
conf::Config load_example(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    static const std::regex kCredentials(R"(dc-security-config-file\s+(\S+))");
    if (!std::regex_search(text, kCredentials)) return conf::load_file(path.string());
    char tmpl[] = "/tmp/conf_examples.XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    text = std::regex_replace(text, std::regex("/tmp/"), dir + "/");
    for (std::sregex_iterator it(text.begin(), text.end(), kCredentials), end; it != end; ++it) {
        std::filesystem::path file = (*it)[1].str();
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file) << "credentials\n{\n    username xdr\n    password secret\n}\n";
    }
    conf::Config config = conf::parse_string(text, path.filename().string());
    std::filesystem::remove_all(dir);
    return config;
}

}  // namespace

TEST_CASE("every file in conf/examples loads", "[conf]") {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(CONF_EXAMPLES_DIR)) {
        if (entry.path().extension() != ".conf") continue;
        INFO(entry.path().string());
        CHECK_NOTHROW(load_example(entry.path()));
        ++count;
    }
    CHECK(count >= 10);  // single-node, device, dc1, dc2, cluster-node1..3, xdr-cluster-node1..3
}
