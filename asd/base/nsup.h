#pragma once
// nsup, the namespace supervisor: one background thread that, every nsup-period of each
// namespace, walks its partitions and frees expired records. Reads already treat expired
// records as absent, so nsup only reclaims memory and counts expirations.

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace asd {

class Namespace;

class Nsup {
 public:
  explicit Nsup(std::vector<Namespace*> namespaces);
  ~Nsup();

  void start();
  void stop();  // joins the thread

  // One pass over a namespace; returns how many records expired. Thread-safe.
  static uint64_t reduce_expired(Namespace& ns);

 private:
  void run();

  std::vector<Namespace*> namespaces_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace asd
