#pragma once
// The ticker: every `ticker-interval` seconds a block of lines under the `info` log
// context with what an operator looks at first, as Aerospike's ticker.c does
// (simplified): the node and its cluster, client connections, migrations left, the xdr
// pipe, and per namespace its objects, memory and device use, client results since start
// and operations per second since the previous tick. It reads every layer's counters, so
// it sits beside node.cpp. One thread; set-config may change the interval while it runs.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace asd {

class NodeContext;

class Ticker {
 public:
  // The node's cluster engine must exist before start() and outlive stop().
  Ticker(NodeContext& node, uint32_t interval_sec);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  void start();
  void stop();
  // 0 pauses the ticker; a change restarts the wait with the new interval.
  void set_interval(uint32_t interval_sec);

 private:
  // Per-namespace client operations at the previous tick, for the rates.
  struct Ops {
    uint64_t reads = 0;
    uint64_t writes = 0;
    uint64_t deletes = 0;
  };

  void run();
  void tick();

  NodeContext& node_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint32_t interval_sec_;
  bool stopping_ = false;
  std::thread thread_;
  // Used by the ticker thread only.
  std::vector<Ops> last_ops_;
  uint64_t last_tick_ms_ = 0;
};

}  // namespace asd
