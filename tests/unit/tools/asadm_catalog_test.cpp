// `show sindex` / `show udfs`: one row per definition however many nodes list it, sorted,
// a node's differing view as its own row, silent nodes under the table.

#include <catch2/catch.hpp>

#include <string>

#include "asadm_nodes.h"
#include "catalog_table.h"

using asadm::Catalog;
using asadm::NodesReport;
using tools_test::dead_node;
using tools_test::ok_node;

TEST_CASE("show sindex: the cluster's indexes once each", "[tools][asadm]") {
  const std::string both =
      "ns=test:indexname=b_idx:set=NULL:bin=b:type=string:indextype=default:context=NULL:state=RW;"
      "ns=test:indexname=a_idx:set=demo:bin=n:type=numeric:indextype=list:context=NULL:state=RW;";
  NodesReport report;
  report.nodes.push_back(ok_node("127.0.0.1:3000", "A1", {{"namespaces", "test"}, {"sindex-list:", both}}));
  report.nodes.push_back(ok_node("127.0.0.1:3010", "A2",
                                 {{"namespaces", "test"},
                                  {"sindex-list:", "ns=test:indexname=a_idx:set=demo:bin=n:type=numeric:"
                                                   "indextype=list:context=NULL:state=WO;"}}));
  report.nodes.push_back(dead_node("127.0.0.1:3020", "A3"));
  CHECK_GOLDEN(asadm::render_sheet_text(asadm::catalog_sheet(report, Catalog::Sindex)),
               "~~ Secondary Indexes ~~\n"
               "Index Name  Namespace  Set   Bin  Bin Type  Index Type  State\n"
               "a_idx       test       demo  n    numeric   list        RW\n"
               "a_idx       test       demo  n    numeric   list        WO\n"
               "b_idx       test       -     b    string    default     RW\n"
               "Number of rows: 3\n"
               "127.0.0.1:3020: unreachable (client: connect 127.0.0.1:3020: Connection refused)\n");
}

TEST_CASE("show udfs: modules by filename; an error answer is a note", "[tools][asadm]") {
  NodesReport report;
  report.nodes.push_back(ok_node("127.0.0.1:3000", "A1",
                                 {{"namespaces", "test"},
                                  {"udf-list", "filename=z.lua,hash=aa11,type=LUA;filename=a.lua,hash=bb22,type=LUA;"}}));
  report.nodes.push_back(ok_node("127.0.0.1:3010", "A2", {{"namespaces", "test"}, {"udf-list", "ERROR:4:busy"}}));
  asadm::Sheet sheet = asadm::catalog_sheet(report, Catalog::Udfs);
  CHECK_GOLDEN(asadm::render_sheet_text(sheet),
               "~~ UDF Modules ~~\n"
               "Filename  Hash  Type\n"
               "a.lua     bb22  LUA\n"
               "z.lua     aa11  LUA\n"
               "Number of rows: 2\n"
               "127.0.0.1:3010: error (ERROR:4:busy)\n");
  CHECK(asadm::render_sheet_json(sheet).find("{\"filename\":\"a.lua\",\"hash\":\"bb22\",\"type\":\"LUA\"") !=
        std::string::npos);
}
