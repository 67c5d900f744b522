// Heartbeat and fabric TLS (node-to-node, always mutual): what the file may say, what
// it may not (each refusal at its line), and how get-config and set-config show it.

#include <unistd.h>

#include <string>

#include "conf/render.h"
#include "conf_test_util.h"

using conf_test::kNamespace;
using conf_test::parse;
using conf_test::require_error;
using conf_test::value_of;

namespace {

const std::string kTls = "  tls east {\n    cert-file /c.pem\n    key-file /k.pem\n    ca-file /ca.pem\n  }\n";

std::string network(const std::string& body) { return "network {\n" + body + "}\n" + std::string(kNamespace); }

}  // namespace

TEST_CASE("node TLS: tls-port alone leaves no plaintext port; with port, both listen", "[conf]") {
    conf::Config only = parse(network(kTls +
                                      "  heartbeat {\n    tls-port 3012\n    tls-name east\n"
                                      "    tls-mesh-seed-address-port 10.0.0.2 3012\n    tls-address 127.0.0.1\n  }\n"
                                      "  fabric {\n    tls-port 3011\n    tls-name east\n    tls-address 127.0.0.1\n  }\n"));
    CHECK(only.network.heartbeat.port == 0);
    CHECK(only.network.heartbeat.tls_port == 3012);
    CHECK(only.network.heartbeat.tls_name == "east");
    REQUIRE(only.network.heartbeat.tls_mesh_seeds.size() == 1);
    CHECK(only.network.heartbeat.tls_mesh_seeds[0].host == "10.0.0.2");
    CHECK(only.network.heartbeat.tls_addresses == std::vector<std::string>{"127.0.0.1"});
    CHECK(only.network.fabric.port == 0);
    CHECK(only.network.fabric.tls_port == 3011);

    conf::Config both = parse(network(kTls + "  heartbeat {\n    port 3002\n    tls-port 3012\n    tls-name east\n  }\n"
                                             "  fabric {\n    port 3001\n    tls-port 3011\n    tls-name east\n  }\n"));
    CHECK(both.network.heartbeat.port == 3002);
    CHECK(both.network.fabric.port == 3001);

    conf::Config plain = parse(network("  fabric {\n  }\n"));
    CHECK(plain.network.fabric.port == 3001);
    CHECK(plain.network.heartbeat.port == 3002);
}

TEST_CASE("node TLS: <cluster-name> and <hostname> in tls-name are resolved", "[conf]") {
    conf::Config c = conf::parse_string("service {\n  cluster-name east\n}\n" +
                                            network(kTls + "  fabric {\n    tls-port 3011\n    tls-name <cluster-name>\n  }\n"),
                                        "test.conf");
    CHECK(c.network.fabric.tls_name == "east");
    char host[256] = {};
    REQUIRE(gethostname(host, sizeof host - 1) == 0);
    std::string named = "  tls " + std::string(host) + " {\n    cert-file /c\n    key-file /k\n    ca-file /a\n  }\n";
    conf::Config h = parse(network(named + "  heartbeat {\n    tls-port 3012\n    tls-name <hostname>\n  }\n"));
    CHECK(h.network.heartbeat.tls_name == host);
}

TEST_CASE("node TLS: refusals name the stanza's line", "[conf]") {
    require_error(network("  fabric {\n    tls-port 3011\n  }\n"), 2, "network.fabric has tls-port but no tls-name");
    require_error(network(kTls + "  heartbeat {\n    tls-name east\n  }\n"), 7,
                  "network.heartbeat has tls-name but no tls-port");
    require_error(network(kTls + "  fabric {\n    tls-port 3011\n    tls-name west\n  }\n"), 7,
                  "network.fabric tls-name 'west' names no `tls west { }` stanza in network");
    require_error(network(kTls + "  heartbeat {\n    port 3012\n    tls-port 3012\n    tls-name east\n  }\n"), 7,
                  "network.heartbeat tls-port 3012 is also its port");
    require_error(network("  tls east {\n    cert-file /c\n    key-file /k\n  }\n"
                          "  fabric {\n    tls-port 3011\n    tls-name east\n  }\n"),
                  6, "needs ca-file or ca-path (node-to-node TLS verifies the peer's certificate)");
    require_error(network("  heartbeat {\n    tls-mesh-seed-address-port 10.0.0.2 3012\n  }\n"), 2,
                  "network.heartbeat has tls-mesh-seed-address-port but no tls-port");
    require_error(network(kTls + "  fabric {\n    tls-port 3011\n    tls-name <cluster-name>\n  }\n"), 7,
                  "tls-name <cluster-name> needs service cluster-name");
    require_error(network("  fabric {\n    tls-port 70000\n  }\n"), 3, "tls-port");
}

TEST_CASE("node TLS: get-config shows the keys; set-config refuses them (not dynamic)", "[conf]") {
    conf::Config c = parse(network(kTls +
                                   "  heartbeat {\n    tls-port 3012\n    tls-name east\n"
                                   "    tls-mesh-seed-address-port 10.0.0.2 3012\n  }\n"
                                   "  fabric {\n    tls-port 3011\n    tls-name east\n  }\n"));
    auto net = conf::render_context(c, "network", "");
    CHECK(value_of(net, "heartbeat.port") == "0");
    CHECK(value_of(net, "heartbeat.tls-port") == "3012");
    CHECK(value_of(net, "heartbeat.tls-name") == "east");
    CHECK(value_of(net, "heartbeat.tls-mesh-seed-address-port") == "10.0.0.2:3012");
    CHECK(value_of(net, "fabric.port") == "0");
    CHECK(value_of(net, "fabric.tls-port") == "3011");
    CHECK(value_of(net, "fabric.tls-name") == "east");
    for (const char* key : {"heartbeat.tls-port", "heartbeat.tls-name", "fabric.tls-port", "fabric.tls-name",
                            "fabric.tls-address", "heartbeat.tls-mesh-seed-address-port"}) {
        CHECK(conf::apply_dynamic(c, "network", "", key, "1").find("is not dynamic") != std::string::npos);
    }
}
