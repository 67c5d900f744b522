#pragma once
// A plain blocking TCP socket for feeding a daemon hand-made (and malformed) bytes.

#include <cstdint>
#include <optional>
#include <string>

namespace support {

class RawSocket {
 public:
  explicit RawSocket(uint16_t port);  // connects to 127.0.0.1; throws on failure
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool send(const std::string& bytes);
  // One whole proto (header + body), or nullopt when the peer closed or timed out.
  std::optional<std::string> recv_proto(int timeout_ms = 5000);
  // True when the peer closed the connection within timeout_ms.
  bool closed_by_peer(int timeout_ms = 5000);

 private:
  bool recv_exact(char* out, size_t n, int timeout_ms);
  int fd_ = -1;
};

}  // namespace support
