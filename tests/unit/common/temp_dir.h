#pragma once
// A fresh directory under /tmp for one test, removed with everything in it afterwards.

#include <unistd.h>

#include <filesystem>
#include <string>

namespace common::test {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/unit-test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace common::test
