#include "common/file_reload.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

namespace common {

namespace {

void add_stat(const std::string& path, const struct stat& st, std::string& out) {
  out += path + ":" + std::to_string(st.st_size) + "@" +
         std::to_string(uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec)) + "#" +
         std::to_string(st.st_ino) + ";";
}

// A ca-path directory: OpenSSL reads its hashed entries when it verifies, so an entry
// added, removed or replaced is a change even when the directory's own times are not.
void add_directory(const std::string& path, std::string& out) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) {
    out += path + ":?;";
    return;
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string entry = path + "/" + name;
    struct stat st {};
    if (::stat(entry.c_str(), &st) != 0) {
      out += entry + ":?;";
      continue;
    }
    add_stat(entry, st, out);
  }
}

}  // namespace

std::string files_fingerprint(std::span<const std::string> paths) {
  std::string out;
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      out += path + ":?;";
    } else if (S_ISDIR(st.st_mode)) {
      add_directory(path, out);
    } else {
      add_stat(path, st, out);
    }
  }
  return out;
}

}  // namespace common
