// security { }: what it turns on, what it refuses, and where.

#include <algorithm>
#include <string>

#include "conf/config.h"
#include "conf/key_table.h"
#include "conf/loader.h"
#include "conf/render.h"
#include "conf/xdr_local_login.h"
#include "conf_test_util.h"

using conf_test::kNamespace;
using conf_test::parse;
using conf_test::require_error;

namespace {

std::string security(const std::string& body) { return "security {\n" + body + "}\n" + std::string(kNamespace); }

}  // namespace

TEST_CASE("security is off without the stanza and on with it", "[conf][security]") {
    conf::Config off = parse(std::string(kNamespace));
    CHECK_FALSE(off.security.enabled);
    CHECK(conf::render_context(off, "security", "").empty());
    conf::Config on = parse(security(""));
    CHECK(on.security.enabled);
    CHECK(on.security.session_ttl == 86400);
    CHECK(on.security.privilege_refresh_period == 300);
    CHECK_FALSE(on.security.enable_quotas);
    CHECK(on.security.tps_weight == 2);
    CHECK_FALSE(on.security.log.report_authentication);
    // The 4.x form: enable-security true is the same, false turns it off again.
    CHECK(parse(security("  enable-security true\n")).security.enabled);
    CHECK_FALSE(parse(security("  enable-security false\n")).security.enabled);
}

TEST_CASE("a secured node runs xdr through the built-in local login", "[conf][security]") {
    const std::string xdr = "xdr {\n  enable-xdr true\n  xdr-digestlog-path /tmp/dlog 1G\n}\n";
    conf::Config secured = parse("service {\n  work-directory /var/lib/asd\n}\nsecurity {\n}\n" + xdr +
                                 std::string(kNamespace));
    CHECK(conf::uses_xdr_local_login(secured));
    CHECK(conf::xdr_local_login_path(secured) == "/var/lib/asd/xdr-local.login");
    CHECK_FALSE(conf::uses_xdr_local_login(parse(xdr + std::string(kNamespace))));
    CHECK_FALSE(conf::uses_xdr_local_login(parse(security(""))));
}

TEST_CASE("example security.conf loads", "[conf][security]") {
    conf::Config config = conf::load_file(CONF_EXAMPLES_DIR "/security.conf");
    CHECK(config.security.enabled);
    CHECK(config.security.session_ttl == 86400);
    CHECK(config.security.enable_quotas);
    CHECK(config.security.log.report_authentication);
    CHECK(config.security.log.report_user_admin);
    CHECK(config.security.log.report_sys_admin);
    CHECK(config.security.log.report_violation);
    CHECK(config.security.log.report_data_op == std::vector<std::string>{"test orders"});
}

TEST_CASE("security keys and the log stanza", "[conf][security]") {
    conf::Config c = parse(security("  session-ttl 2h\n  privilege-refresh-period 60\n  enable-quotas false\n"
                                    "  log {\n    report-violation true\n    report-data-op test\n"
                                    "    report-data-op test orders\n  }\n"));
    CHECK(c.security.session_ttl == 7200);
    CHECK(c.security.privilege_refresh_period == 60);
    CHECK(c.security.log.report_violation);
    CHECK(c.security.log.report_data_op == std::vector<std::string>{"test", "test orders"});
    auto rendered = conf::render_context(c, "security", "");
    CHECK(std::find(rendered.begin(), rendered.end(), std::pair<std::string, std::string>{"session-ttl", "7200"}) !=
          rendered.end());
    CHECK(std::find(rendered.begin(), rendered.end(),
                    std::pair<std::string, std::string>{"log.report-data-op", "test,test orders"}) != rendered.end());
    // A short session is for tests only.
    CHECK(parse("service {\n  enable-fault-injection true\n}\n" + security("  session-ttl 3\n")).security.session_ttl == 3);
}

