#pragma once
// Where a request's answer goes. Single answers are collected and written once;
// streams (batch, scan) flush every ~128 KiB so memory stays bounded however many
// records a stream carries.

#include <string>
#include <string_view>

#include "transaction/record_request.h"

namespace asd {

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The buffer to append complete protos to.
  std::string& buffer() { return buffer_; }
  // Sends what is buffered. Returns false when the client is gone (stop streaming).
  virtual bool flush() = 0;
  // Set by a commit-to-device write: the buffered answer waits for the device.
  CommitWait& commit_wait() { return commit_wait_; }

 protected:
  std::string buffer_;
  CommitWait commit_wait_;
};

inline constexpr size_t kStreamFlushBytes = 128 * 1024;

}  // namespace asd
