// UDF modules as cluster metadata (wire-protocol §10.1): registered through one node,
// listed by every node with the same hash and written to each node's mod-lua user-path
// (here the default, <work-directory>/usr/udf/lua); removals reach every node too; a node
// that restarts keeps them, one that was down while they changed catches up, and one that
// joins later gets them. Bad udf-put requests get the real server's error answers.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "common/base64.h"
#include "support/cluster_dc.h"
#include "support/process.h"

namespace {

const std::string kModule = "counter.lua";
const std::string kSource =
    "-- a record UDF module\n"
    "function add(rec, bin, n)\n"
    "  rec[bin] = (rec[bin] or 0) + n\n"
    "  aerospike:update(rec)\n"
    "  return rec[bin]\n"
    "end\n";

std::string put_command(const std::string& name, const std::string& source) {
  std::string b64 = common::base64_encode(source);
  return "udf-put:filename=" + name + ";content=" + b64 + ";content-len=" + std::to_string(b64.size()) +
         ";udf-type=LUA;";
}

std::string module_file(const support::ClusterDc& dc, size_t i, const std::string& name) {
  return dc.dir(i) + "/usr/udf/lua/" + name;
}

bool listed(const support::ClusterDc& dc, size_t i, const std::string& name) {
  return dc.asd_info(i, "udf-list").find("filename=" + name + ",") != std::string::npos;
}

// The hash= value udf-list gives for `name` on node i ("" when not listed).
std::string hash_on(const support::ClusterDc& dc, size_t i, const std::string& name) {
  std::string list = dc.asd_info(i, "udf-list");
  size_t at = list.find("filename=" + name + ",hash=");
  if (at == std::string::npos) return "";
  at += name.size() + 15;
  return list.substr(at, list.find(',', at) - at);
}

support::ClusterDcOptions asd_only(size_t nodes) {
  support::ClusterDcOptions o;
  o.name = "UDF";
  o.nodes = nodes;
  o.run_xdr = false;
  return o;
}

}  // namespace

TEST_CASE("a module registered through one node reaches every node, and so does its removal", "[udf_modules]") {
  support::ClusterDc dc(asd_only(3));
  dc.start();
  REQUIRE(dc.asd_info(0, put_command(kModule, kSource)) == "ok");
  for (size_t i = 0; i < 3; ++i) {
    INFO("node " << i << " udf-list: " << dc.asd_info(i, "udf-list"));
    REQUIRE(support::eventually([&] { return listed(dc, i, kModule); }, 10000));
    CHECK(hash_on(dc, i, kModule).size() == 40);
    CHECK(hash_on(dc, i, kModule) == hash_on(dc, 0, kModule));
    CHECK(support::read_file(module_file(dc, i, kModule)) == kSource);
    CHECK(dc.asd_info(i, "udf-get:filename=" + kModule + ";") ==
          "type=LUA;content=" + common::base64_encode(kSource) + ";");
  }

  SECTION("a restarted node keeps them; one that was down while they changed catches up") {
    dc.kill9(2);
    REQUIRE(dc.wait_stable(2, 30000));
    REQUIRE(dc.asd_info(1, "udf-remove:filename=" + kModule + ";") == "ok");
    REQUIRE(dc.asd_info(0, put_command("second.lua", "return 1\n")) == "ok");
    dc.restart(2);
    REQUIRE(dc.wait_stable(3, 30000));
    INFO("node 2 udf-list: " << dc.asd_info(2, "udf-list"));
    CHECK(support::eventually([&] { return listed(dc, 2, "second.lua") && !listed(dc, 2, kModule); }, 10000));
    CHECK(std::filesystem::exists(module_file(dc, 2, "second.lua")));
    CHECK(!std::filesystem::exists(module_file(dc, 2, kModule)));
    // Its own copy survived the restart too: removing it everywhere else did not need it.
    dc.kill9(0);
    REQUIRE(dc.wait_stable(2, 30000));
    dc.restart(0);
    REQUIRE(dc.wait_stable(3, 30000));
    CHECK(listed(dc, 0, "second.lua"));
  }

  SECTION("a node that joins later gets every module; a removal leaves no file behind") {
    size_t fourth = dc.add_node();
    REQUIRE(dc.wait_stable(4, 60000));
    INFO("node 3 udf-list: " << dc.asd_info(fourth, "udf-list"));
    CHECK(support::eventually([&] { return listed(dc, fourth, kModule); }, 10000));
    CHECK(support::read_file(module_file(dc, fourth, kModule)) == kSource);
    REQUIRE(dc.asd_info(fourth, "udf-remove:filename=" + kModule + ";") == "ok");
    for (size_t i = 0; i < 4; ++i) {
      CHECK(support::eventually([&] { return !listed(dc, i, kModule); }, 10000));
      CHECK(support::eventually([&] { return !std::filesystem::exists(module_file(dc, i, kModule)); }, 10000));
      CHECK(dc.asd_info(i, "udf-get:filename=" + kModule + ";") == "error=not_found");
    }
  }
}

