#pragma once
// nsup, the namespace supervisor: one background thread that, every nsup-period of each
// namespace, walks its partitions and frees expired records. Reads already treat expired
// records as absent, so nsup only reclaims memory and counts expirations.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/digest.h"

namespace asd {

class Namespace;
struct Record;

// Called under the partition lock for each record nsup frees (XDR announces expirations).
using ExpireHook = std::function<void(Namespace&, const common::Digest&, const Record&)>;

class Nsup {
 public:
  explicit Nsup(std::vector<Namespace*> namespaces, ExpireHook on_expire = {});
  ~Nsup();

  void start();
  void stop();  // joins the thread

  // One pass over a namespace; returns how many records expired. Thread-safe.
  static uint64_t reduce_expired(Namespace& ns, const ExpireHook& on_expire = {});

 private:
  void run();

  std::vector<Namespace*> namespaces_;
  ExpireHook on_expire_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace asd
