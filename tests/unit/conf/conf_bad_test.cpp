// Configs that must be refused, each with the exact line and the message.

#include <string>

#include "conf/config_error.h"
#include "conf/loader.h"
#include "conf_test_util.h"

using conf_test::kNamespace;
using conf_test::require_error;

namespace {

std::string with_ns(const std::string& text) { return text + std::string(kNamespace); }

std::string ns_key(const std::string& line) { return "namespace test {\n  " + line + "\n}\n"; }

}  // namespace

TEST_CASE("unknown keys and stanzas", "[conf]") {
    require_error(ns_key("memory-sise 1G"), 2, "unknown key 'memory-sise' in namespace 'test'");
    require_error(with_ns("servise {\n}\n"), 1, "unknown context 'servise'");
    require_error(with_ns("cluster-name x\n"), 1, "unknown context 'cluster-name'");
    require_error(with_ns("network {\n  hearbeat {\n  }\n}\n"), 2, "unknown stanza 'hearbeat' in network");
    require_error(with_ns("network {\n  service {\n    prot 3000\n  }\n}\n"), 3,
                  "unknown key 'prot' in network.service");
    require_error(with_ns("network {\n  fabric {\n    access-address 1.2.3.4\n  }\n}\n"), 3,
                  "unknown key 'access-address' in network.fabric");
    require_error(with_ns("xdr {\n  datacenter DC1 {\n    tls 1\n  }\n}\n"), 3,
                  "unknown key 'tls' in datacenter 'DC1'");
    require_error("namespace test {\n  set demo {\n    ttl 5\n  }\n}\n", 3,
                  "unknown key 'ttl' in set 'demo' in namespace 'test'");
    require_error(with_ns("logging {\n  syslog {\n  }\n}\n"), 2, "unknown stanza 'syslog' in logging");
}

TEST_CASE("keys of the real server this project does not implement stop start-up with the reason", "[conf]") {
    require_error(with_ns("service {\n  info-threads 4\n}\n"), 2,
                  "'info-threads' in service is not supported: asd answers info commands on its service threads");
    require_error(with_ns("network {\n  service {\n    alternate-access-address a.example\n  }\n}\n"), 3,
                  "'alternate-access-address' in network.service is not supported: alternate access addresses");
    require_error(with_ns("network {\n  heartbeat {\n    mode multicast\n  }\n}\n"), 3,
                  "heartbeat mode multicast is not supported: use mode mesh");
    require_error("namespace test {\n  set s {\n    stop-writes-count 5\n  }\n}\n", 3,
                  "per-set stop-writes-count is not supported yet");
}

TEST_CASE("bad values name the key, the stanza and the expected form", "[conf]") {
    require_error(with_ns("network {\n  service {\n    port abc\n  }\n}\n"), 3,
                  "bad value 'abc' for 'port' in network.service: expected an integer");
    require_error(with_ns("network {\n  service {\n    port -1\n  }\n}\n"), 3, "expected an integer");
    require_error(ns_key("memory-size 4X"), 2, "bad value '4X' for 'memory-size' in namespace 'test': expected a size");
    require_error(ns_key("memory-size G"), 2, "bad value 'G'");
    require_error(ns_key("memory-size 99999999999P"), 2, "bad value '99999999999P'");
    require_error(ns_key("default-ttl 10w"), 2, "bad value '10w' for 'default-ttl' in namespace 'test': expected a time");
    require_error(ns_key("allow-ttl-without-nsup yes"), 2, "bad value 'yes' for 'allow-ttl-without-nsup' in namespace 'test': expected true or false");
    require_error(ns_key("enable-xdr True"), 2, "expected true or false");
    require_error(ns_key("conflict-resolution-policy lut"), 2,
                  "bad value 'lut' for 'conflict-resolution-policy' in namespace 'test': expected one of generation|last-update-time");
    require_error(with_ns("network {\n  heartbeat {\n    mode Mesh\n  }\n}\n"), 3, "expected one of mesh|multicast");
    require_error(with_ns("service {\n  node-id 12345678901234567\n}\n"), 2, "expected up to 16 hex digits");
    require_error(with_ns("service {\n  node-id xyz\n}\n"), 2, "bad value 'xyz' for 'node-id'");
    require_error(with_ns("network {\n  heartbeat {\n    mesh-seed-address-port 10.0.0.1 70000\n  }\n}\n"), 3,
                  "bad value '70000' for 'mesh-seed-address-port' in network.heartbeat: expected a port 1..65535");
    require_error(with_ns("logging {\n  console {\n    context any loud\n  }\n}\n"), 3,
                  "bad value 'loud' for 'context' in logging.console: expected a log level");
    require_error(with_ns("xdr {\n  xdr-digestlog-path /x big\n}\n"), 2, "bad value 'big' for 'xdr-digestlog-path'");
}

