#include "base/record.h"

#include <algorithm>

namespace asd {

Bin* Record::find_bin(std::string_view name) {
  for (Bin& b : bins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const Bin* Record::find_bin(std::string_view name) const {
  for (const Bin& b : bins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

bool Record::remove_bin(std::string_view name) {
  auto it = std::find_if(bins.begin(), bins.end(), [&](const Bin& b) { return b.name == name; });
  if (it == bins.end()) return false;
  bins.erase(it);
  return true;
}

size_t Record::memory_bytes() const {
  // 64 bytes mirrors Aerospike's fixed primary-index entry; the rest is bin storage.
  size_t total = 64 + key.size();
  for (const Bin& b : bins) total += 16 + b.name.size() + b.value.size();
  return total;
}

size_t Record::record_size() const {
  size_t total = 22 + key.size();
  for (const Bin& b : bins) total += 8 + b.name.size() + b.value.size();
  return total;
}

}  // namespace asd