TEST_CASE("rate quotas: enable-quotas (static) and tps-weight (dynamic)", "[conf][security]") {
    conf::Config c = parse(security("  enable-quotas true\n  tps-weight 5\n"));
    CHECK(c.security.enable_quotas);
    CHECK(c.security.tps_weight == 5);
    auto rendered = conf::render_context(c, "security", "");
    CHECK(std::find(rendered.begin(), rendered.end(), std::pair<std::string, std::string>{"enable-quotas", "true"}) !=
          rendered.end());
    CHECK(std::find(rendered.begin(), rendered.end(), std::pair<std::string, std::string>{"tps-weight", "5"}) !=
          rendered.end());
    // set-config: tps-weight changes within its range, enable-quotas only with a restart.
    CHECK(conf::apply_dynamic(c, "security", "", "tps-weight", "20").empty());
    CHECK(c.security.tps_weight == 20);
    CHECK(conf::apply_dynamic(c, "security", "", "tps-weight", "21") ==
          "value 21 for 'tps-weight' out of range 2..20 in security");
    CHECK(conf::apply_dynamic(c, "security", "", "tps-weight", "x").find("bad value 'x' for 'tps-weight'") == 0);
    CHECK(c.security.tps_weight == 20);
    CHECK(conf::apply_dynamic(c, "security", "", "enable-quotas", "false") ==
          "'enable-quotas' in security is not dynamic: change it in the file and restart");
    CHECK(c.security.enable_quotas);
    CHECK(conf::apply_dynamic(c, "security", "", "session-ttl", "600").find("is not dynamic") != std::string::npos);
    conf::Config off = parse(std::string(kNamespace));
    CHECK(conf::apply_dynamic(off, "security", "", "tps-weight", "3") == "security is not enabled (no security stanza)");
}

TEST_CASE("every security key is rendered", "[conf][security]") {
    conf::Config config = parse(security(""));
    auto rendered = conf::render_context(config, "security", "");
    for (const conf::KeySpec& spec : conf::key_table()) {
        if (!spec.context.starts_with("security") || spec.type == conf::KeyType::Stanza || !spec.unsupported.empty()) {
            continue;
        }
        std::string key = (spec.context == "security.log" ? "log." : "") + std::string(spec.name);
        INFO(key);
        CHECK(std::find_if(rendered.begin(), rendered.end(), [&](const auto& kv) { return kv.first == key; }) !=
              rendered.end());
    }
}

TEST_CASE("security refusals name the line and the reason", "[conf][security]") {
    require_error(security("  enable-quotas yes\n"), 2, "bad value 'yes' for 'enable-quotas' in security: expected true or false");
    require_error(security("  session-ttl 300\n  enable-quotas\n"), 3, "missing value for 'enable-quotas' in security");
    require_error(security("  ldap {\n  }\n"), 2, "'ldap' in security is not supported: LDAP is not supported");
    require_error(security("  syslog {\n  }\n"), 2, "'syslog' in security is not supported");
    require_error(security("  enable-quotas true\n  tps-weight 1\n"), 3,
                  "value 1 for 'tps-weight' out of range 2..20 in security");
    require_error(security("  tps-weight 21\n"), 2, "value 21 for 'tps-weight' out of range 2..20 in security");
    require_error(security("  tps-weight 2 3\n"), 2, "too many values for 'tps-weight' in security");
    require_error("service {\n  enable-quotas true\n}\n" + std::string(kNamespace), 2,
                  "unknown key 'enable-quotas' in service");
    require_error(security("  default-password-file /etc/pw\n"), 2, "'default-password-file' in security is not supported");
    require_error(security("  session-ttl 60\n"), 2,
                  "session-ttl 60 in security is below 120 (allowed only with service enable-fault-injection true)");
    require_error(security("  session-ttl 0\n"), 2, "out of range");
    require_error(security("  session-ttl 11d\n"), 2, "out of range");
    require_error(security("  privilege-refresh-period 5\n"), 2, "out of range");
    require_error(security("  sesion-ttl 300\n"), 2, "unknown key 'sesion-ttl' in security");
    require_error(security("  log {\n    report-everything true\n  }\n"), 3, "unknown key 'report-everything' in security.log");
    require_error(security("  log {\n    report-data-op\n  }\n"), 3, "missing value for 'report-data-op' in security.log");
    require_error(security("  log {\n    report-data-op a b c\n  }\n"), 3,
                  "too many values for 'report-data-op' in security.log: expected NAMESPACE [SET], got 'c'");
    require_error(security("  log {\n    report-data-op-user bob\n  }\n"), 3, "data-op logging by user is not supported");
    require_error(security("  log {\n    report-violation maybe\n  }\n"), 3, "expected true or false");
    require_error("security {\n}\nsecurity {\n}\n" + std::string(kNamespace), 3, "duplicate stanza 'security'");
}
