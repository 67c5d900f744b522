#include "support/raw_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "common/bytes.h"

namespace support {

RawSocket::RawSocket(uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    throw std::runtime_error("connect to port " + std::to_string(port) + " failed");
  }
}

RawSocket::~RawSocket() {
  if (fd_ >= 0) close(fd_);
}

bool RawSocket::send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += size_t(n);
  }
  return true;
}

bool RawSocket::recv_exact(char* out, size_t n, int timeout_ms) {
  size_t got = 0;
  while (got < n) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t r = recv(fd_, out + got, n - got, 0);
    if (r <= 0) return false;
    got += size_t(r);
  }
  return true;
}

std::optional<std::string> RawSocket::recv_proto(int timeout_ms) {
  std::string header(8, '\0');
  if (!recv_exact(header.data(), 8, timeout_ms)) return std::nullopt;
  uint64_t size = common::load_be64(common::as_bytes(header)) & 0xFFFFFFFFFFFFull;
  std::string out = header;
  out.resize(8 + size);
  if (!recv_exact(out.data() + 8, size, timeout_ms)) return std::nullopt;
  return out;
}

bool RawSocket::closed_by_peer(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return false;
  char c;
  return recv(fd_, &c, 1, 0) == 0;
}

}  // namespace support
