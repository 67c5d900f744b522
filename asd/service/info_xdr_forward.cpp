// XDR through asd's service port, as on Aerospike 5+: `get-stats`, `get-config` and
// `set-config` with context=xdr, sent to asd, are answered by the node's xdr daemon. asd
// forwards the command to xdr's info port on loopback (xdr-info-port) and answers what xdr
// answers, so tools that know only port 3000 see XDR. These commands run on the scan pool
// (dispatch.cpp is_long_running), where waiting for xdr blocks no client.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "common/bytes.h"
#include "proto/frame.h"
#include "service/info_values.h"
#include "service/node_context.h"

namespace asd {

namespace {

constexpr int kXdrAnswerTimeoutSec = 3;

// A connected socket, closed when it goes.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Sends or receives all of [data, data + n) on a socket with timeouts; false on error,
// timeout or a closed peer.
bool transfer(int fd, char* data, size_t n, bool sending) {
  while (n > 0) {
    ssize_t done = sending ? ::send(fd, data, n, MSG_NOSIGNAL) : ::recv(fd, data, n, 0);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    data += done;
    n -= size_t(done);
  }
  return true;
}

// One info command to 127.0.0.1:port; the value, or nullopt with *error set. Loopback
// connects at once or is refused; the socket timeouts bound a silent (frozen) xdr.
std::optional<std::string> ask(uint16_t port, std::string_view command, std::string* error) {
  Fd s{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s.fd < 0 || ::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  timeval limit{kXdrAnswerTimeoutSec, 0};
  setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  std::string request = proto::make_info_request({std::string(command)});
  std::string header(proto::kProtoHeaderSize, '\0');
  std::string body;
  bool ok = transfer(s.fd, request.data(), request.size(), true) && transfer(s.fd, header.data(), header.size(), false);
  if (ok) {
    uint64_t size = common::load_be64(common::as_bytes(header)) & 0xFFFFFFFFFFFFull;
    ok = size <= (1u << 24);
    if (ok) body.resize(size);
  }
  if (!ok || !transfer(s.fd, body.data(), body.size(), false)) {
    *error = "no answer within " + std::to_string(kXdrAnswerTimeoutSec) + " s";
    return std::nullopt;
  }
  for (auto& [cmd, value] : proto::parse_info_answer(body)) {
    if (cmd == command) return value;
  }
  *error = "answer without the command";
  return std::nullopt;
}

}  // namespace

bool is_xdr_command(const proto::InfoCommand& cmd) {
  if (cmd.name != "get-stats" && cmd.name != "get-config" && cmd.name != "set-config") return false;
  return info_param(cmd, "context") == "xdr";
}

std::string forward_to_xdr(NodeContext& node, const proto::InfoCommand& cmd) {
  const conf::Xdr& xdr = node.config().xdr;
  if (!xdr.enable_xdr) return "ERROR:4:xdr is not enabled on this node";
  std::string error;
  std::optional<std::string> answer = ask(uint16_t(xdr.info_port), cmd.text, &error);
  if (!answer) {
    return "ERROR:4:xdr does not answer on 127.0.0.1:" + std::to_string(xdr.info_port) + " (" + error + ")";
  }
  return *answer;
}

}  // namespace asd