TEST_CASE("values out of the table's range", "[conf]") {
    require_error(ns_key("stop-writes-pct 200"), 2, "value 200 for 'stop-writes-pct' out of range 0..100");
    require_error(ns_key("replication-factor 0"), 2, "value 0 for 'replication-factor' out of range 1..256");
    require_error(ns_key("memory-size 1K"), 2, "value 1024 for 'memory-size' out of range (minimum 1048576)");
    require_error(with_ns("xdr {\n  src-id 256\n}\n"), 2, "value 256 for 'src-id' out of range 0..255");
    require_error(with_ns("network {\n  info {\n    port 0\n  }\n}\n"), 3, "out of range 1..65535 in network.info");
    require_error(with_ns("xdr {\n  xdr-digestlog-path /x 1K\n}\n"), 2, "value 1024 for 'xdr-digestlog-path' out of range");
    require_error("namespace test {\n  storage-engine device {\n    file /f\n    defrag-lwm-pct 100\n  }\n}\n", 4,
                  "value 100 for 'defrag-lwm-pct' out of range 1..99 in namespace 'test' storage-engine device");
}

TEST_CASE("missing and extra values", "[conf]") {
    require_error(ns_key("memory-size"), 2, "missing value for 'memory-size' in namespace 'test'");
    require_error(ns_key("replication-factor 1 2"), 2, "too many values for 'replication-factor' in namespace 'test'");
    require_error(with_ns("network {\n  heartbeat {\n    mesh-seed-address-port 10.0.0.1\n  }\n}\n"), 3,
                  "missing value for 'mesh-seed-address-port' in network.heartbeat: expected HOST PORT");
    require_error(with_ns("logging {\n  console {\n    context any\n  }\n}\n"), 3,
                  "missing value for 'context' in logging.console: expected CONTEXT LEVEL");
    require_error(with_ns("xdr {\n  xdr-digestlog-path /opt/dlog\n}\n"), 2, "expected PATH SIZE");
    require_error(with_ns("network {\n  service {\n    address 127.0.0.1 port 3000\n  }\n}\n"), 3,
                  "too many values for 'address' in network.service: expected one value, got 'port'");
}

TEST_CASE("brace structure", "[conf]") {
    require_error("service {\n}\nnamespace test {\n  replication-factor 1\n", 4,
                  "missing '}' for 'namespace test' opened at line 3");
    require_error("namespace test {\n  storage-engine device {\n    file /f\n}\n", 4,
                  "missing '}' for 'namespace test' opened at line 1");
    require_error(with_ns("}\n"), 1, "unexpected '}'");
    require_error(std::string(kNamespace) + "}\n", 3, "unexpected '}'");
    require_error(with_ns("{\n}\n"), 1, "unexpected '{'");
    require_error(with_ns("service\n{\n}\n"), 1, "expected '{' after 'service'");
    require_error(with_ns("service foo {\n}\n"), 1, "unexpected 'foo' after 'service'");
    require_error("namespace {\n}\n", 1, "missing name for 'namespace'");
    require_error("namespace test {\n  set demo extra {\n  }\n}\n", 2, "unexpected 'extra' after 'set demo'");
    require_error(with_ns("network {\n  service {\n    port {\n    }\n  }\n}\n"), 3,
                  "'port' in network.service takes a value, not a '{' block");
}

TEST_CASE("duplicates", "[conf]") {
    require_error("namespace test {\n}\nnamespace test {\n}\n", 3, "duplicate namespace 'test' (first defined at line 1)");
    require_error(with_ns("network {\n  service {\n    port 3000\n    port 3100\n  }\n}\n"), 4,
                  "duplicate key 'port' in network.service (first at line 3)");
    require_error(with_ns("service {\n}\nservice {\n}\n"), 3, "duplicate stanza 'service' (first at line 1)");
    require_error(with_ns("network {\n  info {\n  }\n  info {\n  }\n}\n"), 4, "duplicate stanza 'info' in network");
    require_error(with_ns("xdr {\n  datacenter DC1 {\n  }\n  datacenter DC1 {\n  }\n}\n"), 4,
                  "duplicate datacenter 'DC1' (first defined at line 2)");
    require_error("namespace test {\n  set a {\n  }\n  set a {\n  }\n}\n", 4,
                  "duplicate set 'a' in namespace 'test' (first defined at line 2)");
    require_error(with_ns("logging {\n  file /a.log {\n  }\n  file /a.log {\n  }\n}\n"), 4,
                  "duplicate log file '/a.log' (first defined at line 2)");
    require_error("namespace test {\n  storage-engine memory\n  storage-engine memory\n}\n", 3,
                  "duplicate key 'storage-engine'");
}

