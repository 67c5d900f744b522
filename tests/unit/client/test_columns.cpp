// ColumnLayout: building from numpy-style type strings and explicit offsets, and every
// validation error, each naming its field, before any I/O.

#include <catch2/catch.hpp>

#include "client/columns.h"

using client::ColumnFieldSpec;
using client::ColumnKind;
using client::ColumnLayout;
using client::ColumnLayoutBuilder;
using common::ResultCode;

namespace {

// The message of a layout that must fail with Parameter.
std::string layout_error(const std::vector<ColumnFieldSpec>& fields, int64_t itemsize) {
  auto layout = ColumnLayout::make(fields, itemsize);
  REQUIRE_FALSE(layout.ok());
  CHECK(layout.code() == ResultCode::Parameter);
  return layout.error().message;
}

std::string builder_error(const ColumnLayoutBuilder& builder) {
  auto layout = builder.build();
  REQUIRE_FALSE(layout.ok());
  CHECK(layout.code() == ResultCode::Parameter);
  return layout.error().message;
}

}  // namespace

TEST_CASE("packed builder lays fields end to end", "[client][columns]") {
  auto layout = ColumnLayoutBuilder()
                    .add("a", "i1")
                    .add("b", "<u2")
                    .add("c", "f4")
                    .add("d", "=f8")
                    .add("s", "|S5")
                    .add("v", "V3")
                    .add("vec", "f4", 128)
                    .build();
  REQUIRE(layout.ok());
  REQUIRE(layout->fields().size() == 7);
  CHECK(layout->fields()[1].kind == ColumnKind::Uint);
  CHECK(layout->fields()[1].offset == 1);
  CHECK(layout->fields()[2].offset == 3);
  CHECK(layout->fields()[3].offset == 7);
  CHECK(layout->fields()[4].kind == ColumnKind::Bytes);
  CHECK(layout->fields()[4].offset == 15);
  CHECK(layout->fields()[5].kind == ColumnKind::Void);
  CHECK(layout->fields()[6].offset == 23);
  CHECK(layout->fields()[6].size() == 512);
  CHECK(layout->itemsize() == 23 + 512);
  CHECK(layout->bin_names() == std::vector<std::string>{"a", "b", "c", "d", "s", "v", "vec"});
  CHECK(layout->find("vec") == &layout->fields()[6]);
  CHECK(layout->find("nope") == nullptr);
}

TEST_CASE("aligned layout: explicit offsets, padding and a larger itemsize", "[client][columns]") {
  // numpy: np.dtype([("a", "i1"), ("b", "f8"), ("c", "i2")], align=True) -> offsets 0, 8, 16; itemsize 24
  auto layout = ColumnLayoutBuilder().add_at("a", "i1", 0).add_at("b", "f8", 8).add_at("c", "i2", 16).itemsize(24).build();
  REQUIRE(layout.ok());
  CHECK(layout->itemsize() == 24);
  CHECK(layout->fields()[1].offset == 8);
  // Fields need not be in offset order.
  auto reordered = ColumnLayout::make({{"x", 'i', 4, 4, 1}, {"y", 'i', 4, 0, 1}}, 8);
  REQUIRE(reordered.ok());
}

TEST_CASE("unsupported kinds are refused by field name", "[client][columns]") {
  CHECK(layout_error({{"name", 'U', 4, 0, 1}}, 4) ==
        "column layout: field 'name': unsupported kind 'U' (supported: i u f S V)");
  CHECK(layout_error({{"obj", 'O', 8, 0, 1}}, 8) ==
        "column layout: field 'obj': unsupported kind 'O' (supported: i u f S V)");
  CHECK(layout_error({{"c", 'c', 8, 0, 1}}, 8).find("field 'c': unsupported kind 'c'") != std::string::npos);
  CHECK(builder_error(ColumnLayoutBuilder().add("when", "M8")).find("field 'when': unsupported kind 'M'") !=
        std::string::npos);
}

TEST_CASE("bad item sizes are refused by field name", "[client][columns]") {
  CHECK(layout_error({{"n", 'i', 3, 0, 1}}, 8) == "column layout: field 'n': bad item size 3 for kind 'i'");
  CHECK(layout_error({{"n", 'u', 16, 0, 1}}, 16) == "column layout: field 'n': bad item size 16 for kind 'u'");
  CHECK(layout_error({{"x", 'f', 2, 0, 1}}, 8) == "column layout: field 'x': bad item size 2 for kind 'f'");
  CHECK(layout_error({{"x", 'f', 16, 0, 1}}, 16) == "column layout: field 'x': bad item size 16 for kind 'f'");
  CHECK(layout_error({{"s", 'S', 0, 0, 1}}, 8) == "column layout: field 's': bad item size 0 for kind 'S'");
  CHECK(layout_error({{"s", 'V', -4, 0, 1}}, 8) == "column layout: field 's': bad item size -4 for kind 'V'");
  CHECK(layout_error({{"v", 'f', 4, 0, 0}}, 8) == "column layout: field 'v': bad sub-array count 0");
  CHECK(layout_error({{"v", 'f', 4, -1, 1}}, 8) == "column layout: field 'v': bad offset -1");
  CHECK(builder_error(ColumnLayoutBuilder().add("i3", "i3")) == "column layout: field 'i3': bad item size 3 for kind 'i'");
  CHECK(builder_error(ColumnLayoutBuilder().add("s", "S")) == "column layout: field 's': bad type string 'S'");
  CHECK(builder_error(ColumnLayoutBuilder().add("b", ">i4")) == "column layout: field 'b': big-endian type '>i4'");
}

TEST_CASE("fields past the itemsize, overlapping, unnamed or repeated are refused", "[client][columns]") {
  CHECK(layout_error({{"a", 'i', 8, 4, 1}}, 8) == "column layout: field 'a': ends at byte 12, past the row itemsize 8");
  CHECK(layout_error({{"vec", 'f', 4, 0, 128}}, 100) ==
        "column layout: field 'vec': ends at byte 512, past the row itemsize 100");
  CHECK(builder_error(ColumnLayoutBuilder().add("a", "i8").itemsize(4)) ==
        "column layout: field 'a': ends at byte 8, past the row itemsize 4");
  CHECK(layout_error({{"a", 'i', 8, 0, 1}, {"b", 'i', 4, 4, 1}}, 16) ==
        "column layout: field 'b' overlaps field 'a'");
  CHECK(layout_error({{"a", 'i', 4, 0, 1}, {"", 'i', 4, 4, 1}}, 8) == "column layout: field #1 has an empty name");
  CHECK(layout_error({{"a", 'i', 4, 0, 1}, {"a", 'i', 4, 4, 1}}, 8) == "column layout: field 'a': repeated bin name");
  CHECK(layout_error({{"sixteen_chars_xx", 'i', 4, 0, 1}}, 4) ==
        "column layout: field 'sixteen_chars_xx': bin name longer than 15 bytes");
  CHECK(layout_error({}, 8) == "column layout: no fields");
  CHECK(layout_error({{"a", 'i', 4, 0, 1}}, 0) == "column layout: bad row itemsize 0");
}
