#include "info_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "common/log.h"
#include "proto/frame.h"

namespace xdr {

namespace {

constexpr int kPollMs = 100;
// Info requests are a few commands; anything bigger is not a client of ours.
constexpr uint64_t kMaxInfoBody = 1 << 20;

struct Conn {
  std::string in;
  std::string out;
};

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Answers every complete request in `c.in`. False on a bad header (close the socket).
bool serve_requests(Conn& c, const InfoHandler& handler) {
  while (c.in.size() >= proto::kProtoHeaderSize) {
    proto::ProtoHeader h = proto::decode_proto_header(reinterpret_cast<const uint8_t*>(c.in.data()));
    if (h.version != proto::kProtoVersion || h.type != uint8_t(proto::ProtoType::Info) || h.size > kMaxInfoBody) {
      return false;
    }
    if (c.in.size() < proto::kProtoHeaderSize + h.size) return true;
    std::string_view body(c.in.data() + proto::kProtoHeaderSize, h.size);
    std::string answer;
    for (const proto::InfoCommand& cmd : proto::parse_info_request(body)) {
      proto::append_info_answer(answer, cmd.text, handler(cmd));
    }
    size_t at = proto::begin_proto(c.out, proto::ProtoType::Info);
    c.out += answer;
    proto::end_proto(c.out, at);
    c.in.erase(0, proto::kProtoHeaderSize + h.size);
  }
  return true;
}

// Reads what is there, answers, writes what fits. False when the connection is done.
bool service(int fd, short revents, Conn& c, const InfoHandler& handler) {
  if (revents & POLLIN) {
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return false;
    if (n > 0) c.in.append(buf, size_t(n));
    if (!serve_requests(c, handler)) return false;
  } else if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
    return false;
  }
  if (!c.out.empty()) {
    ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (n > 0) c.out.erase(0, size_t(n));
  }
  return true;
}

}  // namespace

InfoServer::~InfoServer() { stop(); }

void InfoServer::start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("info socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(port_);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    int err = errno;
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw std::runtime_error("cannot bind xdr-info-port " + std::to_string(port_) + ": " + std::strerror(err));
  }
  set_nonblocking(listen_fd_);
  thread_ = std::thread([this] { run(); });
  common::logger("xdr")->info("info port listening port={}", port_);
}

void InfoServer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void InfoServer::run() {
  std::map<int, Conn> conns;
  std::vector<pollfd> fds;
  while (!stop_) {
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const auto& [fd, c] : conns) fds.push_back({fd, short(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
    if (::poll(fds.data(), fds.size(), kPollMs) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd >= 0) {
        set_nonblocking(fd);
        conns.emplace(fd, Conn{});
      }
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      if (!service(fd, fds[i].revents, conns[fd], handler_)) {
        ::close(fd);
        conns.erase(fd);
      }
    }
  }
  for (const auto& [fd, c] : conns) ::close(fd);
}

}  // namespace xdr
