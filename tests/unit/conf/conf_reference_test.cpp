// The key table itself, and docs/config-reference.md generated from it.

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "conf/config.h"
#include "conf/key_table.h"
#include "conf_test_util.h"

TEST_CASE("key table is consistent", "[conf]") {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const conf::KeySpec& spec : conf::key_table()) {
        INFO(spec.context << " " << spec.name);
        CHECK(seen.insert({spec.context, spec.name}).second);
        CHECK_FALSE(spec.description.empty());
        CHECK(spec.min <= spec.max);
        if (spec.type == conf::KeyType::Enum || spec.type == conf::KeyType::LogContext) {
            CHECK_FALSE(spec.choices.empty());
        }
        if (spec.type == conf::KeyType::Stanza) {
            CHECK(spec.default_value.empty());
            CHECK_FALSE(spec.dynamic);
        }
        if (spec.repeatable && spec.type != conf::KeyType::Stanza) CHECK(spec.default_value.empty());
        // Every context is opened by a stanza row of its parent (storage-engine is a key whose
        // `device` value opens the storage-engine block and `memory` the storage-memory one).
        if (!spec.context.empty()) {
            std::size_t dot = spec.context.rfind('.');
            std::string_view parent = dot == std::string_view::npos ? "" : spec.context.substr(0, dot);
            std::string_view last = dot == std::string_view::npos ? spec.context : spec.context.substr(dot + 1);
            if (last == "storage-memory") last = "storage-engine";
            const conf::KeySpec* opener = conf::find_key(parent, last);
            REQUIRE(opener != nullptr);
            CHECK((opener->type == conf::KeyType::Stanza || opener->name == "storage-engine"));
        }
        // A 5.x-8.x spelling names an existing key of the same type and liveness.
        if (!spec.stored_as.empty()) {
            const conf::KeySpec* target = conf::storage_key(spec);
            REQUIRE(target != nullptr);
            CHECK(target->type == spec.type);
            CHECK(target->dynamic == spec.dynamic);
            CHECK(target->stored_as.empty());
        }
        if (spec.negated) CHECK(spec.type == conf::KeyType::Bool);
    }
    CHECK(conf::find_key("namespace", "memory-size") != nullptr);
    CHECK(conf::find_key("namespace", "nope") == nullptr);
    // Every default parses and is in range (make_* would throw std::logic_error otherwise).
    CHECK_NOTHROW(conf::make_config());
    CHECK_NOTHROW(conf::make_namespace("n"));
    CHECK_NOTHROW(conf::make_set("s"));
    CHECK_NOTHROW(conf::make_dc("d"));
}

TEST_CASE("reference markdown lists every key", "[conf]") {
    std::string markdown = conf::reference_markdown();
    CHECK(markdown.find("## namespace NAME") != std::string::npos);
    CHECK(markdown.find("| `stop-writes-pct` | integer | `90` | 0..100 | yes | no |") != std::string::npos);
    CHECK(markdown.find("| `memory-size` | size | `4G` | >= 1M | yes | no |") != std::string::npos);
    CHECK(markdown.find("generation\\|last-update-time") != std::string::npos);
    for (const conf::KeySpec& spec : conf::key_table()) {
        CHECK(markdown.find("| `" + std::string(spec.name) + "` |") != std::string::npos);
    }
}

TEST_CASE("docs/config-reference.md is up to date", "[conf][reference]") {
    const std::string path = CONF_REFERENCE_PATH;
    const std::string expected = conf::reference_markdown();
    const char* regenerate = std::getenv("CONF_REGENERATE");
    if (regenerate != nullptr && std::string(regenerate) == "1") {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << expected;
        REQUIRE(out.good());
        WARN("rewrote " << path);
        return;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream actual;
    actual << in.rdbuf();
    if (actual.str() != expected) {
        FAIL(path << " is out of date with conf/key_table.cpp; regenerate it with: "
                  << "CONF_REGENERATE=1 ./unit_conf \"[reference]\"");
    }
}

namespace {

// The README embeds the reference one heading level down, between two markers.
std::string readme_block() {
    std::string out;
    std::istringstream in(conf::reference_markdown());
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '#') line = "#" + line;
        out += line + "\n";
    }
    return out;
}

constexpr std::string_view kBegin = "<!-- config-reference:begin -->\n";
constexpr std::string_view kEnd = "<!-- config-reference:end -->";

}  // namespace

TEST_CASE("the README's config reference is the generated one", "[conf][reference]") {
    const std::string path = CONF_README_PATH;
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string readme = buffer.str();
    size_t begin = readme.find(kBegin);
    size_t end = readme.find(kEnd);
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    begin += kBegin.size();
    const std::string expected = readme_block();
    const char* regenerate = std::getenv("CONF_REGENERATE");
    if (regenerate != nullptr && std::string(regenerate) == "1") {
        readme.replace(begin, end - begin, expected);
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << readme;
        REQUIRE(out.good());
        WARN("rewrote the config reference in " << path);
        return;
    }
    if (readme.substr(begin, end - begin) != expected) {
        FAIL(path << " config reference is out of date with conf/key_table.cpp; regenerate it with: "
                  << "CONF_REGENERATE=1 ./unit_conf \"[reference]\"");
    }
}
