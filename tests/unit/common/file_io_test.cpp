// The POSIX FileIo: errors name path and offset; sparse files report only written ranges.

#include "common/file_io.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "temp_dir.h"

using common::test::TempDir;

TEST_CASE("opening a missing file without Create fails naming it", "[common]") {
  TempDir dir;
  auto f = common::posix_file_io()->open(dir.path + "/missing", common::OpenMode::Existing);
  REQUIRE(!f.ok());
  CHECK_THAT(f.error().message, Catch::Contains("path=" + dir.path + "/missing") && Catch::Contains("open failed"));
  CHECK(!std::filesystem::exists(dir.path + "/missing"));
}

TEST_CASE("a truncated file is a hole until written", "[common]") {
  TempDir dir;
  auto f = common::posix_file_io()->open(dir.path + "/sparse", common::OpenMode::Create);
  REQUIRE(f.ok());
  constexpr uint64_t kSize = 8 << 20;
  REQUIRE((*f)->truncate(kSize).ok());
  CHECK(*(*f)->size() == kSize);
  std::string data(4096, 'x');
  REQUIRE((*f)->pwrite(4 << 20, data.data(), data.size()).ok());
  auto extents = (*f)->data_extents(kSize);
  REQUIRE(!extents.empty());
  // Where SEEK_DATA works, the written page is the only data; elsewhere all of it is.
  for (const auto& [from, to] : extents) CHECK(from < to);
  bool covered = false;
  for (const auto& [from, to] : extents) covered |= from <= (4u << 20) && to >= (4u << 20) + data.size();
  CHECK(covered);
  std::string back(data.size(), '\0');
  auto n = (*f)->pread(4 << 20, back.data(), back.size());
  REQUIRE(n.ok());
  CHECK(*n == data.size());
  CHECK(back == data);
}
