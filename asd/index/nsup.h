#pragma once
// nsup, the namespace supervisor: one background thread that, every nsup-period of each
// namespace, walks its partitions and frees expired records (reads already treat them as
// absent, so this reclaims memory and device space), then evicts while the namespace is
// above a high-water mark: records closest to expiry first, never those without a TTL.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/digest.h"
#include "proto/xdr_frame.h"

namespace asd {

class Namespace;
struct Record;

// Called under the partition lock for each record nsup frees, with Expire or Evict (XDR
// announces them).
using ExpireHook = std::function<void(Namespace&, const common::Digest&, const Record&, proto::XdrOp)>;

class Nsup {
 public:
  explicit Nsup(std::vector<Namespace*> namespaces, ExpireHook on_expire = {});
  ~Nsup();

  void start();
  void stop();  // joins the thread

  // One pass over a namespace; returns how many records expired. Thread-safe.
  static uint64_t reduce_expired(Namespace& ns, const ExpireHook& on_expire = {});
  // While above a high-water mark, evicts evict-tenths-pct of the records per round,
  // those expiring soonest first. Returns how many went. Thread-safe.
  static uint64_t evict(Namespace& ns, const ExpireHook& on_evict = {});

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
