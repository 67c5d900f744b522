#include "fake_info_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "proto/frame.h"
#include "proto/info.h"

namespace tools_test {

namespace {

bool read_exact(int fd, std::string& out, size_t size) {
  out.resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::recv(fd, out.data() + done, size - done, 0);
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

void write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += size_t(n);
  }
}

}  // namespace

FakeInfoServer::FakeInfoServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("fake info server cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { accept_loop(); });
}

FakeInfoServer::~FakeInfoServer() {
  stopping_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void FakeInfoServer::set(const std::string& command, const std::string& value) {
  std::lock_guard lock(mu_);
  answers_[command] = value;
}

void FakeInfoServer::accept_loop() {
  // Polling with a short timeout lets the destructor stop us without closing the fd
  // under a blocked accept().
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    serve(fd);
    ::close(fd);
  }
}

void FakeInfoServer::serve(int fd) {
  std::string header, body;
  while (!stopping_) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 20);
    if (ready == 0) continue;
    if (ready < 0 || !read_exact(fd, header, proto::kProtoHeaderSize)) return;
    auto h = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(header.data()));
    if (!read_exact(fd, body, h.size)) return;
    ++requests_;
    std::string answer;
    {
      std::lock_guard lock(mu_);
      for (const auto& command : proto::parse_info_request(body)) {
        auto it = answers_.find(std::string(command.text));
        proto::append_info_answer(answer, command.text,
                                  it == answers_.end() ? "ERROR:4:unrecognized command" : it->second);
      }
    }
    std::string out;
    size_t at = proto::begin_proto(out, proto::ProtoType::Info);
    out += answer;
    proto::end_proto(out, at);
    write_all(fd, out);
  }
}

}  // namespace tools_test
