#pragma once
// Seeder: deterministic records for XDR tests, and record-by-record comparison of DCs.
//
// Record i of a Seeder (ns, set) has user key i (stored, send_key) and bins derived from
// i and a version: an integer, a string and a blob of varying length, a double and a
// msgpack list, so a byte-exact comparison exercises several particle types. Two DCs
// are compared by scanning both with the C++ client: same digests, same set, bins
// byte-exact (order-insensitive), void times within a tolerance; generations are not
// compared (a shipped record starts its own generation count).

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "common/digest.h"

namespace support {

class Dc;

class Seeder {
 public:
  Seeder(std::string ns, std::string set) : ns_(std::move(ns)), set_(std::move(set)) {}

  const std::string& ns() const { return ns_; }
  const std::string& set() const { return set_; }
  client::Key key(int64_t i) const { return client::Key(ns_, set_, i); }
  static std::vector<client::Bin> bins(int64_t i, int64_t version);

  // One record; ttl 0 = namespace default (never expires in the test namespaces).
  common::Status write(client::Client& c, int64_t i, int64_t version, uint32_t ttl = 0) const;
  // Records [from, to) at `version`, over `threads` threads. Returns the number of
  // failed writes (0 when all went through).
  size_t write_range(client::Client& c, int64_t from, int64_t to, int64_t version,
                     uint32_t ttl = 0, int threads = 4) const;
  // Deletes records i in [from, to) with i % step == 0; returns failures.
  size_t remove_range(client::Client& c, int64_t from, int64_t to, int64_t step = 1) const;
  // The `v` bin of record i, or -1 when absent (-2 when the read failed).
  static int64_t version_of(client::Client& c, const client::Key& key);

 private:
  std::string ns_;
  std::string set_;
};

// The result of comparing two DCs: equal() when every record matches.
struct DcDiff {
  std::string a_name = "A";
  std::string b_name = "B";
  size_t a_records = 0;
  size_t b_records = 0;
  size_t only_a = 0;
  size_t only_b = 0;
  size_t different = 0;
  std::string error;    // a scan failed
  std::string details;  // the first differences, one per line

  bool equal() const { return error.empty() && only_a == 0 && only_b == 0 && different == 0; }
  std::string summary() const;  // counts and details, for a failure message
};

using Snapshot = std::map<common::Digest, client::Record>;

// Every record of ns/set (all sets when `set` is empty). Throws std::runtime_error when
// the scan fails.
Snapshot snapshot(client::Client& c, const std::string& ns, const std::string& set);
DcDiff compare_snapshots(const Snapshot& a, const Snapshot& b, uint32_t void_time_tolerance_s = 5,
                         const std::string& a_name = "A", const std::string& b_name = "B");
DcDiff compare_dcs(client::Client& a, client::Client& b, const std::string& ns,
                   const std::string& set, uint32_t void_time_tolerance_s = 5,
                   const std::string& a_name = "A", const std::string& b_name = "B");
DcDiff compare_dcs(Dc& a, Dc& b, const std::string& ns, const std::string& set,
                   uint32_t void_time_tolerance_s = 5);
// Compares every 500 ms until equal or timeout_ms; returns the last comparison.
DcDiff converge(Dc& a, Dc& b, const std::string& ns, const std::string& set, int timeout_ms);

// Rewrites records [0, keys) of a Seeder round after round on its own thread; round r
// writes version r (first_version + r). Stops on stop() or destruction.
class BackgroundWriter {
 public:
  BackgroundWriter(client::Client& c, Seeder seeder, int64_t keys, int64_t first_version = 1,
                   int pause_us = 0);
  ~BackgroundWriter() { stop(); }
  void stop();
  uint64_t writes() const { return writes_; }
  uint64_t errors() const { return errors_; }
  // Version of the last completed round (first_version - 1 before the first).
  int64_t last_full_version() const { return last_full_version_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<int64_t> last_full_version_{0};
  std::thread thread_;
};

}  // namespace support
