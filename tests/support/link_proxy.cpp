#include "support/link_proxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <list>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/process.h"

namespace support {

namespace {

constexpr size_t kMaxBuffered = 1 << 20;  // per direction; reading stops beyond it

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Closes with an RST rather than a FIN: the peer sees "connection reset" at once.
void reset_close(int fd) {
  if (fd < 0) return;
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int connect_target(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_nonblocking(fd);
  return fd;
}

struct Pair {
  int fd[2] = {-1, -1};  // 0 = the client side, 1 = the target side
  std::string pending[2];  // bytes waiting to be written to fd[i]
  bool dead = false;
};

// Moves what fd[from] has into pending[1 - from]; false on EOF or error.
bool pump_in(Pair& p, int from, std::atomic<uint64_t>& bytes) {
  char buf[65536];
  ssize_t n = ::read(p.fd[from], buf, sizeof buf);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  p.pending[1 - from].append(buf, size_t(n));
  bytes += uint64_t(n);
  return true;
}

bool pump_out(Pair& p, int to) {
  std::string& out = p.pending[to];
  ssize_t n = ::send(p.fd[to], out.data(), out.size(), MSG_NOSIGNAL);
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  out.erase(0, size_t(n));
  return true;
}

}  // namespace

LinkProxy::LinkProxy(uint16_t target_port) : target_port_(target_port) {
  port_ = free_port();
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = loopback(port_);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 128) != 0) {
    close(listen_fd_);
    throw std::runtime_error("LinkProxy: cannot listen on port " + std::to_string(port_));
  }
  set_nonblocking(listen_fd_);
  thread_ = std::thread([this] { run(); });
}

LinkProxy::~LinkProxy() {
  set_state(kStopping);
  thread_.join();
  close(listen_fd_);
}

void LinkProxy::drop() { set_state(kDropped); }
void LinkProxy::restore() { set_state(kUp); }
void LinkProxy::pause() { set_state(kPaused); }
void LinkProxy::resume() { set_state(kUp); }

void LinkProxy::set_state(State s) {
  state_ = s;
  uint64_t ticket = ++requested_;
  while (applied_ < ticket) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void LinkProxy::run() {
  std::list<Pair> pairs;
  while (true) {
    uint64_t ticket = requested_;
    int state = state_;
    if (state == kDropped || state == kStopping) {
      for (Pair& p : pairs) {
        reset_close(p.fd[0]);
        reset_close(p.fd[1]);
      }
      pairs.clear();
    }
    open_pairs_ = pairs.size();
    applied_ = ticket;
    if (state == kStopping) return;

    std::vector<pollfd> fds;
    fds.push_back({listen_fd_, POLLIN, 0});
    size_t polled = 0;  // pairs [0, polled) have fds [1 + 2j, 2 + 2j]
    if (state == kUp) {
      polled = pairs.size();
      for (Pair& p : pairs) {
        for (int i = 0; i < 2; ++i) {
          short ev = 0;
          if (p.pending[1 - i].size() < kMaxBuffered) ev |= POLLIN;
          if (!p.pending[i].empty()) ev |= POLLOUT;
          fds.push_back({p.fd[i], ev, 0});
        }
      }
    }
    if (poll(fds.data(), fds.size(), 10) < 0 && errno != EINTR) return;

    if (fds[0].revents & POLLIN) {
      while (true) {
        int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) break;
        ++accepted_;
        if (state == kDropped) {
          reset_close(fd);
          continue;
        }
        int target = connect_target(target_port_);
        if (target < 0) {
          reset_close(fd);
          continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        set_nonblocking(fd);
        Pair p;
        p.fd[0] = fd;
        p.fd[1] = target;
        pairs.push_back(std::move(p));
      }
    }
    if (state != kUp) continue;

    // Pairs accepted just now sit after the polled ones (push_back) and wait a round.
    size_t k = 1;
    auto pit = pairs.begin();
    for (size_t j = 0; j < polled; ++j, ++pit) {
      Pair& p = *pit;
      for (int i = 0; i < 2; ++i, ++k) {
        short re = fds[k].revents;
        if ((re & POLLIN) && !pump_in(p, i, bytes_)) p.dead = true;
        if ((re & POLLOUT) && !pump_out(p, i)) p.dead = true;
        if ((re & (POLLERR | POLLNVAL)) || ((re & POLLHUP) && !(re & POLLIN))) p.dead = true;
      }
    }
    for (auto it = pairs.begin(); it != pairs.end();) {
      if (it->dead) {
        // Deliver what the surviving side still has to get, best effort, then close.
        for (int i = 0; i < 2; ++i) {
          if (!it->pending[i].empty()) (void)pump_out(*it, i);
        }
        close(it->fd[0]);
        close(it->fd[1]);
        it = pairs.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace support
