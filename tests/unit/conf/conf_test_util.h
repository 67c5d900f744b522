// Shared helpers for the conf unit tests.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conf/config_error.h"
#include "conf/loader.h"

namespace conf_test {

// Every file needs a namespace; tests append this after the stanza under test so the
// stanza's line numbers start at 1.
inline constexpr std::string_view kNamespace = "namespace test {\n}\n";

inline conf::Config parse(std::string_view text) { return conf::parse_string(text, "test.conf"); }

// Parsing `text` must fail at `line` with a message containing `fragment`.
inline void require_error(std::string_view text, int line, std::string_view fragment) {
    INFO("config:\n" << text);
    try {
        conf::parse_string(text, "test.conf");
        FAIL("expected a ConfigError containing: " << fragment);
    } catch (const conf::ConfigError& error) {
        std::string what = error.what();
        INFO("what(): " << what);
        CHECK(error.file() == "test.conf");
        CHECK(error.line() == line);
        CHECK(what.starts_with("test.conf:" + std::to_string(line) + ": "));
        CHECK(what.find(fragment) != std::string::npos);
    }
}

// The value printed for `key`, or "<absent>".
inline std::string value_of(const std::vector<std::pair<std::string, std::string>>& pairs,
                            std::string_view key) {
    for (const auto& [k, v] : pairs) {
        if (k == key) return v;
    }
    return "<absent>";
}

}  // namespace conf_test
