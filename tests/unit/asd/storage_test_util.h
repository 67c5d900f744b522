#pragma once
// Helpers shared by the device engine tests: a small device config, numbered records
// whose digest and contents can be told apart, and starting an engine on empty files.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "base/record.h"
#include "common/digest.h"
#include "conf/config.h"
#include "storage/device_storage.h"
#include "temp_dir.h"

namespace asd::storage::test {

using common::test::TempDir;

// 1 MiB in 16 KiB blocks, commit-to-device.
inline conf::DeviceStorage device_config(const std::string& file) {
  conf::DeviceStorage d;
  d.files = {file};
  d.filesize = 1 << 20;
  d.write_block_size = 16 * 1024;
  d.commit_to_device = true;
  d.flush_max_ms = 50;
  d.defrag_lwm_pct = 50;
  d.max_write_cache = 64 << 20;
  return d;
}

inline common::Digest digest_of(uint32_t i) {
  common::Digest d;
  std::memcpy(d.bytes.data(), &i, sizeof i);
  d.bytes[19] = 0xAB;
  return d;
}

// The inverse of digest_of().
inline uint32_t number_of(const common::Digest& d) {
  uint32_t i;
  std::memcpy(&i, d.bytes.data(), sizeof i);
  return i;
}

inline Record record_of(uint32_t i) {
  Record r;
  r.generation = 1;
  r.lut = 1000 + i;
  r.bins.push_back(Bin{"v", 3, std::string(200, char('a' + i % 26))});
  return r;
}

// Starts an engine on files known to be empty: nothing to load, no defrag to do.
inline void start_empty(DeviceStorage& st) {
  st.cold_start(2, [](const StoredRecord&, unsigned) {});
  st.finish_cold_start(std::vector<uint64_t>(st.n_blocks(), 0));
  st.start([](const StoredRecord&, uint64_t) {});
}

}  // namespace asd::storage::test
