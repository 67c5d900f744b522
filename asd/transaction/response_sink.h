#pragma once
// Where a request's answer goes. Single answers are collected and written once;
// streams (batch, scan) flush every ~128 KiB so memory stays bounded however many
// records a stream carries. A sink belongs to one thread at a time: what waits (for
// replicas, the device, a write to the client) continues on the sink's thread through
// post(), never by blocking it.

#include <functional>
#include <string>
#include <string_view>

#include "transaction/record_request.h"

namespace asd {

namespace security {
class Session;
}

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The buffer to append complete protos to.
  std::string& buffer() { return buffer_; }
  // Sends what is buffered and waits until it is written. Only for threads that may
  // block (scans run on their own pool). False when the client is gone.
  virtual bool flush() = 0;
  // Sends what is buffered without blocking; `then(ok)` runs on the sink's thread once
  // it is written (ok false: the client is gone, stop streaming).
  virtual void flush_async(std::function<void(bool ok)> then) = 0;
  // Runs `fn` on the sink's thread: how a continuation gets back after a wait.
  virtual void post(std::function<void()> fn) = 0;
  // Set by a commit-to-device write: the buffered answer waits for the device.
  CommitWait& commit_wait() { return commit_wait_; }
  // How many times this request was proxied already (a bound against ping-pong while
  // two nodes disagree about a partition during a change).
  uint8_t proxy_hops() const { return proxy_hops_; }
  // The client connection's standing with access control; null when commands are not
  // checked here (security off, or a request another node proxied after checking it).
  security::Session* session() const { return session_; }

 protected:
  std::string buffer_;
  CommitWait commit_wait_;
  uint8_t proxy_hops_ = 0;
  security::Session* session_ = nullptr;
};

// Calls `send` once the answer in `out` may go: the replicas acked (else its result
// becomes a timeout), a proxied request's answer arrived (it replaces `out`), and the
// device holds the write under commit-to-device. `out` must live until then; `send`
// runs on whichever thread finished the last wait.
void when_answer_ready(std::string& out, CommitWait wait, std::function<void()> send);

inline constexpr size_t kStreamFlushBytes = 128 * 1024;

}  // namespace asd
