// service { ticker-interval }: parsed, defaulted, bounded, and changeable by set-config.

#include <string>

#include "conf/config.h"
#include "conf/loader.h"
#include "conf/render.h"
#include "conf_test_util.h"

using conf_test::kNamespace;
using conf_test::parse;
using conf_test::require_error;
using conf_test::value_of;

TEST_CASE("ticker-interval parses, defaults to 10 and 0 turns the ticker off", "[conf]") {
    CHECK(parse(kNamespace).service.ticker_interval == 10);
    CHECK(parse("service {\n  ticker-interval 1\n}\n" + std::string(kNamespace)).service.ticker_interval == 1);
    CHECK(parse("service {\n  ticker-interval 0\n}\n" + std::string(kNamespace)).service.ticker_interval == 0);
    require_error("service {\n  ticker-interval 86401\n}\n" + std::string(kNamespace), 2,
                  "value 86401 for 'ticker-interval' out of range 0..86400 in service");
}

TEST_CASE("get-config shows ticker-interval and set-config changes it", "[conf]") {
    conf::Config config = parse("service {\n  ticker-interval 5\n}\n" + std::string(kNamespace));
    CHECK(value_of(conf::render_context(config, "service", ""), "ticker-interval") == "5");
    CHECK(conf::apply_dynamic(config, "service", "", "ticker-interval", "0") == "");
    CHECK(config.service.ticker_interval == 0);
    CHECK(conf::apply_dynamic(config, "service", "", "ticker-interval", "86401") != "");
    CHECK(config.service.ticker_interval == 0);
}