TEST_CASE("storage-engine forms", "[conf]") {
    require_error(ns_key("storage-engine device"), 2, "'storage-engine device' needs a '{' block in namespace 'test'");
    require_error("namespace test {\n  storage-engine memory {\n  }\n}\n", 2, "'storage-engine memory' needs data-size");
    require_error(ns_key("storage-engine ssd"), 2, "expected one of memory|device");
    require_error("namespace test {\n  storage-engine device {\n    filesize 1G\n  }\n}\n", 2,
                  "storage-engine device in namespace 'test' needs at least one 'file' or 'device'");
}

TEST_CASE("names too long", "[conf]") {
    std::string ns32(32, 'n');
    require_error("namespace " + ns32 + " {\n}\n", 1, "namespace name '" + ns32 + "' is longer than 31 characters");
    CHECK_NOTHROW(conf::parse_string("namespace " + std::string(31, 'n') + " {\n}\n", "test.conf"));
    std::string set64(64, 's');
    require_error("namespace test {\n  set " + set64 + " {\n  }\n}\n", 2, "is longer than 63 characters");
    CHECK_NOTHROW(conf::parse_string("namespace test {\n  set " + std::string(63, 's') + " {\n  }\n}\n", "t"));
}

TEST_CASE("unsupported features", "[conf]") {
    require_error(ns_key("single-bin true"), 2, "'single-bin true' is not supported");
    require_error(ns_key("strong-consistency true"), 2, "'strong-consistency true' is not supported");
}

TEST_CASE("whole-file and cross-key checks", "[conf]") {
    require_error("service {\n}\n", 2, "no namespace defined");
    require_error("", 1, "no namespace defined");
    require_error("xdr {\n  datacenter DC1 {\n  }\n}\nnamespace x {\n  xdr-remote-datacenter DC9\n}\n", 6,
                  "namespace 'x' has xdr-remote-datacenter 'DC9' which is not defined in xdr { }");
    require_error("namespace x {\n  xdr-remote-datacenter DC1\n}\n", 2, "'DC1' which is not defined in xdr { }");
    require_error("namespace test {\n  max-ttl 100\n  default-ttl 200\n}\n", 1,
                  "default-ttl 200 exceeds max-ttl 100 in namespace 'test'");
    require_error("namespace test {\n  nsup-period 0\n  default-ttl 1d\n}\n", 1,
                  "non-zero default-ttl needs a non-zero nsup-period or allow-ttl-without-nsup true");
    CHECK_NOTHROW(conf_test::parse("namespace test {\n  nsup-period 0\n  default-ttl 1d\n  allow-ttl-without-nsup true\n}\n"));
    require_error("namespace test {\n  max-ttl 1h\n  set s {\n    default-ttl 2h\n  }\n}\n", 1,
                  "default-ttl 7200 of set 's' exceeds max-ttl 3600");
    require_error("namespace test {\n  storage-engine device {\n    file /f\n    write-block-size 3K\n  }\n}\n", 1,
                  "write-block-size 3072 is not a power of 2");
    require_error("namespace test {\n  max-record-size 2M\n  storage-engine device {\n    file /f\n  }\n}\n", 1,
                  "max-record-size 2097152 exceeds write-block-size 1048576 in namespace 'test'");
    require_error(with_ns("\nxdr {\n  enable-xdr true\n}\n"), 2, "xdr enable-xdr true needs xdr-digestlog-path");
}

TEST_CASE("missing file", "[conf]") {
    try {
        conf::load_file("/nonexistent/dir/asd.conf");
        FAIL("expected ConfigError");
    } catch (const conf::ConfigError& error) {
        CHECK(std::string(error.what()) ==
              "/nonexistent/dir/asd.conf: cannot open '/nonexistent/dir/asd.conf': No such file or directory");
        CHECK(error.file() == "/nonexistent/dir/asd.conf");
        CHECK(error.line() == 0);
    }
}

