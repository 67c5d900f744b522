#pragma once
// AckedWorkload: continuous writes (and optionally updates and deletes) from client
// threads that record, per key, the last operation the database acknowledged, so that a
// failure test can check afterwards, record by record, that nothing acknowledged was lost.
//
// Mostly inserts: each thread writes fresh keys (its slice: i % threads == t, in order),
// and now and then rewrites or deletes a key it wrote a little earlier. So the keys
// written just before a fault are not written again after it: whatever a dead node had
// not shipped must be shipped by someone else, not by a later overwrite. The order of
// operations on one key is the order its thread issued them. An operation that failed
// may or may not have been applied: the key is then "uncertain" until a later operation
// on it is acknowledged, and check() accepts either state for it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "support/seeder.h"

namespace support {

struct AckedOptions {
  int64_t keys = 200000;  // capacity: the threads stop writing when every key was inserted
  int threads = 2;
  int pause_us = 500;     // between operations of one thread
  int update_every = 4;   // every n-th operation rewrites a key written `back` ops ago (0: never)
  int delete_every = 0;   // every n-th operation deletes one (0: never)
  int back = 50;
};

class AckedWorkload {
 public:
  // `connect` makes one client per thread (a cluster client for a multi-node DC).
  AckedWorkload(std::function<std::unique_ptr<client::Client>()> connect, Seeder seeder, AckedOptions options);
  ~AckedWorkload();  // stop()

  void start();
  void stop();

  uint64_t acknowledged() const { return acked_.load(); }
  uint64_t failed() const { return failed_.load(); }
  uint64_t deletes() const { return deletes_.load(); }

  // Compares what `c` holds with the acknowledged state: an acknowledged write must be
  // there with its version, an acknowledged delete absent (an uncertain key may also
  // hold its failed operation's state). Returns "" when all holds, else a count and the
  // first problems.
  std::string check(client::Client& c, const std::string& who) const;
  size_t certain_keys() const;

 private:
  struct KeyState {
    int64_t version = 0;      // of the last acknowledged operation
    bool deleted = false;
    bool acked = false;       // some operation on this key was acknowledged
    bool uncertain = false;   // an operation after the last acknowledged one failed
    int64_t uncertain_version = 0;
    bool uncertain_delete = false;
  };

  void run(int thread);
  void apply(client::Client& c, int64_t key, int64_t version, bool remove);

  std::function<std::unique_ptr<client::Client>()> connect_;
  Seeder seeder_;
  AckedOptions options_;
  mutable std::mutex mu_;
  std::vector<KeyState> keys_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> acked_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> deletes_{0};
  std::vector<std::thread> threads_;
};

}  // namespace support
