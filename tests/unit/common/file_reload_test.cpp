// FileReload: when files are built again (the decision behind tls-refresh-period, for
// asd's listener and xdr's DC links), with a builder that parses a number from a file.

#include <catch2/catch.hpp>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/file_reload.h"
#include "temp_dir.h"

using common::FileReload;
using common::Reload;

namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// Moves the file's modification time, as a rewrite a while later does (two writes in the
// same clock tick may share one).
void touch_later(const std::string& path, int seconds) {
  auto t = std::filesystem::last_write_time(path);
  std::filesystem::last_write_time(path, t + std::chrono::seconds(seconds));
}

struct NumberFile {
  std::string path;
  int builds = 0;

  common::Result<std::shared_ptr<const int>> build() {
    ++builds;
    std::ifstream in(path);
    if (!in) return common::Error{common::ResultCode::Parameter, "cannot read " + path};
    std::string text;
    std::getline(in, text);
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return common::Error{common::ResultCode::Parameter, "not a number in " + path};
    }
    return std::make_shared<const int>(value);
  }
};

}  // namespace

TEST_CASE("files_fingerprint follows size, time and presence, and a directory's entries", "[common]") {
  common::test::TempDir dir;
  std::string a = dir.path + "/a";
  std::string sub = dir.path + "/ca-path";
  std::filesystem::create_directory(sub);
  std::vector<std::string> paths = {a, "", sub};

  std::string missing = common::files_fingerprint(paths);
  CHECK(missing.find(a + ":?;") != std::string::npos);
  write(a, "1");
  std::string one = common::files_fingerprint(paths);
  CHECK(one != missing);
  CHECK(common::files_fingerprint(paths) == one);  // nothing moved

  write(a, "2");  // same size...
  touch_later(a, 5);  // ...written later
  std::string two = common::files_fingerprint(paths);
  CHECK(two != one);
  write(a, "22");
  CHECK(common::files_fingerprint(paths) != two);

  std::string before_entry = common::files_fingerprint(paths);
  write(sub + "/1a2b3c4d.0", "ca");
  std::string with_entry = common::files_fingerprint(paths);
  CHECK(with_entry != before_entry);
  CHECK(with_entry.find(sub + "/1a2b3c4d.0:") != std::string::npos);
  CHECK(common::files_fingerprint(std::vector<std::string>{"", ""}).empty());
}

TEST_CASE("FileReload builds again only when the files changed, and keeps the last good object", "[common]") {
  common::test::TempDir dir;
  NumberFile file{dir.path + "/n"};
  write(file.path, "7");
  FileReload<const int> reload({file.path}, [&] { return file.build(); });
  REQUIRE(reload.current());
  CHECK(*reload.current() == 7);
  CHECK(reload.reloads() == 0);  // the first build is not a reload
  CHECK(reload.refresh() == Reload::Unchanged);
  CHECK(file.builds == 1);

  // Half-written: the previous object stays, the reason is kept, and every refresh
  // tries again (a later fix may not move the fingerprint, as a chmod does not).
  write(file.path, "8x");
  CHECK(reload.refresh() == Reload::Failed);
  CHECK(*reload.current() == 7);
  CHECK(reload.error().find("not a number") != std::string::npos);
  CHECK(reload.refresh() == Reload::Failed);
  CHECK(file.builds == 3);

  write(file.path, "80");
  touch_later(file.path, 5);
  CHECK(reload.refresh() == Reload::Reloaded);
  CHECK(*reload.current() == 80);
  CHECK(reload.error().empty());
  CHECK(reload.reloads() == 1);
  CHECK(reload.refresh() == Reload::Unchanged);
  CHECK(file.builds == 4);
}

TEST_CASE("FileReload with files that do not load at first: nothing in use until they do", "[common]") {
  common::test::TempDir dir;
  NumberFile file{dir.path + "/n"};
  FileReload<const int> reload({file.path}, [&] { return file.build(); });
  CHECK_FALSE(reload.current());
  CHECK(reload.error().find("cannot read") != std::string::npos);
  CHECK(reload.refresh() == Reload::Failed);  // nothing loaded: tried at every call
  CHECK_FALSE(reload.current());

  write(file.path, "3");
  CHECK(reload.refresh() == Reload::Reloaded);
  REQUIRE(reload.current());
  CHECK(*reload.current() == 3);
  CHECK(reload.reloads() == 1);
  CHECK(reload.refresh() == Reload::Unchanged);
}
