#include <catch2/catch.hpp>

#include "smd/metadata_store.h"
#include "support/process.h"
#include "udf/udf_modules.h"

using asd::smd::Item;
using asd::smd::MetadataStore;

namespace {

Item item(std::string key, std::string value, uint64_t version, uint64_t origin, bool removed = false) {
  Item i;
  i.module = "UDF";
  i.key = std::move(key);
  i.value = std::move(value);
  i.version = version;
  i.origin = origin;
  i.removed = removed;
  return i;
}

}  // namespace

TEST_CASE("metadata items merge by version then origin, whatever order they arrive in", "[smd]") {
  support::TempDir a_dir, b_dir;
  MetadataStore a(a_dir.path(), 1), b(b_dir.path(), 2);
  REQUIRE(a.load().ok());
  REQUIRE(b.load().ok());
  Item v1 = item("m.lua", "one", 100, 1);
  Item v2 = item("m.lua", "two", 200, 1);
  Item gone = item("m.lua", "", 300, 2, true);
  for (const Item& i : {v1, v2, gone}) REQUIRE(a.merge(i).ok());
  for (const Item& i : {gone, v2, v1}) REQUIRE(b.merge(i).ok());
  Item out;
  CHECK(!a.get("UDF", "m.lua", &out));
  CHECK(!b.get("UDF", "m.lua", &out));
  CHECK(a.snapshot().size() == 1);  // the tombstone is kept for nodes that missed it
  // Same version: the higher origin wins on both.
  REQUIRE(a.merge(item("t.lua", "low", 500, 1)).ok());
  REQUIRE(a.merge(item("t.lua", "high", 500, 9)).ok());
  REQUIRE(b.merge(item("t.lua", "high", 500, 9)).ok());
  auto stale = b.merge(item("t.lua", "low", 500, 1));
  REQUIRE(stale.ok());
  CHECK(!*stale);
  REQUIRE(a.get("UDF", "t.lua", &out));
  CHECK(out.value == "high");
  REQUIRE(b.get("UDF", "t.lua", &out));
  CHECK(out.value == "high");
}

TEST_CASE("a local change sorts after everything merged, and survives a restart", "[smd]") {
  support::TempDir dir;
  uint64_t far_future = uint64_t(1) << 62;
  {
    MetadataStore s(dir.path(), 7);
    REQUIRE(s.load().ok());
    REQUIRE(s.merge(item("a.lua", "remote", far_future, 3)).ok());
    auto mine = s.set("UDF", "a.lua", "local");
    REQUIRE(mine.ok());
    CHECK(mine->version > far_future);
    CHECK(mine->origin == 7);
    REQUIRE(s.remove("UDF", "b.lua").ok());
  }
  MetadataStore again(dir.path(), 7);
  REQUIRE(again.load().ok());
  Item out;
  REQUIRE(again.get("UDF", "a.lua", &out));
  CHECK(out.value == "local");
  CHECK(again.snapshot().size() == 2);
  auto next = again.set("UDF", "c.lua", "x");
  REQUIRE(next.ok());
  CHECK(next->version > out.version);
}

TEST_CASE("a damaged metadata file stops the load with its name", "[smd]") {
  support::TempDir dir;
  {
    MetadataStore s(dir.path(), 1);
    REQUIRE(s.load().ok());
    REQUIRE(s.set("UDF", "a.lua", "content").ok());
  }
  std::string path = dir.path() + "/UDF.smd";
  std::string text = support::read_file(path);
  text[text.find("item") + 1] = 'X';
  support::write_file(path, text);
  MetadataStore s(dir.path(), 1);
  common::Status st = s.load();
  CHECK(!st.ok());
  CHECK(st.message().find("UDF.smd") != std::string::npos);
}

TEST_CASE("listeners see items held at registration and every later change", "[smd]") {
  support::TempDir dir;
  MetadataStore s(dir.path(), 1);
  REQUIRE(s.load().ok());
  REQUIRE(s.set("UDF", "a.lua", "1").ok());
  std::vector<std::string> seen;
  s.listen("UDF", [&](const Item& i) { seen.push_back(i.key + (i.removed ? "-" : "+")); });
  REQUIRE(s.set("UDF", "b.lua", "2").ok());
  REQUIRE(s.remove("UDF", "a.lua").ok());
  CHECK(seen == std::vector<std::string>{"a.lua+", "b.lua+", "a.lua-"});
}

TEST_CASE("Lua modules are compiled before they are accepted", "[udf]") {
  CHECK(!asd::udf::check_lua_source("ok.lua", "function f(r) return 1 end\n"));
  auto e = asd::udf::check_lua_source("bad.lua", "x = 1\ny = = 2\n");
  REQUIRE(e);
  CHECK(e->error == "compile_error");
  CHECK(e->file == "bad.lua");
  CHECK(e->line == 2);
  CHECK(e->message == "unexpected symbol near '='");
  CHECK(asd::udf::valid_module_filename("a.lua"));
  CHECK(!asd::udf::valid_module_filename("a"));
  CHECK(!asd::udf::valid_module_filename(".lua"));
  CHECK(!asd::udf::valid_module_filename("a."));
  CHECK(!asd::udf::valid_module_filename("x/../a.lua"));
  CHECK(!asd::udf::valid_module_filename(std::string(128, 'a') + ".lua"));
}
