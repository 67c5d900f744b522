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
    require_error(security("  enable-quotas true\n"), 2, "'enable-quotas true' is not supported (in security)");
    require_error(security("  ldap {\n  }\n"), 2, "'ldap' in security is not supported: LDAP is not supported");
    require_error(security("  syslog {\n  }\n"), 2, "'syslog' in security is not supported");
    require_error(security("  tps-weight 4\n"), 2, "'tps-weight' in security is not supported: quotas are not supported");
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