TEST_CASE("ConfigError formats file:line: message", "[conf]") {
    conf::ConfigError error("a.conf", 12, "unknown key 'x'");
    CHECK(std::string(error.what()) == "a.conf:12: unknown key 'x'");
    CHECK(error.message() == "unknown key 'x'");
    CHECK(error.line() == 12);
}

TEST_CASE("TLS: a listener names a tls stanza that holds a certificate and its key", "[conf]") {
    const std::string tls = "  tls east {\n    cert-file /c.pem\n    key-file /k.pem\n  }\n";
    require_error(with_ns("network {\n  service {\n    port 3000\n    tls-port 4333\n  }\n}\n"), 1,
                  "network.service has tls-port but no tls-name");
    require_error(with_ns("network {\n  service {\n    port 3000\n    tls-name east\n  }\n" + tls + "}\n"), 1,
                  "network.service has tls-name but no tls-port");
    require_error(with_ns("network {\n  service {\n    tls-port 4333\n    tls-name west\n  }\n" + tls + "}\n"), 1,
                  "network.service tls-name 'west' names no `tls west { }` stanza in network");
    require_error(with_ns("network {\n  tls east {\n    cert-file /c.pem\n  }\n}\n"), 2,
                  "tls 'east' needs cert-file and key-file");
    require_error(with_ns("network {\n" + tls + tls + "}\n"), 6, "duplicate tls 'east' (first defined at line 2)");
    require_error(with_ns("network {\n  service {\n    tls-port 4333\n    tls-name east\n    tls-authenticate-client any\n"
                          "    tls-authenticate-client c1\n  }\n" + tls + "}\n"),
                  1, "tls-authenticate-client: `any` or `false` stands alone");
}

TEST_CASE("TLS on XDR links: a datacenter's tls-name names a tls stanza", "[conf]") {
    const std::string tls = "network {\n  tls east {\n    cert-file /c.pem\n    key-file /k.pem\n    ca-file /ca.pem\n"
                            "    cert-blacklist /b\n  }\n}\n";
    require_error(with_ns("xdr {\n  datacenter DC1 {\n    tls-name x\n  }\n}\n"), 2,
                  "datacenter 'DC1' tls-name 'x' names no `tls x { }` stanza in network");
    require_error(with_ns("xdr {\n  datacenter DC1 {\n    dc-node-address-port 10.0.0.1 4333 east\n  }\n}\n"), 2,
                  "datacenter 'DC1': 10.0.0.1 4333 names TLS name 'east' but the datacenter has no tls-name");
    require_error(with_ns("xdr {\n  datacenter DC1 {\n    dc-node-address-port 10.0.0.1 4333 east more\n  }\n}\n"), 3,
                  "too many values for 'dc-node-address-port'");
    require_error(with_ns("network {\n  heartbeat {\n    mesh-seed-address-port 10.0.0.1 3002 east\n  }\n}\n"), 3,
                  "too many values for 'mesh-seed-address-port'");

    conf::Config config = conf::parse_string(
        tls + with_ns("xdr {\n  datacenter DC1 {\n    dc-node-address-port 10.0.0.1 4333 dc1.example\n"
                      "    dc-node-address-port 10.0.0.2 4333\n    tls-name east\n  }\n}\n"),
        "tls.conf");
    REQUIRE(config.xdr.datacenters.size() == 1);
    const conf::XdrDc& dc = config.xdr.datacenters[0];
    CHECK(dc.tls_name == "east");
    REQUIRE(dc.nodes.size() == 2);
    CHECK(dc.nodes[0].tls_name == "dc1.example");
    CHECK(dc.nodes[1].tls_name.empty());
    CHECK(config.network.tls.at(0).cert_blacklist == "/b");

    // The 5.x form: `dc NAME { node-address-port HOST PORT TLS-NAME; tls-name NAME }`.
    conf::Config modern = conf::parse_string(
        tls + "namespace test {\n  replication-factor 1\n  storage-engine memory\n}\n"
              "xdr {\n  dc DC1 {\n    node-address-port 10.0.0.1 4333 dc1.example\n    tls-name east\n"
              "    namespace test {\n    }\n  }\n}\n",
        "tls5.conf");
    REQUIRE(modern.xdr.datacenters.size() == 1);
    CHECK(modern.xdr.datacenters[0].tls_name == "east");
    CHECK(modern.xdr.datacenters[0].nodes.at(0).tls_name == "dc1.example");
}