TEST_CASE("udf-put refuses bad modules and requests with the real server's answers", "[udf_bad_input]") {
  support::ClusterDc dc(asd_only(1));
  dc.start();

  // A syntax error: file, line and the compiler's message (base64).
  std::string answer = dc.asd_info(0, put_command("broken.lua", "function f(\n  return 1 +\nend\n"));
  INFO(answer);
  REQUIRE(answer.rfind("error=compile_error;file=broken.lua;line=2;message=", 0) == 0);
  auto message = common::base64_decode(answer.substr(answer.find("message=") + 8));
  REQUIRE(message);
  CHECK(*message == "<name> or '...' expected near 'return'");
  CHECK(!listed(dc, 0, "broken.lua"));

  std::string b64 = common::base64_encode(kSource);
  std::string len = std::to_string(b64.size());
  // No extension, a path, a missing name.
  CHECK(dc.asd_info(0, "udf-put:filename=noext;content=" + b64 + ";content-len=" + len + ";") ==
        "error=invalid_filename");
  CHECK(dc.asd_info(0, "udf-put:filename=../evil.lua;content=" + b64 + ";content-len=" + len + ";") ==
        "error=invalid_filename");
  CHECK(dc.asd_info(0, "udf-put:content=" + b64 + ";content-len=" + len + ";") == "error=invalid_filename");
  CHECK(!std::filesystem::exists(dc.dir(0) + "/usr/udf/evil.lua"));
  // content-len missing, not a number, not a multiple of 4; content of another length.
  CHECK(dc.asd_info(0, "udf-put:filename=a.lua;content=" + b64 + ";") == "error=invalid_content_len");
  CHECK(dc.asd_info(0, "udf-put:filename=a.lua;content=" + b64 + ";content-len=x;") == "error=invalid_content_len");
  CHECK(dc.asd_info(0, "udf-put:filename=a.lua;content=" + b64 + ";content-len=6;") == "error=invalid_content_len");
  CHECK(dc.asd_info(0, "udf-put:filename=a.lua;content=" + b64 + ";content-len=8;") == "error=invalid_content");
  // Not base64; not Lua.
  CHECK(dc.asd_info(0, "udf-put:filename=a.lua;content=!!!!;content-len=4;") == "error=invalid_base64_content");
  CHECK(dc.asd_info(0, "udf-put:filename=a.lua;content=" + b64 + ";content-len=" + len + ";udf-type=PYTHON;") ==
        "error=invalid_udf_type");
  // Precompiled Lua is refused: only source is accepted.
  std::string bytecode = std::string("\x1bLua\x54", 5) + std::string(20, '\0');
  CHECK(dc.asd_info(0, put_command("binary.lua", bytecode)).rfind("error=compile_error;file=binary.lua;", 0) == 0);
  // Missing modules: get says so, remove is fine.
  CHECK(dc.asd_info(0, "udf-get:filename=none.lua;") == "error=not_found");
  CHECK(dc.asd_info(0, "udf-remove:filename=none.lua;") == "ok");
  CHECK(dc.asd_info(0, "udf-list") == "");
  // Still serving, and a good module still registers.
  CHECK(dc.asd_info(0, "status") == "ok");
  CHECK(dc.asd_info(0, put_command(kModule, kSource)) == "ok");
  CHECK(listed(dc, 0, kModule));
}
