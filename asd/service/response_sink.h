#pragma once
// Where a request's answer goes. Single answers are collected and written once;
// streams (batch, scan) flush every ~128 KiB so memory stays bounded however many
// records a stream carries.

#include <string>
#include <string_view>

namespace asd {

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The buffer to append complete protos to.
  std::string& buffer() { return buffer_; }
  // Sends what is buffered. Returns false when the client is gone (stop streaming).
  virtual bool flush() = 0;

 protected:
  std::string buffer_;
};

inline constexpr size_t kStreamFlushBytes = 128 * 1024;

}  // namespace asd
