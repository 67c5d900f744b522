#pragma once
// What a cold start needs besides the records: truncate thresholds and the eviction
// void time. Kept in a small text file next to the namespace's first data file
// (`<file>.smd`), replaced atomically (write, fsync, rename), so a crash leaves either
// the old or the new version.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace asd::storage {

struct NamespaceMetadata {
  uint64_t truncate_lut = 0;                    // truncate-namespace threshold
  std::map<std::string, uint64_t> set_truncate;  // set name -> truncate threshold
  // Each eviction pass: at that LUT (ms), records with a void time below the threshold
  // went. Entries whose threshold has passed are pruned (those records expired anyway).
  struct Eviction {
    uint64_t lut = 0;
    uint32_t void_threshold = 0;
  };
  std::vector<Eviction> evictions;
};

std::string metadata_path(const std::string& first_file);
// Missing file: empty metadata. Unreadable lines are skipped with a warning naming
// file:line.
NamespaceMetadata load_metadata(const std::string& path);
// False (and an error logged) when the file cannot be written.
bool save_metadata(const std::string& path, const NamespaceMetadata& m);

}  // namespace asd::storage
