#include "storage/ns_metadata.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/log.h"

namespace asd::storage {

std::string metadata_path(const std::string& first_file) { return first_file + ".smd"; }

NamespaceMetadata load_metadata(const std::string& path) {
  NamespaceMetadata m;
  std::ifstream in(path);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string key;
    words >> key;
    bool ok = true;
    if (key == "truncate-lut") {
      ok = bool(words >> m.truncate_lut);
    } else if (key == "evicted") {
      NamespaceMetadata::Eviction e;
      ok = bool(words >> e.lut >> e.void_threshold);
      if (ok) m.evictions.push_back(e);
    } else if (key == "set-truncate-lut") {
      // The set name is the rest of the line: it may hold spaces.
      uint64_t lut = 0;
      std::string name;
      ok = bool(words >> lut) && bool(std::getline(words >> std::ws, name)) && !name.empty();
      if (ok) m.set_truncate[name] = lut;
    } else if (key != "version") {
      ok = false;
    }
    if (!ok) common::logger("storage")->warn("{}:{}: unreadable metadata line skipped", path, line_no);
  }
  return m;
}

bool save_metadata(const std::string& path, const NamespaceMetadata& m) {
  std::ostringstream out;
  out << "# written by asd: truncate thresholds and eviction for cold start\n";
  out << "version 1\n";
  out << "truncate-lut " << m.truncate_lut << "\n";
  for (const auto& e : m.evictions) out << "evicted " << e.lut << " " << e.void_threshold << "\n";
  for (const auto& [name, lut] : m.set_truncate) out << "set-truncate-lut " << lut << " " << name << "\n";
  std::string text = out.str();
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) common::logger("storage")->error("cannot write {}: {}", path, std::strerror(errno));
  return ok;
}

}  // namespace asd::storage
