#pragma once
// Helpers shared by the logger unit tests: a temp directory that cleans up after
// itself, frame makers, polling, and raw access to the digest-log file layout.

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "common/bytes.h"
#include "common/digest.h"
#include "proto/xdr_frame.h"

namespace logger::test {

// Layout constants from the byte table in logger/digest_log.h.
inline constexpr uint64_t kHeaderCopy = 16384;
inline constexpr uint64_t kEntries = 2 * kHeaderCopy;
inline constexpr uint64_t kEntry = 156;

inline uint64_t size_for(uint64_t entries) { return kEntries + entries * kEntry; }

class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/unit_logger_XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline proto::XdrFrame make_frame(const std::string& ns, uint64_t lut, int64_t key = 0) {
  proto::XdrFrame f;
  f.ns = ns;
  f.set = "demo";
  f.lut = lut;
  f.generation = uint16_t(key);
  f.digest = common::compute_digest("demo", key);
  return f;
}

inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return pred();
}

// Raw file surgery for corruption tests.
inline void poke(const std::string& path, uint64_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(std::streamoff(offset));
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

inline std::string peek(const std::string& path, uint64_t offset, size_t n) {
  std::ifstream f(path, std::ios::binary);
  f.seekg(std::streamoff(offset));
  std::string out(n, '\0');
  f.read(out.data(), std::streamsize(n));
  return out;
}

inline uint64_t header_generation(const std::string& path, int copy) {
  std::string g = peek(path, uint64_t(copy) * kHeaderCopy + 32, 8);
  return common::load_be64(common::as_bytes(g));
}

// The header copy with the higher generation (the one open() would pick).
inline int newest_header(const std::string& path) {
  return header_generation(path, 1) > header_generation(path, 0) ? 1 : 0;
}

}  // namespace logger::test
